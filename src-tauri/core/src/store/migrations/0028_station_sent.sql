-- Several stations (issue 21): what a till sent is kept for a week after the server took it, so
-- that a server restored from a backup older than those sales gets them again from the till
-- (the till resends each one the restored server's applied_actions lacks, in its first order).
-- `seq` is the order they were sent in: the outbox's own keys restart once it empties.
CREATE TABLE station_sent (
    seq     INTEGER PRIMARY KEY,
    id      TEXT NOT NULL UNIQUE,
    kind    TEXT NOT NULL,
    payload TEXT NOT NULL,
    made_at INTEGER NOT NULL,
    sent_at INTEGER NOT NULL
) STRICT;
CREATE INDEX station_sent_at ON station_sent (sent_at);
