-- Several stations (issue 21): "Sync now" pressed at any station is recorded on the shop, so the
-- one station that runs the marketplace sync hears it (see SQLite's 0024).
ALTER TABLE channel ADD COLUMN run_asked_at BIGINT;
