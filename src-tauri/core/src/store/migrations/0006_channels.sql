-- 0006: marketplace channels. Orders come in exactly once (one row per channel and external id,
-- with the raw payload), stock and tracking go out through queues that survive a crash, and every
-- channel keeps its health in plain words. Tokens live in the OS keychain, never here.

CREATE TABLE channel (
    id              TEXT PRIMARY KEY,
    -- What orders from it carry in customer_order.channel ("shopify", "my-woo-shop", …).
    name            TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind            TEXT NOT NULL CHECK (kind IN ('shopify', 'woocommerce', 'vendure')),
    base_url        TEXT NOT NULL,
    interval_secs   INTEGER NOT NULL DEFAULT 60 CHECK (interval_secs BETWEEN 10 AND 86400),
    -- Imports are written in this person's name (the one who connected the channel).
    added_by        TEXT NOT NULL REFERENCES staff(id),
    created_at      INTEGER NOT NULL,
    -- Every order updated at or before this instant (UTC ms) is in; moved only after a full pass.
    watermark       INTEGER,
    last_attempt_at INTEGER,
    last_success_at INTEGER,
    last_error      TEXT,
    last_error_kind TEXT,
    last_error_at   INTEGER
) STRICT;

-- One row per marketplace order ever seen: the exactly-once key, the raw payload and the
-- marketplace's line ids by line position (for fulfilments). Refunds already applied need no
-- list here: each is on the order's ledger with the marketplace's refund id as its reference.
CREATE TABLE channel_order (
    channel_id        TEXT NOT NULL REFERENCES channel(id),
    external_id       TEXT NOT NULL,
    order_id          TEXT NOT NULL REFERENCES customer_order(id),
    remote_updated_at INTEGER NOT NULL,
    line_ids          TEXT NOT NULL, -- JSON array of the marketplace's line ids, by position
    payload           TEXT NOT NULL,
    imported_at       INTEGER NOT NULL,
    PRIMARY KEY (channel_id, external_id)
) STRICT, WITHOUT ROWID;

-- Orders that could not be read; the rest of the page went on. Cleared when it imports later.
CREATE TABLE channel_quarantine (
    channel_id  TEXT NOT NULL REFERENCES channel(id),
    external_id TEXT NOT NULL,
    error       TEXT NOT NULL,
    payload     TEXT NOT NULL,
    seen_at     INTEGER NOT NULL,
    PRIMARY KEY (channel_id, external_id)
) STRICT, WITHOUT ROWID;

-- The marketplace's sellable items and the variant each is (by SKU, or linked by hand).
CREATE TABLE channel_listing (
    channel_id    TEXT NOT NULL REFERENCES channel(id),
    remote_id     TEXT NOT NULL,           -- variant GID, product/variation id, …
    inventory_ref TEXT NOT NULL DEFAULT '', -- Shopify's inventory item; the parent product on Woo
    sku           TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL DEFAULT '',
    variant_id    TEXT REFERENCES variant(id),
    remote_stock  INTEGER,                 -- what the marketplace last said or was last told
    -- The latest stock move of the variant, and the latest one whose level was pushed.
    dirty_seq     INTEGER NOT NULL DEFAULT 0,
    pushed_seq    INTEGER NOT NULL DEFAULT -1,
    pushed_at     INTEGER,
    PRIMARY KEY (channel_id, remote_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX channel_listing_variant ON channel_listing (variant_id);

-- SKUs on marketplace orders or listings that match no variant: the fix-it list.
CREATE TABLE channel_sku_link (
    channel_id TEXT NOT NULL REFERENCES channel(id),
    sku        TEXT NOT NULL COLLATE NOCASE,
    variant_id TEXT REFERENCES variant(id), -- NULL: not linked yet
    title      TEXT NOT NULL DEFAULT '',
    seen_at    INTEGER NOT NULL,
    PRIMARY KEY (channel_id, sku)
) STRICT, WITHOUT ROWID;

-- Any stock movement makes the variant's listings due for a push. A trigger, so no stock path
-- (sale, order, return, count, transfer, receipt) can forget it.
CREATE TRIGGER stock_move_dirties_listing AFTER INSERT ON stock_move BEGIN
    UPDATE channel_listing SET dirty_seq = NEW.seq WHERE variant_id = NEW.variant_id;
END;

-- Tracking pushes retry with backoff and remember what the marketplace made of them.
ALTER TABLE channel_push ADD COLUMN next_attempt_at INTEGER;
ALTER TABLE channel_push ADD COLUMN remote_ref TEXT;
