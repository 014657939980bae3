-- The shop's phone (printed on receipts and invoices beside its e-mail) and its time zone
-- (IANA name): times are stored in UTC and shown, and days counted, in the shop's zone.
-- Shops set up before this ask nothing: their zone is chosen from their country on open.
ALTER TABLE shop ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE shop ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
