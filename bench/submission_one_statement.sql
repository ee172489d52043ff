-- The rows a SIBER clinic submission writes, as ONE autocommit statement: the case and its event,
-- the courier's stop pair with the share lock on the day's ready route.plan task, the outbox row
-- with its task and NOTIFY, the replay record. One round trip, no request_id lock, no read, no C++:
-- the ceiling for any rewrite of the submission path. bench/run_submit_bench.sh runs it as its
-- `siber1_tps` baseline, on a database it set up (loket_fresh_db: a principal with id 1, the
-- office 'bpp', the day's ready plan task). Until 2026-12-01 this file held the pre-SIBER rows only.
\set n random(1, 2000000000)
WITH c AS (INSERT INTO cases (office_id, permit_type, channel, state, applicant_nik, applicant_name,
  applicant_phone, applicant_email, priority_class, clinic_id, practice_place, str_number, sla_days,
  sla_started_on, due_date, created_by, tracking_code) VALUES ('bpp', 'SIP_PERAWAT', 'CLINIC',
  'SUBMITTED', '6471065708900001', 'Siti Rahmawati', '+62812' || :n, '', 'HEALTH_WORKER',
  'pkm-klandasan-ilir', 'Puskesmas', 'STR-1', 5, current_date, current_date + 7, 1, md5(:n::text))
  RETURNING id),
 e AS (INSERT INTO case_events (office_id, case_id, actor_id, actor_name, actor_role, terminal,
  action, from_state, to_state, note) SELECT 'bpp', c.id, 1, 'bench', 'clinic', 'pgbench', 'Submit',
  NULL, 'SUBMITTED', '' FROM c),
 ids AS MATERIALIZED (SELECT nextval(pg_get_serial_sequence('stops', 'id')) AS a,
  nextval(pg_get_serial_sequence('stops', 'id')) AS b),
 st AS (INSERT INTO stops (id, partner_id, office_id, case_id, day, kind, item, clinic_id, place,
  address, latitude, longitude, window_start, window_end, service_minutes, bundles)
  SELECT a, b, 'bpp', c.id, current_date, 'pickup', 'documents', 'pkm-klandasan-ilir',
  'Puskesmas Klandasan Ilir', 'Jl. Jend. Sudirman', -1.27, 116.83, now() + interval '1 hour',
  now() + interval '2 hours', 5, 1 FROM ids, c
  UNION ALL SELECT b, a, 'bpp', c.id, current_date, 'handin', 'documents', NULL, 'office',
  'Jl. Jend. Sudirman No. 1', -1.26, 116.83, now() + interval '1 hour', now() + interval '9 hours',
  5, 1 FROM ids, c),
 plan AS (SELECT id FROM tasks WHERE office_id = 'bpp' AND queue = 'route.plan'
  AND dedupe_key = current_date::text AND state = 'ready' FOR SHARE),
 t AS (INSERT INTO tasks (office_id, queue, dedupe_key, payload, run_after, max_attempts, order_key,
  order_at) VALUES ('bpp', 'bench.notify', 'notification:' || md5(:n::text), '\x00', now(), 8,
  '+62812' || :n, now()) RETURNING id),
 o AS (INSERT INTO notifications (office_id, case_id, channel, address, template_id, language,
  urgent, scheduled_for, task_id, event_at)
  SELECT 'bpp', c.id, 'webhook', '+62812' || :n, 'case.submitted', 'id', false, now(), t.id, now()
  FROM c, t),
 r AS (INSERT INTO idempotency (office_id, request_id, method, principal_id, response)
  VALUES ('bpp', md5(:n::text)::uuid, 'bench', 1, '\x00') ON CONFLICT DO NOTHING)
SELECT pg_notify('loket_tasks', 'bench.notify'), (SELECT count(*) FROM plan);
