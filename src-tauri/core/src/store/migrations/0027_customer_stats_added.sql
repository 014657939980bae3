-- A new order adds itself to its customer's figures (one more order, its total, the first and
-- last purchase) instead of recounting all of the customer's orders, sales and refunds: the
-- recount is seven subqueries on every order entered, the largest single cost of a marketplace
-- order on the shop's server. Every customer has a figures row from their first insert (0013),
-- so the addition starts from the right figures; what changes an existing order (a
-- cancellation, a new total, another customer) and every refund still recounts.
DROP TRIGGER customer_stats_order_insert;
CREATE TRIGGER customer_stats_order_insert AFTER INSERT ON customer_order
WHEN NEW.customer_id IS NOT NULL AND NEW.status <> 'cancelled' BEGIN
    INSERT INTO customer_stats (customer_id, orders, value_minor, first_at, last_at)
    VALUES (NEW.customer_id, 1, NEW.total_minor, NEW.created_at, NEW.created_at)
    ON CONFLICT (customer_id) DO UPDATE
    SET orders = orders + 1,
        value_minor = value_minor + excluded.value_minor,
        first_at = min(ifnull(first_at, excluded.first_at), excluded.first_at),
        last_at = max(ifnull(last_at, excluded.last_at), excluded.last_at);
END;
