#!/usr/bin/env bash
# What one submission leaves behind (issue 15, docs/scaling.md): bytes per case in every table it
# writes (with indexes), WAL bytes per submission (what a synchronous standby, the archive and a
# backup must carry).
#
#   bench/run_case_footprint.sh          CONCURRENCY=8 DURATION=20
#
# It starts its own PostgreSQL (fsync on, deploy/pg.sh) and loketd, submits clinic applications
# (SIBER on: each brings its courier pickup and hand-in) with bench/submit_load, and stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib-stack.sh

BIN=${LOKET_BIN_DIR:-$PWD/build/bin}
DURATION=${DURATION:-20}
CONCURRENCY=${CONCURRENCY:-8}

loket_stack_begin loket-footprint
loket_fresh_db "$WORK" "$BIN"
TOKEN=$(loket_token "$DB" bench-clinic clinic pkm-klandasan-ilir)
loket_start_loketd "$BIN" --pool_size=16

TABLES="cases case_events notifications tasks idempotency stops siber_days"
sizes() {
  local t
  for t in $TABLES; do
    printf '%s %s %s\n' "$t" "$(psql -X -At -d "$DB" -c "SELECT pg_total_relation_size('$t')")" \
      "$(psql -X -At -d "$DB" -c "SELECT count(*) FROM $t")"
  done
}
sizes >"$WORK/before"
psql -X -q -d "$DB" -c CHECKPOINT
lsn0=$(psql -X -At -d "$DB" -c 'SELECT pg_current_wal_lsn()')
out=$("$BIN/submit_load" --addr="127.0.0.1:$API_PORT" --token="$TOKEN" --concurrency="$CONCURRENCY" \
  --duration="$DURATION" --warmup=0 --json | tail -n 1)
lsn1=$(psql -X -At -d "$DB" -c 'SELECT pg_current_wal_lsn()')
sizes >"$WORK/after"

n=$(($(awk '$1 == "cases" {print $3}' "$WORK/after") - $(awk '$1 == "cases" {print $3}' "$WORK/before")))
wal=$(psql -X -At -d "$DB" -c "SELECT pg_wal_lsn_diff('$lsn1', '$lsn0')")

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//');" \
  "PostgreSQL $(psql -X -At -d "$DB" -c 'SHOW server_version'), fsync $(psql -X -At -d "$DB" -c 'SHOW fsync')"
echo "submit_load --concurrency=$CONCURRENCY --duration=$DURATION: $out"
echo "cases written: $n"
printf '%-16s %10s %14s %14s\n' table new_rows bytes_added bytes_per_case
join "$WORK/before" "$WORK/after" | while read -r t b0 r0 b1 r1; do
  printf '%-16s %10d %14d %14.0f\n' "$t" $((r1 - r0)) $((b1 - b0)) "$(awk -v d=$((b1 - b0)) -v n="$n" 'BEGIN {print d / n}')"
done
echo "WAL: $wal bytes, $(awk -v w="$wal" -v n="$n" 'BEGIN {printf "%.0f", w / n}') bytes per submission" \
  "(a CHECKPOINT just before: every page's first change afterwards is a full-page image, as after each checkpoint in production)"
