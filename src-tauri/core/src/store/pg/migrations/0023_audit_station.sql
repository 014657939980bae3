-- Several stations (issue 21): the audit trail says at which station each change was made (see
-- SQLite's 0023). A station's connection sets `shopdesk.station` to its name, which an entry
-- written on the server records; a till's own entries arrive with its name already on them.
ALTER TABLE audit_event ADD COLUMN station TEXT NOT NULL DEFAULT '';
