-- 0021 (PostgreSQL): the shop's whole schema as SQLite has it after its migration 0021, for a
-- shop several stations share. No shop lived on PostgreSQL before this number, so the
-- PostgreSQL set starts here rather than replaying SQLite's history; from 0022 on, every SQLite
-- migration lands with its PostgreSQL twin under the same number, and a test compares the two
-- schemas table by table (tests/pg_schema.rs).
--
-- How the dialects are matched, so that the same SQL runs on both:
-- - Integers are BIGINT (money in minor units, UTC milliseconds, 0/1 flags with their CHECKs).
-- - SQLite's `COLLATE NOCASE` columns are CITEXT: equality and UNIQUE ignore case. Indexes
--   SQLite keeps on `x COLLATE NOCASE` of a plain TEXT column are on `lower(x) COLLATE "C"` here,
--   the order queries ask for on both engines (code point order, as SQLite's, whatever the
--   server's locale).
-- - A rowid key a search index points at (`seq`, `no`) is an identity column; a copy keeps its
--   values and moves the identity past them.
-- - Full-text search: SQLite's FTS5 tables are plain tables here with the same columns, `seq`
--   for FTS5's rowid, and a tsvector (simple dictionary, accents removed, as FTS5's
--   unicode61 remove_diacritics) under a GIN index.
-- - Foreign keys are DEFERRABLE (checked per statement as usual), so copying a shop in can check
--   them once at its commit, whatever order its rows come in.
-- - Triggers are PL/pgSQL functions with the same trigger names; the append-only ledgers also
--   refuse TRUNCATE.
-- Landed migrations are never edited; later changes go in new numbered files.

CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TABLE shop (
    id          BIGINT PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL,
    currency    TEXT NOT NULL,
    country     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    region TEXT NOT NULL DEFAULT '',
    prices_include_tax BIGINT NOT NULL DEFAULT 1 CHECK (prices_include_tax IN (0, 1)),
    tax_rounding TEXT NOT NULL DEFAULT 'total' CHECK (tax_rounding IN ('line', 'total')),
    cash_rounding_minor BIGINT NOT NULL DEFAULT 0 CHECK (cash_rounding_minor >= 0),
    discount_limit_bp BIGINT NOT NULL DEFAULT 1000 CHECK (discount_limit_bp BETWEEN 0 AND 10000),
    receipt_footer TEXT NOT NULL DEFAULT 'Returns within 30 days with this receipt.',
    legal_name TEXT NOT NULL DEFAULT '',
    legal_address TEXT NOT NULL DEFAULT '',
    tax_id TEXT NOT NULL DEFAULT '',
    shop_email TEXT NOT NULL DEFAULT '',
    invoice_prefix TEXT NOT NULL DEFAULT 'INV',
    credit_note_prefix TEXT NOT NULL DEFAULT 'CN',
    payment_terms_days BIGINT NOT NULL DEFAULT 14,
    risk_hold_score BIGINT NOT NULL DEFAULT 60,
    risk_value_multiple BIGINT NOT NULL DEFAULT 5,
    risk_velocity_count BIGINT NOT NULL DEFAULT 3,
    risk_velocity_hours BIGINT NOT NULL DEFAULT 24,
    smtp_host TEXT NOT NULL DEFAULT '',
    smtp_port BIGINT NOT NULL DEFAULT 587,
    smtp_security TEXT NOT NULL DEFAULT 'starttls' CHECK (smtp_security IN ('starttls', 'tls', 'none')),
    smtp_username TEXT NOT NULL DEFAULT '',
    mail_from TEXT NOT NULL DEFAULT '',
    tracking_prefix TEXT NOT NULL DEFAULT 'SD',
    phone TEXT NOT NULL DEFAULT '',
    time_zone TEXT NOT NULL DEFAULT '',
    imap_host TEXT NOT NULL DEFAULT '',
    imap_port BIGINT NOT NULL DEFAULT 993,
    imap_security TEXT NOT NULL DEFAULT 'tls',
    imap_username TEXT NOT NULL DEFAULT '',
    imap_folder TEXT NOT NULL DEFAULT 'INBOX',
    imap_every_minutes BIGINT NOT NULL DEFAULT 5
);

