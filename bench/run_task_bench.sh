#!/usr/bin/env bash
# Task queue benchmark (DESIGN.md section 8): tasks leased and completed per second through
# TaskService with 1, 4 and 16 worker loops, beside a bare FOR UPDATE SKIP LOCKED loop in pgbench
# (lease, then complete: the same two statements, without gRPC) on the same database in one run.
#
#   bench/run_task_bench.sh [LOOPS...]     default: 1 4 16; DURATION=10 seconds each
#
# Starts its own PostgreSQL (fsync on) and loketd, stops both at exit. Build first.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib-stack.sh

BIN=${LOKET_BIN_DIR:-$PWD/build/bin}
DURATION=${DURATION:-10}
LOOPS=("$@")
((${#LOOPS[@]})) || LOOPS=(1 4 16)

loket_stack_begin loket-bench

loket_fresh_db "$WORK" "$BIN"
TOKEN=$(loket_token "$DB" bench-worker worker)

# TaskService's loops drain notify.send (CompleteTask applies a notify result; these tasks have no
# notification rows, so the update finds none, as for a message already recorded).
# The bare loop: lease one due task with SKIP LOCKED, then mark it done; two autocommit statements,
# as a worker's PollTask and CompleteTask are.
cat >"$WORK/skiplocked.sql" <<'SQL'
UPDATE tasks SET state = 'leased', attempt = attempt + 1, lease_owner = 'pgbench',
  lease_expires_at = now() + interval '30 seconds', updated_at = now()
  WHERE id = (SELECT id FROM tasks WHERE office_id = 'bpp' AND queue = 'bench.sql'
  AND state = 'ready' AND run_after <= now() ORDER BY run_after, id LIMIT 1 FOR UPDATE SKIP LOCKED)
  RETURNING id \gset
UPDATE tasks SET state = 'done', lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
  WHERE id = :id AND state = 'leased';
SQL

loket_start_loketd "$BIN" --pool_size=16

fill() {  # enough ready tasks that no loop ever finds the queue empty
  psql -X -q -d "$DB" -c "INSERT INTO tasks (office_id, queue, payload)
    SELECT 'bpp', '$1', '\\x00' FROM generate_series(1, $2)"
}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//');" \
  "PostgreSQL $(psql -X -At -d "$DB" -c 'SHOW server_version'), fsync $(psql -X -At -d "$DB" -c 'SHOW fsync')"
printf '%-6s %14s %16s %8s %10s %10s\n' loops sql_loop_per_s taskservice_per_s ratio p50_ms p99_ms
for n in "${LOOPS[@]}"; do
  fill bench.sql 300000
  psql -X -q -d "$DB" -c "ANALYZE tasks"
  sql=$(pgbench -n -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "$n" -j "$n" -T "$DURATION" \
    -f "$WORK/skiplocked.sql" loket 2>/dev/null | awk '/^tps/ {print $3; exit}')
  psql -X -q -d "$DB" -c "DELETE FROM tasks WHERE queue = 'bench.sql'"
  fill notify.send 100000
  psql -X -q -d "$DB" -c "ANALYZE tasks"
  out=$("$BIN/task_load" --addr="127.0.0.1:$API_PORT" --token="$TOKEN" --queue=notify.send \
    --loops="$n" --duration="$DURATION" || true)
  psql -X -q -d "$DB" -c "DELETE FROM tasks WHERE queue = 'notify.send'"
  psql -X -q -d "$DB" -c "VACUUM tasks"
  per_s=$(sed -E 's/.*"per_second": ([0-9.]+).*/\1/' <<<"$out")
  p50=$(sed -E 's/.*"p50_ms": ([0-9.]+).*/\1/' <<<"$out")
  p99=$(sed -E 's/.*"p99_ms": ([0-9.]+).*/\1/' <<<"$out")
  printf '%-6s %14.1f %16.1f %8s %10.2f %10.2f\n' "$n" "$sql" "$per_s" \
    "$(awk -v a="$per_s" -v b="$sql" 'BEGIN {printf "%.2f", a / b}')" "$p50" "$p99"
  grep -q '"errors": 0' <<<"$out" || echo "  (errors: $out)"
done
