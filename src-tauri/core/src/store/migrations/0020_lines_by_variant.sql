-- A variant's sold lines, so the documents behind one product's report row over a year are found
-- from that product's lines instead of every line of the year.
CREATE INDEX sale_line_variant ON sale_line (variant_id);
CREATE INDEX order_line_variant ON order_line (variant_id);