CREATE TABLE role (
    id          TEXT PRIMARY KEY,
    name        CITEXT NOT NULL UNIQUE,
    permissions TEXT NOT NULL, -- JSON array of permission codes
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE staff (
    id           TEXT PRIMARY KEY,
    name         CITEXT NOT NULL UNIQUE,
    role_id      TEXT NOT NULL REFERENCES role(id) DEFERRABLE,
    pin_hash     TEXT NOT NULL, -- argon2id PHC string, never the PIN
    active       BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_pins  BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE TABLE audit_event (
    id        TEXT PRIMARY KEY,
    at        BIGINT NOT NULL,
    staff_id  TEXT REFERENCES staff(id) DEFERRABLE,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT,
    detail    TEXT NOT NULL -- JSON
);

CREATE TABLE product (
    id             TEXT PRIMARY KEY,
    handle         CITEXT NOT NULL UNIQUE, -- Shopify's key for a product in CSV files
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
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);

CREATE TABLE product_image (
    id         TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES product(id) ON DELETE CASCADE DEFERRABLE,
    position   BIGINT NOT NULL,
    src        TEXT NOT NULL,
    alt        TEXT NOT NULL DEFAULT '',
    UNIQUE (product_id, src)
);

CREATE TABLE supplier (
    id         TEXT PRIMARY KEY,
    name       CITEXT NOT NULL UNIQUE,
    contact    TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    lead_days  BIGINT NOT NULL DEFAULT 0 CHECK (lead_days >= 0),
    notes      TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE variant (
    seq              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, -- a stable rowid: the search index points at it
    id               TEXT NOT NULL UNIQUE,
    product_id       TEXT NOT NULL REFERENCES product(id) DEFERRABLE,
    position         BIGINT NOT NULL,
    option1          TEXT,
    option2          TEXT,
    option3          TEXT,
    sku              CITEXT UNIQUE, -- optional, as in Shopify, but unique when set
    barcode          TEXT UNIQUE,                -- unique so a scan finds exactly one variant
    price_minor      BIGINT NOT NULL CHECK (price_minor >= 0),
    compare_at_minor BIGINT CHECK (compare_at_minor >= 0),
    cost_minor       BIGINT CHECK (cost_minor >= 0), -- moving average of received cost
    weight_grams     BIGINT NOT NULL DEFAULT 0 CHECK (weight_grams >= 0),
    weight_unit      TEXT NOT NULL DEFAULT 'kg' CHECK (weight_unit IN ('g', 'kg', 'lb', 'oz')),
    tax_class        TEXT NOT NULL DEFAULT 'standard',
    inventory_policy TEXT NOT NULL DEFAULT 'deny' CHECK (inventory_policy IN ('deny', 'continue')),
    bin              TEXT NOT NULL DEFAULT '',
    image_src        TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    dropship_supplier_id TEXT REFERENCES supplier(id) DEFERRABLE
);

CREATE TABLE counter (
    name TEXT PRIMARY KEY,
    next BIGINT NOT NULL
);

CREATE TABLE location (
    id         TEXT PRIMARY KEY,
    name       CITEXT NOT NULL UNIQUE,
    position   BIGINT NOT NULL,
    active     BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at BIGINT NOT NULL
);

CREATE TABLE stock_move (
    seq             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    variant_id      TEXT NOT NULL REFERENCES variant(id) DEFERRABLE,
    location_id     TEXT NOT NULL REFERENCES location(id) DEFERRABLE,
    reason          TEXT NOT NULL CHECK (reason IN ('receive', 'sale', 'commit', 'release',
                        'ship', 'return', 'adjust', 'count', 'transfer_out', 'transfer_in')),
    on_hand_delta   BIGINT NOT NULL,
    committed_delta BIGINT NOT NULL,
    unit_cost_minor BIGINT,
    doc_type        TEXT,
    doc_id          TEXT,
    note            TEXT NOT NULL DEFAULT '',
    staff_id        TEXT REFERENCES staff(id) DEFERRABLE,
    at              BIGINT NOT NULL,
    CHECK (on_hand_delta <> 0 OR committed_delta <> 0)
);

CREATE TABLE stock_level (
    variant_id  TEXT NOT NULL REFERENCES variant(id) DEFERRABLE,
    location_id TEXT NOT NULL REFERENCES location(id) DEFERRABLE,
    on_hand     BIGINT NOT NULL,
    committed   BIGINT NOT NULL,
    PRIMARY KEY (variant_id, location_id)
);

CREATE TABLE reorder_rule (
    variant_id    TEXT NOT NULL REFERENCES variant(id) ON DELETE CASCADE DEFERRABLE,
    location_id   TEXT NOT NULL REFERENCES location(id) DEFERRABLE,
    reorder_point BIGINT NOT NULL CHECK (reorder_point >= 0),
    reorder_qty   BIGINT NOT NULL CHECK (reorder_qty > 0),
    PRIMARY KEY (variant_id, location_id)
);

CREATE TABLE supplier_item (
    supplier_id  TEXT NOT NULL REFERENCES supplier(id) DEFERRABLE,
    variant_id   TEXT NOT NULL REFERENCES variant(id) ON DELETE CASCADE DEFERRABLE,
    supplier_sku TEXT NOT NULL DEFAULT '',
    cost_minor   BIGINT NOT NULL CHECK (cost_minor >= 0),
    PRIMARY KEY (supplier_id, variant_id)
);

CREATE TABLE purchase_order (
    id          TEXT PRIMARY KEY,
    number      BIGINT NOT NULL UNIQUE,
    supplier_id TEXT NOT NULL REFERENCES supplier(id) DEFERRABLE,
    location_id TEXT NOT NULL REFERENCES location(id) DEFERRABLE,
    status      TEXT NOT NULL
                CHECK (status IN ('draft', 'sent', 'partial', 'received', 'closed')),
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL REFERENCES staff(id) DEFERRABLE,
    created_at  BIGINT NOT NULL,
    sent_at     BIGINT,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE purchase_line (
    po_id           TEXT NOT NULL REFERENCES purchase_order(id) ON DELETE CASCADE DEFERRABLE,
    variant_id      TEXT NOT NULL REFERENCES variant(id) DEFERRABLE,
    qty_ordered     BIGINT NOT NULL CHECK (qty_ordered > 0),
    qty_received    BIGINT NOT NULL DEFAULT 0 CHECK (qty_received >= 0),
    unit_cost_minor BIGINT NOT NULL CHECK (unit_cost_minor >= 0),
    PRIMARY KEY (po_id, variant_id)
);

CREATE TABLE transfer (
    id          TEXT PRIMARY KEY,
    number      BIGINT NOT NULL UNIQUE,
    from_id     TEXT NOT NULL REFERENCES location(id) DEFERRABLE,
    to_id       TEXT NOT NULL REFERENCES location(id) DEFERRABLE,
    status      TEXT NOT NULL CHECK (status IN ('sent', 'received')),
    sent_by     TEXT NOT NULL REFERENCES staff(id) DEFERRABLE,
    sent_at     BIGINT NOT NULL,
    received_at BIGINT,
    CHECK (from_id <> to_id)
);

CREATE TABLE transfer_line (
    transfer_id TEXT NOT NULL REFERENCES transfer(id) DEFERRABLE,
    variant_id  TEXT NOT NULL REFERENCES variant(id) DEFERRABLE,
    qty         BIGINT NOT NULL CHECK (qty > 0),
    PRIMARY KEY (transfer_id, variant_id)
);

CREATE TABLE stocktake (
    id          TEXT PRIMARY KEY,
    number      BIGINT NOT NULL UNIQUE,
    location_id TEXT NOT NULL REFERENCES location(id) DEFERRABLE,
    status      TEXT NOT NULL CHECK (status IN ('open', 'applied', 'cancelled')),
    started_by  TEXT NOT NULL REFERENCES staff(id) DEFERRABLE,
    started_at  BIGINT NOT NULL,
    closed_at   BIGINT
);

CREATE TABLE stocktake_count (
    stocktake_id TEXT NOT NULL REFERENCES stocktake(id) DEFERRABLE,
    variant_id   TEXT NOT NULL REFERENCES variant(id) DEFERRABLE,
    counted      BIGINT NOT NULL CHECK (counted >= 0),
    PRIMARY KEY (stocktake_id, variant_id)
);

CREATE TABLE tax_rate (
    id        TEXT PRIMARY KEY,
    tax_class TEXT NOT NULL,
    name      TEXT NOT NULL,
    rate_bp   BIGINT NOT NULL CHECK (rate_bp BETWEEN 0 AND 100000), -- 1 bp = 0.01 %
    position  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE customer (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    email      TEXT,
    phone      TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '{}',
    erased_at BIGINT,
    tags TEXT NOT NULL DEFAULT '',
    consent BIGINT NOT NULL DEFAULT 0,
    consent_at BIGINT,
    consent_source TEXT NOT NULL DEFAULT '',
    merged_into TEXT REFERENCES customer(id) DEFERRABLE
);

CREATE TABLE store_credit_move (
    id          TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customer(id) DEFERRABLE,
    delta_minor BIGINT NOT NULL,
    sale_id     TEXT,
    at          BIGINT NOT NULL
);

CREATE TABLE gift_card (
    code       CITEXT PRIMARY KEY,
    sale_id    TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE gift_card_move (
    id          TEXT PRIMARY KEY,
    code        CITEXT NOT NULL REFERENCES gift_card(code) DEFERRABLE,
    delta_minor BIGINT NOT NULL,
    sale_id     TEXT NOT NULL,
    at          BIGINT NOT NULL
);

CREATE TABLE discount_code (
    code       CITEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('percent', 'fixed')),
    value      BIGINT NOT NULL CHECK (value > 0), -- basis points, or minor units
    active     BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at BIGINT NOT NULL
);

CREATE TABLE shift (
    id             TEXT PRIMARY KEY,
    number         BIGINT NOT NULL UNIQUE,
    status         TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    location_id    TEXT NOT NULL REFERENCES location(id) DEFERRABLE,
    float_minor    BIGINT NOT NULL CHECK (float_minor >= 0),
    opened_by      TEXT NOT NULL REFERENCES staff(id) DEFERRABLE,
    opened_at      BIGINT NOT NULL,
    closed_by      TEXT REFERENCES staff(id) DEFERRABLE,
    closed_at      BIGINT,
    expected_minor BIGINT,
    counted_minor  BIGINT,
    report         TEXT -- the Z report as JSON, frozen at the close
);

CREATE TABLE cash_move (
    id           TEXT PRIMARY KEY,
    shift_id     TEXT NOT NULL REFERENCES shift(id) DEFERRABLE,
    amount_minor BIGINT NOT NULL CHECK (amount_minor <> 0), -- + in, - out
    reason       TEXT NOT NULL,
    staff_id     TEXT NOT NULL REFERENCES staff(id) DEFERRABLE,
    at           BIGINT NOT NULL
);

CREATE TABLE sale (
    id                 TEXT PRIMARY KEY,
    number             BIGINT UNIQUE, -- receipt number, gapless, given when the sale completes
    status             TEXT NOT NULL CHECK (status IN ('open', 'parked', 'completed', 'voided')),
    staff_id           TEXT NOT NULL REFERENCES staff(id) DEFERRABLE,
    shift_id           TEXT REFERENCES shift(id) DEFERRABLE,
    customer_id        TEXT REFERENCES customer(id) DEFERRABLE,
    note               TEXT NOT NULL DEFAULT '',
    cart_discount_kind TEXT CHECK (cart_discount_kind IN ('percent', 'fixed')),
    cart_discount      BIGINT,
    cart_discount_by   TEXT REFERENCES staff(id) DEFERRABLE, -- the manager who approved a discount over the limit
    discount_code      TEXT,
    -- Frozen when the sale completes; a later change of rates or prices never rewrites a receipt.
    prices_include_tax BIGINT,
    subtotal_minor     BIGINT,
    discount_minor     BIGINT,
    tax_minor          BIGINT,
    rounding_minor     BIGINT,
    total_minor        BIGINT,
    change_minor       BIGINT,
    void_reason        TEXT,
    voided_by          TEXT REFERENCES staff(id) DEFERRABLE,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    completed_at       BIGINT
);

CREATE TABLE sale_line (
    id               TEXT PRIMARY KEY,
    sale_id          TEXT NOT NULL REFERENCES sale(id) DEFERRABLE,
    position         BIGINT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('item', 'gift_card', 'return')),
    variant_id       TEXT REFERENCES variant(id) DEFERRABLE,
    title            TEXT NOT NULL,
    sku              TEXT,
    quantity         BIGINT NOT NULL CHECK (quantity > 0),
    list_price_minor BIGINT NOT NULL,
    unit_price_minor BIGINT NOT NULL CHECK (unit_price_minor >= 0),
    price_by         TEXT REFERENCES staff(id) DEFERRABLE,
    discount_kind    TEXT CHECK (discount_kind IN ('percent', 'fixed')),
    discount         BIGINT,
    discount_by      TEXT REFERENCES staff(id) DEFERRABLE,
    tax_class        TEXT NOT NULL,
    gift_card_code   TEXT,
    return_of        TEXT REFERENCES sale_line(id) DEFERRABLE,
    restock          BIGINT CHECK (restock IN (0, 1)),
    void_reason      TEXT,
    voided_by        TEXT REFERENCES staff(id) DEFERRABLE,
    -- Frozen at completion (negative on return lines): what was charged after discounts, in the
    -- shop's price convention, and the discount it took.
    discount_minor   BIGINT,
    amount_minor     BIGINT,
    tax_minor        BIGINT,
    unit_cost_minor BIGINT
);

CREATE TABLE sale_line_tax (
    line_id    TEXT NOT NULL REFERENCES sale_line(id) DEFERRABLE,
    name       TEXT NOT NULL,
    rate_bp    BIGINT NOT NULL,
    base_minor BIGINT NOT NULL, -- the amount before tax the rate applied to
    tax_minor  BIGINT NOT NULL,
    PRIMARY KEY (line_id, name, rate_bp)
);

CREATE TABLE tender (
    id           TEXT PRIMARY KEY,
    sale_id      TEXT NOT NULL REFERENCES sale(id) DEFERRABLE,
    position     BIGINT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('cash', 'card', 'store_credit', 'gift_card', 'custom')),
    label        TEXT NOT NULL,
    amount_minor BIGINT NOT NULL, -- applied to the sale; negative for a refund
    given_minor  BIGINT,          -- cash handed over
    reference    TEXT              -- card approval code / last four, gift card code; never a card number
);

CREATE TABLE journal (
    seq       BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    at        BIGINT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('sale', 'return', 'void', 'close')),
    doc_id    TEXT NOT NULL,
    payload   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL UNIQUE
);

CREATE TABLE customer_order (
    id             TEXT PRIMARY KEY,
    number         BIGINT NOT NULL UNIQUE,
    channel        TEXT NOT NULL, -- manual, shopify, woocommerce, …
    external_id    TEXT,
    status         TEXT NOT NULL CHECK (status IN ('on_hold', 'open', 'cancelled')),
    customer_id    TEXT REFERENCES customer(id) DEFERRABLE,
    email          TEXT,
    phone          TEXT,
    billing        TEXT NOT NULL,  -- JSON address
    shipping       TEXT NOT NULL,  -- JSON address
    address_key    TEXT NOT NULL,  -- normalised shipping address, for velocity checks
    location_id    TEXT NOT NULL REFERENCES location(id) DEFERRABLE,
    shipping_method TEXT NOT NULL DEFAULT '',
    express        BIGINT NOT NULL DEFAULT 0 CHECK (express IN (0, 1)),
    channel_risk   TEXT CHECK (channel_risk IN ('low', 'medium', 'high')),
    prices_include_tax BIGINT NOT NULL,
    subtotal_minor BIGINT NOT NULL,
    discount_minor BIGINT NOT NULL,
    shipping_minor BIGINT NOT NULL,
    tax_minor      BIGINT NOT NULL,
    total_minor    BIGINT NOT NULL,
    taxes          TEXT NOT NULL DEFAULT '[]', -- JSON tax parts per rate
    risk_score     BIGINT NOT NULL DEFAULT 0,
    checks         TEXT NOT NULL DEFAULT '[]', -- JSON results of the last verification
    note           TEXT NOT NULL DEFAULT '',
    created_by     TEXT REFERENCES staff(id) DEFERRABLE,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL, fulfilled_at BIGINT,
    UNIQUE (channel, external_id)
);

CREATE TABLE order_line (
    id                  TEXT PRIMARY KEY,
    order_id            TEXT NOT NULL REFERENCES customer_order(id) DEFERRABLE,
    position            BIGINT NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN ('item', 'shipping')),
    variant_id          TEXT REFERENCES variant(id) DEFERRABLE,
    sku                 TEXT NOT NULL DEFAULT '',
    title               TEXT NOT NULL,
    quantity            BIGINT NOT NULL CHECK (quantity > 0),
    unit_price_minor    BIGINT NOT NULL CHECK (unit_price_minor >= 0),
    catalog_price_minor BIGINT,
    discount_minor      BIGINT NOT NULL DEFAULT 0,
    amount_minor        BIGINT NOT NULL, -- after discount, in the order's price convention
    tax_minor           BIGINT NOT NULL,
    taxes               TEXT NOT NULL DEFAULT '[]', -- JSON tax parts
    unit_cost_minor BIGINT
);

CREATE TABLE order_payment (
    id           TEXT PRIMARY KEY,
    order_id     TEXT NOT NULL REFERENCES customer_order(id) DEFERRABLE,
    kind         TEXT NOT NULL CHECK (kind IN ('payment', 'refund')),
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    method       TEXT NOT NULL,
    reference    TEXT NOT NULL DEFAULT '',
    staff_id     TEXT REFERENCES staff(id) DEFERRABLE,
    at           BIGINT NOT NULL
);

CREATE TABLE dropship (
    id          TEXT PRIMARY KEY,
    number      BIGINT NOT NULL UNIQUE,
    order_id    TEXT NOT NULL REFERENCES customer_order(id) DEFERRABLE,
    supplier_id TEXT NOT NULL REFERENCES supplier(id) DEFERRABLE,
    status      TEXT NOT NULL CHECK (status IN ('sent', 'shipped', 'cancelled')),
    staff_id    TEXT REFERENCES staff(id) DEFERRABLE,
    created_at  BIGINT NOT NULL,
    shipped_at  BIGINT
);

CREATE TABLE shipment (
    id         TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL REFERENCES customer_order(id) DEFERRABLE,
    carrier    TEXT NOT NULL DEFAULT '',
    tracking   TEXT NOT NULL DEFAULT '',
    staff_id   TEXT REFERENCES staff(id) DEFERRABLE,
    at         BIGINT NOT NULL,
    service TEXT NOT NULL DEFAULT '',
    weight_grams BIGINT NOT NULL DEFAULT 0,
    verified BIGINT NOT NULL DEFAULT 0,
    override_reason TEXT,
    override_by TEXT REFERENCES staff(id) DEFERRABLE,
    delivery TEXT NOT NULL DEFAULT 'in_transit' CHECK (delivery IN ('in_transit', 'delivered', 'exception', 'returned')),
    delivery_at BIGINT,
    dropship_id TEXT REFERENCES dropship(id) DEFERRABLE
);

CREATE TABLE shipment_line (
    shipment_id   TEXT NOT NULL REFERENCES shipment(id) DEFERRABLE,
    order_line_id TEXT NOT NULL REFERENCES order_line(id) DEFERRABLE,
    quantity      BIGINT NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (shipment_id, order_line_id)
);

CREATE TABLE order_event (
    id       TEXT PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES customer_order(id) DEFERRABLE,
    at       BIGINT NOT NULL,
    staff_id TEXT REFERENCES staff(id) DEFERRABLE,
    kind     TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE invoice (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    series     TEXT NOT NULL,
    year       BIGINT NOT NULL,
    number     BIGINT NOT NULL,
    code       TEXT NOT NULL UNIQUE,
    order_id   TEXT REFERENCES customer_order(id) DEFERRABLE,
    sale_id    TEXT REFERENCES sale(id) DEFERRABLE,
    credits    TEXT REFERENCES invoice(id) DEFERRABLE,
    customer_id TEXT REFERENCES customer(id) DEFERRABLE,
    total_minor BIGINT NOT NULL,
    data       TEXT NOT NULL,
    issued_by  TEXT REFERENCES staff(id) DEFERRABLE,
    issued_at  BIGINT NOT NULL,
    UNIQUE (series, year, number)
);

CREATE TABLE order_return (
    id              TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL REFERENCES customer_order(id) DEFERRABLE,
    number          BIGINT NOT NULL UNIQUE,
    status          TEXT NOT NULL CHECK (status IN ('authorised', 'received', 'refunded', 'cancelled')),
    reason          TEXT NOT NULL,
    refund_minor    BIGINT,
    credit_note_id  TEXT REFERENCES invoice(id) DEFERRABLE,
    created_by      TEXT REFERENCES staff(id) DEFERRABLE,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE order_return_line (
    return_id     TEXT NOT NULL REFERENCES order_return(id) DEFERRABLE,
    order_line_id TEXT NOT NULL REFERENCES order_line(id) DEFERRABLE,
    quantity      BIGINT NOT NULL CHECK (quantity > 0),
    disposition   TEXT CHECK (disposition IN ('restock', 'write_off')),
    location_id   TEXT REFERENCES location(id) DEFERRABLE,
    PRIMARY KEY (return_id, order_line_id)
);

CREATE TABLE ticket (
    id          TEXT PRIMARY KEY,
    number      BIGINT NOT NULL UNIQUE,
    subject     TEXT NOT NULL,
    channel     TEXT NOT NULL CHECK (channel IN ('email', 'phone', 'counter')),
    status      TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'waiting_customer', 'waiting_us', 'resolved', 'closed')),
    category    TEXT NOT NULL DEFAULT 'question'
                CHECK (category IN ('where_is_my_order', 'return', 'damaged', 'wrong_item', 'question', 'other')),
    customer_id TEXT REFERENCES customer(id) DEFERRABLE,
    order_id    TEXT REFERENCES customer_order(id) DEFERRABLE,
    -- Where replies go: the customer's address as they wrote from it.
    address     TEXT NOT NULL DEFAULT '',
    assignee_id TEXT REFERENCES staff(id) DEFERRABLE,
    created_by  TEXT REFERENCES staff(id) DEFERRABLE,
    created_at  BIGINT NOT NULL,
    -- The last message or change: the desk lists the liveliest first.
    updated_at  BIGINT NOT NULL
);

CREATE TABLE claim (
    id          TEXT PRIMARY KEY,
    order_id    TEXT NOT NULL REFERENCES customer_order(id) DEFERRABLE,
    kind        TEXT NOT NULL CHECK (kind IN ('damaged', 'missing', 'wrong_item')),
    status      TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    evidence    TEXT NOT NULL DEFAULT '',
    resolution  TEXT CHECK (resolution IN ('refund', 'reship', 'reject')),
    refund_minor BIGINT,
    reship_order_id TEXT REFERENCES customer_order(id) DEFERRABLE,
    created_by  TEXT REFERENCES staff(id) DEFERRABLE,
    created_at  BIGINT NOT NULL,
    resolved_at BIGINT,
    carrier TEXT NOT NULL DEFAULT '',
    tracking TEXT NOT NULL DEFAULT '',
    label_at BIGINT,
    shipment_id TEXT REFERENCES shipment(id) DEFERRABLE,
    ticket_id TEXT REFERENCES ticket(id) DEFERRABLE
);

CREATE TABLE message (
    id              TEXT PRIMARY KEY,
    direction       TEXT NOT NULL CHECK (direction IN ('out', 'in')),
    kind            TEXT NOT NULL, -- order_confirmation, invoice, shipment, refund, reply, note
    order_id        TEXT REFERENCES customer_order(id) DEFERRABLE,
    customer_id     TEXT REFERENCES customer(id) DEFERRABLE,
    address         TEXT NOT NULL, -- recipient (out) or sender (in)
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    invoice_id      TEXT REFERENCES invoice(id) DEFERRABLE, -- attached as PDF
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'received')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT,
    dropship_id TEXT REFERENCES dropship(id) DEFERRABLE,
    ticket_id TEXT REFERENCES ticket(id) DEFERRABLE,
    header_id TEXT,
    in_reply_to TEXT,
    refs TEXT NOT NULL DEFAULT '',
    sender_name TEXT NOT NULL DEFAULT '',
    remark TEXT NOT NULL DEFAULT ''
);

