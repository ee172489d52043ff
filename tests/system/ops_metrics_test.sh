#!/usr/bin/env bash
# System test: what operations scrape and check (issue 15), on real processes and a real PostgreSQL.
#  1. loketd's admin port answers GET /healthz: 200 "SERVING" while its gRPC health is SERVING,
#     503 "NOT_SERVING" while the database is down, 200 again when it is back (no restart). HAProxy's
#     check in the cluster uses it.
#  2. loketd's gauges for the alert rules, with real values: cases submitted by a loketd whose clock
#     runs 30 days behind are not past their SLA there (loket_cases_past_sla 0) and are past it for
#     a loketd on the wall clock (N); their notify.send tasks wait (loket_tasks{state="ready"} N,
#     loket_task_oldest_ready_age_seconds above 0).
#  3. Each worker serves --admin_listen /metrics: the notifier, against a gateway that refuses the
#     first message for good (HTTP 403) and answers after 8 s, counts
#     loket_worker_tasks_total{kind="notify.send"} completed N-1 and failed 1; loketd shows the
#     tasks leased meanwhile, then 0 ready and 1 dead; the router and the
#     scheduler count the tasks that were waiting for them under their kinds. A worker whose --admin_listen cannot
#     be bound exits 2.
# It runs its own PostgreSQL cluster in a temporary directory on free ports and stops everything it
# started. Environment: LOKET_BIN_DIR (loketd, loket, workers), set by ctest.
set -euo pipefail
: "${LOKET_BIN_DIR:?set LOKET_BIN_DIR to the directory with loketd, loket and the workers}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/deploy/lib-stack.sh"

