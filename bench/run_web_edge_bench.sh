#!/usr/bin/env bash
# The edge's cost (issue 9): GetCase and SubmitApplication through loket-web (Connect, binary and
# JSON) beside direct gRPC to loketd, same run, 8 clients (bench/web_edge_bench.mjs).
#
#   bench/run_web_edge_bench.sh [CALLS]      default 3000 calls per mode; CLIENTS=8, ROUNDS=3
#
# Starts its own PostgreSQL (fsync on, as in production), loketd and loket-web (neither logs a line
# per request), stops them at exit. Needs build/bin (or LOKET_BIN_DIR) and a built web/
# (cd web && npm run build). Results go to stdout; copy them into docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib-stack.sh

BIN=${LOKET_BIN_DIR:-$PWD/build/bin}
CALLS=${1:-3000}
CLIENTS=${CLIENTS:-8}
ROUNDS=${ROUNDS:-3}
WEB_WORKERS=${WEB_WORKERS:-1}  # loket-web --workers
[[ -f web/dist/server/main.js ]] || { echo "run_web_edge_bench: build web/ first (npm run build)" >&2; exit 1; }

loket_stack_begin loket-edge-bench
loket_fresh_db "$WORK" "$BIN"
TOKEN=$(loket_token "$DB" bench-clinic clinic pkm-klandasan-ilir)

loket_start_loketd "$BIN" --pool_size=16 || { echo "loketd did not start" >&2; exit 1; }
API="127.0.0.1:$API_PORT"

WEB="127.0.0.1:$(pg_free_port)"
node web/dist/server/main.js --listen "$WEB" --loketd "$API" --log-requests=false --workers "$WEB_WORKERS" \
  >"$WORK/loket-web.log" 2>&1 &
WEB_PID=$!
STACK_PIDS+=($WEB_PID)
for ((i = 0; i < 100; i++)); do
  curl -fsS -o /dev/null "http://$WEB/healthz" 2>/dev/null && break
  sleep 0.1
done

echo "machine: $(nproc) cores, $(lscpu | sed -n "s/^Model name: *//p"), load average $(cut -d" " -f1-3 /proc/loadavg), Node $(node --version)," \
  "PostgreSQL $(psql -X -At -d "$DB" -c 'SHOW server_version'), fsync $(psql -X -At -d "$DB" -c 'SHOW fsync')"
# CPU per call of loket-web (with --workers, its workers too) and of loketd; ms of CPU time.
edge_pids=$( (ps -o pid= --ppid "$WEB_PID" || true) | tr -d " " | tr "\n" ",")$WEB_PID
echo "loket-web --workers $WEB_WORKERS; edge_cpu, lkd_cpu, cli_cpu: CPU ms per call of loket-web, loketd and this load generator"
node bench/web_edge_bench.mjs --web "http://$WEB" --grpc "$API" --token "$TOKEN" \
  --clients "$CLIENTS" --calls "$CALLS" --rounds "$ROUNDS" --edge-pids "$edge_pids" --loketd-pids "$LOKETD_PID"
