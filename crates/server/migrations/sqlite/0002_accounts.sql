-- Fältlogg coordination server, SQLite schema 2: accounts an operator manages.
-- Never edit a migration that has shipped: add a new one.

-- A disabled account cannot sign in, and its sessions end with it. Kept, not deleted: its
-- devices signed envelopes that the team still holds.
ALTER TABLE users ADD COLUMN disabled_at INTEGER;

-- Teams are named on the command line, so a name names one team.
CREATE UNIQUE INDEX teams_name ON teams(name);