CREATE TABLE email_template (
    kind    TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    body    TEXT NOT NULL
);

CREATE TABLE carrier (
    code         TEXT PRIMARY KEY,
    name         CITEXT NOT NULL UNIQUE,
    -- The carrier's tracking page; {tracking} is replaced by the number.
    tracking_url TEXT NOT NULL DEFAULT '',
    -- The shop's own delivery: tracking numbers are generated here.
    own          BIGINT NOT NULL DEFAULT 0 CHECK (own IN (0, 1)),
    custom       BIGINT NOT NULL DEFAULT 0 CHECK (custom IN (0, 1)),
    position     BIGINT NOT NULL DEFAULT 100,
    claim_days BIGINT NOT NULL DEFAULT 30
);

CREATE TABLE package_preset (
    id          TEXT PRIMARY KEY,
    name        CITEXT NOT NULL UNIQUE,
    length_mm   BIGINT NOT NULL CHECK (length_mm > 0),
    width_mm    BIGINT NOT NULL CHECK (width_mm > 0),
    height_mm   BIGINT NOT NULL CHECK (height_mm > 0),
    tare_grams  BIGINT NOT NULL DEFAULT 0 CHECK (tare_grams >= 0)
);

CREATE TABLE station (
    id               TEXT PRIMARY KEY,
    name             CITEXT NOT NULL UNIQUE,
    label_printer    TEXT NOT NULL DEFAULT '',
    document_printer TEXT NOT NULL DEFAULT '',
    receipt_printer  TEXT NOT NULL DEFAULT '',
    label_size       TEXT NOT NULL DEFAULT '4x6' CHECK (label_size IN ('4x6', 'a6', 'a4x2')),
    print_label      BIGINT NOT NULL DEFAULT 1 CHECK (print_label IN (0, 1)),
    print_slip       BIGINT NOT NULL DEFAULT 1 CHECK (print_slip IN (0, 1)),
    print_invoice    BIGINT NOT NULL DEFAULT 1 CHECK (print_invoice IN (0, 1)),
    carrier          TEXT NOT NULL DEFAULT 'own',
    service          TEXT NOT NULL DEFAULT '',
    preset           TEXT NOT NULL DEFAULT '',
    receipt_narrow BIGINT NOT NULL DEFAULT 0 CHECK (receipt_narrow IN (0, 1))
);

