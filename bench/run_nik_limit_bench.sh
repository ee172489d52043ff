#!/usr/bin/env bash
# The per-NIK limit's read under the NIK's lock (docs/benchmarks.md "Per-NIK limit"): the
# statement a booking runs to load the NIK's other requests for domain::CountHeld, with and without
# the index appointments_by_request (migration 0025), beside the count the store ran before
# (the LOKET_LIVE_REQUEST SQL, removed on 2026-12-04), all bare by pgbench on one database. Also a
# page of a day's requests (ListAppointmentRequests), which takes each one's latest appointment
# the same way, with and without the index.
#
#   bench/run_nik_limit_bench.sh      N=100000 NIKs, each with 3 past requests (one appointment
#                                     each), one NIK with 40; T=10 seconds per statement
#
# Starts its own PostgreSQL and stops it at exit. Build first (it applies the migrations with loketd).
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib-stack.sh

BIN=${LOKET_BIN_DIR:-$PWD/build/bin}
N=${N:-100000}
T=${T:-10}

loket_stack_begin loket-nik-bench
loket_fresh_db "$WORK" "$BIN"

psql -X -q -v ON_ERROR_STOP=1 -v n="$N" -d "$DB" >/dev/null <<'SQL'
INSERT INTO principals (office_id, name, role) VALUES ('bpp', 'nik-bench', 'officer');
CREATE TEMP TABLE bench_slots AS
WITH s AS (INSERT INTO slots (office_id, day, starts_at, ends_at, capacity)
  SELECT 'bpp', d::date, d + interval '1 hour', d + interval '2 hours', 100000
  FROM generate_series('2026-01-01'::date, '2026-11-30'::date, interval '1 day') d RETURNING id, day)
SELECT * FROM s;
-- Three past visits per NIK, allocated and served or missed; NIK 0 came forty times.
INSERT INTO appointment_requests (office_id, nik, name, phone, service, day, state, created_by)
SELECT 'bpp', '647106' || lpad(i::text, 10, '0'), 'Tamu', '+6281234567890', 'SIP_PERAWAT',
       '2026-01-01'::date + ((i * 7 + k * 53) % 330), 'allocated',
       (SELECT id FROM principals WHERE name = 'nik-bench')
FROM generate_series(0, :n - 1) i, generate_series(1, 3) k;
INSERT INTO appointment_requests (office_id, nik, name, phone, service, day, state, created_by)
SELECT 'bpp', '6471060000000000', 'Tamu', '+6281234567890', 'SIP_PERAWAT',
       '2026-01-01'::date + k * 8, 'allocated', (SELECT id FROM principals WHERE name = 'nik-bench')
FROM generate_series(1, 37) k;
INSERT INTO appointments (office_id, request_id, slot_id, code, state)
SELECT 'bpp', r.id, s.id, 'B' || r.id, (ARRAY['served', 'served', 'no_show'])[1 + r.id % 3]
FROM appointment_requests r JOIN bench_slots s ON s.day = r.day;
ANALYZE;
SQL

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); PostgreSQL" \
  "$(psql -X -At -d "$DB" -c 'SHOW server_version')"
echo "data: $(psql -X -At -d "$DB" -c "SELECT count(*) FROM appointment_requests") requests," \
  "$(psql -X -At -d "$DB" -c "SELECT count(*) FROM appointments") appointments"

# NIK i of N at random; one in ten draws is the frequent visitor.
head='\set i random(0, '$((N - 1))')
\set f random(0, 9)'
nik="CASE WHEN :f = 0 THEN '6471060000000000' ELSE '647106' || lpad(:i::text, 10, '0') END"
cat >"$WORK/old.sql" <<OLD
$head
SELECT count(*) FROM appointment_requests q WHERE q.office_id = 'bpp' AND q.nik = $nik
   AND ((q.state IN ('pending', 'waitlisted') AND q.day >= '2026-12-04'::date)
     OR (q.state = 'allocated' AND EXISTS (
     SELECT 1 FROM appointments a JOIN slots s ON s.id = a.slot_id WHERE a.request_id = q.id
     AND a.state = 'booked' AND s.ends_at > '2026-12-04 02:00Z'::timestamptz)));
OLD
cat >"$WORK/new.sql" <<NEW
$head
SELECT r.state, r.day::text, coalesce(a.state, ''), s.ends_at::text
 FROM appointment_requests r LEFT JOIN LATERAL (SELECT * FROM appointments x
 WHERE x.request_id = r.id ORDER BY x.id DESC LIMIT 1) a ON true
 LEFT JOIN slots s ON s.id = a.slot_id
 WHERE r.office_id = 'bpp' AND r.nik = $nik AND r.id <> 0
 AND r.state = ANY('{pending,waitlisted,allocated}'::text[]);
NEW

cat >"$WORK/page.sql" <<PAGE
\set d random(0, 329)
SELECT r.id, r.state, a.code, s.starts_at::text
 FROM appointment_requests r LEFT JOIN LATERAL (SELECT * FROM appointments x
 WHERE x.request_id = r.id ORDER BY x.id DESC LIMIT 1) a ON true
 LEFT JOIN slots s ON s.id = a.slot_id
 WHERE r.office_id = 'bpp' AND r.day = '2026-01-01'::date + :d AND r.id > 0 ORDER BY r.id LIMIT 50;
PAGE

run() {  # NAME FILE: pgbench, one client, T seconds; prints tps and mean latency
  local out
  out=$(pgbench -n -c 1 -T "$T" -f "$2" "$DB" 2>&1)
  printf '%-44s %10s tps  %10s ms mean\n' "$1" \
    "$(awk '/^tps/ {printf "%.0f", $3}' <<<"$out")" "$(awk '/latency average/ {print $4}' <<<"$out")"
}
echo
echo "one client, $T s each:"
run "before: count with the SQL rule (baseline)" "$WORK/old.sql"
run "now: the rows for CountHeld, with the index" "$WORK/new.sql"
run "a day's requests, one page of 50, with it" "$WORK/page.sql"
psql -X -q -d "$DB" -c "DROP INDEX appointments_by_request"
run "now, without appointments_by_request" "$WORK/new.sql"
run "a day's requests, one page of 50, without" "$WORK/page.sql"
