-- Several stations (issue 21): a sale the shop's server refuses holds back the till's later ones,
-- in order. The owner may set it aside: it leaves the queue for this table, kept on the till with
-- the server's reason and who set it aside (the till's journal still holds the sale), so the
-- sales after it go on.
CREATE TABLE station_set_aside (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    made_at      INTEGER NOT NULL,
    reason       TEXT NOT NULL,
    set_aside_at INTEGER NOT NULL,
    set_aside_by TEXT NOT NULL
) STRICT;
