-- Fältlogg coordination server, SQLite schema 9: the lone-worker check-in.
-- Never edit a migration that has shipped: add a new one.

-- A device's open check-in: when its worker set out and when they expect to be back. Nothing
-- else: never where, or with whom. One per device; checking out deletes it.
CREATE TABLE check_ins (
    device_id   TEXT PRIMARY KEY NOT NULL REFERENCES devices(id),
    team_id     TEXT NOT NULL REFERENCES teams(id),
    started_at  INTEGER NOT NULL,
    until_at    INTEGER NOT NULL
);
CREATE INDEX check_ins_team ON check_ins(team_id);
