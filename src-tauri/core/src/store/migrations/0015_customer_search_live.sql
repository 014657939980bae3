-- The customer search holds live customers only: merged-away and erased ones drop out of it, so a
-- search's count is read off the index alone. Each key also carries the name the list sorts by, so
-- a word thousands of customers share ("Byrne") orders its first page without reading them all.
ALTER TABLE customer_key ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';
UPDATE customer_key SET sort_name = (SELECT name FROM customer WHERE id = customer_key.customer_id);

DELETE FROM customer_search WHERE rowid IN (
    SELECT k.seq FROM customer_key k JOIN customer c ON c.id = k.customer_id
    WHERE c.merged_into IS NOT NULL OR c.erased_at IS NOT NULL);

DROP VIEW customer_search_row;
CREATE VIEW customer_search_row AS
SELECT k.seq AS seq, c.id AS customer_id, c.name AS name,
       concat_ws(' ', c.email, (SELECT group_concat(value, ' ') FROM customer_contact
                                WHERE customer_id = c.id AND kind = 'email')) AS emails,
       concat_ws(' ', c.phone, replace(replace(replace(replace(replace(c.phone, ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''),
                 (SELECT group_concat(value || ' ' || replace(replace(replace(value, ' ', ''), '-', ''), '+', ''), ' ')
                  FROM customer_contact WHERE customer_id = c.id AND kind = 'phone')) AS phones,
       ifnull(json_extract(c.address, '$.postal_code'), '') AS postcode,
       c.tags AS tags
FROM customer c JOIN customer_key k ON k.customer_id = c.id
WHERE c.merged_into IS NULL AND c.erased_at IS NULL;

DROP TRIGGER customer_search_insert;
CREATE TRIGGER customer_search_insert AFTER INSERT ON customer BEGIN
    INSERT INTO customer_key (customer_id, sort_name) VALUES (NEW.id, NEW.name);
    INSERT INTO customer_search (rowid, name, emails, phones, postcode, tags)
    SELECT seq, name, emails, phones, postcode, tags FROM customer_search_row WHERE customer_id = NEW.id;
END;
DROP TRIGGER customer_search_update;
CREATE TRIGGER customer_search_update
AFTER UPDATE OF name, email, phone, address, tags, merged_into, erased_at ON customer BEGIN
    UPDATE customer_key SET sort_name = NEW.name WHERE customer_id = NEW.id;
    DELETE FROM customer_search WHERE rowid = (SELECT seq FROM customer_key WHERE customer_id = NEW.id);
    INSERT INTO customer_search (rowid, name, emails, phones, postcode, tags)
    SELECT seq, name, emails, phones, postcode, tags FROM customer_search_row WHERE customer_id = NEW.id;
END;

-- The list's live customers by name: its first page and its full count read off this alone.
CREATE INDEX customer_live_name ON customer (name COLLATE NOCASE)
WHERE merged_into IS NULL AND erased_at IS NULL;
