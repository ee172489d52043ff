-- Spontan demo calendar for the Balikpapan office (fits server/store/migrations/0004_spontan.sql).
-- Idempotent like 0001: upserts, and slot generation keeps existing slots.
-- Opening hours are the DEMO ASSUMPTION from the issue (Mon-Thu 08:00-15:00, Fri 08:00-11:30 WITA), not a
-- sourced Balikpapan timetable. Capacity 12 people inside at once per 30-minute slot, 3 of them held for
-- Temankubela (elderly, disability) and health workers until the release cut-off.

BEGIN;

INSERT INTO office_hours (office_id, weekday, opens, closes, slot_minutes, capacity, reserved_priority) VALUES
  ('bpp', 1, '08:00', '15:00', 30, 12, 3),
  ('bpp', 2, '08:00', '15:00', 30, 12, 3),
  ('bpp', 3, '08:00', '15:00', 30, 12, 3),
  ('bpp', 4, '08:00', '15:00', 30, 12, 3),
  ('bpp', 5, '08:00', '11:30', 30, 12, 3)
ON CONFLICT (office_id, weekday) DO UPDATE SET opens = EXCLUDED.opens, closes = EXCLUDED.closes,
  slot_minutes = EXCLUDED.slot_minutes, capacity = EXCLUDED.capacity,
  reserved_priority = EXCLUDED.reserved_priority;

INSERT INTO counters (office_id, id, name, services, seated) VALUES
  ('bpp', 'C1', 'Loket 1', '{}', false),
  ('bpp', 'C2', 'Loket 2', '{}', false),
  ('bpp', 'C3', 'Loket 3 (tenaga kesehatan)', '{SIP_DOKTER,SIP_DOKTER_GIGI,SIP_PERAWAT,SIP_BIDAN,SIK}', false),
  ('bpp', 'C4', 'Loket 4 (prioritas, duduk)', '{}', true)
ON CONFLICT (office_id, id) DO UPDATE SET name = EXCLUDED.name, services = EXCLUDED.services,
  seated = EXCLUDED.seated;

-- Slots for the next four weeks of office-local days (WITA).
SELECT generate_slots('bpp', (now() AT TIME ZONE 'Asia/Makassar')::date,
                      (now() AT TIME ZONE 'Asia/Makassar')::date + 28);

COMMIT;