CREATE TABLE shipment_package (
    shipment_id  TEXT NOT NULL REFERENCES shipment(id) DEFERRABLE,
    n            BIGINT NOT NULL CHECK (n > 0),
    weight_grams BIGINT NOT NULL CHECK (weight_grams >= 0),
    preset       TEXT NOT NULL DEFAULT '',
    tracking     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (shipment_id, n)
);

CREATE TABLE ship_promise (
    channel       TEXT PRIMARY KEY,
    business_days BIGINT NOT NULL CHECK (business_days >= 0)
);

CREATE TABLE dropship_line (
    dropship_id   TEXT NOT NULL REFERENCES dropship(id) DEFERRABLE,
    order_line_id TEXT NOT NULL REFERENCES order_line(id) DEFERRABLE,
    quantity      BIGINT NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (dropship_id, order_line_id)
);

CREATE TABLE print_job (
    id         TEXT PRIMARY KEY,
    station_id TEXT REFERENCES station(id) DEFERRABLE,
    kind       TEXT NOT NULL
               CHECK (kind IN ('label', 'slip', 'invoice', 'picklist', 'supplier_order')),
    -- What to print: a shipment (label, slip), an invoice, an order (picklist), a dropship.
    doc_id     TEXT NOT NULL,
    title      TEXT NOT NULL,
    printer    TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts   BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    spooler    TEXT,
    created_at BIGINT NOT NULL,
    sent_at    BIGINT
);

CREATE TABLE channel_push (
    id          TEXT PRIMARY KEY,
    channel     TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('fulfilment')),
    order_id    TEXT NOT NULL REFERENCES customer_order(id) DEFERRABLE,
    shipment_id TEXT REFERENCES shipment(id) DEFERRABLE,
    status      TEXT NOT NULL CHECK (status IN ('queued', 'done', 'failed')),
    attempts    BIGINT NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  BIGINT NOT NULL,
    next_attempt_at BIGINT,
    remote_ref TEXT
);

CREATE TABLE channel (
    id              TEXT PRIMARY KEY,
    -- What orders from it carry in customer_order.channel ("shopify", "my-woo-shop", …).
    name            CITEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('shopify', 'woocommerce', 'vendure')),
    base_url        TEXT NOT NULL,
    interval_secs   BIGINT NOT NULL DEFAULT 60 CHECK (interval_secs BETWEEN 10 AND 86400),
    -- Imports are written in this person's name (the one who connected the channel).
    added_by        TEXT NOT NULL REFERENCES staff(id) DEFERRABLE,
    created_at      BIGINT NOT NULL,
    -- Every order updated at or before this instant (UTC ms) is in; moved only after a full pass.
    watermark       BIGINT,
    last_attempt_at BIGINT,
    last_success_at BIGINT,
    last_error      TEXT,
    last_error_kind TEXT,
    last_error_at   BIGINT
);

CREATE TABLE channel_order (
    channel_id        TEXT NOT NULL REFERENCES channel(id) DEFERRABLE,
    external_id       TEXT NOT NULL,
    order_id          TEXT NOT NULL REFERENCES customer_order(id) DEFERRABLE,
    remote_updated_at BIGINT NOT NULL,
    line_ids          TEXT NOT NULL, -- JSON array of the marketplace's line ids, by position
    payload           TEXT NOT NULL,
    imported_at       BIGINT NOT NULL,
    PRIMARY KEY (channel_id, external_id)
);

CREATE TABLE channel_quarantine (
    channel_id  TEXT NOT NULL REFERENCES channel(id) DEFERRABLE,
    external_id TEXT NOT NULL,
    error       TEXT NOT NULL,
    payload     TEXT NOT NULL,
    seen_at     BIGINT NOT NULL,
    PRIMARY KEY (channel_id, external_id)
);

CREATE TABLE channel_listing (
    channel_id    TEXT NOT NULL REFERENCES channel(id) DEFERRABLE,
    remote_id     TEXT NOT NULL,           -- variant GID, product/variation id, …
    inventory_ref TEXT NOT NULL DEFAULT '', -- Shopify's inventory item; the parent product on Woo
    sku           TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL DEFAULT '',
    variant_id    TEXT REFERENCES variant(id) DEFERRABLE,
    remote_stock  BIGINT,                 -- what the marketplace last said or was last told
    -- The latest stock move of the variant, and the latest one whose level was pushed.
    dirty_seq     BIGINT NOT NULL DEFAULT 0,
    pushed_seq    BIGINT NOT NULL DEFAULT -1,
    pushed_at     BIGINT,
    PRIMARY KEY (channel_id, remote_id)
);

CREATE TABLE channel_sku_link (
    channel_id TEXT NOT NULL REFERENCES channel(id) DEFERRABLE,
    sku        CITEXT NOT NULL,
    variant_id TEXT REFERENCES variant(id) DEFERRABLE, -- NULL: not linked yet
    title      TEXT NOT NULL DEFAULT '',
    seen_at    BIGINT NOT NULL,
    PRIMARY KEY (channel_id, sku)
);

CREATE TABLE customer_contact (
    id          TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customer(id) DEFERRABLE,
    kind        TEXT NOT NULL CHECK (kind IN ('email', 'phone')),
    value       TEXT NOT NULL,
    label       TEXT NOT NULL DEFAULT ''
);

CREATE TABLE customer_stats (
    customer_id TEXT PRIMARY KEY REFERENCES customer(id) DEFERRABLE,
    orders      BIGINT NOT NULL,
    value_minor BIGINT NOT NULL,
    first_at    BIGINT,
    last_at     BIGINT
);

