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
