-- Customers (F6): several e-mails and phones, marketing consent with its date and source, tags,
-- the trail of a merge; the figures the list sorts by, kept beside each customer by triggers in
-- the transaction that changes them; and full-text search over names, e-mails, phones, postcodes
-- and tags.

-- Exporting and erasing a customer get permissions of their own; whoever could do them before
-- (those who manage settings) keeps them.
UPDATE role SET permissions = json_insert(permissions, '$[#]', 'customers_export', '$[#]', 'customers_erase')
 WHERE EXISTS (SELECT 1 FROM json_each(role.permissions) WHERE value = 'settings_manage');

ALTER TABLE customer ADD COLUMN tags TEXT NOT NULL DEFAULT '';            -- "vip, wholesale"
ALTER TABLE customer ADD COLUMN consent INTEGER NOT NULL DEFAULT 0;       -- 1: agreed to marketing
ALTER TABLE customer ADD COLUMN consent_at INTEGER;
ALTER TABLE customer ADD COLUMN consent_source TEXT NOT NULL DEFAULT '';  -- "counter", "web form"…
ALTER TABLE customer ADD COLUMN merged_into TEXT REFERENCES customer(id);

-- E-mails and phones beyond the customer's main one (a work address, a second mobile).
CREATE TABLE customer_contact (
    id          TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customer(id),
    kind        TEXT NOT NULL CHECK (kind IN ('email', 'phone')),
    value       TEXT NOT NULL,
    label       TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX customer_contact_of ON customer_contact (customer_id);
CREATE INDEX customer_contact_value ON customer_contact (kind, lower(value));

-- Orders not cancelled plus completed counter sales, the lifetime value as the profile counts
-- it (orders less their refunds, plus counter sales), first and last purchase: one customer's
-- row, read through the customer's primary key so a trigger recomputes only that customer.
CREATE VIEW customer_figures AS
SELECT c.id AS customer_id,
       (SELECT count(*) FROM customer_order o WHERE o.customer_id = c.id AND o.status <> 'cancelled')
     + (SELECT count(*) FROM sale s WHERE s.customer_id = c.id AND s.status = 'completed') AS orders,
       (SELECT ifnull(sum(o.total_minor), 0) FROM customer_order o
         WHERE o.customer_id = c.id AND o.status <> 'cancelled')
     - (SELECT ifnull(sum(p.amount_minor), 0) FROM order_payment p JOIN customer_order o ON o.id = p.order_id
         WHERE o.customer_id = c.id AND p.kind = 'refund')
     + (SELECT ifnull(sum(s.total_minor), 0) FROM sale s
         WHERE s.customer_id = c.id AND s.status = 'completed') AS value_minor,
       (SELECT min(at) FROM (
           SELECT created_at AS at FROM customer_order WHERE customer_id = c.id AND status <> 'cancelled'
           UNION ALL SELECT completed_at FROM sale WHERE customer_id = c.id AND status = 'completed')) AS first_at,
       (SELECT max(at) FROM (
           SELECT created_at AS at FROM customer_order WHERE customer_id = c.id AND status <> 'cancelled'
           UNION ALL SELECT completed_at FROM sale WHERE customer_id = c.id AND status = 'completed')) AS last_at
FROM customer c;

CREATE TABLE customer_stats (
    customer_id TEXT PRIMARY KEY REFERENCES customer(id),
    orders      INTEGER NOT NULL,
    value_minor INTEGER NOT NULL,
    first_at    INTEGER,
    last_at     INTEGER
) STRICT, WITHOUT ROWID;
CREATE INDEX customer_stats_value ON customer_stats (value_minor);
CREATE INDEX customer_stats_last ON customer_stats (last_at);

-- Every customer has a row (zeros until they buy), so the list reads its sort order straight
-- off these indexes.
INSERT INTO customer_stats SELECT * FROM customer_figures;

CREATE TRIGGER customer_stats_customer_insert AFTER INSERT ON customer BEGIN
    INSERT OR IGNORE INTO customer_stats (customer_id, orders, value_minor) VALUES (NEW.id, 0, 0);
END;

CREATE TRIGGER customer_stats_order_insert AFTER INSERT ON customer_order
WHEN NEW.customer_id IS NOT NULL BEGIN
    INSERT OR REPLACE INTO customer_stats SELECT * FROM customer_figures WHERE customer_id = NEW.customer_id;
END;
CREATE TRIGGER customer_stats_order_update AFTER UPDATE OF status, total_minor, customer_id ON customer_order BEGIN
    INSERT OR REPLACE INTO customer_stats SELECT * FROM customer_figures WHERE customer_id = NEW.customer_id;
    INSERT OR REPLACE INTO customer_stats SELECT * FROM customer_figures
     WHERE customer_id = OLD.customer_id AND OLD.customer_id IS NOT NEW.customer_id;
END;
CREATE TRIGGER customer_stats_sale_update AFTER UPDATE OF status, total_minor, customer_id ON sale BEGIN
    INSERT OR REPLACE INTO customer_stats SELECT * FROM customer_figures WHERE customer_id = NEW.customer_id;
    INSERT OR REPLACE INTO customer_stats SELECT * FROM customer_figures
     WHERE customer_id = OLD.customer_id AND OLD.customer_id IS NOT NEW.customer_id;
END;
CREATE TRIGGER customer_stats_sale_insert AFTER INSERT ON sale
WHEN NEW.customer_id IS NOT NULL BEGIN
    INSERT OR REPLACE INTO customer_stats SELECT * FROM customer_figures WHERE customer_id = NEW.customer_id;
END;
CREATE TRIGGER customer_stats_payment AFTER INSERT ON order_payment WHEN NEW.kind = 'refund' BEGIN
    INSERT OR REPLACE INTO customer_stats SELECT * FROM customer_figures
     WHERE customer_id = (SELECT customer_id FROM customer_order WHERE id = NEW.order_id);
END;

-- Search: one row per customer under a stable integer key (a customer's rowid is not stable: a
-- VACUUM or an export may renumber it), rebuilt whenever the customer or a contact changes.
CREATE TABLE customer_key (
    seq         INTEGER PRIMARY KEY,
    customer_id TEXT NOT NULL UNIQUE REFERENCES customer(id)
) STRICT;

CREATE VIRTUAL TABLE customer_search USING fts5 (
    name, emails, phones, postcode, tags,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- What the search holds of one customer: phones also as bare digits, so "0871234567" finds
-- "087 123 4567".
CREATE VIEW customer_search_row AS
SELECT k.seq AS seq, c.id AS customer_id, c.name AS name,
       concat_ws(' ', c.email, (SELECT group_concat(value, ' ') FROM customer_contact
                                WHERE customer_id = c.id AND kind = 'email')) AS emails,
       concat_ws(' ', c.phone, replace(replace(replace(replace(replace(c.phone, ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''),
                 (SELECT group_concat(value || ' ' || replace(replace(replace(value, ' ', ''), '-', ''), '+', ''), ' ')
                  FROM customer_contact WHERE customer_id = c.id AND kind = 'phone')) AS phones,
       ifnull(json_extract(c.address, '$.postal_code'), '') AS postcode,
       c.tags AS tags
FROM customer c JOIN customer_key k ON k.customer_id = c.id;

INSERT INTO customer_key (customer_id) SELECT id FROM customer ORDER BY created_at, id;
INSERT INTO customer_search (rowid, name, emails, phones, postcode, tags)
SELECT seq, name, emails, phones, postcode, tags FROM customer_search_row;

CREATE TRIGGER customer_search_insert AFTER INSERT ON customer BEGIN
    INSERT INTO customer_key (customer_id) VALUES (NEW.id);
    INSERT INTO customer_search (rowid, name, emails, phones, postcode, tags)
    SELECT seq, name, emails, phones, postcode, tags FROM customer_search_row WHERE customer_id = NEW.id;
END;
CREATE TRIGGER customer_search_update AFTER UPDATE OF name, email, phone, address, tags ON customer BEGIN
    DELETE FROM customer_search WHERE rowid = (SELECT seq FROM customer_key WHERE customer_id = NEW.id);
    INSERT INTO customer_search (rowid, name, emails, phones, postcode, tags)
    SELECT seq, name, emails, phones, postcode, tags FROM customer_search_row WHERE customer_id = NEW.id;
END;
CREATE TRIGGER customer_search_contact_insert AFTER INSERT ON customer_contact BEGIN
    DELETE FROM customer_search WHERE rowid = (SELECT seq FROM customer_key WHERE customer_id = NEW.customer_id);
    INSERT INTO customer_search (rowid, name, emails, phones, postcode, tags)
    SELECT seq, name, emails, phones, postcode, tags FROM customer_search_row WHERE customer_id = NEW.customer_id;
END;
CREATE TRIGGER customer_search_contact_delete AFTER DELETE ON customer_contact BEGIN
    DELETE FROM customer_search WHERE rowid = (SELECT seq FROM customer_key WHERE customer_id = OLD.customer_id);
    INSERT INTO customer_search (rowid, name, emails, phones, postcode, tags)
    SELECT seq, name, emails, phones, postcode, tags FROM customer_search_row WHERE customer_id = OLD.customer_id;
END;
