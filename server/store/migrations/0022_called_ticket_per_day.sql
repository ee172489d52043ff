-- A counter has one ticket called at a time on each day. Until 2026-12-04 the rule held across
-- days: a ticket left called when the counter closed (nobody pressed "Selesai") held the counter
-- the next morning, so it could call nobody, and showed on that day's board. An earlier day's
-- called ticket now stays as it was, a record of how that day ended.
DROP INDEX tickets_one_called_per_counter;
CREATE UNIQUE INDEX tickets_one_called_per_counter_day ON tickets (office_id, counter_id, day)
  WHERE state = 'called';
