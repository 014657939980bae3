-- A catalog import fills the variant search once, at its end, instead of a row per variant as
-- it goes. SQLite makes a full-text table write out its pending rows whenever a statement opens
-- a statement journal; after every variant's row that made a tiny index segment to merge later,
-- a quarter of a 100k-variant import. While this table holds a row — only inside the importing
-- transaction, which deletes it before it commits — new variants are left for the import to
-- index.
CREATE TABLE variant_search_deferred (since_seq INTEGER NOT NULL) STRICT;

DROP TRIGGER variant_search_insert;
CREATE TRIGGER variant_search_insert AFTER INSERT ON variant
WHEN NOT EXISTS (SELECT 1 FROM variant_search_deferred) BEGIN
    INSERT INTO variant_search (rowid, title, sku, barcode, vendor, tags, product_type, options)
    SELECT NEW.seq, p.title, NEW.sku, NEW.barcode, p.vendor, p.tags, p.product_type,
           concat_ws(' ', NEW.option1, NEW.option2, NEW.option3)
    FROM product p WHERE p.id = NEW.product_id;
END;
