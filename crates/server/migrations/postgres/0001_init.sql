-- Fältlogg coordination server, PostgreSQL schema 1: what SQLite's schemas 1 to 10 made, in
-- PostgreSQL's own types (uuid, bytea, bigint, boolean).
-- Never edit a migration that has shipped: add a new one.
-- Times are Unix milliseconds. Nothing here is plaintext of a record: envelopes are
-- ciphertext, sealed team keys are ciphertext, device keys are public keys.

CREATE TABLE teams (
    id                  uuid PRIMARY KEY,
    name                text NOT NULL UNIQUE,
    -- The current team-key epoch; 0 until the first coordinator device makes the key.
    key_epoch           bigint NOT NULL DEFAULT 0,
    -- The last per-team envelope sequence number handed out. Every push takes this row's
    -- lock first and holds it to commit, so a team's numbers become visible in order: a
    -- device that has pulled up to n never misses an n - 1 committed later.
    last_seq            bigint NOT NULL DEFAULT 0,
    created_at          bigint NOT NULL,
    -- The team identity's public key (Ed25519), sent once by the coordinator device that
    -- made it. Devices pin their own copy; this one is only relayed.
    identity_key        bytea,
    -- What the coordinators set for the team's phones.
    idle_lock_minutes   bigint NOT NULL DEFAULT 5,
    wipe_after_failures bigint,
    retention_months    bigint NOT NULL DEFAULT 24,
    report_threshold    bigint NOT NULL DEFAULT 5
);

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    team_id       uuid NOT NULL REFERENCES teams (id),
    username      text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('coordinator', 'worker')),
    created_at    bigint NOT NULL,
    -- A disabled account cannot sign in; kept, for its devices signed envelopes.
    disabled_at   bigint
);

CREATE TABLE devices (
    id           uuid PRIMARY KEY,
    team_id      uuid NOT NULL REFERENCES teams (id),
    user_id      uuid NOT NULL REFERENCES users (id),
    signing_key  bytea NOT NULL,
    exchange_key bytea NOT NULL,
    status       text NOT NULL CHECK (status IN ('pending', 'approved', 'revoked')),
    enrolled_at  bigint NOT NULL,
    -- Deferrable: a restore inserts devices in id order, an approver maybe after the
    -- devices it approved.
    approved_by  uuid REFERENCES devices (id) DEFERRABLE,
    approved_at  bigint,
    -- The team identity's signature admitting the device with its keys.
    admission    bytea,
    -- When a coordinator revoked the device, and the team identity's signature of that.
    revoked_at   bigint,
    revocation   bytea
);
CREATE INDEX devices_team ON devices (team_id);
CREATE INDEX devices_user ON devices (user_id);

-- Session tokens are stored as SHA-256 hashes: a leaked database yields no usable token.
CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id),
    device_id  uuid REFERENCES devices (id),
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- A team key sealed to one device's X25519 key by a coordinator's device, with the grant's
-- identity share (a sealed box, JSON, for coordinator devices) and its signature.
CREATE TABLE sealed_team_keys (
    device_id  uuid NOT NULL REFERENCES devices (id),
    epoch      bigint NOT NULL,
    sealed     bytea NOT NULL,
    sealed_by  uuid NOT NULL REFERENCES devices (id),
    created_at bigint NOT NULL,
    identity   bytea,
    signature  bytea,
    PRIMARY KEY (device_id, epoch)
);

-- One row per envelope, stored once. `bytes` is the whole envelope (postcard), as signed.
-- Ids are unique per team: one team's device must not learn of, or block, another's.
-- `scope_key` is the person key it is under (its header's scope, in the clear); NULL for the
-- team key or an erasure.
CREATE TABLE envelopes (
    team_id     uuid NOT NULL REFERENCES teams (id),
    seq         bigint NOT NULL,
    id          uuid NOT NULL,
    device_id   uuid NOT NULL REFERENCES devices (id),
    bytes       bytea NOT NULL,
    received_at bigint NOT NULL,
    scope_key   uuid,
    PRIMARY KEY (team_id, seq),
    UNIQUE (team_id, id)
);
CREATE INDEX envelopes_by_scope ON envelopes (team_id, scope_key) WHERE scope_key IS NOT NULL;

-- Who, when, which device, what kind: never a body, a record, a name typed or a password.
CREATE TABLE audit_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id       uuid NOT NULL REFERENCES teams (id),
    at            bigint NOT NULL,
    kind          text NOT NULL,
    user_id       uuid REFERENCES users (id),
    device_id     uuid REFERENCES devices (id),
    target_device uuid REFERENCES devices (id)
);
CREATE INDEX audit_events_team ON audit_events (team_id, id);

-- Person keys erased: their envelopes are deleted, and any that arrives later is dropped.
CREATE TABLE erasures (
    team_id   uuid NOT NULL REFERENCES teams (id),
    key_id    uuid NOT NULL,
    erased_at bigint NOT NULL,
    device_id uuid NOT NULL,
    PRIMARY KEY (team_id, key_id)
);

-- A device's open check-in: when its worker set out and when they expect to be back, and
-- whether the team's coordinators were pushed that it is overdue. Never where, or with whom.
CREATE TABLE check_ins (
    device_id  uuid PRIMARY KEY REFERENCES devices (id),
    team_id    uuid NOT NULL REFERENCES teams (id),
    started_at bigint NOT NULL,
    until_at   bigint NOT NULL,
    alerted    boolean NOT NULL DEFAULT false
);
CREATE INDEX check_ins_team ON check_ins (team_id);
CREATE INDEX check_ins_due ON check_ins (until_at) WHERE NOT alerted;

-- Where a coordinator's browser takes pushes (RFC 8291). One per device.
CREATE TABLE push_subscriptions (
    device_id  uuid PRIMARY KEY REFERENCES devices (id),
    team_id    uuid NOT NULL REFERENCES teams (id),
    endpoint   text NOT NULL,
    p256dh     bytea NOT NULL,
    auth       bytea NOT NULL,
    created_at bigint NOT NULL
);
CREATE INDEX push_subscriptions_team ON push_subscriptions (team_id);

-- The server's own secrets, made on first start: the Web Push (VAPID) signing key.
CREATE TABLE server_keys (
    name   text PRIMARY KEY,
    secret bytea NOT NULL
);

-- Sign-in attempts in the current window of each account (`a:` and the username's first 64
-- characters) and client address (`i:` and the address): in the database, so that every
-- server counts together. A window that has ended is deleted at the next sign-in.
CREATE TABLE sign_in_windows (
    key        text PRIMARY KEY,
    started_at bigint NOT NULL,
    attempts   bigint NOT NULL
);
CREATE INDEX sign_in_windows_started ON sign_in_windows (started_at);
