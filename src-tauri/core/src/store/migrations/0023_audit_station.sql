-- Several stations (issue 21): the audit trail says at which station each change was made — a
-- till's own name (T1), or '' for a standalone shop and for the app itself. A till stamps its
-- file's name on what it records; on the server the station's connection says who it is.
ALTER TABLE audit_event ADD COLUMN station TEXT NOT NULL DEFAULT '';
