-- Fältlogg coordination server, SQLite schema 8: the partnership report's threshold.
-- Never edit a migration that has shipped: add a new one.

-- The smallest count a team's partnership report shows (3 to 20); smaller ones show as "<".
ALTER TABLE teams ADD COLUMN report_threshold INTEGER NOT NULL DEFAULT 5;
