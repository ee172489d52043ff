-- The rows a submission writes, as one statement: the ceiling for any rewrite of the submission
-- path. Run against a database loaded by bench/run_submit_bench.sh's set-up (loket_fresh_db), e.g.
--   pgbench -n -h 127.0.0.1 -p PORT -U postgres -c 8 -j 8 -T 8 -f bench/submission_one_statement.sql loket
\set n random(1, 2000000000)
WITH c AS (INSERT INTO cases (office_id, permit_type, channel, state, applicant_nik, applicant_name,
  applicant_phone, applicant_email, priority_class, clinic_id, practice_place, str_number, sla_days,
  sla_started_on, due_date, created_by) VALUES ('bpp', 'SIP_PERAWAT', 'CLINIC', 'SUBMITTED',
  '6471065708900001', 'Siti Rahmawati', '+62812' || :n, '', 'HEALTH_WORKER', 'pkm-klandasan-ilir',
  'Puskesmas', 'STR-1', 5, current_date, current_date + 7, 1) RETURNING id),
e AS (INSERT INTO case_events (office_id, case_id, actor_id, actor_name, actor_role, terminal, action,
  to_state) SELECT 'bpp', id, 1, 'bench', 'clinic', 'pgbench', 'Submit', 'SUBMITTED' FROM c),
t AS (INSERT INTO tasks (office_id, queue, dedupe_key, payload, run_after)
  VALUES ('bpp', 'bench.notify', 'notification:' || :n, '\x00', now()) RETURNING id),
n AS (INSERT INTO notifications (office_id, case_id, channel, address, template_id, task_id)
  SELECT 'bpp', c.id, 'webhook', '+62812' || :n, 'case.submitted', t.id FROM c, t)
INSERT INTO idempotency (office_id, request_id, method, principal_id, response)
  VALUES ('bpp', md5(:n::text)::uuid, 'bench', 1, '\x00') ON CONFLICT DO NOTHING;
