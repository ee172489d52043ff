#!/usr/bin/env bash
# Submission benchmark (DESIGN.md section 8): CaseService.SubmitApplication through gRPC into
# PostgreSQL, beside pgbench's one-INSERT-per-transaction rate on the same database in the same run.
#
#   bench/run_submit_bench.sh [CONCURRENCY...]     default: 1 8 16; DURATION=10 seconds each
#
# It starts its own PostgreSQL (fsync on, as in production) and loketd, and stops both at exit.
# Build first (cmake --build build). Results go to stdout; copy them into docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib-stack.sh

BIN=${LOKET_BIN_DIR:-$PWD/build/bin}
DURATION=${DURATION:-10}
CONCURRENCY=("$@")
((${#CONCURRENCY[@]})) || CONCURRENCY=(1 8 16)

loket_stack_begin loket-bench

loket_fresh_db "$WORK" "$BIN"
TOKEN=$(loket_token "$DB" bench-clinic clinic pkm-klandasan-ilir)

# pgbench's baseline: one INSERT per transaction into a table as wide as a case's hot columns.
psql -X -q -d "$DB" <<'SQL'
CREATE TABLE bench_insert (id bigserial PRIMARY KEY, office_id text NOT NULL, nik text NOT NULL,
  name text NOT NULL, phone text NOT NULL, state text NOT NULL, created_at timestamptz DEFAULT now());
SQL
cat >"$WORK/insert.sql" <<'SQL'
INSERT INTO bench_insert (office_id, nik, name, phone, state)
VALUES ('bpp', '6471065708900001', 'Siti Rahmawati', '+6281234567890', 'SUBMITTED');
SQL

# A second baseline: the same SQL a submission runs (request_id lock, replay check, case, event, a notification
# with their tasks, NOTIFY, replay record) as one pgbench transaction, without gRPC and C++.
cat >"$WORK/submission.sql" <<'SQL'
\set n random(1, 2000000000)
BEGIN;
SELECT pg_advisory_xact_lock(hashtextextended('bpp/' || md5(:n::text), 7406));
SELECT method, response FROM idempotency WHERE office_id = 'bpp' AND request_id = md5(:n::text)::uuid;
INSERT INTO cases (office_id, permit_type, channel, state, applicant_nik, applicant_name, applicant_phone,
  applicant_email, priority_class, clinic_id, practice_place, str_number, sla_days, sla_started_on,
  due_date, created_by) VALUES ('bpp', 'SIP_PERAWAT', 'CLINIC', 'SUBMITTED', '6471065708900001',
  'Siti Rahmawati', '+62812' || :n, '', 'HEALTH_WORKER', 'pkm-klandasan-ilir', 'Puskesmas', 'STR-1', 5,
  current_date, current_date + 7, 1) RETURNING id \gset case_
INSERT INTO case_events (office_id, case_id, actor_id, actor_name, actor_role, terminal, action, to_state)
  VALUES ('bpp', :case_id, 1, 'bench', 'clinic', 'pgbench', 'Submit', 'SUBMITTED');
SELECT nextval(pg_get_serial_sequence('notifications', 'id')) AS nid,
  coalesce((SELECT string_agg(scheduled_for::text, ';') FROM (SELECT scheduled_for FROM notifications
  WHERE office_id = 'bpp' AND address = '+62812' || :n ORDER BY scheduled_for DESC LIMIT 5) r), '') \gset
WITH t AS (INSERT INTO tasks (office_id, queue, dedupe_key, payload, run_after)
  VALUES ('bpp', 'bench.notify', 'notification:' || :nid, '\x00', now()) RETURNING id)
  INSERT INTO notifications (id, office_id, case_id, channel, address, template_id, task_id)
  SELECT :nid, 'bpp', :case_id, 'webhook', '+62812' || :n, 'case.submitted', t.id FROM t;
SELECT pg_notify('loket_tasks', 'bench.notify');
INSERT INTO idempotency (office_id, request_id, method, principal_id, response)
  VALUES ('bpp', md5(:n::text)::uuid, 'bench', 1, '\x00') ON CONFLICT DO NOTHING;
COMMIT;
SQL

# A third baseline: the SQL of a clinic's submission today, SIBER on, statement for statement as
# loketd sends it (the case with its event; the courier pickup and hand-in with their day and the
# share lock on the day's ready route.plan task; the outbox rows with their NOTIFY), as one pgbench
# transaction. The plan task is made ready first, as it is between router runs.
psql -X -q -d "$DB" <<'SQL'
INSERT INTO siber_days (office_id, day) VALUES ('bpp', current_date) ON CONFLICT DO NOTHING;
INSERT INTO tasks (office_id, queue, dedupe_key, payload)
  VALUES ('bpp', 'route.plan', current_date::text, '') ON CONFLICT DO NOTHING;
SQL
cat >"$WORK/siber_submission.sql" <<'SQL'
\set n random(1, 2000000000)
BEGIN;
SELECT pg_advisory_xact_lock(hashtextextended('bpp/' || md5(:n::text), 7406));
SELECT method, response, principal_id FROM idempotency WHERE office_id = 'bpp' AND request_id = md5(:n::text)::uuid;
WITH c AS (INSERT INTO cases (office_id, permit_type, channel, state, applicant_nik, applicant_name,
  applicant_phone, applicant_email, priority_class, clinic_id, practice_place, str_number, sla_days,
  sla_started_on, due_date, created_by, tracking_code) VALUES ('bpp', 'SIP_PERAWAT', 'CLINIC',
  'SUBMITTED', '6471065708900001', 'Siti Rahmawati', '+62812' || :n, '', 'HEALTH_WORKER',
  'pkm-klandasan-ilir', 'Puskesmas', 'STR-1', 5, current_date, current_date + 7, 1, md5(:n::text))
  RETURNING id, version, created_at, updated_at),
 e AS (INSERT INTO case_events (office_id, case_id, actor_id, actor_name, actor_role, terminal,
  action, from_state, to_state, note) SELECT 'bpp', c.id, 1, 'bench', 'clinic', 'pgbench', 'Submit',
  NULL, 'SUBMITTED', '' FROM c)
SELECT id AS case_id FROM c \gset
WITH d AS (INSERT INTO siber_days (office_id, day) VALUES ('bpp', current_date) ON CONFLICT DO NOTHING),
 closed AS (SELECT 1 FROM siber_days WHERE office_id = 'bpp' AND day = current_date AND closed_reason IS NOT NULL),
 live AS (SELECT id FROM stops WHERE case_id = :case_id AND kind = 'pickup' AND item = 'documents'
  AND state IN ('pending', 'planned', 'arrived')),
 ids AS MATERIALIZED (SELECT nextval(pg_get_serial_sequence('stops', 'id')) AS a,
  nextval(pg_get_serial_sequence('stops', 'id')) AS b
  WHERE NOT EXISTS (SELECT 1 FROM closed) AND NOT EXISTS (SELECT 1 FROM live)),
 ins AS (INSERT INTO stops (id, partner_id, office_id, case_id, day, kind, item, clinic_id, place,
  address, latitude, longitude, window_start, window_end, service_minutes, bundles)
  SELECT a, b, 'bpp', :case_id, current_date, 'pickup', 'documents', 'pkm-klandasan-ilir',
  'Puskesmas Klandasan Ilir', 'Jl. Jend. Sudirman', -1.27, 116.83, now() + interval '1 hour',
  now() + interval '2 hours', 5, 1 FROM ids
  UNION ALL SELECT b, a, 'bpp', :case_id, current_date, 'handin', 'documents', NULL, 'office',
  'Jl. Jend. Sudirman No. 1', -1.26, 116.83, now() + interval '1 hour', now() + interval '9 hours',
  5, 1 FROM ids RETURNING id),
 plan AS (SELECT id FROM tasks WHERE office_id = 'bpp' AND queue = 'route.plan'
  AND dedupe_key = current_date::text AND state = 'ready' FOR SHARE)
SELECT (SELECT a FROM ids WHERE EXISTS (SELECT 1 FROM ins)), (SELECT id FROM live LIMIT 1),
  EXISTS (SELECT 1 FROM closed), EXISTS (SELECT 1 FROM plan);
SELECT nextval(pg_get_serial_sequence('notifications', 'id')) AS nid,
  coalesce((SELECT string_agg(scheduled_for::text, ';') FROM (SELECT scheduled_for FROM notifications
  WHERE office_id = 'bpp' AND address = '+62812' || :n ORDER BY scheduled_for DESC LIMIT 5) r), ''),
  coalesce((SELECT max(scheduled_for)::text FROM notifications WHERE office_id = 'bpp'
  AND address = '+62812' || :n AND status = 'pending' AND event_at <= now()), '') \gset
WITH t AS (INSERT INTO tasks (office_id, queue, dedupe_key, payload, run_after, max_attempts, order_key,
  order_at) VALUES ('bpp', 'bench.notify', 'notification:' || :nid, '\x00', now(), 8, '+62812' || :n,
  now()) RETURNING id)
  , n AS (INSERT INTO notifications (id, office_id, case_id, channel, address, template_id, language,
  urgent, scheduled_for, task_id, event_at)
  SELECT :nid, 'bpp', :case_id, 'webhook', '+62812' || :n, 'case.submitted', 'id', false, now(), t.id,
  now() FROM t RETURNING 1)
  SELECT pg_notify('loket_tasks', 'bench.notify') FROM n;
INSERT INTO idempotency (office_id, request_id, method, principal_id, response)
  VALUES ('bpp', md5(:n::text)::uuid, 'bench', 1, '\x00') ON CONFLICT DO NOTHING;
COMMIT;
SQL

# A fourth baseline, the ceiling: the rows a SIBER submission writes as ONE autocommit statement
# (bench/submission_one_statement.sql): one round trip, no lock, no read, no C++. No rewrite of
# the submission path can beat it on this machine.

loket_start_loketd "$BIN" --pool_size=16

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo),"\
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); PostgreSQL $(psql -X -At -d "$DB" -c 'SHOW server_version')," \
  "fsync $(psql -X -At -d "$DB" -c 'SHOW fsync'), synchronous_commit $(psql -X -At -d "$DB" -c 'SHOW synchronous_commit')"
printf '%-12s %12s %12s %12s %12s %12s %8s %8s %8s %8s %8s %8s\n' concurrency insert_tps sqlsubmit_tps \
  sqlsiber_tps siber1_tps loket_per_s vs_ins vs_sql vs_siber vs_1stmt p50_ms p99_ms
for c in "${CONCURRENCY[@]}"; do
  tps=$(pgbench -n -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "$c" -j "$c" -T "$DURATION" \
    -f "$WORK/insert.sql" loket 2>/dev/null | awk '/^tps/ {print $3; exit}')
  sql_tps=$(pgbench -n -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "$c" -j "$c" -T "$DURATION" \
    -f "$WORK/submission.sql" loket 2>/dev/null | awk '/^tps/ {print $3; exit}')
  siber_tps=$(pgbench -n -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "$c" -j "$c" -T "$DURATION" \
    -f "$WORK/siber_submission.sql" loket 2>/dev/null | awk '/^tps/ {print $3; exit}')
  one_tps=$(pgbench -n -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "$c" -j "$c" -T "$DURATION" \
    -f bench/submission_one_statement.sql loket 2>/dev/null | awk '/^tps/ {print $3; exit}')
  out=$("$BIN/submit_load" --addr="127.0.0.1:$API_PORT" --token="$TOKEN" --concurrency="$c" \
    --duration="$DURATION" --json | tail -n 1 || true)
  per_s=$(sed -E 's/.*"per_second": ([0-9.]+).*/\1/' <<<"$out")
  p50=$(sed -E 's/.*"p50_ms": ([0-9.]+).*/\1/' <<<"$out")
  p99=$(sed -E 's/.*"p99_ms": ([0-9.]+).*/\1/' <<<"$out")
  ratio=$(awk -v a="$per_s" -v b="$tps" 'BEGIN {printf "%.2f", a / b}')
  ratio_sql=$(awk -v a="$per_s" -v b="$sql_tps" 'BEGIN {printf "%.2f", a / b}')
  ratio_siber=$(awk -v a="$per_s" -v b="$siber_tps" 'BEGIN {printf "%.2f", a / b}')
  ratio_one=$(awk -v a="$per_s" -v b="$one_tps" 'BEGIN {printf "%.2f", a / b}')
  printf '%-12s %12.1f %12.1f %12.1f %12.1f %12.1f %8s %8s %8s %8s %8.2f %8.2f\n' "$c" "$tps" \
    "$sql_tps" "$siber_tps" "$one_tps" "$per_s" "$ratio" "$ratio_sql" "$ratio_siber" "$ratio_one" \
    "$p50" "$p99"
  grep -q "\"failed\": 0" <<<"$out" || echo "  (failures: $out)"
done
