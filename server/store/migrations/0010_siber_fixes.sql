-- Issue 11 (the office day): who collected a permit at the counter, with the identity document
-- they showed, and why an officer took a courier's stop off the list.
ALTER TABLE cases
  ADD COLUMN collected_by text NOT NULL DEFAULT '',
  ADD COLUMN collected_id_type text NOT NULL DEFAULT '',
  ADD COLUMN collected_id_number text NOT NULL DEFAULT '';

ALTER TABLE stops ADD COLUMN cancel_reason text NOT NULL DEFAULT '';

-- A day the office closed (a flood): no courier goes out, and no new stop is put on it.
ALTER TABLE siber_days ADD COLUMN closed_reason text;