CREATE TABLE customer_key (
    seq         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    customer_id TEXT NOT NULL UNIQUE REFERENCES customer(id) DEFERRABLE,
    sort_name TEXT NOT NULL DEFAULT ''
);

CREATE TABLE ticket_event (
    id        TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES ticket(id) DEFERRABLE,
    at        BIGINT NOT NULL,
    staff_id  TEXT REFERENCES staff(id) DEFERRABLE,
    kind      TEXT NOT NULL, -- note, status, assignee, category, order, customer, claim, return
    detail    TEXT NOT NULL DEFAULT ''
);

CREATE TABLE attachment_data (
    sha256 TEXT PRIMARY KEY,
    bytes  BYTEA NOT NULL
);

CREATE TABLE attachment (
    id         TEXT PRIMARY KEY,
    message_id TEXT REFERENCES message(id) DEFERRABLE,
    claim_id   TEXT REFERENCES claim(id) DEFERRABLE,
    -- For claims: item, inner_packaging, outer_packaging, label, other.
    role       TEXT NOT NULL DEFAULT 'other',
    name       TEXT NOT NULL,
    mime       TEXT NOT NULL DEFAULT 'application/octet-stream',
    size       BIGINT NOT NULL,
    sha256     TEXT NOT NULL REFERENCES attachment_data(sha256) DEFERRABLE,
    added_by   TEXT REFERENCES staff(id) DEFERRABLE,
    added_at   BIGINT NOT NULL
);

CREATE TABLE saved_reply (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL UNIQUE,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE mailbox_state (
    folder       TEXT PRIMARY KEY,
    uid_validity BIGINT NOT NULL,
    last_uid     BIGINT NOT NULL,
    fetched_at   BIGINT NOT NULL,
    last_error   TEXT
);

CREATE TABLE variant_search_deferred (since_seq BIGINT NOT NULL);

CREATE TABLE report_stale (
    hour BIGINT PRIMARY KEY  -- UTC ms at the start of an hour
);

CREATE TABLE report_hour (
    day            TEXT NOT NULL,
    hour           BIGINT NOT NULL,
    doc            TEXT NOT NULL CHECK (doc IN ('sale', 'order', 'return')),
    channel        TEXT NOT NULL,
    location       TEXT NOT NULL,
    staff          TEXT NOT NULL,
    docs           BIGINT NOT NULL,
    units          BIGINT NOT NULL,
    gross          BIGINT NOT NULL,
    discounts      BIGINT NOT NULL,
    returns        BIGINT NOT NULL,
    returned_units BIGINT NOT NULL,
    shipping       BIGINT NOT NULL,
    tax            BIGINT NOT NULL,
    tax_parts      BIGINT NOT NULL,
    gift_cards     BIGINT NOT NULL,
    cost           BIGINT NOT NULL,
    costed_net     BIGINT NOT NULL,
    without_cost   BIGINT NOT NULL,
    PRIMARY KEY (day, hour, doc, channel, location, staff)
);

CREATE TABLE report_item (
    span           TEXT NOT NULL CHECK (span IN ('day', 'month')),
    day            TEXT NOT NULL,
    day_start      BIGINT NOT NULL,
    doc            TEXT NOT NULL CHECK (doc IN ('sale', 'order', 'return')),
    channel        TEXT NOT NULL,
    location       TEXT NOT NULL,
    staff          TEXT NOT NULL,
    item           TEXT NOT NULL,
    reason         TEXT NOT NULL,
    title          TEXT NOT NULL,
    sku            TEXT NOT NULL,
    category       TEXT NOT NULL,
    vendor         TEXT NOT NULL,
    docs           BIGINT NOT NULL,
    docs_category  BIGINT NOT NULL,
    docs_vendor    BIGINT NOT NULL,
    units          BIGINT NOT NULL,
    returned_units BIGINT NOT NULL,
    gross          BIGINT NOT NULL,
    discounts      BIGINT NOT NULL,
    returns        BIGINT NOT NULL,
    tax            BIGINT NOT NULL,
    cost           BIGINT NOT NULL,
    costed_net     BIGINT NOT NULL,
    without_cost   BIGINT NOT NULL,
    refunds        BIGINT NOT NULL,
    restocked      BIGINT NOT NULL,
    written_off    BIGINT NOT NULL,
    PRIMARY KEY (span, day, doc, channel, location, staff, item, reason)
);

CREATE TABLE report_tax (
    day      TEXT NOT NULL,
    doc      TEXT NOT NULL CHECK (doc IN ('sale', 'order', 'return')),
    channel  TEXT NOT NULL,
    location TEXT NOT NULL,
    staff    TEXT NOT NULL,
    name     TEXT NOT NULL,
    rate_bp  BIGINT NOT NULL,
    base     BIGINT NOT NULL,
    tax      BIGINT NOT NULL,
    refunded BIGINT NOT NULL,
    PRIMARY KEY (day, doc, channel, location, staff, name, rate_bp)
);

CREATE TABLE report_discount (
    day      TEXT NOT NULL,
    doc      TEXT NOT NULL CHECK (doc IN ('sale', 'order', 'return')),
    channel  TEXT NOT NULL,
    location TEXT NOT NULL,
    staff    TEXT NOT NULL,
    source   TEXT NOT NULL,
    docs     BIGINT NOT NULL,
    amount   BIGINT NOT NULL,
    net      BIGINT NOT NULL,
    PRIMARY KEY (day, doc, channel, location, staff, source)
);

CREATE TABLE report_buyer (
    span     TEXT NOT NULL CHECK (span IN ('day', 'month')),
    day      TEXT NOT NULL,
    doc      TEXT NOT NULL CHECK (doc IN ('sale', 'order', 'return')),
    channel  TEXT NOT NULL,
    location TEXT NOT NULL,
    staff    TEXT NOT NULL,
    customer TEXT NOT NULL,
    docs     BIGINT NOT NULL,
    net      BIGINT NOT NULL,
    PRIMARY KEY (span, day, doc, channel, location, staff, customer)
);

CREATE TABLE report_fulfilment (
    day      TEXT NOT NULL,
    channel  TEXT NOT NULL,
    location TEXT NOT NULL,
    stage    TEXT NOT NULL CHECK (stage IN ('shipped', 'partly', 'open', 'on_hold', 'cancelled')),
    carrier  TEXT NOT NULL,
    hours    BIGINT NOT NULL,
    late     BIGINT NOT NULL,
    held     BIGINT NOT NULL,
    orders   BIGINT NOT NULL,
    PRIMARY KEY (day, channel, location, stage, carrier, hours, late, held)
);

CREATE TABLE report_rollup (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    zone TEXT NOT NULL
);

CREATE TABLE variant_cost (
    seq        BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    variant_id TEXT NOT NULL REFERENCES variant(id) DEFERRABLE,
    at         BIGINT NOT NULL,
    cost_minor BIGINT
);

CREATE TABLE report_customer (
    no BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE
);

CREATE TABLE report_buyer_month (
    month    TEXT NOT NULL,
    customer BIGINT NOT NULL REFERENCES report_customer(no) DEFERRABLE,
    doc      TEXT NOT NULL CHECK (doc IN ('sale', 'order', 'return')),
    channel  TEXT NOT NULL,
    location TEXT NOT NULL,
    staff    TEXT NOT NULL,
    docs     BIGINT NOT NULL,
    net      BIGINT NOT NULL,
    PRIMARY KEY (month, customer, doc, channel, location, staff)
);

CREATE TABLE customer_search_deferring (one BIGINT PRIMARY KEY CHECK (one = 1));

CREATE TABLE customer_search_stale (seq BIGINT PRIMARY KEY);

CREATE INDEX audit_event_entity ON audit_event (entity, entity_id, at);
CREATE INDEX product_title ON product ((lower(title) COLLATE "C"), id);
CREATE INDEX product_vendor ON product ((lower(vendor) COLLATE "C"));
CREATE INDEX product_type ON product ((lower(product_type) COLLATE "C"));
CREATE INDEX variant_product ON variant (product_id, position);
CREATE UNIQUE INDEX variant_options
    ON variant (product_id, coalesce(option1, ''), coalesce(option2, ''), coalesce(option3, ''));
CREATE INDEX stock_move_variant ON stock_move (variant_id, seq);
CREATE INDEX stock_move_doc ON stock_move (doc_type, doc_id);
CREATE INDEX supplier_item_variant ON supplier_item (variant_id);
CREATE INDEX tax_rate_class ON tax_rate (tax_class, position);
CREATE INDEX customer_name ON customer ((lower(name) COLLATE "C"));
CREATE INDEX store_credit_customer ON store_credit_move (customer_id);
CREATE INDEX gift_card_move_code ON gift_card_move (code);
CREATE UNIQUE INDEX shift_one_open ON shift (status) WHERE status = 'open';
CREATE INDEX cash_move_shift ON cash_move (shift_id);
CREATE INDEX sale_status ON sale (status, updated_at);
CREATE INDEX sale_shift ON sale (shift_id, status);
CREATE INDEX sale_line_sale ON sale_line (sale_id, position);
CREATE INDEX sale_line_return ON sale_line (return_of) WHERE return_of IS NOT NULL;
CREATE INDEX tender_sale ON tender (sale_id);
CREATE INDEX journal_doc ON journal (doc_id);
CREATE INDEX customer_email ON customer (lower(email)) WHERE email IS NOT NULL;
CREATE INDEX sale_customer ON sale (customer_id) WHERE customer_id IS NOT NULL;
CREATE INDEX order_status ON customer_order (status, created_at);
CREATE INDEX order_channel ON customer_order (channel, created_at);
CREATE INDEX order_customer ON customer_order (customer_id);
CREATE INDEX order_external ON customer_order (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX order_email ON customer_order (lower(email), created_at);
CREATE INDEX order_phone ON customer_order (phone, created_at) WHERE phone IS NOT NULL;
CREATE INDEX order_address ON customer_order (address_key, created_at);
CREATE INDEX order_line_order ON order_line (order_id, position);
CREATE INDEX order_payment_order ON order_payment (order_id);
CREATE INDEX shipment_order ON shipment (order_id);
CREATE INDEX shipment_line_line ON shipment_line (order_line_id);
CREATE INDEX order_event_order ON order_event (order_id, at);
CREATE UNIQUE INDEX invoice_one_per_order ON invoice (order_id) WHERE kind = 'invoice' AND order_id IS NOT NULL;
CREATE UNIQUE INDEX invoice_one_per_sale ON invoice (sale_id) WHERE kind = 'invoice' AND sale_id IS NOT NULL;
CREATE INDEX invoice_credits ON invoice (credits);
CREATE INDEX order_return_order ON order_return (order_id);
CREATE INDEX order_return_line_line ON order_return_line (order_line_id);
CREATE INDEX claim_order ON claim (order_id);
CREATE INDEX message_due ON message (status, next_attempt_at) WHERE direction = 'out';
CREATE INDEX message_order ON message (order_id);
CREATE INDEX message_customer ON message (customer_id);
CREATE INDEX shipment_at ON shipment (at);
CREATE INDEX dropship_order ON dropship (order_id);
CREATE INDEX print_job_status ON print_job (status, created_at);
CREATE INDEX channel_push_status ON channel_push (status, created_at);
CREATE INDEX channel_listing_variant ON channel_listing (variant_id);
CREATE INDEX order_return_when ON order_return (status, updated_at);
CREATE INDEX shift_closed ON shift (closed_at) WHERE status = 'closed';
CREATE INDEX audit_event_at ON audit_event (at);
CREATE INDEX customer_contact_of ON customer_contact (customer_id);
CREATE INDEX customer_contact_value ON customer_contact (kind, lower(value));
CREATE INDEX customer_stats_value ON customer_stats (value_minor);
CREATE INDEX customer_stats_last ON customer_stats (last_at);
CREATE INDEX ticket_status ON ticket (status, updated_at);
CREATE INDEX ticket_recent ON ticket (updated_at, number);
CREATE INDEX ticket_customer ON ticket (customer_id);
CREATE INDEX ticket_order ON ticket (order_id);
CREATE INDEX ticket_event_ticket ON ticket_event (ticket_id, at);
CREATE UNIQUE INDEX message_header ON message (header_id) WHERE header_id IS NOT NULL;
CREATE INDEX message_ticket ON message (ticket_id, created_at);
CREATE INDEX attachment_message ON attachment (message_id);
CREATE INDEX attachment_claim ON attachment (claim_id);
CREATE INDEX customer_live_name ON customer ((lower(name) COLLATE "C"))
WHERE merged_into IS NULL AND erased_at IS NULL;
CREATE INDEX report_item_of ON report_item (item, day_start) WHERE span = 'day';
CREATE INDEX sale_completed ON sale (completed_at, status, total_minor, rounding_minor, tax_minor)
    WHERE status = 'completed';
CREATE INDEX order_recent_totals ON customer_order (created_at, status, total_minor, tax_minor);
CREATE INDEX order_payment_at ON order_payment (at, method, kind, amount_minor);
CREATE INDEX sale_line_voided ON sale_line (sale_id) WHERE voided_by IS NOT NULL;
CREATE INDEX order_to_pack ON customer_order (created_at, channel, status, fulfilled_at)
    WHERE status = 'open' AND fulfilled_at IS NULL;
CREATE INDEX variant_cost_at ON variant_cost (variant_id, at, seq);

-- Full-text search (FTS5 in SQLite).
CREATE TABLE variant_search (
    seq          BIGINT PRIMARY KEY, -- the variant's seq (FTS5's rowid)
    title        TEXT,
    sku          TEXT,
    barcode      TEXT,
    vendor       TEXT,
    tags         TEXT,
    product_type TEXT,
    options      TEXT,
    doc          TSVECTOR NOT NULL
);
CREATE INDEX variant_search_doc ON variant_search USING gin (doc);

CREATE TABLE customer_search (
    seq      BIGINT PRIMARY KEY, -- the customer's customer_key.seq (FTS5's rowid)
    name     TEXT,
    emails   TEXT,
    phones   TEXT,
    postcode TEXT,
    tags     TEXT,
    doc      TSVECTOR NOT NULL
);
CREATE INDEX customer_search_doc ON customer_search USING gin (doc);

