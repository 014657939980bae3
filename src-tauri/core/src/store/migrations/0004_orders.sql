-- 0004: orders from every channel with their verification, payments, shipments, returns and
-- claims; invoices and credit notes with gapless numbers; the mail outbox and its templates;
-- customers with addresses and notes.

-- The shop's legal details (printed on invoices), invoice numbering, risk thresholds and the
-- SMTP account (its password lives in the OS keychain, never here).
ALTER TABLE shop ADD COLUMN legal_name TEXT NOT NULL DEFAULT '';
ALTER TABLE shop ADD COLUMN legal_address TEXT NOT NULL DEFAULT '';
ALTER TABLE shop ADD COLUMN tax_id TEXT NOT NULL DEFAULT '';
ALTER TABLE shop ADD COLUMN shop_email TEXT NOT NULL DEFAULT '';
ALTER TABLE shop ADD COLUMN invoice_prefix TEXT NOT NULL DEFAULT 'INV';
ALTER TABLE shop ADD COLUMN credit_note_prefix TEXT NOT NULL DEFAULT 'CN';
ALTER TABLE shop ADD COLUMN payment_terms_days INTEGER NOT NULL DEFAULT 14;
ALTER TABLE shop ADD COLUMN risk_hold_score INTEGER NOT NULL DEFAULT 60;
ALTER TABLE shop ADD COLUMN risk_value_multiple INTEGER NOT NULL DEFAULT 5;
ALTER TABLE shop ADD COLUMN risk_velocity_count INTEGER NOT NULL DEFAULT 3;
ALTER TABLE shop ADD COLUMN risk_velocity_hours INTEGER NOT NULL DEFAULT 24;
ALTER TABLE shop ADD COLUMN smtp_host TEXT NOT NULL DEFAULT '';
ALTER TABLE shop ADD COLUMN smtp_port INTEGER NOT NULL DEFAULT 587;
ALTER TABLE shop ADD COLUMN smtp_security TEXT NOT NULL DEFAULT 'starttls'
    CHECK (smtp_security IN ('starttls', 'tls', 'none'));
ALTER TABLE shop ADD COLUMN smtp_username TEXT NOT NULL DEFAULT '';
ALTER TABLE shop ADD COLUMN mail_from TEXT NOT NULL DEFAULT '';

ALTER TABLE customer ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE customer ADD COLUMN address TEXT NOT NULL DEFAULT '{}'; -- JSON, the last used
ALTER TABLE customer ADD COLUMN erased_at INTEGER;
CREATE INDEX customer_email ON customer (lower(email)) WHERE email IS NOT NULL;
CREATE INDEX sale_customer ON sale (customer_id) WHERE customer_id IS NOT NULL;

