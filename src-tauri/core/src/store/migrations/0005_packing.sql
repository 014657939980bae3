-- 0005: the packing station. Carriers with tracking pages, box presets, stations with their
-- printers and documents, packages of a shipment, scan verification and overrides, the print
-- queue, shipping promises per channel, delivery status, dropship orders to suppliers, and the
-- queue of tracking pushes the marketplace sync works through.

CREATE TABLE carrier (
    code         TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    -- The carrier's tracking page; {tracking} is replaced by the number.
    tracking_url TEXT NOT NULL DEFAULT '',
    -- The shop's own delivery: tracking numbers are generated here.
    own          INTEGER NOT NULL DEFAULT 0 CHECK (own IN (0, 1)),
    custom       INTEGER NOT NULL DEFAULT 0 CHECK (custom IN (0, 1)),
    position     INTEGER NOT NULL DEFAULT 100
) STRICT;

INSERT INTO carrier (code, name, tracking_url, position) VALUES
    ('dhl', 'DHL', 'https://www.dhl.com/global-en/home/tracking/tracking-parcel.html?tracking-id={tracking}', 1),
    ('ups', 'UPS', 'https://www.ups.com/track?tracknum={tracking}', 2),
    ('fedex', 'FedEx', 'https://www.fedex.com/fedextrack/?trknbr={tracking}', 3),
    ('usps', 'USPS', 'https://tools.usps.com/go/TrackConfirmAction?tLabels={tracking}', 4),
    ('royal_mail', 'Royal Mail', 'https://www.royalmail.com/track-your-item#/tracking-results/{tracking}', 5),
    ('dpd', 'DPD', 'https://tracking.dpd.de/status/en_US/parcel/{tracking}', 6),
    ('gls', 'GLS', 'https://gls-group.com/track/{tracking}', 7),
    ('postnl', 'PostNL', 'https://jouw.postnl.nl/track-and-trace/{tracking}', 8),
    ('canada_post', 'Canada Post', 'https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={tracking}', 9),
    ('australia_post', 'Australia Post', 'https://auspost.com.au/mypost/track/details/{tracking}', 10),
    ('colissimo', 'La Poste / Colissimo', 'https://www.laposte.fr/outils/suivre-vos-envois?code={tracking}', 11),
    ('an_post', 'An Post', 'https://www.anpost.com/Post-Parcels/Track/History?item={tracking}', 12);
INSERT INTO carrier (code, name, tracking_url, own, position) VALUES
    ('own', 'Own delivery', '', 1, 0);

CREATE TABLE package_preset (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    length_mm   INTEGER NOT NULL CHECK (length_mm > 0),
    width_mm    INTEGER NOT NULL CHECK (width_mm > 0),
    height_mm   INTEGER NOT NULL CHECK (height_mm > 0),
    tare_grams  INTEGER NOT NULL DEFAULT 0 CHECK (tare_grams >= 0)
) STRICT;

INSERT INTO package_preset (id, name, length_mm, width_mm, height_mm, tare_grams) VALUES
    ('envelope', 'Padded envelope', 250, 180, 30, 20),
    ('small', 'Small box', 200, 150, 100, 120),
    ('medium', 'Medium box', 300, 220, 150, 250),
    ('large', 'Large box', 400, 300, 250, 450);

-- A packing bench (or a counter) and its printers, one per kind of document; an empty printer
-- name means the system's default.
CREATE TABLE station (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE COLLATE NOCASE,
    label_printer    TEXT NOT NULL DEFAULT '',
    document_printer TEXT NOT NULL DEFAULT '',
    receipt_printer  TEXT NOT NULL DEFAULT '',
    label_size       TEXT NOT NULL DEFAULT '4x6' CHECK (label_size IN ('4x6', 'a6', 'a4x2')),
    print_label      INTEGER NOT NULL DEFAULT 1 CHECK (print_label IN (0, 1)),
    print_slip       INTEGER NOT NULL DEFAULT 1 CHECK (print_slip IN (0, 1)),
    print_invoice    INTEGER NOT NULL DEFAULT 1 CHECK (print_invoice IN (0, 1)),
    carrier          TEXT NOT NULL DEFAULT 'own',
    service          TEXT NOT NULL DEFAULT '',
    preset           TEXT NOT NULL DEFAULT ''
) STRICT;

ALTER TABLE shop ADD COLUMN tracking_prefix TEXT NOT NULL DEFAULT 'SD';

