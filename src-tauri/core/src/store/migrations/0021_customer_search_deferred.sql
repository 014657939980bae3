-- An order import indexes the customers a page makes or changes once, at the page's end, as the
-- catalog import does its variants (0017). A customer's search row written mid-page made SQLite
-- write the full-text table's pending rows out at the next statement that opened a statement
-- journal — one tiny index segment per order, to be merged later. While
-- customer_search_deferring holds its row (only inside such a transaction, which removes it before
-- it commits), the triggers note the customer's key in customer_search_stale instead; the page's
-- end rewrites those rows in two statements.
CREATE TABLE customer_search_deferring (one INTEGER PRIMARY KEY CHECK (one = 1)) STRICT;
CREATE TABLE customer_search_stale (seq INTEGER PRIMARY KEY) STRICT;

DROP TRIGGER customer_search_insert;
CREATE TRIGGER customer_search_insert AFTER INSERT ON customer BEGIN
    INSERT INTO customer_key (customer_id, sort_name) VALUES (NEW.id, NEW.name);
    INSERT INTO customer_search_stale (seq)
    SELECT seq FROM customer_key
    WHERE customer_id = NEW.id AND EXISTS (SELECT 1 FROM customer_search_deferring);
    INSERT INTO customer_search (rowid, name, emails, phones, postcode, tags)
    SELECT seq, name, emails, phones, postcode, tags FROM customer_search_row
    WHERE customer_id = NEW.id AND NOT EXISTS (SELECT 1 FROM customer_search_deferring);
END;

DROP TRIGGER customer_search_update;
CREATE TRIGGER customer_search_update
AFTER UPDATE OF name, email, phone, address, tags, merged_into, erased_at ON customer BEGIN
    UPDATE customer_key SET sort_name = NEW.name WHERE customer_id = NEW.id;
    INSERT OR IGNORE INTO customer_search_stale (seq)
    SELECT seq FROM customer_key
    WHERE customer_id = NEW.id AND EXISTS (SELECT 1 FROM customer_search_deferring);
    DELETE FROM customer_search
    WHERE rowid = (SELECT seq FROM customer_key WHERE customer_id = NEW.id)
      AND NOT EXISTS (SELECT 1 FROM customer_search_deferring);
    INSERT INTO customer_search (rowid, name, emails, phones, postcode, tags)
    SELECT seq, name, emails, phones, postcode, tags FROM customer_search_row
    WHERE customer_id = NEW.id AND NOT EXISTS (SELECT 1 FROM customer_search_deferring);
END;

DROP TRIGGER customer_search_contact_insert;
CREATE TRIGGER customer_search_contact_insert AFTER INSERT ON customer_contact BEGIN
    INSERT OR IGNORE INTO customer_search_stale (seq)
    SELECT seq FROM customer_key
    WHERE customer_id = NEW.customer_id AND EXISTS (SELECT 1 FROM customer_search_deferring);
    DELETE FROM customer_search
    WHERE rowid = (SELECT seq FROM customer_key WHERE customer_id = NEW.customer_id)
      AND NOT EXISTS (SELECT 1 FROM customer_search_deferring);
    INSERT INTO customer_search (rowid, name, emails, phones, postcode, tags)
    SELECT seq, name, emails, phones, postcode, tags FROM customer_search_row
    WHERE customer_id = NEW.customer_id AND NOT EXISTS (SELECT 1 FROM customer_search_deferring);
END;

DROP TRIGGER customer_search_contact_delete;
CREATE TRIGGER customer_search_contact_delete AFTER DELETE ON customer_contact BEGIN
    INSERT OR IGNORE INTO customer_search_stale (seq)
    SELECT seq FROM customer_key
    WHERE customer_id = OLD.customer_id AND EXISTS (SELECT 1 FROM customer_search_deferring);
    DELETE FROM customer_search
    WHERE rowid = (SELECT seq FROM customer_key WHERE customer_id = OLD.customer_id)
      AND NOT EXISTS (SELECT 1 FROM customer_search_deferring);
    INSERT INTO customer_search (rowid, name, emails, phones, postcode, tags)
    SELECT seq, name, emails, phones, postcode, tags FROM customer_search_row
    WHERE customer_id = OLD.customer_id AND NOT EXISTS (SELECT 1 FROM customer_search_deferring);
END;
