-- A year (2026) of one office's work for bench/run_search_bench.sh: 100,000 cases (names from
-- common Indonesian name parts, some with accents; NIK, phone, tracking code; 60% issued with a
-- permit number; 40% from a partner clinic), their submission and revision events, and the year's
-- courier stops and route km, appointments, queue tickets and screenings. Deterministic
-- (setseed). psql -v n=100000.
SELECT setseed(0.13);
CREATE TEMP TABLE names AS SELECT
  ARRAY['Siti','Muhammad','Nur','Dewi','Sri','Ahmad','Putri','Andi','Rina','Budi','Agus','Fitri',
        'Yohanes','Maria','Kadek','Made','Wayan','Ketut','José','Désirée','Ayu','Rahmat','Hendra',
        'Indah','Lestari','Bambang','Eko','Dian','Nurul','Ikhsan'] AS first,
  ARRAY['Rahmawati','Hidayat','Lestari','Saputra','Wulandari','Pratama','Kurniawan','Sari',
        'Setiawan','Handayani','Siregar','Nasution','Pattiasina','Simanjuntak','Wijaya','Santoso',
        'Halim','Gunawan','Susanti','Permata','Müller','Ñuñez','Aryani','Syahputra','Maharani',
        'Rusdi','Yusuf','Hasibuan','Tanjung','Daeng'] AS last;
CREATE TEMP TABLE clinic_ids AS SELECT array_agg(id ORDER BY id) AS ids FROM clinics
  WHERE office_id = 'bpp';
CREATE TEMP TABLE actor AS SELECT min(id) AS id FROM principals WHERE office_id = 'bpp';

INSERT INTO cases (office_id, permit_type, channel, state, applicant_nik, applicant_name,
  applicant_phone, priority_class, clinic_id, sla_days, sla_started_on, due_date, permit_number,
  verification_code, issued_on, created_by, created_at, updated_at, tracking_code)
SELECT 'bpp', 'SIP_PERAWAT', CASE WHEN g.clinic THEN 'CLINIC' ELSE
         (ARRAY['ONLINE','COUNTER','APPOINTMENT'])[1 + (g.i % 3)] END,
       CASE WHEN g.issued THEN 'ISSUED' ELSE (ARRAY['SUBMITTED','VERIFYING','REVISION_REQUESTED',
         'REJECTED','WITHDRAWN'])[1 + (g.i % 5)] END,
       '647106' || lpad(g.i::text, 10, '0'),
       n.first[1 + (hashint4(g.i) & 1023) % 30] || ' ' || n.first[1 + (hashint4(g.i * 7) & 1023) % 30]
         || ' ' || n.last[1 + (hashint4(g.i * 13) & 1023) % 30],
       '+62812' || lpad(g.i::text, 8, '0'), 'HEALTH_WORKER',
       CASE WHEN g.clinic THEN c.ids[1 + g.i % array_length(c.ids, 1)] END,
       5, g.day, CASE WHEN g.issued THEN NULL ELSE g.day + 7 END,
       CASE WHEN g.issued THEN lpad(g.i::text, 6, '0') || '/SIP_PERAWAT/DPMPTSP-BPP/2026' END,
       CASE WHEN g.issued THEN upper(substr(md5('v' || g.i), 1, 10)) END,
       CASE WHEN g.issued THEN g.day + 2 + (g.i % 9) END,
       a.id, g.day + interval '9 hours' - interval '8 hours', now(),
       upper(substr(md5('t' || g.i), 1, 10))
FROM (SELECT i, random() < 0.6 AS issued, random() < 0.4 AS clinic,
             date '2026-01-01' + (i % 365) AS day FROM generate_series(1, :n) i) g,
     names n, clinic_ids c, actor a;

INSERT INTO case_events (office_id, case_id, actor_id, actor_name, actor_role, terminal, action,
  from_state, to_state, note, at)
SELECT office_id, id, created_by, 'bench', 'officer', 'bench', 'RequestRevision', 'VERIFYING',
       'REVISION_REQUESTED', 'foto buram', created_at + interval '1 day'
FROM cases WHERE office_id = 'bpp' AND id % 5 = 0;

