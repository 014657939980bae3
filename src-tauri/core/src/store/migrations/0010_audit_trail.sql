-- The Audit screen lists the trail newest first and by days: an index on the time, so a
-- shop with years of sign-ins and sales still opens it at once.
CREATE INDEX audit_event_at ON audit_event (at);
