-- Several stations (issue 21): "Sync now" pressed at any station is recorded on the shop, so the
-- one station that runs the marketplace sync (its job's lock holder) hears it and pulls at once.
-- Cleared when that run starts.
ALTER TABLE channel ADD COLUMN run_asked_at INTEGER;