-- SIBER: a courier, ten pickups and ten deliveries a day, 90% done, and the day's route km.
INSERT INTO couriers (principal_id, office_id, name, capacity)
SELECT id, 'bpp', 'Kurir bench', 50 FROM actor ON CONFLICT DO NOTHING;
INSERT INTO siber_days (office_id, day, distance_m)
SELECT 'bpp', d::date, 20000 + random() * 30000 FROM generate_series('2026-01-01'::date,
  '2026-12-31'::date, interval '1 day') d ON CONFLICT (office_id, day) DO NOTHING;
INSERT INTO stops (office_id, case_id, day, kind, item, place, latitude, longitude, window_start,
  window_end, state, courier_id)
SELECT 'bpp', (SELECT min(id) FROM cases) + k, d::date, CASE WHEN k % 2 = 0 THEN 'pickup' ELSE 'delivery' END,
       CASE WHEN k % 2 = 0 THEN 'documents' ELSE 'permit' END, 'Klinik', -1.27, 116.84,
       d + interval '1 hour', d + interval '2 hours',
       CASE WHEN random() < 0.9 THEN 'done' ELSE 'failed' END, (SELECT id FROM actor)
FROM generate_series('2026-01-01'::date, '2026-12-31'::date, interval '1 day') d,
     generate_series(1, 20) k;

-- Spontan: 30 appointments a day in one slot per day.
CREATE TEMP TABLE bench_slots (id bigint, day date);
WITH s AS (INSERT INTO slots (office_id, day, starts_at, ends_at, capacity)
  SELECT 'bpp', d::date, d + interval '23 hours 31 minutes', d + interval '23 hours 59 minutes', 40
  FROM generate_series('2026-01-01'::date, '2026-12-31'::date, interval '1 day') d
  RETURNING id, day)
INSERT INTO bench_slots SELECT id, day FROM s;
INSERT INTO appointment_requests (office_id, nik, name, phone, service, day, state, created_by)
SELECT 'bpp', '647106' || lpad((s.id * 100 + k)::text, 10, '0'), 'Tamu', '+6281234567890',
       'SIP_PERAWAT', s.day, 'allocated', (SELECT id FROM actor)
FROM bench_slots s, generate_series(1, 30) k;
INSERT INTO appointments (office_id, request_id, slot_id, code, state)
SELECT 'bpp', r.id, s.id, 'B' || r.id,
       (ARRAY['served','served','served','no_show','cancelled','checked_in'])[1 + r.id % 6]
FROM appointment_requests r JOIN bench_slots s ON s.day = r.day
WHERE r.office_id = 'bpp' AND r.name = 'Tamu' AND r.created_by = (SELECT id FROM actor);

-- The door: 40 check-ins a day, 5% failing screening; a ticket for each one queued.
INSERT INTO visits (office_id, day, name, service, temperature_c, mask, screening_passed, arrival,
  outcome, created_by, created_at)
SELECT 'bpp', d::date, 'Tamu', 'SIP_PERAWAT', CASE WHEN k % 20 = 0 THEN 38.0 ELSE 36.6 END, true,
       k % 20 <> 0, 'walk_in',
       CASE WHEN k % 20 <> 0 THEN 'queued' WHEN k % 40 = 0 THEN 'siber_pickup' ELSE 'online' END,
       (SELECT id FROM actor), d + interval '1 hour' + k * interval '5 minutes'
FROM generate_series('2026-01-01'::date, '2026-12-31'::date, interval '1 day') d,
     generate_series(1, 40) k;
INSERT INTO tickets (office_id, day, visit_id, lane, number, label, service, state, queued_at,
  created_at, called_at, finished_at)
SELECT 'bpp', v.day, v.id, l.lane, l.n, l.prefix || l.n, 'SIP_PERAWAT',
       CASE WHEN random() < 0.95 THEN 'done' ELSE 'no_show' END, v.created_at, v.created_at,
       v.created_at + random() * interval '40 minutes', v.created_at + interval '50 minutes'
FROM (SELECT v.*, row_number() OVER (PARTITION BY day ORDER BY id) AS rn FROM visits v
      WHERE office_id = 'bpp' AND outcome = 'queued') v,
     LATERAL (SELECT (ARRAY['priority','appointment','walk_in'])[1 + v.rn % 3] AS lane,
                     (ARRAY['P','A','W'])[1 + v.rn % 3] AS prefix, v.rn AS n) l;
ANALYZE;
