-- Each variant's unit cost over time, so stock is valued at the cost of the day it is valued: a
-- month-end snapshot read next year still shows that month's cost, whatever the shop paid since.
-- Triggers write a row whenever a variant is made with a cost or its cost changes, at the
-- variant's updated_at: every write that changes a cost sets updated_at from the clock passed in.
CREATE TABLE variant_cost (
    seq        INTEGER PRIMARY KEY,
    variant_id TEXT NOT NULL REFERENCES variant(id),
    at         INTEGER NOT NULL,
    cost_minor INTEGER
) STRICT;

CREATE INDEX variant_cost_at ON variant_cost (variant_id, at, seq);

CREATE TRIGGER variant_cost_made AFTER INSERT ON variant
WHEN NEW.cost_minor IS NOT NULL
BEGIN
    INSERT INTO variant_cost (variant_id, at, cost_minor)
    VALUES (NEW.id, NEW.updated_at, NEW.cost_minor);
END;

CREATE TRIGGER variant_cost_changed AFTER UPDATE OF cost_minor ON variant
WHEN NEW.cost_minor IS NOT OLD.cost_minor
BEGIN
    INSERT INTO variant_cost (variant_id, at, cost_minor)
    VALUES (NEW.id, NEW.updated_at, NEW.cost_minor);
END;

-- A shop with history knows only today's costs: they stand from each variant's making.
INSERT INTO variant_cost (variant_id, at, cost_minor)
SELECT id, created_at, cost_minor FROM variant WHERE cost_minor IS NOT NULL;
