-- 0003: the counter. Taxes, customers with store credit, discount codes, gift cards, shifts with
-- cash movements, sales (carts live here too, so a crash never loses one), their lines, taxes and
-- tenders, and the hash-chained journal. Default tax rates are seeded by a Rust hook (tax.rs).

ALTER TABLE shop ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE shop ADD COLUMN prices_include_tax INTEGER NOT NULL DEFAULT 1 CHECK (prices_include_tax IN (0, 1));
ALTER TABLE shop ADD COLUMN tax_rounding TEXT NOT NULL DEFAULT 'total' CHECK (tax_rounding IN ('line', 'total'));
ALTER TABLE shop ADD COLUMN cash_rounding_minor INTEGER NOT NULL DEFAULT 0 CHECK (cash_rounding_minor >= 0);
ALTER TABLE shop ADD COLUMN discount_limit_bp INTEGER NOT NULL DEFAULT 1000 CHECK (discount_limit_bp BETWEEN 0 AND 10000);
ALTER TABLE shop ADD COLUMN receipt_footer TEXT NOT NULL DEFAULT 'Returns within 30 days with this receipt.';

CREATE TABLE tax_rate (
    id        TEXT PRIMARY KEY,
    tax_class TEXT NOT NULL,
    name      TEXT NOT NULL,
    rate_bp   INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 100000), -- 1 bp = 0.01 %
    position  INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX tax_rate_class ON tax_rate (tax_class, position);

