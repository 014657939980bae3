-- Reports over a quarter or a year read sums kept per local hour, day and month instead of every
-- sold line.
-- The sums are made by core from the same facts every report reads (report/rollup.rs); the
-- store's part is to say which hours are out of date. Every write that changes a sold line marks
-- its document's UTC hour here in the same transaction, and a report folds or reads around the
-- marked hours, so the sums can never be behind the documents.
CREATE TABLE report_stale (
    hour INTEGER PRIMARY KEY  -- UTC ms at the start of an hour
) STRICT, WITHOUT ROWID;

-- One row per local hour (0–23; -1 for the whole day, the sum of its hours), kind of document,
-- channel, location and staff member: the facts of that hour summed. Amounts are minor units
-- before tax; `day` is the shop's date in `zone`.
CREATE TABLE report_hour (
    day            TEXT NOT NULL,
    hour           INTEGER NOT NULL,
    doc            TEXT NOT NULL CHECK (doc IN ('sale', 'order', 'return')),
    channel        TEXT NOT NULL,
    location       TEXT NOT NULL,
    staff          TEXT NOT NULL,
    docs           INTEGER NOT NULL,
    units          INTEGER NOT NULL,
    gross          INTEGER NOT NULL,
    discounts      INTEGER NOT NULL,
    returns        INTEGER NOT NULL,
    returned_units INTEGER NOT NULL,
    shipping       INTEGER NOT NULL,
    tax            INTEGER NOT NULL,
    tax_parts      INTEGER NOT NULL,
    gift_cards     INTEGER NOT NULL,
    cost           INTEGER NOT NULL,
    costed_net     INTEGER NOT NULL,
    without_cost   INTEGER NOT NULL,
    PRIMARY KEY (day, hour, doc, channel, location, staff)
) STRICT, WITHOUT ROWID;

-- The item lines (sold and returned) summed per local day (span 'day') and per month (span
-- 'month', the sum of its days), by kind of document, channel, location, staff, item (a variant's
-- id, or "title:" and the title of a line without one) and return reason. A row carries its
-- item's category and vendor as they were when it was made, and its documents counted three
-- ways — with this item, and first with this item's category or vendor — so a product,
-- category or vendor table counts each order once. `day_start` is when the day (or month) starts.
CREATE TABLE report_item (
    span           TEXT NOT NULL CHECK (span IN ('day', 'month')),
    day            TEXT NOT NULL,
    day_start      INTEGER NOT NULL,
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
    docs           INTEGER NOT NULL,
    docs_category  INTEGER NOT NULL,
    docs_vendor    INTEGER NOT NULL,
    units          INTEGER NOT NULL,
    returned_units INTEGER NOT NULL,
    gross          INTEGER NOT NULL,
    discounts      INTEGER NOT NULL,
    returns        INTEGER NOT NULL,
    tax            INTEGER NOT NULL,
    cost           INTEGER NOT NULL,
    costed_net     INTEGER NOT NULL,
    without_cost   INTEGER NOT NULL,
    refunds        INTEGER NOT NULL,
    restocked      INTEGER NOT NULL,
    written_off    INTEGER NOT NULL,
    PRIMARY KEY (span, day, doc, channel, location, staff, item, reason)
) STRICT, WITHOUT ROWID;
CREATE INDEX report_item_of ON report_item (item, day_start) WHERE span = 'day';

-- Tax per rate and per local day: sold (base and tax) and refunded.
CREATE TABLE report_tax (
    day      TEXT NOT NULL,
    doc      TEXT NOT NULL CHECK (doc IN ('sale', 'order', 'return')),
    channel  TEXT NOT NULL,
    location TEXT NOT NULL,
    staff    TEXT NOT NULL,
    name     TEXT NOT NULL,
    rate_bp  INTEGER NOT NULL,
    base     INTEGER NOT NULL,
    tax      INTEGER NOT NULL,
    refunded INTEGER NOT NULL,
    PRIMARY KEY (day, doc, channel, location, staff, name, rate_bp)
) STRICT, WITHOUT ROWID;

