-- Fältlogg coordination server, SQLite schema 1.
-- Never edit a migration that has shipped: add a new one.
-- Times are Unix milliseconds. Nothing here is plaintext of a record: envelopes are
-- ciphertext, sealed team keys are ciphertext, device keys are public keys.

CREATE TABLE teams (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    -- The current team-key epoch; 0 until the first coordinator device makes the key.
    key_epoch   INTEGER NOT NULL DEFAULT 0,
    -- The last per-team envelope sequence number handed out.
    last_seq    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL,
    team_id       TEXT NOT NULL REFERENCES teams(id),
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('coordinator', 'worker')),
    created_at    INTEGER NOT NULL
);

CREATE TABLE devices (
    id            TEXT PRIMARY KEY NOT NULL,
    team_id       TEXT NOT NULL REFERENCES teams(id),
    user_id       TEXT NOT NULL REFERENCES users(id),
    signing_key   BLOB NOT NULL,
    exchange_key  BLOB NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'revoked')),
    enrolled_at   INTEGER NOT NULL,
    approved_by   TEXT REFERENCES devices(id),
    approved_at   INTEGER
);
CREATE INDEX devices_team ON devices(team_id);

-- Session tokens are stored as SHA-256 hashes: a leaked database yields no usable token.
CREATE TABLE sessions (
    token_hash  BLOB PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users(id),
    device_id   TEXT REFERENCES devices(id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);

-- A team key sealed to one device's X25519 key by a coordinator's device.
CREATE TABLE sealed_team_keys (
    device_id   TEXT NOT NULL REFERENCES devices(id),
    epoch       INTEGER NOT NULL,
    sealed      BLOB NOT NULL,
    sealed_by   TEXT NOT NULL REFERENCES devices(id),
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (device_id, epoch)
);

-- One row per envelope, stored once. `bytes` is the whole envelope (postcard), as signed.
CREATE TABLE envelopes (
    team_id     TEXT NOT NULL REFERENCES teams(id),
    seq         INTEGER NOT NULL,
    id          TEXT NOT NULL UNIQUE,
    device_id   TEXT NOT NULL REFERENCES devices(id),
    bytes       BLOB NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (team_id, seq)
);
