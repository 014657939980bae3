-- The counter's receipt paper per computer (station): 80 mm rolls by default, 58 mm where the
-- till's printer takes the narrow roll. The receipt printer itself is already the station's.
ALTER TABLE station ADD COLUMN receipt_narrow INTEGER NOT NULL DEFAULT 0 CHECK (receipt_narrow IN (0, 1));
