-- Fältlogg coordination server, SQLite schema 5: what a team's coordinators set for its
-- phones. Never edit a migration that has shipped: add a new one.

-- Minutes without use before a phone locks itself (1 to 15).
ALTER TABLE teams ADD COLUMN idle_lock_minutes INTEGER NOT NULL DEFAULT 5;
-- Wrong passphrases in a row after which a phone erases its data; NULL: never.
ALTER TABLE teams ADD COLUMN wipe_after_failures INTEGER;
