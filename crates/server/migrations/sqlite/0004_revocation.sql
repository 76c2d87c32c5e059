-- Fältlogg coordination server, SQLite schema 4: revocation.
-- Never edit a migration that has shipped: add a new one.

-- When a coordinator revoked the device, and the team identity's signature of that
-- (devices check it; a change the device stamped later is not the team's). The device may
-- still hand over what it stamped before.
ALTER TABLE devices ADD COLUMN revoked_at INTEGER;
ALTER TABLE devices ADD COLUMN revocation BLOB;