-- Discounts per source and per local day: the documents using it, the amount, and the net of
-- those documents' items.
CREATE TABLE report_discount (
    day      TEXT NOT NULL,
    doc      TEXT NOT NULL CHECK (doc IN ('sale', 'order', 'return')),
    channel  TEXT NOT NULL,
    location TEXT NOT NULL,
    staff    TEXT NOT NULL,
    source   TEXT NOT NULL,
    docs     INTEGER NOT NULL,
    amount   INTEGER NOT NULL,
    net      INTEGER NOT NULL,
    PRIMARY KEY (day, doc, channel, location, staff, source)
) STRICT, WITHOUT ROWID;

-- Who bought, per local day (span 'day') and month (span 'month', the sum of its days): each
-- customer's documents bought and the net of their items, by kind of document, channel,
-- location and staff; "" is the counter's sales without a customer.
CREATE TABLE report_buyer (
    span     TEXT NOT NULL CHECK (span IN ('day', 'month')),
    day      TEXT NOT NULL,
    doc      TEXT NOT NULL CHECK (doc IN ('sale', 'order', 'return')),
    channel  TEXT NOT NULL,
    location TEXT NOT NULL,
    staff    TEXT NOT NULL,
    customer TEXT NOT NULL,
    docs     INTEGER NOT NULL,
    net      INTEGER NOT NULL,
    PRIMARY KEY (span, day, doc, channel, location, staff, customer)
) STRICT, WITHOUT ROWID;

-- Orders by the local day they were placed, channel and location: how far they got, the
-- carrier and the whole hours to their first shipment (-1 before one), whether that shipment
-- was past the channel's promise, and whether they were ever held; the orders counted.
CREATE TABLE report_fulfilment (
    day      TEXT NOT NULL,
    channel  TEXT NOT NULL,
    location TEXT NOT NULL,
    stage    TEXT NOT NULL CHECK (stage IN ('shipped', 'partly', 'open', 'on_hold', 'cancelled')),
    carrier  TEXT NOT NULL,
    hours    INTEGER NOT NULL,
    late     INTEGER NOT NULL,
    held     INTEGER NOT NULL,
    orders   INTEGER NOT NULL,
    PRIMARY KEY (day, channel, location, stage, carrier, hours, late, held)
) STRICT, WITHOUT ROWID;

-- The zone the sums were made in: a shop that changes its time zone, or has none made yet (a
-- shop with a history when this step runs), has every hour with a document made again.
CREATE TABLE report_rollup (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    zone TEXT NOT NULL
) STRICT;

-- The tie-outs sum a period's receipts and orders straight from the documents: these indexes
-- carry the totals (and the status they filter on: SQLite reads the row for a column the index
-- lacks, even one its WHERE fixes), so a year is read from the index alone. Same names, wider:
-- every query that used the narrower ones still can.
DROP INDEX sale_completed;
CREATE INDEX sale_completed ON sale (completed_at, status, total_minor, rounding_minor, tax_minor)
    WHERE status = 'completed';
