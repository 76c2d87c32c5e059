-- Fältlogg coordination server, SQLite schema 6: the security events of each team.
-- Never edit a migration that has shipped: add a new one.
-- Who, when, which device, what kind: never a body, a record, a name typed or a password.

CREATE TABLE audit_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id       TEXT NOT NULL REFERENCES teams(id),
    at            INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    -- The account that acted, or that the event is about (a failed sign-in's account).
    user_id       TEXT REFERENCES users(id),
    -- The device that acted.
    device_id     TEXT REFERENCES devices(id),
    -- The device acted on (approved, revoked).
    target_device TEXT REFERENCES devices(id)
);
CREATE INDEX audit_events_team ON audit_events(team_id, id);