-- What a search row is made of: its words — runs of letters and digits, as FTS5's unicode61
-- tokenizer cuts them ("TEE-SAGE-M" is tee, sage, m; an e-mail is its parts) — lower-cased with
-- accents removed.
CREATE FUNCTION search_doc(VARIADIC parts TEXT[]) RETURNS TSVECTOR LANGUAGE sql STABLE AS $$
    SELECT to_tsvector('simple',
        regexp_replace(unaccent(array_to_string(parts, ' ')), '[^[:alnum:]]+', ' ', 'g'))
$$;
CREATE FUNCTION variant_search_doc() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    NEW.doc := search_doc(NEW.title, NEW.sku, NEW.barcode, NEW.vendor, NEW.tags, NEW.product_type, NEW.options);
    RETURN NEW;
END $$;
CREATE TRIGGER variant_search_doc BEFORE INSERT OR UPDATE ON variant_search
    FOR EACH ROW EXECUTE FUNCTION variant_search_doc();
CREATE FUNCTION customer_search_doc() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    NEW.doc := search_doc(NEW.name, NEW.emails, NEW.phones, NEW.postcode, NEW.tags);
    RETURN NEW;
END $$;
CREATE TRIGGER customer_search_doc BEFORE INSERT OR UPDATE ON customer_search
    FOR EACH ROW EXECUTE FUNCTION customer_search_doc();

-- The catalog's search rows, kept in step by triggers in the writing transaction.
CREATE FUNCTION variant_search_write(variant_seq BIGINT) RETURNS VOID LANGUAGE sql AS $$
    DELETE FROM variant_search WHERE seq = variant_seq;
    INSERT INTO variant_search (seq, title, sku, barcode, vendor, tags, product_type, options, doc)
    SELECT v.seq, p.title, v.sku, v.barcode, p.vendor, p.tags, p.product_type,
           concat_ws(' ', v.option1, v.option2, v.option3), ''
    FROM variant v JOIN product p ON p.id = v.product_id WHERE v.seq = variant_seq;
