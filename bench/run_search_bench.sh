#!/usr/bin/env bash
# Finding people and the monthly report (issue 13; docs/benchmarks.md "Search and monthly report"):
# SearchCases and GetMonthlyReport latency through gRPC, one officer's call at a time, on a year of
# one office's generated data (N cases, default 100,000: bench/search_data.sql), beside the same
# SQL run bare by pgbench on the same database in the same run.
#
#   bench/run_search_bench.sh            N=100000 REPEAT=5 (each search run REPEAT times)
#
# Starts its own PostgreSQL and loketd and stops both at exit. Build first.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib-stack.sh

BIN=${LOKET_BIN_DIR:-$PWD/build/bin}
N=${N:-100000}
REPEAT=${REPEAT:-5}

loket_stack_begin loket-search-bench
loket_fresh_db "$WORK" "$BIN"
TOKEN=$(loket_token "$DB" bench-officer officer)

t0=$(date +%s.%N)
psql -X -q -v ON_ERROR_STOP=1 -v n="$N" -d "$DB" -f bench/search_data.sql >/dev/null
t1=$(date +%s.%N)
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); PostgreSQL" \
  "$(psql -X -At -d "$DB" -c 'SHOW server_version'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data: $(psql -X -At -d "$DB" -c "SELECT count(*) FROM cases") cases," \
  "$(psql -X -At -d "$DB" -c "SELECT count(*) FROM tickets") tickets," \
  "$(psql -X -At -d "$DB" -c "SELECT count(*) FROM appointments") appointments," \
  "$(psql -X -At -d "$DB" -c "SELECT count(*) FROM stops") stops; generated in" \
  "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f s", b - a}')"

# The searches an officer types: exact keys, name parts (common and rare), combinations.
Q="$WORK/queries.tsv"
psql -X -At -F $'\t' -d "$DB" >"$Q" <<'SQL'
SELECT 'nik', 'nik=' || applicant_nik FROM cases ORDER BY hashint4(id::int) LIMIT 40;
SELECT 'phone', 'phone=0' || substr(applicant_phone, 4) FROM cases ORDER BY hashint4(id::int + 1) LIMIT 40;
SELECT 'tracking_code', 'tracking_code=' || lower(tracking_code) FROM cases ORDER BY hashint4(id::int + 2) LIMIT 40;
SELECT 'permit_number', 'permit_number=' || permit_number FROM cases WHERE permit_number IS NOT NULL ORDER BY hashint4(id::int + 3) LIMIT 40;
SELECT 'name_full', 'name=' || applicant_name FROM cases ORDER BY hashint4(id::int + 4) LIMIT 40;
SELECT 'name_part', 'name=' || p FROM unnest(ARRAY['rahma', 'pattia', 'muller', 'nunez', 'desiree',
  'sri rah', 'wulan', 'siregar', 'kurnia', 'hasib', 'yohanes patt', 'kadek ayu', 'made', 'eko sant',
  'ahmad yus', 'daeng', 'indah per', 'jose', 'putri maha', 'nurul']) p;
SELECT 'name_and_dates', 'name=' || p || E'\tsubmitted_from=2026-03-01\tsubmitted_to=2026-03-31'
  FROM unnest(ARRAY['siti', 'rahmawati', 'budi santoso', 'lestari', 'andi']) p;
SELECT 'dates', 'submitted_from=' || d::date || E'\tsubmitted_to=' || (d + interval '6 days')::date
  FROM generate_series('2026-01-05'::date, '2026-12-01'::date, interval '30 days') d;
SELECT 'clinic_and_name', 'clinic_id=' || id || E'\tname=sari' FROM clinics WHERE office_id = 'bpp' LIMIT 10;
SQL
echo "searches: $(wc -l <"$Q") distinct, each run $REPEAT times"

loket_start_loketd "$BIN" --pool_size=8

echo
echo "SearchCases through gRPC (page_size 20, one call at a time):"
"$BIN/search_load" --addr="127.0.0.1:$API_PORT" --token="$TOKEN" --mode=search --queries="$Q" \
  --repeat="$REPEAT"

# Baseline: the statement loketd sends for a two-word name part, bare, by pgbench (one client).
cat >"$WORK/name.sql" <<'SQL'
SELECT id, applicant_name FROM cases WHERE office_id = 'bpp'
  AND applicant_name_fold LIKE '%' || loket_fold_name('sri') || '%'
  AND applicant_name_fold LIKE '%' || loket_fold_name('rah') || '%' ORDER BY id DESC LIMIT 21;
SQL
cat >"$WORK/nik.sql" <<'SQL'
SELECT id FROM cases WHERE office_id = 'bpp' AND applicant_nik = '6471060000004242' ORDER BY id DESC LIMIT 21;
SQL
echo
echo "Baseline, the same SQL bare (pgbench, 1 client, 2000 transactions, simple protocol):"
printf '%-14s %9s %9s %9s\n' statement p50_ms p90_ms p99_ms
for f in name nik; do
  (cd "$WORK" && pgbench -n -h 127.0.0.1 -p "$PG_PORT" -U postgres -c 1 -t 2000 -l \
    --log-prefix="pgb_$f" -f "$WORK/$f.sql" loket >/dev/null 2>&1)
  cat "$WORK"/pgb_"$f".* | awk '{print $3 / 1000}' | sort -n | awk -v s="$f" '
    {v[NR] = $1} END {printf "%-14s %9.2f %9.2f %9.2f\n", s, v[int(NR * 0.5)], v[int(NR * 0.9)], v[int(NR * 0.99)]}'
done

echo
echo "GetMonthlyReport through gRPC (each month of 2026, $REPEAT times):"
MONTHS=$(seq -f '2026-%02g' 1 12 | paste -sd,)
"$BIN/search_load" --addr="127.0.0.1:$API_PORT" --token="$TOKEN" --mode=report \
  --months="$MONTHS" --repeat="$REPEAT"
echo
echo "Baseline: the report's largest statement bare (tickets by lane, percentiles, one month):"
psql -X -d "$DB" -c '\timing on' -c "SELECT lane, count(*), percentile_cont(0.9) WITHIN GROUP
  (ORDER BY extract(epoch FROM called_at - created_at) / 60) FROM tickets WHERE office_id = 'bpp'
  AND day >= '2026-06-01' AND day < '2026-07-01' GROUP BY lane" | grep -i '^time'
