-- Holidays 2027, the fixed-date national holidays only (issue 13). Idempotent.
--
-- These five fall on the same date every year: Tahun Baru Masehi (1 January), Hari Buruh
-- Internasional (1 May), Hari Lahir Pancasila (1 June), Proklamasi Kemerdekaan RI (17 August) and
-- Kelahiran Yesus Kristus / Natal (25 December), as in the 2026 list of the SKB 3 Menteri
-- (deploy/seed/holidays_2026.csv, copied from the project's reference data with its sources).
-- The holidays that move with the Islamic, Chinese, Hindu, Buddhist and Christian calendars
-- (Isra Mikraj, Imlek, Nyepi, Idul Fitri, Wafat and Kenaikan Yesus Kristus, Waisak, Idul Adha,
-- 1 Muharam, Maulid) and the cuti bersama days are set each year by the SKB 3 Menteri; the
-- administrator imports them once the government publishes them:
--   loket admin holiday import --year 2027 --file skb-2027.csv   (docs/operations.md)
BEGIN;
INSERT INTO holidays (office_id, day, name) VALUES
  ('bpp', '2027-01-01', 'Tahun Baru 2027 Masehi'),
  ('bpp', '2027-05-01', 'Hari Buruh Internasional'),
  ('bpp', '2027-06-01', 'Hari Lahir Pancasila'),
  ('bpp', '2027-08-17', 'Proklamasi Kemerdekaan RI'),
  ('bpp', '2027-12-25', 'Kelahiran Yesus Kristus (Natal)')
ON CONFLICT (office_id, day) DO NOTHING;
COMMIT;