$$;
CREATE FUNCTION variant_search_insert() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    -- A catalog import indexes its new variants once, at its end (see SQLite's 0017).
    IF NOT EXISTS (SELECT 1 FROM variant_search_deferred) THEN
        PERFORM variant_search_write(NEW.seq);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER variant_search_insert AFTER INSERT ON variant
    FOR EACH ROW EXECUTE FUNCTION variant_search_insert();
CREATE FUNCTION variant_search_update() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM variant_search WHERE seq = OLD.seq;
    PERFORM variant_search_write(NEW.seq);
    RETURN NULL;
END $$;
CREATE TRIGGER variant_search_update AFTER UPDATE ON variant
    FOR EACH ROW EXECUTE FUNCTION variant_search_update();
CREATE FUNCTION variant_search_delete() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM variant_search WHERE seq = OLD.seq;
    RETURN NULL;
END $$;
CREATE TRIGGER variant_search_delete AFTER DELETE ON variant
    FOR EACH ROW EXECUTE FUNCTION variant_search_delete();
CREATE FUNCTION product_search_update() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM variant_search_write(seq) FROM variant WHERE product_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER product_search_update AFTER UPDATE OF title, vendor, tags, product_type ON product
    FOR EACH ROW EXECUTE FUNCTION product_search_update();

-- Ledgers and issued documents are append-only.
CREATE FUNCTION refuse_change() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER stock_move_no_update BEFORE UPDATE ON stock_move FOR EACH ROW
    EXECUTE FUNCTION refuse_change('stock moves are never changed; record a new move instead');
CREATE TRIGGER stock_move_no_delete BEFORE DELETE ON stock_move FOR EACH ROW
    EXECUTE FUNCTION refuse_change('stock moves are never deleted; record a new move instead');
CREATE TRIGGER stock_move_no_truncate BEFORE TRUNCATE ON stock_move FOR EACH STATEMENT
    EXECUTE FUNCTION refuse_change('stock moves are never deleted; record a new move instead');
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal FOR EACH ROW
    EXECUTE FUNCTION refuse_change('the journal is append-only');
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal FOR EACH ROW
    EXECUTE FUNCTION refuse_change('the journal is append-only');
CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON journal FOR EACH STATEMENT
    EXECUTE FUNCTION refuse_change('the journal is append-only');
CREATE TRIGGER store_credit_no_update BEFORE UPDATE ON store_credit_move FOR EACH ROW
    EXECUTE FUNCTION refuse_change('store credit moves are append-only');
CREATE TRIGGER store_credit_no_truncate BEFORE TRUNCATE ON store_credit_move FOR EACH STATEMENT
    EXECUTE FUNCTION refuse_change('store credit moves are append-only');
CREATE TRIGGER gift_card_no_update BEFORE UPDATE ON gift_card_move FOR EACH ROW
    EXECUTE FUNCTION refuse_change('gift card moves are append-only');
CREATE TRIGGER gift_card_no_truncate BEFORE TRUNCATE ON gift_card_move FOR EACH STATEMENT
    EXECUTE FUNCTION refuse_change('gift card moves are append-only');
CREATE TRIGGER invoice_no_update BEFORE UPDATE ON invoice FOR EACH ROW
    EXECUTE FUNCTION refuse_change('an issued invoice never changes: issue a credit note');
CREATE TRIGGER invoice_no_delete BEFORE DELETE ON invoice FOR EACH ROW
    EXECUTE FUNCTION refuse_change('an issued invoice is never deleted');
CREATE TRIGGER invoice_no_truncate BEFORE TRUNCATE ON invoice FOR EACH STATEMENT
    EXECUTE FUNCTION refuse_change('an issued invoice is never deleted');

-- Stock levels from the ledger, and the listings a move makes due for a push.
CREATE FUNCTION stock_move_level() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stock_level (variant_id, location_id, on_hand, committed)
    VALUES (NEW.variant_id, NEW.location_id, NEW.on_hand_delta, NEW.committed_delta)
    ON CONFLICT (variant_id, location_id) DO UPDATE
    SET on_hand = stock_level.on_hand + excluded.on_hand,
        committed = stock_level.committed + excluded.committed;
    RETURN NULL;
END $$;
CREATE TRIGGER stock_move_level AFTER INSERT ON stock_move
    FOR EACH ROW EXECUTE FUNCTION stock_move_level();
CREATE FUNCTION stock_move_dirties_listing() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    UPDATE channel_listing SET dirty_seq = NEW.seq WHERE variant_id = NEW.variant_id;
    RETURN NULL;
END $$;
CREATE TRIGGER stock_move_dirties_listing AFTER INSERT ON stock_move
    FOR EACH ROW EXECUTE FUNCTION stock_move_dirties_listing();

-- A customer's figures (see SQLite's 0013 and 0016).
CREATE VIEW customer_figures AS
SELECT c.id AS customer_id,
       (SELECT count(*) FROM customer_order o WHERE o.customer_id = c.id AND o.status <> 'cancelled')
     + (SELECT count(*) FROM sale s WHERE s.customer_id = c.id AND s.status = 'completed') AS orders,
       CAST((SELECT coalesce(sum(o.total_minor), 0) FROM customer_order o
              WHERE o.customer_id = c.id AND o.status <> 'cancelled')
          - (SELECT coalesce(sum(p.amount_minor), 0) FROM order_payment p
              JOIN customer_order o ON o.id = p.order_id
              WHERE o.customer_id = c.id AND p.kind = 'refund')
          + (SELECT coalesce(sum(s.total_minor), 0) FROM sale s
              WHERE s.customer_id = c.id AND s.status = 'completed') AS BIGINT) AS value_minor,
       (SELECT min(at) FROM (
           SELECT created_at AS at FROM customer_order WHERE customer_id = c.id AND status <> 'cancelled'
           UNION ALL SELECT completed_at FROM sale WHERE customer_id = c.id AND status = 'completed') AS t) AS first_at,
       (SELECT max(at) FROM (
           SELECT created_at AS at FROM customer_order WHERE customer_id = c.id AND status <> 'cancelled'
           UNION ALL SELECT completed_at FROM sale WHERE customer_id = c.id AND status = 'completed') AS t) AS last_at
FROM customer c;

CREATE FUNCTION customer_stats_refresh(customer TEXT) RETURNS VOID LANGUAGE sql AS $$
    INSERT INTO customer_stats SELECT * FROM customer_figures WHERE customer_id = customer
    ON CONFLICT (customer_id) DO UPDATE
    SET orders = excluded.orders, value_minor = excluded.value_minor,
        first_at = excluded.first_at, last_at = excluded.last_at;
$$;
CREATE FUNCTION customer_stats_customer_insert() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO customer_stats (customer_id, orders, value_minor) VALUES (NEW.id, 0, 0)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER customer_stats_customer_insert AFTER INSERT ON customer
    FOR EACH ROW EXECUTE FUNCTION customer_stats_customer_insert();
CREATE FUNCTION customer_stats_new_doc() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM customer_stats_refresh(NEW.customer_id);
    RETURN NULL;
END $$;
CREATE TRIGGER customer_stats_order_insert AFTER INSERT ON customer_order
    FOR EACH ROW WHEN (NEW.customer_id IS NOT NULL) EXECUTE FUNCTION customer_stats_new_doc();
CREATE TRIGGER customer_stats_sale_insert AFTER INSERT ON sale
    FOR EACH ROW WHEN (NEW.customer_id IS NOT NULL) EXECUTE FUNCTION customer_stats_new_doc();
