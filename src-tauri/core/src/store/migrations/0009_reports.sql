-- Reports: cost frozen on every sold line, and the indexes the reports read by.

-- The variant's cost when the line was sold (a counter sale when it completed, an order line
-- when it was written). A later cost change never rewrites a margin already made; NULL means the
-- cost was not known then, and reports count those lines instead of guessing.
ALTER TABLE sale_line ADD COLUMN unit_cost_minor INTEGER;
ALTER TABLE order_line ADD COLUMN unit_cost_minor INTEGER;

CREATE INDEX sale_completed ON sale (completed_at) WHERE status = 'completed';
CREATE INDEX order_return_when ON order_return (status, updated_at);
CREATE INDEX order_payment_at ON order_payment (at);
CREATE INDEX shift_closed ON shift (closed_at) WHERE status = 'closed';

-- When an order's last item unit shipped; NULL while any is still to pack. Kept in the shipment's
-- own transaction, so "to pack" and "late" read an index instead of every open order's lines.
ALTER TABLE customer_order ADD COLUMN fulfilled_at INTEGER;
UPDATE customer_order SET fulfilled_at = (SELECT max(s.at) FROM shipment s WHERE s.order_id = customer_order.id)
WHERE EXISTS (SELECT 1 FROM shipment s WHERE s.order_id = customer_order.id)
  AND NOT EXISTS (
      SELECT 1 FROM order_line l WHERE l.order_id = customer_order.id AND l.kind = 'item'
        AND l.quantity > (SELECT ifnull(sum(quantity), 0) FROM shipment_line WHERE order_line_id = l.id));
CREATE INDEX order_to_pack ON customer_order (created_at) WHERE status = 'open' AND fulfilled_at IS NULL;
