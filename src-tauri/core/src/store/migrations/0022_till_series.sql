-- Several stations (issue 21): a till sells journal-first — each sale commits to the till's own
-- file first — so receipts, shifts and the journal's chain are numbered per till, never by
-- "whoever reaches the server first". A standalone shop is the till '' and keeps its numbers.
-- On a file there is one till, so its keys stay as they are; the server's keys are per till.
-- The till this file is: '' on a standalone shop (and on the server); a till's own name (T1) on a
-- station's file, stamped on what it numbers.
ALTER TABLE shop ADD COLUMN till TEXT NOT NULL DEFAULT '';
ALTER TABLE sale ADD COLUMN station TEXT NOT NULL DEFAULT '';
ALTER TABLE shift ADD COLUMN station TEXT NOT NULL DEFAULT '';
ALTER TABLE journal ADD COLUMN station TEXT NOT NULL DEFAULT '';

-- What the till did, waiting for the shop's server: each action once, in the order it was made,
-- removed in the till's transaction after the server's own commit took it (its id is then in the
-- server's applied_actions, so a removal lost with a killed till is found and only done again).
CREATE TABLE station_outbox (
    seq     INTEGER PRIMARY KEY,
    id      TEXT NOT NULL UNIQUE, -- UUIDv7, made on the till
    kind    TEXT NOT NULL,
    payload TEXT NOT NULL,        -- JSON: the rows the action wrote, table by table
    made_at INTEGER NOT NULL
) STRICT;
