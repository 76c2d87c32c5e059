-- Fältlogg coordination server, SQLite schema 10: Web Push for the check-in's alert.
-- Never edit a migration that has shipped: add a new one.

-- Where a coordinator's browser takes pushes: the push service's address for it and the
-- browser's keys (RFC 8291). One per device; a new subscription replaces the old.
CREATE TABLE push_subscriptions (
    device_id   TEXT PRIMARY KEY NOT NULL REFERENCES devices(id),
    team_id     TEXT NOT NULL REFERENCES teams(id),
    endpoint    TEXT NOT NULL,
    p256dh      BLOB NOT NULL,
    auth        BLOB NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX push_subscriptions_team ON push_subscriptions(team_id);

-- Whether the team's coordinators were pushed that this check-in is overdue: once each.
-- Moving the end clears it.
ALTER TABLE check_ins ADD COLUMN alerted INTEGER NOT NULL DEFAULT 0;

-- The server's own secrets, made on first start: the Web Push (VAPID) signing key.
CREATE TABLE server_keys (
    name    TEXT PRIMARY KEY NOT NULL,
    secret  BLOB NOT NULL
);