DROP INDEX order_recent_totals;
CREATE INDEX order_recent_totals ON customer_order (created_at, status, total_minor, tax_minor);
-- The payments report sums a period's order payments by method from the index alone.
DROP INDEX order_payment_at;
CREATE INDEX order_payment_at ON order_payment (at, method, kind, amount_minor);
-- The staff report counts voided lines: few, found without reading every line.
CREATE INDEX sale_line_voided ON sale_line (sale_id) WHERE voided_by IS NOT NULL;
-- The home screen counts what is to pack and late per channel from the to-pack index alone
-- (the filtered columns are in it too: without them SQLite reads each order's row).
DROP INDEX order_to_pack;
CREATE INDEX order_to_pack ON customer_order (created_at, channel, status, fulfilled_at)
    WHERE status = 'open' AND fulfilled_at IS NULL;

-- Counter sales count when completed.
CREATE TRIGGER report_stale_sale AFTER UPDATE OF status, completed_at, staff_id, shift_id,
    total_minor, tax_minor, customer_id ON sale
WHEN OLD.completed_at IS NOT NULL OR NEW.completed_at IS NOT NULL BEGIN
    INSERT OR IGNORE INTO report_stale
    SELECT at - at % 3600000 FROM (SELECT OLD.completed_at AS at UNION SELECT NEW.completed_at)
    WHERE at IS NOT NULL;
END;
CREATE TRIGGER report_stale_sale_line_update AFTER UPDATE ON sale_line BEGIN
    INSERT OR IGNORE INTO report_stale
    SELECT completed_at - completed_at % 3600000 FROM sale
    WHERE id IN (OLD.sale_id, NEW.sale_id) AND completed_at IS NOT NULL;
END;
CREATE TRIGGER report_stale_sale_line_delete AFTER DELETE ON sale_line BEGIN
    INSERT OR IGNORE INTO report_stale
    SELECT completed_at - completed_at % 3600000 FROM sale
    WHERE id = OLD.sale_id AND completed_at IS NOT NULL;
END;
CREATE TRIGGER report_stale_sale_line_insert AFTER INSERT ON sale_line BEGIN
    INSERT OR IGNORE INTO report_stale
    SELECT completed_at - completed_at % 3600000 FROM sale
    WHERE id = NEW.sale_id AND completed_at IS NOT NULL;
END;

-- Orders count when placed; a cancellation or an edit changes the hour they were placed in.
CREATE TRIGGER report_stale_order_insert AFTER INSERT ON customer_order BEGIN
    INSERT OR IGNORE INTO report_stale VALUES (NEW.created_at - NEW.created_at % 3600000);
END;
CREATE TRIGGER report_stale_order_update AFTER UPDATE OF status, created_at, channel,
    location_id, created_by, prices_include_tax, total_minor, tax_minor, customer_id ON customer_order
WHEN (OLD.status = 'cancelled') IS NOT (NEW.status = 'cancelled')
  OR OLD.created_at IS NOT NEW.created_at OR OLD.channel IS NOT NEW.channel
  OR OLD.location_id IS NOT NEW.location_id OR OLD.created_by IS NOT NEW.created_by
  OR OLD.prices_include_tax IS NOT NEW.prices_include_tax
  OR OLD.total_minor IS NOT NEW.total_minor OR OLD.tax_minor IS NOT NEW.tax_minor
  OR OLD.customer_id IS NOT NEW.customer_id BEGIN
    INSERT OR IGNORE INTO report_stale VALUES (OLD.created_at - OLD.created_at % 3600000);
    INSERT OR IGNORE INTO report_stale VALUES (NEW.created_at - NEW.created_at % 3600000);
    -- Its refunded returns carry its channel, location and customer.
    INSERT OR IGNORE INTO report_stale
    SELECT updated_at - updated_at % 3600000 FROM order_return
    WHERE order_id = NEW.id AND status = 'refunded'
      AND (OLD.channel IS NOT NEW.channel OR OLD.location_id IS NOT NEW.location_id
           OR OLD.customer_id IS NOT NEW.customer_id);
END;
CREATE TRIGGER report_stale_order_line_insert AFTER INSERT ON order_line BEGIN
    INSERT OR IGNORE INTO report_stale
    SELECT created_at - created_at % 3600000 FROM customer_order WHERE id = NEW.order_id;
END;
CREATE TRIGGER report_stale_order_line_update AFTER UPDATE OF order_id, kind, variant_id,
    quantity, amount_minor, discount_minor, tax_minor, taxes, unit_cost_minor ON order_line BEGIN
    INSERT OR IGNORE INTO report_stale
    SELECT created_at - created_at % 3600000 FROM customer_order
    WHERE id IN (OLD.order_id, NEW.order_id);
    INSERT OR IGNORE INTO report_stale
    SELECT r.updated_at - r.updated_at % 3600000 FROM order_return r
    JOIN order_return_line rl ON rl.return_id = r.id
    WHERE rl.order_line_id = NEW.id AND r.status = 'refunded';
END;
CREATE TRIGGER report_stale_order_line_delete AFTER DELETE ON order_line BEGIN
    INSERT OR IGNORE INTO report_stale
    SELECT created_at - created_at % 3600000 FROM customer_order WHERE id = OLD.order_id;
END;

-- Order returns count when refunded.
CREATE TRIGGER report_stale_return_insert AFTER INSERT ON order_return
WHEN NEW.status = 'refunded' BEGIN
    INSERT OR IGNORE INTO report_stale VALUES (NEW.updated_at - NEW.updated_at % 3600000);
END;
CREATE TRIGGER report_stale_return_update AFTER UPDATE ON order_return
WHEN OLD.status = 'refunded' OR NEW.status = 'refunded' BEGIN
    INSERT OR IGNORE INTO report_stale VALUES (OLD.updated_at - OLD.updated_at % 3600000);
    INSERT OR IGNORE INTO report_stale VALUES (NEW.updated_at - NEW.updated_at % 3600000);
END;
CREATE TRIGGER report_stale_return_line AFTER INSERT ON order_return_line BEGIN
    INSERT OR IGNORE INTO report_stale
    SELECT updated_at - updated_at % 3600000 FROM order_return
    WHERE id = NEW.return_id AND status = 'refunded';
END;
CREATE TRIGGER report_stale_return_line_update AFTER UPDATE ON order_return_line BEGIN
    INSERT OR IGNORE INTO report_stale
    SELECT updated_at - updated_at % 3600000 FROM order_return
    WHERE id IN (OLD.return_id, NEW.return_id) AND status = 'refunded';
END;
CREATE TRIGGER report_stale_return_line_delete AFTER DELETE ON order_return_line BEGIN
    INSERT OR IGNORE INTO report_stale
    SELECT updated_at - updated_at % 3600000 FROM order_return
    WHERE id = OLD.return_id AND status = 'refunded';
END;

-- A product moved to another category or vendor: the days its items sold are made again.
CREATE TRIGGER report_stale_product AFTER UPDATE OF product_type, vendor ON product
WHEN OLD.product_type IS NOT NEW.product_type OR OLD.vendor IS NOT NEW.vendor BEGIN
    INSERT OR IGNORE INTO report_stale
    SELECT DISTINCT day_start - day_start % 3600000 FROM report_item
    WHERE span = 'day' AND item IN (SELECT id FROM variant WHERE product_id = NEW.id);
END;
CREATE TRIGGER report_stale_variant AFTER UPDATE OF product_id ON variant
WHEN OLD.product_id IS NOT NEW.product_id BEGIN
    INSERT OR IGNORE INTO report_stale
    SELECT DISTINCT day_start - day_start % 3600000 FROM report_item
    WHERE span = 'day' AND item = NEW.id;
END;

-- A shipment, its lines, or a hold change how far an order got: the hour it was placed.
CREATE TRIGGER report_stale_shipment AFTER INSERT ON shipment BEGIN
    INSERT OR IGNORE INTO report_stale
    SELECT created_at - created_at % 3600000 FROM customer_order WHERE id = NEW.order_id;
END;
CREATE TRIGGER report_stale_shipment_gone AFTER DELETE ON shipment BEGIN
    INSERT OR IGNORE INTO report_stale
    SELECT created_at - created_at % 3600000 FROM customer_order WHERE id = OLD.order_id;
END;
CREATE TRIGGER report_stale_shipment_line AFTER INSERT ON shipment_line BEGIN
    INSERT OR IGNORE INTO report_stale
    SELECT o.created_at - o.created_at % 3600000 FROM shipment s
    JOIN customer_order o ON o.id = s.order_id WHERE s.id = NEW.shipment_id;
END;
CREATE TRIGGER report_stale_held AFTER INSERT ON order_event WHEN NEW.kind = 'held' BEGIN
    INSERT OR IGNORE INTO report_stale
    SELECT created_at - created_at % 3600000 FROM customer_order WHERE id = NEW.order_id;
END;
