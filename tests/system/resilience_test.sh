#!/usr/bin/env bash
# System test: real processes, real failures.
#  1. loketd is killed with SIGKILL while clinics submit: after a restart every acknowledged case is
#     there, and client retries (same request_id) created no duplicates.
#  2. The database goes down: calls fail with UNAVAILABLE and health says NOT_SERVING; when it comes
#     back loketd serves again by itself, without a restart.
#  3. The database hangs (SIGSTOP: it accepts connections and never answers): health says
#     NOT_SERVING and calls fail fast with UNAVAILABLE, not at their deadlines; after SIGCONT it
#     serves again by itself.
#  4. Calls whose client went away mid-request are counted CANCELLED, not as malformed requests.
#  5. SIGTERM drains and exits 0.
# It runs its own PostgreSQL cluster (it must stop it), in a temporary directory, on free ports.
# Environment: LOKET_BIN_DIR (loketd, loket), set by ctest.
set -euo pipefail
: "${LOKET_BIN_DIR:?set LOKET_BIN_DIR to the directory with loketd and loket}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/deploy/lib-stack.sh"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/loket-resilience.XXXXXX")
chmod 0711 "$WORK"
LOKETD_PID=""
PG_PIDS=""
cleanup() {
  local rc=$?
  trap - EXIT
  [[ -n "$PG_PIDS" ]] && kill -CONT $PG_PIDS 2>/dev/null || true
  [[ -n "$LOKETD_PID" ]] && kill -KILL "$LOKETD_PID" 2>/dev/null || true
  pg_stop "$WORK/pg" >/dev/null 2>&1 || true
  if ((rc != 0)); then
    echo "--- loketd log:" >&2
    tail -n 30 "$WORK/loketd.log" >&2 || true
  fi
  rm -rf "$WORK"
  ((rc == 0)) && echo "PASS: resilience"
  exit "$rc"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

loket_fresh_db "$WORK" "$LOKET_BIN_DIR"
export LOKET_TOKEN=$(loket_token "$DB" resilience-clinic clinic pkm-klandasan-ilir)
API_PORT=$(pg_free_port)
ADMIN_PORT=$(pg_free_port)
export LOKET_ADDR="127.0.0.1:$API_PORT"
LOKET="$LOKET_BIN_DIR/loket"

start_loketd() {
  "$LOKET_BIN_DIR/loketd" --listen="$LOKET_ADDR" --db="$DB" --pool_size=4 \
    --admin_listen="127.0.0.1:$ADMIN_PORT" >>"$WORK/loketd.log" 2>&1 &
  LOKETD_PID=$!
  for ((i = 0; i < 100; i++)); do
    "$LOKET" --timeout 1 health >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "loketd did not become healthy"
}
submit() {  # prints the case id; the CLI retries UNAVAILABLE with the same request_id
  # One live application per NIK and permit type (issue 13): every submission is another nurse.
  local n
  n=$(($(cat "$WORK/nik-serial" 2>/dev/null || echo 0) + 1))
  echo "$n" >"$WORK/nik-serial"
  "$LOKET" --json --timeout 2 clinic submit --permit-type SIP_PERAWAT \
    --nik "$(printf '647106570890%04d' "$n")" \
    --name "Siti Rahmawati" --phone 081234567890 --str-number STR-1 \
    --practice-place "Puskesmas Klandasan Ilir" 2>>"$WORK/client.err" |
    "$(loket_python)" -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}

echo "== 1. SIGKILL during submissions"
start_loketd
: >"$WORK/acked"
(
  for ((n = 0; n < 40; n++)); do
    if id=$(submit); then echo "$id" >>"$WORK/acked"; fi
  done
) &
CLIENT=$!
# Killed once a few submissions are acknowledged (mid-stream by what happened, not after a time).
for ((i = 0; i < 200; i++)); do
  (($(wc -l <"$WORK/acked") >= 3)) && break
  sleep 0.1
done
kill -KILL "$LOKETD_PID"
wait "$LOKETD_PID" 2>/dev/null || true
echo "   loketd killed after $(wc -l <"$WORK/acked") acknowledged submissions"
sleep 0.3
start_loketd
wait "$CLIENT" || true
acked=$(sort -u "$WORK/acked" | wc -l)
((acked >= 20)) || fail "only $acked of 40 submissions were acknowledged"
for id in $(cat "$WORK/acked"); do
  [[ "$(psql -X -At -d "$DB" -c "SELECT state FROM cases WHERE id = $id")" == SUBMITTED ]] ||
    fail "acknowledged case $id is missing"
done
cases=$(psql -X -At -d "$DB" -c "SELECT count(*) FROM cases")
records=$(psql -X -At -d "$DB" -c "SELECT count(*) FROM idempotency WHERE method = 'CaseService.SubmitApplication'")
((cases == records)) || fail "$cases cases but $records distinct request_ids: a retry duplicated a case"
echo "   $acked acknowledged, all stored; $cases cases for $records request_ids"

echo "== 2. database outage"
pg_stop "$WORK/pg" >/dev/null
set +e
out=$("$LOKET" --timeout 2 whoami 2>&1)
rc=$?
set -e
((rc != 0)) || fail "whoami succeeded without a database"
grep -q UNAVAILABLE <<<"$out" || fail "expected UNAVAILABLE, got: $out"
for ((i = 0; i < 50; i++)); do
  "$LOKET" --timeout 1 health >/dev/null 2>&1 || break
  sleep 0.1
done
"$LOKET" --timeout 1 health >/dev/null 2>&1 && fail "health still SERVING without a database"
echo "   calls give UNAVAILABLE, health NOT_SERVING"
pg_start "$WORK/pg" "$PG_PORT" >/dev/null
pg_wait "$PG_PORT"
for ((i = 0; i < 100; i++)); do
  "$LOKET" --timeout 1 whoami >/dev/null 2>&1 && break
  sleep 0.1
done
"$LOKET" --timeout 2 whoami >/dev/null || fail "loketd did not recover after the database returned"
for ((i = 0; i < 50; i++)); do
  "$LOKET" --timeout 1 health >/dev/null 2>&1 && break
  sleep 0.1
done
"$LOKET" --timeout 1 health >/dev/null || fail "health did not return to SERVING"
submit >/dev/null || fail "submission after recovery failed"
echo "   recovered by itself"

echo "== 3. a hung database"
postmaster=$(head -n 1 "$WORK/pg/data/postmaster.pid")
PG_PIDS="$postmaster $(pgrep -P "$postmaster" | tr '\n' ' ')"  # with loketd's backends
kill -STOP $PG_PIDS
for ((i = 0; i < 100; i++)); do
  "$LOKET" --timeout 1 health >/dev/null 2>&1 || break
  sleep 0.1
done
"$LOKET" --timeout 1 health >/dev/null 2>&1 && fail "health still SERVING while the database hangs"
# A call with a long deadline is answered UNAVAILABLE (the CLI says so), not DEADLINE_EXCEEDED.
set +e
out=$("$LOKET" --timeout 20 clinic submit --permit-type SIP_PERAWAT \
  --nik 6471065708900001 --name "Siti Rahmawati" --phone 081234567890 --str-number STR-1 \
  --practice-place "Puskesmas Klandasan Ilir" 2>&1)
rc=$?
set -e
((rc != 0)) || fail "a submission succeeded while the database hangs"
grep -q UNAVAILABLE <<<"$out" || fail "expected UNAVAILABLE while the database hangs, got: $out"
echo "   health NOT_SERVING, a call answered UNAVAILABLE before its deadline"
kill -CONT $PG_PIDS
PG_PIDS=""
for ((i = 0; i < 100; i++)); do
  "$LOKET" --timeout 1 health >/dev/null 2>&1 && break
  sleep 0.1
done
"$LOKET" --timeout 1 health >/dev/null || fail "health did not return to SERVING after SIGCONT"
submit >/dev/null || fail "submission after the hang failed"
echo "   serves again by itself"

echo "== 4. clients that leave mid-request"
# Five calls send half of a declared message and hang up: nobody is there to read an answer, and
# loketd counts them as CANCELLED (code 1), not as malformed requests (3) or INTERNAL errors (13).
"$(loket_python)" "$ROOT/tests/system/h2_flood.py" 127.0.0.1 "$API_PORT" 1 5 100000 50000 1 \
  /loket.v1.CaseService/SubmitApplication 1 >/dev/null
# (gRPC may drop a call whose message never began before any handler sees it: at least one.)
cancelled='loket_rpc_total{code="1",method="/loket.v1.CaseService/SubmitApplication"}'
for ((i = 0; i < 100; i++)); do  # until loketd has counted them
  metrics=$(curl -sf "http://127.0.0.1:$ADMIN_PORT/metrics")
  grep -qF "$cancelled" <<<"$metrics" && break
  sleep 0.1
done
grep -qF "$cancelled" <<<"$metrics" ||
  fail "abandoned calls not counted CANCELLED: $(grep -E 'Submit|malformed' <<<"$metrics")"
grep -E 'code="(3|13)",method="/loket.v1.CaseService/SubmitApplication"' <<<"$metrics" &&
  fail "abandoned calls counted as INVALID_ARGUMENT or INTERNAL"
grep -q '^loket_malformed_requests_total 0' <<<"$metrics" ||
  fail "abandoned calls counted as malformed: $(grep malformed_requests_total <<<"$metrics")"
echo "   counted CANCELLED"
# The pool's own counters are exported (refreshed every second): it has opened connections.
grep -qE '^loket_db_pool_events_total\{event="connection_opened"\} [1-9]' <<<"$metrics" ||
  fail "no pool counters on /metrics: $(grep pool_events <<<"$metrics")"

echo "== 5. SIGTERM drains"
kill -TERM "$LOKETD_PID"
set +e
wait "$LOKETD_PID"
rc=$?
set -e
LOKETD_PID=""
((rc == 0)) || fail "loketd exited $rc on SIGTERM"
grep -q "stopped" "$WORK/loketd.log" || fail "no 'stopped' line in the log"
