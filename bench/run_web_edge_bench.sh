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
[[ -f web/dist/server/main.js ]] || { echo "run_web_edge_bench: build web/ first (npm run build)" >&2; exit 1; }

loket_stack_begin loket-edge-bench
loket_fresh_db "$WORK" "$BIN"
TOKEN=$(loket_token "$DB" bench-clinic clinic pkm-klandasan-ilir)

API="127.0.0.1:$(pg_free_port)"
"$BIN/loketd" --listen="$API" --db="$DB" --pool_size=16 --log_requests=false 2>"$WORK/loketd.log" &
STACK_PIDS+=($!)
loket_wait_healthy "$BIN" "$API" || { echo "loketd did not start" >&2; exit 1; }

WEB="127.0.0.1:$(pg_free_port)"
node web/dist/server/main.js --listen "$WEB" --loketd "$API" --log-requests=false \
  >"$WORK/loket-web.log" 2>&1 &
STACK_PIDS+=($!)
for ((i = 0; i < 100; i++)); do
  curl -fsS -o /dev/null "http://$WEB/healthz" 2>/dev/null && break
  sleep 0.1
done

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), Node $(node --version)," \
  "PostgreSQL $(psql -X -At -d "$DB" -c 'SHOW server_version'), fsync $(psql -X -At -d "$DB" -c 'SHOW fsync')"
node bench/web_edge_bench.mjs --web "http://$WEB" --grpc "$API" --token "$TOKEN" \
  --clients "$CLIENTS" --calls "$CALLS" --rounds "$ROUNDS"
