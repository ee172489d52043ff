#!/usr/bin/env bash
# System test: what operations scrape and check (issue 15), on real processes and a real PostgreSQL.
#  1. loketd's admin port answers GET /healthz: 200 "SERVING" while its gRPC health is SERVING,
#     503 "NOT_SERVING" while the database is down, 200 again when it is back (no restart). HAProxy's
#     check in the cluster uses it.
# It runs its own PostgreSQL cluster in a temporary directory on free ports and stops everything it
# started. Environment: LOKET_BIN_DIR (loketd, loket, workers), set by ctest.
set -euo pipefail
: "${LOKET_BIN_DIR:?set LOKET_BIN_DIR to the directory with loketd, loket and the workers}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/deploy/lib-stack.sh"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/loket-opsmetrics.XXXXXX")
chmod 0711 "$WORK"
PIDS=()
cleanup() {
  local rc=$? p
  trap - EXIT
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  pg_stop "$WORK/pg" >/dev/null 2>&1 || true
  if ((rc != 0)); then
    for p in "$WORK"/*.log; do
      [[ -f "$p" ]] || continue
      echo "--- $p:" >&2
      tail -n 20 "$p" >&2
    done
  fi
  rm -rf "$WORK"
  ((rc == 0)) && echo "PASS: ops metrics"
  exit "$rc"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
LOKET="$LOKET_BIN_DIR/loket"

# Prints "CODE BODY" of GET http://127.0.0.1:PORT/PATH ("000" when nothing answers).
http_get() {
  local out code
  out=$(curl -s -m 5 -w '\n%{http_code}' "http://127.0.0.1:$1$2" 2>/dev/null) || true
  code=${out##*$'\n'}
  echo "${code:-000} ${out%$'\n'*}"
}
# Waits (up to 60 s) until GET PORT PATH answers "CODE BODY" starting with WANT.
wait_http() {
  local port=$1 path=$2 want=$3 got i
  for ((i = 0; i < 300; i++)); do
    got=$(http_get "$port" "$path")
    [[ "$got" == "$want"* ]] && return 0
    sleep 0.2
  done
  fail "GET $path on $port: wanted '$want', got '$got'"
}

loket_fresh_db "$WORK" "$LOKET_BIN_DIR"
API_PORT=$(pg_free_port)
ADMIN_PORT=$(pg_free_port)
ADDR="127.0.0.1:$API_PORT"
"$LOKET_BIN_DIR/loketd" --listen="$ADDR" --db="$DB" --pool_size=4 \
  --admin_listen="127.0.0.1:$ADMIN_PORT" >>"$WORK/loketd.log" 2>&1 &
PIDS+=($!)
loket_wait_healthy "$LOKET_BIN_DIR" "$ADDR" || fail "loketd did not become healthy"

echo "== /healthz follows loketd's health"
wait_http "$ADMIN_PORT" /healthz "200 SERVING"
echo "   up: $(http_get "$ADMIN_PORT" /healthz)"
pg_stop "$WORK/pg"
wait_http "$ADMIN_PORT" /healthz "503 NOT_SERVING"
"$LOKET" --addr "$ADDR" --timeout 2 health >/dev/null 2>&1 && fail "gRPC health SERVING without a database"
echo "   database stopped: $(http_get "$ADMIN_PORT" /healthz) (gRPC health agrees)"
pg_start "$WORK/pg" "$PG_PORT" >/dev/null
wait_http "$ADMIN_PORT" /healthz "200 SERVING"
loket_wait_healthy "$LOKET_BIN_DIR" "$ADDR" || fail "gRPC health not SERVING after the database came back"
echo "   database back: $(http_get "$ADMIN_PORT" /healthz)"
[[ "$(http_get "$ADMIN_PORT" /nothing-here)" == 404* ]] || fail "an unknown path is not 404"