CREATE TABLE customer (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    email      TEXT,
    phone      TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX customer_name ON customer (name COLLATE NOCASE);

-- Store credit and gift card balances are ledgers, like stock: the balance is the sum.
CREATE TABLE store_credit_move (
    id          TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customer(id),
    delta_minor INTEGER NOT NULL,
    sale_id     TEXT,
    at          INTEGER NOT NULL
) STRICT;
CREATE INDEX store_credit_customer ON store_credit_move (customer_id);

CREATE TABLE gift_card (
    code       TEXT PRIMARY KEY COLLATE NOCASE,
    sale_id    TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE gift_card_move (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL REFERENCES gift_card(code),
    delta_minor INTEGER NOT NULL,
    sale_id     TEXT NOT NULL,
    at          INTEGER NOT NULL
) STRICT;
CREATE INDEX gift_card_move_code ON gift_card_move (code);

CREATE TABLE discount_code (
    code       TEXT PRIMARY KEY COLLATE NOCASE,
    kind       TEXT NOT NULL CHECK (kind IN ('percent', 'fixed')),
    value      INTEGER NOT NULL CHECK (value > 0), -- basis points, or minor units
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE shift (
    id             TEXT PRIMARY KEY,
    number         INTEGER NOT NULL UNIQUE,
    status         TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    location_id    TEXT NOT NULL REFERENCES location(id),
    float_minor    INTEGER NOT NULL CHECK (float_minor >= 0),
    opened_by      TEXT NOT NULL REFERENCES staff(id),
    opened_at      INTEGER NOT NULL,
    closed_by      TEXT REFERENCES staff(id),
    closed_at      INTEGER,
    expected_minor INTEGER,
    counted_minor  INTEGER,
    report         TEXT -- the Z report as JSON, frozen at the close
) STRICT;
-- One till: at most one open shift at a time.
CREATE UNIQUE INDEX shift_one_open ON shift (status) WHERE status = 'open';

CREATE TABLE cash_move (
    id           TEXT PRIMARY KEY,
    shift_id     TEXT NOT NULL REFERENCES shift(id),
    amount_minor INTEGER NOT NULL CHECK (amount_minor <> 0), -- + in, - out
    reason       TEXT NOT NULL,
    staff_id     TEXT NOT NULL REFERENCES staff(id),
    at           INTEGER NOT NULL
) STRICT;
CREATE INDEX cash_move_shift ON cash_move (shift_id);

CREATE TABLE sale (
    id                 TEXT PRIMARY KEY,
    number             INTEGER UNIQUE, -- receipt number, gapless, given when the sale completes
    status             TEXT NOT NULL CHECK (status IN ('open', 'parked', 'completed', 'voided')),
    staff_id           TEXT NOT NULL REFERENCES staff(id),
    shift_id           TEXT REFERENCES shift(id),
    customer_id        TEXT REFERENCES customer(id),
    note               TEXT NOT NULL DEFAULT '',
    cart_discount_kind TEXT CHECK (cart_discount_kind IN ('percent', 'fixed')),
    cart_discount      INTEGER,
    cart_discount_by   TEXT REFERENCES staff(id), -- the manager who approved a discount over the limit
    discount_code      TEXT,
    -- Frozen when the sale completes; a later change of rates or prices never rewrites a receipt.
    prices_include_tax INTEGER,
    subtotal_minor     INTEGER,
    discount_minor     INTEGER,
    tax_minor          INTEGER,
    rounding_minor     INTEGER,
    total_minor        INTEGER,
    change_minor       INTEGER,
    void_reason        TEXT,
    voided_by          TEXT REFERENCES staff(id),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    completed_at       INTEGER
) STRICT;
CREATE INDEX sale_status ON sale (status, updated_at);
CREATE INDEX sale_shift ON sale (shift_id, status);

CREATE TABLE sale_line (
    id               TEXT PRIMARY KEY,
    sale_id          TEXT NOT NULL REFERENCES sale(id),
    position         INTEGER NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('item', 'gift_card', 'return')),
    variant_id       TEXT REFERENCES variant(id),
    title            TEXT NOT NULL,
    sku              TEXT,
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    list_price_minor INTEGER NOT NULL,
    unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor >= 0),
    price_by         TEXT REFERENCES staff(id),
    discount_kind    TEXT CHECK (discount_kind IN ('percent', 'fixed')),
    discount         INTEGER,
    discount_by      TEXT REFERENCES staff(id),
    tax_class        TEXT NOT NULL,
    gift_card_code   TEXT,
    return_of        TEXT REFERENCES sale_line(id),
    restock          INTEGER CHECK (restock IN (0, 1)),
    void_reason      TEXT,
    voided_by        TEXT REFERENCES staff(id),
    -- Frozen at completion (negative on return lines): what was charged after discounts, in the
    -- shop's price convention, and the discount it took.
    discount_minor   INTEGER,
    amount_minor     INTEGER,
    tax_minor        INTEGER
) STRICT;
CREATE INDEX sale_line_sale ON sale_line (sale_id, position);
CREATE INDEX sale_line_return ON sale_line (return_of) WHERE return_of IS NOT NULL;

CREATE TABLE sale_line_tax (
    line_id    TEXT NOT NULL REFERENCES sale_line(id),
    name       TEXT NOT NULL,
    rate_bp    INTEGER NOT NULL,
    base_minor INTEGER NOT NULL, -- the amount before tax the rate applied to
    tax_minor  INTEGER NOT NULL,
    PRIMARY KEY (line_id, name, rate_bp)
) STRICT, WITHOUT ROWID;

CREATE TABLE tender (
    id           TEXT PRIMARY KEY,
    sale_id      TEXT NOT NULL REFERENCES sale(id),
    position     INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('cash', 'card', 'store_credit', 'gift_card', 'custom')),
    label        TEXT NOT NULL,
    amount_minor INTEGER NOT NULL, -- applied to the sale; negative for a refund
    given_minor  INTEGER,          -- cash handed over
    reference    TEXT              -- card approval code / last four, gift card code; never a card number
) STRICT;
CREATE INDEX tender_sale ON tender (sale_id);

-- The tamper-evident journal: each entry's hash covers the previous one's.
CREATE TABLE journal (
    seq       INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('sale', 'return', 'void', 'close')),
    doc_id    TEXT NOT NULL,
    payload   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL UNIQUE
) STRICT;
CREATE INDEX journal_doc ON journal (doc_id);

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER store_credit_no_update BEFORE UPDATE ON store_credit_move
BEGIN SELECT RAISE(ABORT, 'store credit moves are append-only'); END;
CREATE TRIGGER gift_card_no_update BEFORE UPDATE ON gift_card_move
BEGIN SELECT RAISE(ABORT, 'gift card moves are append-only'); END;

-- Approving price overrides and big discounts, and voiding: for roles that see reports.
UPDATE role SET permissions = json_insert(permissions, '$[#]', 'approve_discount')
WHERE EXISTS (SELECT 1 FROM json_each(role.permissions) WHERE value = 'reports_view');
UPDATE role SET permissions = json_insert(permissions, '$[#]', 'void')
WHERE EXISTS (SELECT 1 FROM json_each(role.permissions) WHERE value = 'reports_view');
