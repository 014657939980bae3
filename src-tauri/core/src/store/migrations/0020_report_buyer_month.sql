-- A year of the customers and cohorts reports reads every customer's months: hundreds of
-- thousands of rows for a busy shop. Keyed by a small number instead of the customer's id,
-- a month row reads as four integers and sums into a list indexed by that number, with no
-- text to compare or hash. The numbers belong to the report sums only, made on this device.
CREATE TABLE report_customer (
    no INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE
) STRICT;

-- report_buyer's month rows (the sum of each month's day rows), moved here by number; a
-- customer's rows of one month sit together. "" (the counter's sales without a customer) has
-- a number too.
CREATE TABLE report_buyer_month (
    month    TEXT NOT NULL,
    customer INTEGER NOT NULL REFERENCES report_customer(no),
    doc      TEXT NOT NULL CHECK (doc IN ('sale', 'order', 'return')),
    channel  TEXT NOT NULL,
    location TEXT NOT NULL,
    staff    TEXT NOT NULL,
    docs     INTEGER NOT NULL,
    net      INTEGER NOT NULL,
    PRIMARY KEY (month, customer, doc, channel, location, staff)
) STRICT, WITHOUT ROWID;

INSERT INTO report_customer (id)
SELECT DISTINCT customer FROM report_buyer WHERE span = 'month';

INSERT INTO report_buyer_month
SELECT b.day, c.no, b.doc, b.channel, b.location, b.staff, b.docs, b.net
FROM report_buyer b JOIN report_customer c ON c.id = b.customer
WHERE b.span = 'month';

DELETE FROM report_buyer WHERE span = 'month';
