-- Fältlogg coordination server, SQLite schema 11: sign-in limits kept in the database, so
-- that several servers on one database (PostgreSQL) count together and a restart forgets
-- nothing. Never edit a migration that has shipped: add a new one.

-- One row per account (`a:` and the username's first 64 characters) or client address
-- (`i:` and the address) with attempts in its current window. A window that has ended is
-- deleted at the next sign-in.
CREATE TABLE sign_in_windows (
    key         TEXT PRIMARY KEY NOT NULL,
    started_at  INTEGER NOT NULL,
    attempts    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sign_in_windows_started ON sign_in_windows(started_at);