-- "order" is an SQL keyword.
CREATE TABLE customer_order (
    id             TEXT PRIMARY KEY,
    number         INTEGER NOT NULL UNIQUE,
    channel        TEXT NOT NULL, -- manual, shopify, woocommerce, …
    external_id    TEXT,
    status         TEXT NOT NULL CHECK (status IN ('on_hold', 'open', 'cancelled')),
    customer_id    TEXT REFERENCES customer(id),
    email          TEXT,
    phone          TEXT,
    billing        TEXT NOT NULL,  -- JSON address
    shipping       TEXT NOT NULL,  -- JSON address
    address_key    TEXT NOT NULL,  -- normalised shipping address, for velocity checks
    location_id    TEXT NOT NULL REFERENCES location(id),
    shipping_method TEXT NOT NULL DEFAULT '',
    express        INTEGER NOT NULL DEFAULT 0 CHECK (express IN (0, 1)),
    channel_risk   TEXT CHECK (channel_risk IN ('low', 'medium', 'high')),
    prices_include_tax INTEGER NOT NULL,
    subtotal_minor INTEGER NOT NULL,
    discount_minor INTEGER NOT NULL,
    shipping_minor INTEGER NOT NULL,
    tax_minor      INTEGER NOT NULL,
    total_minor    INTEGER NOT NULL,
    taxes          TEXT NOT NULL DEFAULT '[]', -- JSON tax parts per rate
    risk_score     INTEGER NOT NULL DEFAULT 0,
    checks         TEXT NOT NULL DEFAULT '[]', -- JSON results of the last verification
    note           TEXT NOT NULL DEFAULT '',
    created_by     TEXT REFERENCES staff(id),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (channel, external_id)
) STRICT;
CREATE INDEX order_created ON customer_order (created_at);
CREATE INDEX order_status ON customer_order (status, created_at);
CREATE INDEX order_channel ON customer_order (channel, created_at);
CREATE INDEX order_customer ON customer_order (customer_id);
CREATE INDEX order_external ON customer_order (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX order_email ON customer_order (lower(email), created_at);
CREATE INDEX order_phone ON customer_order (phone, created_at) WHERE phone IS NOT NULL;
CREATE INDEX order_address ON customer_order (address_key, created_at);

CREATE TABLE order_line (
    id                  TEXT PRIMARY KEY,
    order_id            TEXT NOT NULL REFERENCES customer_order(id),
    position            INTEGER NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN ('item', 'shipping')),
    variant_id          TEXT REFERENCES variant(id),
    sku                 TEXT NOT NULL DEFAULT '',
    title               TEXT NOT NULL,
    quantity            INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_minor    INTEGER NOT NULL CHECK (unit_price_minor >= 0),
    catalog_price_minor INTEGER,
    discount_minor      INTEGER NOT NULL DEFAULT 0,
    amount_minor        INTEGER NOT NULL, -- after discount, in the order's price convention
    tax_minor           INTEGER NOT NULL,
    taxes               TEXT NOT NULL DEFAULT '[]' -- JSON tax parts
) STRICT;
CREATE INDEX order_line_order ON order_line (order_id, position);

CREATE TABLE order_payment (
    id           TEXT PRIMARY KEY,
    order_id     TEXT NOT NULL REFERENCES customer_order(id),
    kind         TEXT NOT NULL CHECK (kind IN ('payment', 'refund')),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    method       TEXT NOT NULL,
    reference    TEXT NOT NULL DEFAULT '',
    staff_id     TEXT REFERENCES staff(id),
    at           INTEGER NOT NULL
) STRICT;
CREATE INDEX order_payment_order ON order_payment (order_id);

CREATE TABLE shipment (
    id         TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL REFERENCES customer_order(id),
    carrier    TEXT NOT NULL DEFAULT '',
    tracking   TEXT NOT NULL DEFAULT '',
    staff_id   TEXT REFERENCES staff(id),
    at         INTEGER NOT NULL
) STRICT;
CREATE INDEX shipment_order ON shipment (order_id);

CREATE TABLE shipment_line (
    shipment_id   TEXT NOT NULL REFERENCES shipment(id),
    order_line_id TEXT NOT NULL REFERENCES order_line(id),
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (shipment_id, order_line_id)
) STRICT;
CREATE INDEX shipment_line_line ON shipment_line (order_line_id);

