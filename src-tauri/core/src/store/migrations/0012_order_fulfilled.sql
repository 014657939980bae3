-- When an order's last item unit shipped; NULL while any is still to pack. Kept in the shipment's
-- own transaction, so "to pack" and "late" read an index instead of every open order's lines.
-- The column itself is added by this step's hook when missing: a build between 0009 and this one
-- added it inside 0009, and SQLite has no ADD COLUMN IF NOT EXISTS.
UPDATE customer_order SET fulfilled_at = (SELECT max(s.at) FROM shipment s WHERE s.order_id = customer_order.id)
WHERE fulfilled_at IS NULL
  AND EXISTS (SELECT 1 FROM shipment s WHERE s.order_id = customer_order.id)
  AND NOT EXISTS (
      SELECT 1 FROM order_line l WHERE l.order_id = customer_order.id AND l.kind = 'item'
        AND l.quantity > (SELECT ifnull(sum(quantity), 0) FROM shipment_line WHERE order_line_id = l.id));
CREATE INDEX IF NOT EXISTS order_to_pack ON customer_order (created_at) WHERE status = 'open' AND fulfilled_at IS NULL;
