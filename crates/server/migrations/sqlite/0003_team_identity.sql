-- Fältlogg coordination server, SQLite schema 3: trust rooted in the team.
-- Never edit a migration that has shipped: add a new one.

-- The team identity's public key (Ed25519), sent once by the coordinator device that made it.
-- The server only relays it: devices pin it at enrolment and check every grant and admission
-- against their pinned copy, not against this column.
ALTER TABLE teams ADD COLUMN identity_key BLOB;

-- The team identity's signature admitting the device with its keys (set at approval).
ALTER TABLE devices ADD COLUMN admission BLOB;

-- A grant's identity share (a sealed box, JSON, for coordinator devices) and its signature.
-- Grants stored before this schema have neither: devices that have pinned an identity refuse
-- them.
ALTER TABLE sealed_team_keys ADD COLUMN identity BLOB;
ALTER TABLE sealed_team_keys ADD COLUMN signature BLOB;

-- Envelope ids are unique per team, not across the server: one team's device must not be
-- able to learn of, or block, an id in another team. SQLite cannot drop a column's UNIQUE,
-- so the table is made again (nothing references it).
CREATE TABLE envelopes_v3 (
    team_id     TEXT NOT NULL REFERENCES teams(id),
    seq         INTEGER NOT NULL,
    id          TEXT NOT NULL,
    device_id   TEXT NOT NULL REFERENCES devices(id),
    bytes       BLOB NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (team_id, seq),
    UNIQUE (team_id, id)
);
INSERT INTO envelopes_v3 (team_id, seq, id, device_id, bytes, received_at)
    SELECT team_id, seq, id, device_id, bytes, received_at FROM envelopes;
DROP TABLE envelopes;
ALTER TABLE envelopes_v3 RENAME TO envelopes;
