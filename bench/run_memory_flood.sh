#!/usr/bin/env bash
# Unauthenticated memory (issue 12): loketd's peak RSS under tests/system/h2_flood.py, 20
# connections x 20 streams to CaseService/AttachDocument, no token, each sending 4 MB of a declared
# 5 MB message and never finishing, stubborn (every reset stream and closed connection replaced at
# once), until 2,000 MB are sent. Alternates the memory guard off (--memory_limit_mb=0) and on
# (LIMIT_MB, default 160) for ROUNDS rounds (default 4), each on a fresh loketd at a 32 MiB gRPC
# quota, and prints per run the peak RSS (sampled every 0.2 s), the connections loketd closed and
# the streams it reset.
#
#   bench/run_memory_flood.sh          LIMIT_MB=200 ROUNDS=6 bench/run_memory_flood.sh
#
# It starts its own PostgreSQL and loketd, and stops both at exit. Build first.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${LOKET_BIN_DIR:-$ROOT/build/bin}
LIMIT_MB=${LIMIT_MB:-160}
ROUNDS=${ROUNDS:-4}
source "$ROOT/deploy/lib-stack.sh"
PY=$(loket_python)
loket_stack_begin loket-memflood
loket_fresh_db "$WORK" "$BIN"

flood_once() {  # LIMIT: prints one line
  local limit=$1 port pid flood peak=0 r
  port=$(pg_free_port)
  "$BIN/loketd" --listen="127.0.0.1:$port" --db="$DB" --pool_size=4 --log_requests=false \
    --grpc_memory_mb=32 --memory_limit_mb="$limit" >"$WORK/loketd.log" 2>&1 &
  pid=$!
  loket_wait_healthy "$BIN" "127.0.0.1:$port"
  "$PY" "$ROOT/tests/system/h2_flood.py" 127.0.0.1 "$port" 20 20 5000000 4000000 40 \
    /loket.v1.CaseService/AttachDocument 1 $((2000 << 20)) 1 >"$WORK/flood.json" &
  flood=$!
  while kill -0 "$flood" 2>/dev/null; do
    r=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
    ((r > peak)) && peak=$r
    sleep 0.2
  done
  kill "$pid"
  wait "$pid" || true
  "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1]))
print("guard %5s MB: peak RSS %5d MB; sent %5d MB; connections closed %4d; streams reset %5d"
      % (sys.argv[2] if sys.argv[2] != "0" else "off", int(sys.argv[3]) // 1024,
         j["bytes_sent"] >> 20, j["closed_by_server"], j["streams_ended_by_server"]))' \
    "$WORK/flood.json" "$limit" "$peak"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {print int($2/1048576)}' /proc/meminfo) GB; $(date -u +%FT%TZ)"
for ((i = 0; i < ROUNDS; i++)); do
  flood_once 0
  flood_once "$LIMIT_MB"
done