CREATE FUNCTION customer_stats_doc_update() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM customer_stats_refresh(NEW.customer_id);
    IF OLD.customer_id IS DISTINCT FROM NEW.customer_id THEN
        PERFORM customer_stats_refresh(OLD.customer_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER customer_stats_order_update AFTER UPDATE OF status, total_minor, customer_id ON customer_order
    FOR EACH ROW WHEN ((OLD.status = 'cancelled') IS DISTINCT FROM (NEW.status = 'cancelled')
        OR OLD.total_minor IS DISTINCT FROM NEW.total_minor
        OR OLD.customer_id IS DISTINCT FROM NEW.customer_id)
    EXECUTE FUNCTION customer_stats_doc_update();
CREATE TRIGGER customer_stats_sale_update AFTER UPDATE OF status, total_minor, customer_id ON sale
    FOR EACH ROW EXECUTE FUNCTION customer_stats_doc_update();
CREATE FUNCTION customer_stats_payment() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM customer_stats_refresh((SELECT customer_id FROM customer_order WHERE id = NEW.order_id));
    RETURN NULL;
END $$;
CREATE TRIGGER customer_stats_payment AFTER INSERT ON order_payment
    FOR EACH ROW WHEN (NEW.kind = 'refund') EXECUTE FUNCTION customer_stats_payment();

-- The customer search (see SQLite's 0013, 0015 and 0021): live customers only, phones also as
-- bare digits; an order import indexes its customers at the page's end.
CREATE VIEW customer_search_row AS
SELECT k.seq AS seq, c.id AS customer_id, c.name AS name,
       concat_ws(' ', c.email, (SELECT string_agg(value, ' ') FROM customer_contact
                                WHERE customer_id = c.id AND kind = 'email')) AS emails,
       concat_ws(' ', c.phone, replace(replace(replace(replace(replace(c.phone, ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''),
                 (SELECT string_agg(value || ' ' || replace(replace(replace(value, ' ', ''), '-', ''), '+', ''), ' ')
                  FROM customer_contact WHERE customer_id = c.id AND kind = 'phone')) AS phones,
       coalesce(c.address::jsonb ->> 'postal_code', '') AS postcode,
       c.tags AS tags
FROM customer c JOIN customer_key k ON k.customer_id = c.id
WHERE c.merged_into IS NULL AND c.erased_at IS NULL;

CREATE FUNCTION customer_search_refresh(customer TEXT) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM customer_search_deferring) THEN
        INSERT INTO customer_search_stale (seq)
        SELECT seq FROM customer_key WHERE customer_id = customer
        ON CONFLICT DO NOTHING;
    ELSE
        DELETE FROM customer_search
        WHERE seq = (SELECT seq FROM customer_key WHERE customer_id = customer);
        INSERT INTO customer_search (seq, name, emails, phones, postcode, tags, doc)
        SELECT seq, name, emails, phones, postcode, tags, '' FROM customer_search_row
        WHERE customer_id = customer;
    END IF;
END $$;
CREATE FUNCTION customer_search_insert() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO customer_key (customer_id, sort_name) VALUES (NEW.id, NEW.name);
    PERFORM customer_search_refresh(NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER customer_search_insert AFTER INSERT ON customer
    FOR EACH ROW EXECUTE FUNCTION customer_search_insert();
CREATE FUNCTION customer_search_update() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    UPDATE customer_key SET sort_name = NEW.name WHERE customer_id = NEW.id;
    PERFORM customer_search_refresh(NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER customer_search_update
    AFTER UPDATE OF name, email, phone, address, tags, merged_into, erased_at ON customer
    FOR EACH ROW EXECUTE FUNCTION customer_search_update();
CREATE FUNCTION customer_search_contact() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM customer_search_refresh(OLD.customer_id);
    ELSE
        PERFORM customer_search_refresh(NEW.customer_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER customer_search_contact_insert AFTER INSERT ON customer_contact
    FOR EACH ROW EXECUTE FUNCTION customer_search_contact();
CREATE TRIGGER customer_search_contact_delete AFTER DELETE ON customer_contact
    FOR EACH ROW EXECUTE FUNCTION customer_search_contact();

-- Report sums: every write that changes a sold line marks its document's UTC hour stale, in the
-- same transaction (see SQLite's 0018).
CREATE FUNCTION report_stale_mark(at BIGINT) RETURNS VOID LANGUAGE sql AS $$
    INSERT INTO report_stale (hour) SELECT at - at % 3600000 WHERE at IS NOT NULL
    ON CONFLICT DO NOTHING;
$$;
CREATE FUNCTION report_stale_sale() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_stale_mark(OLD.completed_at);
    PERFORM report_stale_mark(NEW.completed_at);
    RETURN NULL;
END $$;
CREATE TRIGGER report_stale_sale AFTER UPDATE OF status, completed_at, staff_id, shift_id,
    total_minor, tax_minor, customer_id ON sale
    FOR EACH ROW WHEN (OLD.completed_at IS NOT NULL OR NEW.completed_at IS NOT NULL)
    EXECUTE FUNCTION report_stale_sale();
CREATE FUNCTION report_stale_sale_line() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM report_stale_mark(completed_at) FROM sale WHERE id = OLD.sale_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM report_stale_mark(completed_at) FROM sale WHERE id = NEW.sale_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_stale_sale_line_insert AFTER INSERT ON sale_line
    FOR EACH ROW EXECUTE FUNCTION report_stale_sale_line();
CREATE TRIGGER report_stale_sale_line_update AFTER UPDATE ON sale_line
    FOR EACH ROW EXECUTE FUNCTION report_stale_sale_line();
CREATE TRIGGER report_stale_sale_line_delete AFTER DELETE ON sale_line
    FOR EACH ROW EXECUTE FUNCTION report_stale_sale_line();

CREATE FUNCTION report_stale_order_insert() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_stale_mark(NEW.created_at);
    RETURN NULL;
END $$;
CREATE TRIGGER report_stale_order_insert AFTER INSERT ON customer_order
    FOR EACH ROW EXECUTE FUNCTION report_stale_order_insert();
CREATE FUNCTION report_stale_order_update() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_stale_mark(OLD.created_at);
    PERFORM report_stale_mark(NEW.created_at);
    -- Its refunded returns carry its channel, location and customer.
    IF OLD.channel IS DISTINCT FROM NEW.channel OR OLD.location_id IS DISTINCT FROM NEW.location_id
       OR OLD.customer_id IS DISTINCT FROM NEW.customer_id THEN
        PERFORM report_stale_mark(updated_at) FROM order_return
        WHERE order_id = NEW.id AND status = 'refunded';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_stale_order_update AFTER UPDATE OF status, created_at, channel,
    location_id, created_by, prices_include_tax, total_minor, tax_minor, customer_id ON customer_order
    FOR EACH ROW WHEN ((OLD.status = 'cancelled') IS DISTINCT FROM (NEW.status = 'cancelled')
        OR OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.channel IS DISTINCT FROM NEW.channel
        OR OLD.location_id IS DISTINCT FROM NEW.location_id OR OLD.created_by IS DISTINCT FROM NEW.created_by
        OR OLD.prices_include_tax IS DISTINCT FROM NEW.prices_include_tax
        OR OLD.total_minor IS DISTINCT FROM NEW.total_minor OR OLD.tax_minor IS DISTINCT FROM NEW.tax_minor
        OR OLD.customer_id IS DISTINCT FROM NEW.customer_id)
    EXECUTE FUNCTION report_stale_order_update();
CREATE FUNCTION report_stale_order_line() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM report_stale_mark(created_at) FROM customer_order WHERE id = OLD.order_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM report_stale_mark(created_at) FROM customer_order WHERE id = NEW.order_id;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM report_stale_mark(r.updated_at) FROM order_return r
        JOIN order_return_line rl ON rl.return_id = r.id
        WHERE rl.order_line_id = NEW.id AND r.status = 'refunded';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_stale_order_line_insert AFTER INSERT ON order_line
    FOR EACH ROW EXECUTE FUNCTION report_stale_order_line();
CREATE TRIGGER report_stale_order_line_update AFTER UPDATE OF order_id, kind, variant_id,
    quantity, amount_minor, discount_minor, tax_minor, taxes, unit_cost_minor ON order_line
    FOR EACH ROW EXECUTE FUNCTION report_stale_order_line();
CREATE TRIGGER report_stale_order_line_delete AFTER DELETE ON order_line
    FOR EACH ROW EXECUTE FUNCTION report_stale_order_line();

CREATE FUNCTION report_stale_return() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM report_stale_mark(OLD.updated_at);
    END IF;
    PERFORM report_stale_mark(NEW.updated_at);
    RETURN NULL;
END $$;
CREATE TRIGGER report_stale_return_insert AFTER INSERT ON order_return
    FOR EACH ROW WHEN (NEW.status = 'refunded') EXECUTE FUNCTION report_stale_return();
CREATE TRIGGER report_stale_return_update AFTER UPDATE ON order_return
    FOR EACH ROW WHEN (OLD.status = 'refunded' OR NEW.status = 'refunded')
    EXECUTE FUNCTION report_stale_return();
CREATE FUNCTION report_stale_return_line() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM report_stale_mark(updated_at) FROM order_return
        WHERE id = OLD.return_id AND status = 'refunded';
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM report_stale_mark(updated_at) FROM order_return
        WHERE id = NEW.return_id AND status = 'refunded';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_stale_return_line AFTER INSERT ON order_return_line
    FOR EACH ROW EXECUTE FUNCTION report_stale_return_line();
CREATE TRIGGER report_stale_return_line_update AFTER UPDATE ON order_return_line
    FOR EACH ROW EXECUTE FUNCTION report_stale_return_line();
CREATE TRIGGER report_stale_return_line_delete AFTER DELETE ON order_return_line
    FOR EACH ROW EXECUTE FUNCTION report_stale_return_line();

-- A product moved to another category or vendor: the days its items sold are made again.
CREATE FUNCTION report_stale_product() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_stale_mark(day_start) FROM (
        SELECT DISTINCT day_start FROM report_item
        WHERE span = 'day' AND item IN (SELECT id FROM variant WHERE product_id = NEW.id)) AS d;
    RETURN NULL;
END $$;
CREATE TRIGGER report_stale_product AFTER UPDATE OF product_type, vendor ON product
    FOR EACH ROW WHEN (OLD.product_type IS DISTINCT FROM NEW.product_type
        OR OLD.vendor IS DISTINCT FROM NEW.vendor)
    EXECUTE FUNCTION report_stale_product();
CREATE FUNCTION report_stale_variant() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_stale_mark(day_start) FROM (
        SELECT DISTINCT day_start FROM report_item WHERE span = 'day' AND item = NEW.id) AS d;
    RETURN NULL;
END $$;
CREATE TRIGGER report_stale_variant AFTER UPDATE OF product_id ON variant
    FOR EACH ROW WHEN (OLD.product_id IS DISTINCT FROM NEW.product_id)
    EXECUTE FUNCTION report_stale_variant();

-- A shipment, its lines, or a hold change how far an order got: the hour it was placed.
CREATE FUNCTION report_stale_order_of() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM report_stale_mark(created_at) FROM customer_order WHERE id = OLD.order_id;
    ELSE
        PERFORM report_stale_mark(created_at) FROM customer_order WHERE id = NEW.order_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_stale_shipment AFTER INSERT ON shipment
    FOR EACH ROW EXECUTE FUNCTION report_stale_order_of();
CREATE TRIGGER report_stale_shipment_gone AFTER DELETE ON shipment
    FOR EACH ROW EXECUTE FUNCTION report_stale_order_of();
CREATE TRIGGER report_stale_held AFTER INSERT ON order_event
    FOR EACH ROW WHEN (NEW.kind = 'held') EXECUTE FUNCTION report_stale_order_of();
CREATE FUNCTION report_stale_shipment_line() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_stale_mark(o.created_at) FROM shipment s
    JOIN customer_order o ON o.id = s.order_id WHERE s.id = NEW.shipment_id;
    RETURN NULL;
END $$;
CREATE TRIGGER report_stale_shipment_line AFTER INSERT ON shipment_line
    FOR EACH ROW EXECUTE FUNCTION report_stale_shipment_line();

-- Each variant's unit cost over time (see SQLite's 0019).
CREATE FUNCTION variant_cost_write() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO variant_cost (variant_id, at, cost_minor) VALUES (NEW.id, NEW.updated_at, NEW.cost_minor);
    RETURN NULL;
END $$;
CREATE TRIGGER variant_cost_made AFTER INSERT ON variant
    FOR EACH ROW WHEN (NEW.cost_minor IS NOT NULL) EXECUTE FUNCTION variant_cost_write();
CREATE TRIGGER variant_cost_changed AFTER UPDATE OF cost_minor ON variant
    FOR EACH ROW WHEN (NEW.cost_minor IS DISTINCT FROM OLD.cost_minor)
    EXECUTE FUNCTION variant_cost_write();

-- Several stations: an action a station journaled is applied here exactly once (its id written
-- in the transaction that applies it).
CREATE TABLE applied_actions (
    action_id  TEXT PRIMARY KEY,
    station    TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