# WORK, and at exit: the processes in STACK_PIDS and WORK/pg stopped, WORK removed (_loket_stack_end).
loket_stack_begin loket-opsmetrics
cleanup() {
  local rc=$? p
  trap - EXIT
  if ((rc != 0)); then
    for p in "$WORK"/*.log; do
      [[ -f "$p" ]] || continue
      echo "--- $p:" >&2
      tail -n 20 "$p" >&2
    done
  fi
  _loket_stack_end
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

# Prints the value of the sample SERIES (exact name{labels} as exposed) on PORT's /metrics, or "".
metric() {
  curl -s -m 5 "http://127.0.0.1:$1/metrics" 2>/dev/null |
    awk -v s="$2" 'index($0, s " ") == 1 { print $2; exit }'
}
# Waits (up to 60 s) until SERIES on PORT reads a value for which the awk condition COND holds
# (v is the value, e.g. 'v == 3' or 'v > 0'); prints the value.
wait_metric() {
  local port=$1 series=$2 cond=$3 v i
  for ((i = 0; i < 300; i++)); do
    v=$(metric "$port" "$series")
    if [[ -n "$v" ]] && awk -v v="$v" "BEGIN { exit !($cond) }"; then
      echo "$v"
      return 0
    fi
    sleep 0.2
  done
  fail "$series on :$port: wanted $cond, got '${v:-absent}'"
}

loket_fresh_db "$WORK" "$LOKET_BIN_DIR"
export LOKET_TOKEN
LOKET_TOKEN=$(loket_token "$DB" ops-clinic clinic pkm-klandasan-ilir)
API_PORT=$(pg_free_port)
ADMIN_PORT=$(pg_free_port)
ADDR="127.0.0.1:$API_PORT"
start_loketd() {  # [loketd flags...]
  "$LOKET_BIN_DIR/loketd" --listen="$ADDR" --db="$DB" --pool_size=4 \
    --admin_listen="127.0.0.1:$ADMIN_PORT" "$@" >>"$WORK/loketd.log" 2>&1 &
  LOKETD_PID=$!
  STACK_PIDS+=("$LOKETD_PID")
  loket_wait_healthy "$LOKET_BIN_DIR" "$ADDR" || fail "loketd did not become healthy"
}
# A loketd whose office clock runs 30 days behind the wall clock.
PAST=$(date -u -d '30 days ago' +%Y-%m-%dT%H:%M:%SZ)
start_loketd --clock_start="$PAST"

echo "== 1. /healthz follows loketd's health"
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

echo "== 2. loketd's gauges"
N=3
for ((n = 1; n <= N; n++)); do
  "$LOKET" --addr "$ADDR" --timeout 10 clinic submit --permit-type SIP_PERAWAT \
    --nik "$(printf '647106570890%04d' "$n")" --name "Siti Rahmawati" --phone 081234567890 \
    --str-number "STR-$n" --practice-place "Puskesmas Klandasan Ilir" >/dev/null ||
    fail "submission $n"
done
tasks=$(psql -X -qAt -d "$DB" -c "SELECT count(*) FROM tasks WHERE queue = 'notify.send' AND state = 'ready'")
# (Their run_after is on the office clock: they have waited 30 days as loketd on the wall clock sees it.)
((tasks >= 1)) || fail "the submissions enqueued no notify.send task"
echo "   $N cases submitted on $PAST (office clock), $tasks notify.send tasks ready"
v=$(wait_metric "$ADMIN_PORT" 'loket_cases_past_sla{office="bpp"}' 'v == 0')
echo "   loketd 30 days behind: loket_cases_past_sla{office=\"bpp\"} $v"
kill -TERM "$LOKETD_PID"
wait "$LOKETD_PID" || true
start_loketd
v=$(wait_metric "$ADMIN_PORT" 'loket_cases_past_sla{office="bpp"}' "v == $N")
echo "   loketd on the wall clock: loket_cases_past_sla{office=\"bpp\"} $v"
v=$(wait_metric "$ADMIN_PORT" 'loket_tasks{queue="notify.send",state="ready"}' "v == $tasks")
echo "   loket_tasks{queue=\"notify.send\",state=\"ready\"} $v"
v=$(wait_metric "$ADMIN_PORT" 'loket_task_oldest_ready_age_seconds{queue="notify.send"}' 'v > 0')
echo "   loket_task_oldest_ready_age_seconds{queue=\"notify.send\"} $v"

echo "== 3. the workers' /metrics"
"$(loket_python)" "$ROOT/tests/support/http_receiver.py" --port-file "$WORK/gw.port" \
  --log "$WORK/gw.jsonl" --fail-first 1 --status 403 --delay 8 >>"$WORK/gateway.log" 2>&1 &
STACK_PIDS+=($!)
for ((i = 0; i < 100; i++)); do
  [[ -s "$WORK/gw.port" ]] && break
  sleep 0.1
done
[[ -s "$WORK/gw.port" ]] || fail "the gateway did not start"
# What the router and the scheduler have to do (the submissions' courier pick-ups plan a route).
count_ready() {
  psql -X -qAt -d "$DB" -c "SELECT count(*) FROM tasks WHERE queue = '$1' AND state = 'ready'"
}
ROUTE_TASKS=$(count_ready route.plan)
SLOT_TASKS=$(count_ready slots.allocate)
WTOKEN=$(loket_token "$DB" ops-worker worker)
NOTIFIER_ADMIN=$(pg_free_port)
ROUTER_ADMIN=$(pg_free_port)
SCHEDULER_ADMIN=$(pg_free_port)
LOKET_TOKEN=$WTOKEN "$LOKET_BIN_DIR/loket-notifier" --addr "$ADDR" \
  --webhook_url "http://127.0.0.1:$(cat "$WORK/gw.port")/send" --outbox_dir "$WORK/outbox" \
  --admin_listen "127.0.0.1:$NOTIFIER_ADMIN" >>"$WORK/notifier.log" 2>&1 &
STACK_PIDS+=($!)
LOKET_TOKEN=$WTOKEN "$LOKET_BIN_DIR/loket-router" --addr "$ADDR" \
  --admin_listen "127.0.0.1:$ROUTER_ADMIN" >>"$WORK/router.log" 2>&1 &
STACK_PIDS+=($!)
LOKET_TOKEN=$WTOKEN "$LOKET_BIN_DIR/loket-scheduler" --addr "$ADDR" \
  --admin_listen "127.0.0.1:$SCHEDULER_ADMIN" >>"$WORK/scheduler.log" 2>&1 &
STACK_PIDS+=($!)
# The gateway answers after 8 s, longer than loketd's 5 s refresh: the tasks are seen leased.
v=$(wait_metric "$ADMIN_PORT" 'loket_tasks{queue="notify.send",state="leased"}' 'v >= 1')
echo "   loketd while the notifier delivers: loket_tasks{queue=\"notify.send\",state=\"leased\"} $v"
v=$(wait_metric "$NOTIFIER_ADMIN" 'loket_worker_tasks_total{kind="notify.send",outcome="completed"}' "v == $tasks - 1")
f=$(wait_metric "$NOTIFIER_ADMIN" 'loket_worker_tasks_total{kind="notify.send",outcome="failed"}' 'v == 1')
echo "   notifier: loket_worker_tasks_total{kind=\"notify.send\"} completed $v, failed $f"
v=$(wait_metric "$ADMIN_PORT" 'loket_tasks{queue="notify.send",state="dead"}' 'v == 1')
r=$(wait_metric "$ADMIN_PORT" 'loket_tasks{queue="notify.send",state="ready"}' 'v == 0')
echo "   loketd: loket_tasks{queue=\"notify.send\"} dead $v, ready $r"
v=$(wait_metric "$ADMIN_PORT" 'loket_task_oldest_ready_age_seconds{queue="notify.send"}' 'v == 0')
echo "   loketd: loket_task_oldest_ready_age_seconds{queue=\"notify.send\"} $v (none waiting)"
for w in "route.plan $ROUTER_ADMIN $ROUTE_TASKS" "slots.allocate $SCHEDULER_ADMIN $SLOT_TASKS"; do
  read -r kind port want <<<"$w"
  v=$(wait_metric "$port" "loket_worker_tasks_total{kind=\"$kind\",outcome=\"completed\"}" "v == $want")
  metric "$port" "loket_worker_poll_errors_total{kind=\"$kind\"}" | grep -q . ||
    fail "no loket_worker_poll_errors_total on $kind's worker"
  echo "   $kind worker: loket_worker_tasks_total{kind=\"$kind\",outcome=\"completed\"} $v"
done
set +e
LOKET_TOKEN=$WTOKEN timeout 20 "$LOKET_BIN_DIR/loket-scheduler" --addr "$ADDR" \
  --admin_listen "127.0.0.1:$SCHEDULER_ADMIN" >>"$WORK/scheduler2.log" 2>&1
rc=$?
set -e
((rc == 2)) || fail "a worker whose --admin_listen is taken exited $rc, not 2"
echo "   a worker whose --admin_listen is taken exits 2"