ALTER TABLE shipment ADD COLUMN service TEXT NOT NULL DEFAULT '';
ALTER TABLE shipment ADD COLUMN weight_grams INTEGER NOT NULL DEFAULT 0;
-- 1 when every unit in the shipment was scanned at the bench.
ALTER TABLE shipment ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;
-- Why it left without every unit scanned, and who allowed it.
ALTER TABLE shipment ADD COLUMN override_reason TEXT;
ALTER TABLE shipment ADD COLUMN override_by TEXT REFERENCES staff(id);
ALTER TABLE shipment ADD COLUMN delivery TEXT NOT NULL DEFAULT 'in_transit'
    CHECK (delivery IN ('in_transit', 'delivered', 'exception', 'returned'));
ALTER TABLE shipment ADD COLUMN delivery_at INTEGER;
ALTER TABLE shipment ADD COLUMN dropship_id TEXT REFERENCES dropship(id);
CREATE INDEX shipment_at ON shipment (at);

CREATE TABLE shipment_package (
    shipment_id  TEXT NOT NULL REFERENCES shipment(id),
    n            INTEGER NOT NULL CHECK (n > 0),
    weight_grams INTEGER NOT NULL CHECK (weight_grams >= 0),
    preset       TEXT NOT NULL DEFAULT '',
    tracking     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (shipment_id, n)
) STRICT, WITHOUT ROWID;

-- How many business days each channel promises to ship in; '*' is the default.
CREATE TABLE ship_promise (
    channel       TEXT PRIMARY KEY,
    business_days INTEGER NOT NULL CHECK (business_days >= 0)
) STRICT;
INSERT INTO ship_promise (channel, business_days) VALUES ('*', 2);

-- Products a supplier ships straight to the customer.
ALTER TABLE variant ADD COLUMN dropship_supplier_id TEXT REFERENCES supplier(id);

CREATE TABLE dropship (
    id          TEXT PRIMARY KEY,
    number      INTEGER NOT NULL UNIQUE,
    order_id    TEXT NOT NULL REFERENCES customer_order(id),
    supplier_id TEXT NOT NULL REFERENCES supplier(id),
    status      TEXT NOT NULL CHECK (status IN ('sent', 'shipped', 'cancelled')),
    staff_id    TEXT REFERENCES staff(id),
    created_at  INTEGER NOT NULL,
    shipped_at  INTEGER
) STRICT;
CREATE INDEX dropship_order ON dropship (order_id);

CREATE TABLE dropship_line (
    dropship_id   TEXT NOT NULL REFERENCES dropship(id),
    order_line_id TEXT NOT NULL REFERENCES order_line(id),
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (dropship_id, order_line_id)
) STRICT, WITHOUT ROWID;

-- The supplier order travels as a PDF attachment of its e-mail.
ALTER TABLE message ADD COLUMN dropship_id TEXT REFERENCES dropship(id);

INSERT INTO email_template (kind, subject, body) VALUES
    ('supplier_order', 'Dropship order {dropship_number} from {shop_name}',
     'Hello {supplier_name},

please ship the items on the attached order {dropship_number} straight to our customer:

{ship_to}

Reply with the carrier and tracking number once it is on its way.

{shop_name}');

-- Documents on their way to a printer. A failed job keeps its error and can be retried; a
-- reprint is a new job for the same document.
CREATE TABLE print_job (
    id         TEXT PRIMARY KEY,
    station_id TEXT REFERENCES station(id),
    kind       TEXT NOT NULL
               CHECK (kind IN ('label', 'slip', 'invoice', 'picklist', 'supplier_order')),
    -- What to print: a shipment (label, slip), an invoice, an order (picklist), a dropship.
    doc_id     TEXT NOT NULL,
    title      TEXT NOT NULL,
    printer    TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    spooler    TEXT,
    created_at INTEGER NOT NULL,
    sent_at    INTEGER
) STRICT;
CREATE INDEX print_job_status ON print_job (status, created_at);

-- Tracking to hand back to the marketplace an order came from; the sync works through it.
CREATE TABLE channel_push (
    id          TEXT PRIMARY KEY,
    channel     TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('fulfilment')),
    order_id    TEXT NOT NULL REFERENCES customer_order(id),
    shipment_id TEXT REFERENCES shipment(id),
    status      TEXT NOT NULL CHECK (status IN ('queued', 'done', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX channel_push_status ON channel_push (status, created_at);

-- Overriding the scan check at the bench (e.g. an item without a barcode) goes to the roles that
-- may already approve price overrides: the same trust, asked for by PIN the same way.
UPDATE role SET permissions = json_insert(permissions, '$[#]', 'pack_override')
WHERE EXISTS (SELECT 1 FROM json_each(role.permissions) WHERE value = 'approve_discount');
