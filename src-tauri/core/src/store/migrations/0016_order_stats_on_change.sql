-- A customer's figures count every order that is not cancelled, so an order going from on hold
-- to open (every order does, once verified) leaves them as they are: the trigger recomputes
-- them only when a cancellation, the total or the customer changes.
DROP TRIGGER customer_stats_order_update;
CREATE TRIGGER customer_stats_order_update AFTER UPDATE OF status, total_minor, customer_id ON customer_order
WHEN (OLD.status = 'cancelled') IS NOT (NEW.status = 'cancelled')
  OR OLD.total_minor IS NOT NEW.total_minor
  OR OLD.customer_id IS NOT NEW.customer_id BEGIN
    INSERT OR REPLACE INTO customer_stats SELECT * FROM customer_figures WHERE customer_id = NEW.customer_id;
    INSERT OR REPLACE INTO customer_stats SELECT * FROM customer_figures
     WHERE customer_id = OLD.customer_id AND OLD.customer_id IS NOT NEW.customer_id;
END;