CREATE TABLE order_event (
    id       TEXT PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES customer_order(id),
    at       INTEGER NOT NULL,
    staff_id TEXT REFERENCES staff(id),
    kind     TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX order_event_order ON order_event (order_id, at);

-- An issued invoice or credit note is frozen: its whole content is `data`, and triggers refuse
-- any change. Numbers are gapless per series (prefix) and year.
CREATE TABLE invoice (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    series     TEXT NOT NULL,
    year       INTEGER NOT NULL,
    number     INTEGER NOT NULL,
    code       TEXT NOT NULL UNIQUE,
    order_id   TEXT REFERENCES customer_order(id),
    sale_id    TEXT REFERENCES sale(id),
    credits    TEXT REFERENCES invoice(id),
    customer_id TEXT REFERENCES customer(id),
    total_minor INTEGER NOT NULL,
    data       TEXT NOT NULL,
    issued_by  TEXT REFERENCES staff(id),
    issued_at  INTEGER NOT NULL,
    UNIQUE (series, year, number)
) STRICT;
CREATE UNIQUE INDEX invoice_one_per_order ON invoice (order_id) WHERE kind = 'invoice' AND order_id IS NOT NULL;
CREATE UNIQUE INDEX invoice_one_per_sale ON invoice (sale_id) WHERE kind = 'invoice' AND sale_id IS NOT NULL;
CREATE INDEX invoice_credits ON invoice (credits);
CREATE TRIGGER invoice_no_update BEFORE UPDATE ON invoice
BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes: issue a credit note'); END;
CREATE TRIGGER invoice_no_delete BEFORE DELETE ON invoice
BEGIN SELECT RAISE(ABORT, 'an issued invoice is never deleted'); END;

CREATE TABLE order_return (
    id              TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL REFERENCES customer_order(id),
    number          INTEGER NOT NULL UNIQUE,
    status          TEXT NOT NULL CHECK (status IN ('authorised', 'received', 'refunded', 'cancelled')),
    reason          TEXT NOT NULL,
    refund_minor    INTEGER,
    credit_note_id  TEXT REFERENCES invoice(id),
    created_by      TEXT REFERENCES staff(id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX order_return_order ON order_return (order_id);

CREATE TABLE order_return_line (
    return_id     TEXT NOT NULL REFERENCES order_return(id),
    order_line_id TEXT NOT NULL REFERENCES order_line(id),
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    disposition   TEXT CHECK (disposition IN ('restock', 'write_off')),
    location_id   TEXT REFERENCES location(id),
    PRIMARY KEY (return_id, order_line_id)
) STRICT;
CREATE INDEX order_return_line_line ON order_return_line (order_line_id);

CREATE TABLE claim (
    id          TEXT PRIMARY KEY,
    order_id    TEXT NOT NULL REFERENCES customer_order(id),
    kind        TEXT NOT NULL CHECK (kind IN ('damaged', 'missing', 'wrong_item')),
    status      TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    evidence    TEXT NOT NULL DEFAULT '',
    resolution  TEXT CHECK (resolution IN ('refund', 'reship', 'reject')),
    refund_minor INTEGER,
    reship_order_id TEXT REFERENCES customer_order(id),
    created_by  TEXT REFERENCES staff(id),
    created_at  INTEGER NOT NULL,
    resolved_at INTEGER
) STRICT;
CREATE INDEX claim_order ON claim (order_id);

-- Every message to or from a customer. Outgoing ones are the outbox: queued until the SMTP
-- server takes them, retried with backoff, never dropped.
CREATE TABLE message (
    id              TEXT PRIMARY KEY,
    direction       TEXT NOT NULL CHECK (direction IN ('out', 'in')),
    kind            TEXT NOT NULL, -- order_confirmation, invoice, shipment, refund, reply, note
    order_id        TEXT REFERENCES customer_order(id),
    customer_id     TEXT REFERENCES customer(id),
    address         TEXT NOT NULL, -- recipient (out) or sender (in)
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    invoice_id      TEXT REFERENCES invoice(id), -- attached as PDF
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'received')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
) STRICT;
CREATE INDEX message_due ON message (status, next_attempt_at) WHERE direction = 'out';
CREATE INDEX message_order ON message (order_id);
CREATE INDEX message_customer ON message (customer_id);

CREATE TABLE email_template (
    kind    TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    body    TEXT NOT NULL
) STRICT;
INSERT INTO email_template (kind, subject, body) VALUES
('order_confirmation', 'Your order {order_number} at {shop_name}',
 'Hello {customer_name},

thank you for your order {order_number}. We have received it and will let you know when it ships.

Total: {total}

{shop_name}'),
('invoice', 'Invoice {invoice_number} for order {order_number}',
 'Hello {customer_name},

please find attached invoice {invoice_number} for your order {order_number}, total {total}.

{shop_name}'),
('shipment', 'Your order {order_number} has shipped',
 'Hello {customer_name},

your order {order_number} is on its way with {carrier}. Tracking number: {tracking_number}
{tracking_url}

{shop_name}'),
('refund', 'Refund for order {order_number}',
 'Hello {customer_name},

we have refunded {refund_amount} for your order {order_number}. The credit note is attached.

{shop_name}');

-- Managing orders (create, edit, hold, release, cancel, refund): for roles that sell.
UPDATE role SET permissions = json_insert(permissions, '$[#]', 'orders_manage')
WHERE EXISTS (SELECT 1 FROM json_each(role.permissions) WHERE value = 'sell');
