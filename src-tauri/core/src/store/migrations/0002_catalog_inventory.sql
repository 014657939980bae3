-- 0002: products with options and variants, barcodes, full-text search, locations, the stock
-- ledger with derived levels, reorder rules, suppliers, purchase orders, transfers, stocktakes.
-- Landed migrations are never edited; later changes go in new numbered files.

-- The 0001 product (one SKU, one price) becomes a product with one variant.
ALTER TABLE product RENAME TO product_0001;
DROP INDEX product_title;

CREATE TABLE product (
    id             TEXT PRIMARY KEY,
    handle         TEXT NOT NULL UNIQUE COLLATE NOCASE, -- Shopify's key for a product in CSV files
    title          TEXT NOT NULL,
    body_html      TEXT NOT NULL DEFAULT '',            -- sanitised before it is stored
    vendor         TEXT NOT NULL DEFAULT '',
    product_type   TEXT NOT NULL DEFAULT '',
    tags           TEXT NOT NULL DEFAULT '',            -- "a, b, c": trimmed, de-duplicated
    status         TEXT NOT NULL CHECK (status IN ('active', 'draft', 'archived')),
    option1_name   TEXT,
    option2_name   TEXT,
    option3_name   TEXT,
    hs_code        TEXT NOT NULL DEFAULT '',
    origin_country TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;

CREATE INDEX product_title ON product (title COLLATE NOCASE, id);
CREATE INDEX product_vendor ON product (vendor COLLATE NOCASE);
CREATE INDEX product_type ON product (product_type COLLATE NOCASE);

CREATE TABLE product_image (
    id         TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES product(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    src        TEXT NOT NULL,
    alt        TEXT NOT NULL DEFAULT '',
    UNIQUE (product_id, src)
) STRICT;

CREATE TABLE variant (
    seq              INTEGER PRIMARY KEY, -- a stable rowid: the search index points at it
    id               TEXT NOT NULL UNIQUE,
    product_id       TEXT NOT NULL REFERENCES product(id),
    position         INTEGER NOT NULL,
    option1          TEXT,
    option2          TEXT,
    option3          TEXT,
    sku              TEXT UNIQUE COLLATE NOCASE, -- optional, as in Shopify, but unique when set
    barcode          TEXT UNIQUE,                -- unique so a scan finds exactly one variant
    price_minor      INTEGER NOT NULL CHECK (price_minor >= 0),
    compare_at_minor INTEGER CHECK (compare_at_minor >= 0),
    cost_minor       INTEGER CHECK (cost_minor >= 0), -- moving average of received cost
    weight_grams     INTEGER NOT NULL DEFAULT 0 CHECK (weight_grams >= 0),
    weight_unit      TEXT NOT NULL DEFAULT 'kg' CHECK (weight_unit IN ('g', 'kg', 'lb', 'oz')),
    tax_class        TEXT NOT NULL DEFAULT 'standard',
    inventory_policy TEXT NOT NULL DEFAULT 'deny' CHECK (inventory_policy IN ('deny', 'continue')),
    bin              TEXT NOT NULL DEFAULT '',
    image_src        TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
) STRICT;

CREATE INDEX variant_product ON variant (product_id, position);
CREATE UNIQUE INDEX variant_options
    ON variant (product_id, ifnull(option1, ''), ifnull(option2, ''), ifnull(option3, ''));

INSERT INTO product (id, handle, title, status, created_at, updated_at)
    SELECT id, lower(sku), title, status, created_at, updated_at FROM product_0001;
INSERT INTO variant (id, product_id, position, sku, price_minor, created_at, updated_at)
    SELECT lower(hex(randomblob(16))), id, 1, sku, price_minor, created_at, updated_at
    FROM product_0001;
DROP TABLE product_0001;

-- Full-text search over what a clerk types: words of the title, SKU, barcode, vendor, tags, type
-- and option values. Kept in step with the catalog by triggers, inside the same transaction.
CREATE VIRTUAL TABLE variant_search USING fts5 (
    title, sku, barcode, vendor, tags, product_type, options,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER variant_search_insert AFTER INSERT ON variant BEGIN
    INSERT INTO variant_search (rowid, title, sku, barcode, vendor, tags, product_type, options)
    SELECT NEW.seq, p.title, NEW.sku, NEW.barcode, p.vendor, p.tags, p.product_type,
           concat_ws(' ', NEW.option1, NEW.option2, NEW.option3)
    FROM product p WHERE p.id = NEW.product_id;
END;

CREATE TRIGGER variant_search_update AFTER UPDATE ON variant BEGIN
    DELETE FROM variant_search WHERE rowid = OLD.seq;
    INSERT INTO variant_search (rowid, title, sku, barcode, vendor, tags, product_type, options)
    SELECT NEW.seq, p.title, NEW.sku, NEW.barcode, p.vendor, p.tags, p.product_type,
           concat_ws(' ', NEW.option1, NEW.option2, NEW.option3)
    FROM product p WHERE p.id = NEW.product_id;
END;

CREATE TRIGGER variant_search_delete AFTER DELETE ON variant BEGIN
    DELETE FROM variant_search WHERE rowid = OLD.seq;
END;

CREATE TRIGGER product_search_update
AFTER UPDATE OF title, vendor, tags, product_type ON product BEGIN
    DELETE FROM variant_search WHERE rowid IN (SELECT seq FROM variant WHERE product_id = NEW.id);
    INSERT INTO variant_search (rowid, title, sku, barcode, vendor, tags, product_type, options)
    SELECT v.seq, NEW.title, v.sku, v.barcode, NEW.vendor, NEW.tags, NEW.product_type,
           concat_ws(' ', v.option1, v.option2, v.option3)
    FROM variant v WHERE v.product_id = NEW.id;
END;

INSERT INTO variant_search (rowid, title, sku, barcode, vendor, tags, product_type, options)
    SELECT v.seq, p.title, v.sku, v.barcode, p.vendor, p.tags, p.product_type, ''
    FROM variant v JOIN product p ON p.id = v.product_id;

-- Numbers people read out loud (PO 12, transfer 3), one counter per kind of document.
CREATE TABLE counter (
    name TEXT PRIMARY KEY,
    next INTEGER NOT NULL
) STRICT;

CREATE TABLE location (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    position   INTEGER NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at INTEGER NOT NULL
) STRICT;

-- Every shop starts with a shop floor (where the counter sells from) and a back room.
INSERT INTO location (id, name, position, created_at) VALUES
    (lower(hex(randomblob(16))), 'Shop floor', 1, CAST(unixepoch('subsec') * 1000 AS INTEGER)),
    (lower(hex(randomblob(16))), 'Back room', 2, CAST(unixepoch('subsec') * 1000 AS INTEGER));

-- The stock ledger. Rows are only ever appended; a level is the sum of its moves.
CREATE TABLE stock_move (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    variant_id      TEXT NOT NULL REFERENCES variant(id),
    location_id     TEXT NOT NULL REFERENCES location(id),
    reason          TEXT NOT NULL CHECK (reason IN ('receive', 'sale', 'commit', 'release',
                        'ship', 'return', 'adjust', 'count', 'transfer_out', 'transfer_in')),
    on_hand_delta   INTEGER NOT NULL,
    committed_delta INTEGER NOT NULL,
    unit_cost_minor INTEGER,
    doc_type        TEXT,
    doc_id          TEXT,
    note            TEXT NOT NULL DEFAULT '',
    staff_id        TEXT REFERENCES staff(id),
    at              INTEGER NOT NULL,
    CHECK (on_hand_delta <> 0 OR committed_delta <> 0)
) STRICT;

CREATE INDEX stock_move_variant ON stock_move (variant_id, seq);
CREATE INDEX stock_move_doc ON stock_move (doc_type, doc_id);

CREATE TRIGGER stock_move_no_update BEFORE UPDATE ON stock_move BEGIN
    SELECT RAISE(ABORT, 'stock moves are never changed; record a new move instead');
END;
CREATE TRIGGER stock_move_no_delete BEFORE DELETE ON stock_move BEGIN
    SELECT RAISE(ABORT, 'stock moves are never deleted; record a new move instead');
END;

-- Levels per variant and location, derived from the ledger by this trigger alone, in the same
-- transaction as the move: reading a level is one row, however long the history.
CREATE TABLE stock_level (
    variant_id  TEXT NOT NULL REFERENCES variant(id),
    location_id TEXT NOT NULL REFERENCES location(id),
    on_hand     INTEGER NOT NULL,
    committed   INTEGER NOT NULL,
    PRIMARY KEY (variant_id, location_id)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER stock_move_level AFTER INSERT ON stock_move BEGIN
    INSERT INTO stock_level (variant_id, location_id, on_hand, committed)
    VALUES (NEW.variant_id, NEW.location_id, NEW.on_hand_delta, NEW.committed_delta)
    ON CONFLICT (variant_id, location_id) DO UPDATE
    SET on_hand = on_hand + excluded.on_hand, committed = committed + excluded.committed;
END;

CREATE TABLE reorder_rule (
    variant_id    TEXT NOT NULL REFERENCES variant(id) ON DELETE CASCADE,
    location_id   TEXT NOT NULL REFERENCES location(id),
    reorder_point INTEGER NOT NULL CHECK (reorder_point >= 0),
    reorder_qty   INTEGER NOT NULL CHECK (reorder_qty > 0),
    PRIMARY KEY (variant_id, location_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE supplier (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    contact    TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    lead_days  INTEGER NOT NULL DEFAULT 0 CHECK (lead_days >= 0),
    notes      TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE supplier_item (
    supplier_id  TEXT NOT NULL REFERENCES supplier(id),
    variant_id   TEXT NOT NULL REFERENCES variant(id) ON DELETE CASCADE,
    supplier_sku TEXT NOT NULL DEFAULT '',
    cost_minor   INTEGER NOT NULL CHECK (cost_minor >= 0),
    PRIMARY KEY (supplier_id, variant_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX supplier_item_variant ON supplier_item (variant_id);

CREATE TABLE purchase_order (
    id          TEXT PRIMARY KEY,
    number      INTEGER NOT NULL UNIQUE,
    supplier_id TEXT NOT NULL REFERENCES supplier(id),
    location_id TEXT NOT NULL REFERENCES location(id),
    status      TEXT NOT NULL
                CHECK (status IN ('draft', 'sent', 'partial', 'received', 'closed')),
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL REFERENCES staff(id),
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE purchase_line (
    po_id           TEXT NOT NULL REFERENCES purchase_order(id) ON DELETE CASCADE,
    variant_id      TEXT NOT NULL REFERENCES variant(id),
    qty_ordered     INTEGER NOT NULL CHECK (qty_ordered > 0),
    qty_received    INTEGER NOT NULL DEFAULT 0 CHECK (qty_received >= 0),
    unit_cost_minor INTEGER NOT NULL CHECK (unit_cost_minor >= 0),
    PRIMARY KEY (po_id, variant_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE transfer (
    id          TEXT PRIMARY KEY,
    number      INTEGER NOT NULL UNIQUE,
    from_id     TEXT NOT NULL REFERENCES location(id),
    to_id       TEXT NOT NULL REFERENCES location(id),
    status      TEXT NOT NULL CHECK (status IN ('sent', 'received')),
    sent_by     TEXT NOT NULL REFERENCES staff(id),
    sent_at     INTEGER NOT NULL,
    received_at INTEGER,
    CHECK (from_id <> to_id)
) STRICT;

CREATE TABLE transfer_line (
    transfer_id TEXT NOT NULL REFERENCES transfer(id),
    variant_id  TEXT NOT NULL REFERENCES variant(id),
    qty         INTEGER NOT NULL CHECK (qty > 0),
    PRIMARY KEY (transfer_id, variant_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE stocktake (
    id          TEXT PRIMARY KEY,
    number      INTEGER NOT NULL UNIQUE,
    location_id TEXT NOT NULL REFERENCES location(id),
    status      TEXT NOT NULL CHECK (status IN ('open', 'applied', 'cancelled')),
    started_by  TEXT NOT NULL REFERENCES staff(id),
    started_at  INTEGER NOT NULL,
    closed_at   INTEGER
) STRICT;

CREATE TABLE stocktake_count (
    stocktake_id TEXT NOT NULL REFERENCES stocktake(id),
    variant_id   TEXT NOT NULL REFERENCES variant(id),
    counted      INTEGER NOT NULL CHECK (counted >= 0),
    PRIMARY KEY (stocktake_id, variant_id)
) STRICT, WITHOUT ROWID;

-- A new permission for stock work; roles that could edit the catalog may now also manage stock.
UPDATE role SET permissions = json_insert(permissions, '$[#]', 'stock_manage')
WHERE EXISTS (SELECT 1 FROM json_each(role.permissions) WHERE value = 'catalog_edit');
