-- Fältlogg coordination server, SQLite schema 7: erasure by crypto-shredding and retention.
-- Never edit a migration that has shipped: add a new one.

-- The person key an envelope is under (its header's scope, in the clear): a person's records
-- and the key envelope itself. NULL: the team key, or an erasure.
ALTER TABLE envelopes ADD COLUMN scope_key TEXT;
CREATE INDEX envelopes_by_scope ON envelopes (team_id, scope_key) WHERE scope_key IS NOT NULL;

-- Person keys erased: their envelopes are deleted, and any that arrives later is dropped.
CREATE TABLE erasures (
    team_id TEXT NOT NULL REFERENCES teams (id),
    key_id TEXT NOT NULL,
    erased_at INTEGER NOT NULL,
    device_id TEXT NOT NULL,
    PRIMARY KEY (team_id, key_id)
) WITHOUT ROWID;

-- Months without activity after which a coordinator's phone erases a person (1 to 120).
ALTER TABLE teams ADD COLUMN retention_months INTEGER NOT NULL DEFAULT 24;
