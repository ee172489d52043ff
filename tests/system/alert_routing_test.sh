#!/usr/bin/env bash
# System test: a worker that dies reaches the office's webhook as a WorkerDown alert, through the
# shipped configuration and real processes:
#   PostgreSQL + loketd (--admin_listen) + loket-scheduler (--admin_listen), Prometheus running
#   deploy/prometheus/prometheus.yml and alerts.yml (targets/ rewritten to this test's ports, scrape
#   and evaluation every second instead of 15 s; the rules as shipped), Alertmanager running
#   deploy/prometheus/alertmanager.yml (the webhook URL pointed at tests/support/http_receiver.py).
# Checks: while everything runs, Prometheus scrapes both targets as up, sees the worker's
# loket_worker_tasks_total and loketd's loket_cases_past_sla, and no alert is pending or firing but
# WorkerKindDown for loket-notifier and loket-router (no targets here: absent() holds). Then
# the worker is SIGKILLed and a dead task is written to the tasks table: the receiver gets a firing
# WorkerDown for job loket-scheduler and the worker's instance, routed to receiver office-ops, and a
# DeadTasks for the queue (from loketd's loket_tasks gauge), and no other alert (but WorkerKindDown,
# which the only scheduler's death may add). The delay from kill to delivery is printed
# (WorkerDown's `for: 1m` + Alertmanager's group_wait 10 s + scrape/evaluation), never asserted.
# Environment: LOKET_BIN_DIR. Ports: free ones, picked at run time.
set -euo pipefail
: "${LOKET_BIN_DIR:?set LOKET_BIN_DIR}"
LOKET_BIN_DIR=$(cd "$LOKET_BIN_DIR" && pwd)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=deploy/lib-stack.sh
source "$ROOT/deploy/lib-stack.sh"
# shellcheck source=tests/system/lib-prometheus.sh
source "$ROOT/tests/system/lib-prometheus.sh"
ALERTMANAGER=$(command -v prometheus-alertmanager || command -v alertmanager || true)
for tool in prometheus "$ALERTMANAGER" curl python3; do
  if [[ -z "$tool" ]] || ! command -v "$tool" >/dev/null; then
    echo "FAIL: ${tool:-alertmanager} not found (deploy/install-deps.sh)" >&2
    exit 1
  fi
done

loket_stack_begin loket-alert-routing
finish() {
  local rc=$?
  if ((rc != 0)); then
    for f in loketd worker prometheus alertmanager; do
      [[ -f "$WORK/$f.log" ]] && { echo "--- $f.log (tail)"; tail -n 15 "$WORK/$f.log"; } >&2
    done
    [[ -f "$WORK/received.jsonl" ]] && { echo "--- received"; cat "$WORK/received.jsonl"; } >&2
  fi
  _loket_stack_end
  ((rc == 0)) && echo "PASS: alert routing (worker killed -> WorkerDown at the webhook)"
  exit "$rc"
}
trap finish EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
# Waits up to SECONDS for COMMAND to succeed.
wait_for() {
  local seconds=$1 i
  shift
  for ((i = 0; i < seconds * 5; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}

echo "== PostgreSQL, loketd, loket-scheduler"
loket_fresh_db "$WORK" "$LOKET_BIN_DIR"
GRPC=127.0.0.1:$(pg_free_port)
LOKETD_ADMIN=127.0.0.1:$(pg_free_port)
WORKER_ADMIN=127.0.0.1:$(pg_free_port)
"$LOKET_BIN_DIR/loketd" --listen="$GRPC" --admin_listen="$LOKETD_ADMIN" --db="$DB" \
  --log_requests=false >"$WORK/loketd.log" 2>&1 &
STACK_PIDS+=($!)
loket_wait_healthy "$LOKET_BIN_DIR" "$GRPC" || fail "loketd is not SERVING"
LOKET_TOKEN=$(loket_token "$DB" alert-worker worker) \
  "$LOKET_BIN_DIR/loket-scheduler" --addr="$GRPC" --admin_listen="$WORKER_ADMIN" \
  >"$WORK/worker.log" 2>&1 &
WORKER_PID=$!
STACK_PIDS+=("$WORKER_PID")
wait_for 20 curl -sf "http://$WORKER_ADMIN/metrics" || fail "the worker serves no /metrics on $WORKER_ADMIN"

echo "== webhook receiver, Alertmanager"
python3 "$ROOT/tests/support/http_receiver.py" --port-file "$WORK/receiver.port" \
  --log "$WORK/received.jsonl" >"$WORK/receiver.log" 2>&1 &
STACK_PIDS+=($!)
wait_for 20 test -s "$WORK/receiver.port" || fail "the webhook receiver did not start"
RECEIVER=127.0.0.1:$(cat "$WORK/receiver.port")
mkdir -p "$WORK/am" "$WORK/prom/targets"
sed "s#http://127.0.0.1:7592/#http://$RECEIVER/#" "$ROOT/deploy/prometheus/alertmanager.yml" \
  >"$WORK/am/alertmanager.yml"
grep -q "$RECEIVER" "$WORK/am/alertmanager.yml" || fail "could not point alertmanager.yml at the receiver"
AM=127.0.0.1:$(pg_free_port)
# --cluster.listen-address= : no gossip port (its default, 9094, may belong to a Debian service).
"$ALERTMANAGER" --config.file="$WORK/am/alertmanager.yml" --storage.path="$WORK/am/data" \
  --web.listen-address="$AM" --cluster.listen-address= >"$WORK/alertmanager.log" 2>&1 &
STACK_PIDS+=($!)
wait_for 30 curl -sf "http://$AM/-/ready" || fail "Alertmanager is not ready on $AM"

echo "== Prometheus"
PROM=127.0.0.1:$(pg_free_port)
cp "$ROOT/deploy/prometheus/alerts.yml" "$WORK/prom/"
sed -e 's/^  scrape_interval: 15s$/  scrape_interval: 1s/' -e 's/^  scrape_timeout: 10s$/  scrape_timeout: 1s/' \
  -e 's/^  evaluation_interval: 15s$/  evaluation_interval: 1s/' \
  -e "s/127.0.0.1:7590/$PROM/" "$ROOT/deploy/prometheus/prometheus.yml" >"$WORK/prom/prometheus.yml"
[[ $(grep -c -E '^  (scrape_interval|scrape_timeout|evaluation_interval): 1s$' "$WORK/prom/prometheus.yml") == 3 ]] ||
  fail "could not shorten the intervals in prometheus.yml"
for t in loket-notifier loket-router patroni; do echo '[]' >"$WORK/prom/targets/$t.yml"; done
echo "- targets: ['$LOKETD_ADMIN']" >"$WORK/prom/targets/loketd.yml"
echo "- targets: ['$WORKER_ADMIN']" >"$WORK/prom/targets/loket-scheduler.yml"
echo "- targets: ['$AM']" >"$WORK/prom/targets/alertmanager.yml"
promtool check config "$WORK/prom/prometheus.yml" >/dev/null || fail "the rewritten prometheus.yml is invalid"
prometheus --config.file="$WORK/prom/prometheus.yml" --storage.tsdb.path="$WORK/prom/data" \
  --web.listen-address="$PROM" >"$WORK/prometheus.log" 2>&1 &
STACK_PIDS+=($!)
wait_for 30 curl -sf "http://$PROM/-/ready" || fail "Prometheus is not ready on $PROM"

query() {  # prints the value of a PromQL expression's first sample, or nothing
  curl -sf "http://$PROM/api/v1/query" --data-urlencode "query=$1" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'
}
up_is() { [[ "$(query "up{job=\"$1\"}")" == "$2" ]]; }
wait_for 30 up_is loketd 1 || fail "Prometheus does not scrape loketd as up"
wait_for 30 up_is loket-scheduler 1 || fail "Prometheus does not scrape the worker as up"
# The rules are loaded and, with everything up, none is pending or firing.
rules=$(curl -sf "http://$PROM/api/v1/rules" | python3 -c 'import json,sys
print(sum(len(g["rules"]) for g in json.load(sys.stdin)["data"]["groups"]))')
[[ "$rules" -ge 11 ]] || fail "Prometheus loaded $rules rules"
# Three evaluations of every rule group with everything up (each group's lastEvaluation moved on
# three times since now), not a time that usually holds three.
prom_wait_evaluations "$PROM" 3 || fail "Prometheus did not evaluate its rules three times"
# The notifier and router jobs have no targets here: WorkerKindDown is pending for those two kinds
# (its absent() terms; it would fire after 2 minutes), and no other alert is pending or firing.
[[ "$(query 'count(ALERTS{alertname="WorkerKindDown", job=~"loket-(notifier|router)"})')" == 2 ]] ||
  fail "WorkerKindDown is not pending for the kinds without targets: $(curl -sf "http://$PROM/api/v1/alerts")"
[[ "$(query 'count(ALERTS unless ALERTS{alertname="WorkerKindDown", job=~"loket-(notifier|router)"})')" == "" ]] ||
  fail "alerts before the kill: $(curl -sf "http://$PROM/api/v1/alerts")"
echo "   scraping loketd $LOKETD_ADMIN and loket-scheduler $WORKER_ADMIN, $rules rules, no alert but" \
  "WorkerKindDown pending for loket-notifier and loket-router (no targets)"

# The names the rules use are the ones the processes export: the worker's counter now, loketd's
# gauges once there is a task (loketd refreshes them every 5 s).
has_series() { [[ -n "$(query "$1")" ]]; }
wait_for 30 has_series 'loket_worker_tasks_total{job="loket-scheduler"}' ||
  fail "Prometheus has no loket_worker_tasks_total from the worker"
wait_for 30 has_series 'loket_cases_past_sla{job="loketd"}' || fail "Prometheus has no loket_cases_past_sla"

echo "== kill the worker; a task dies in notify.send"
# A dead task (as after its last failed attempt) and a ready one due a minute ago, in queues no
# process here works: loketd's gauges report them, DeadTasks fires from them (TaskAgeHigh does not:
# a minute is under its 10-minute bound).
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "INSERT INTO tasks (office_id, queue, state, attempt, last_error)
  VALUES ('bpp', 'notify.send', 'dead', 8, 'alert_routing_test');
  INSERT INTO tasks (office_id, queue, run_after) VALUES ('bpp', 'route.plan', now() - interval '1 minute')"
{
  kill -KILL "$WORKER_PID"
  wait "$WORKER_PID" || true
} 2>/dev/null  # no "Killed" line from the shell
killed_at=$(date +%s.%N)
# WorkerDown waits 1 minute (for: 1m), then Alertmanager 10 s (group_wait): 180 s is plenty.
got_alert() {  # ALERTNAME LABEL=VALUE...: a firing alert with those labels reached office-ops
  python3 - "$WORK/received.jsonl" "$@" <<'PY'
import json, sys
name, want = sys.argv[2], dict(kv.split("=", 1) for kv in sys.argv[3:])
for line in open(sys.argv[1]):
    body = json.loads(line).get("body") or {}
    for a in body.get("alerts", []):
        l = a.get("labels", {})
        if (l.get("alertname") == name and a.get("status") == "firing"
                and all(l.get(k) == v for k, v in want.items())
                and body.get("receiver") == "office-ops"):
            sys.exit(0)
sys.exit(1)
PY
}
worker_alert() { got_alert WorkerDown job=loket-scheduler "instance=$WORKER_ADMIN"; }
for ((i = 0; i < 900; i++)); do
  worker_alert && break
  sleep 0.2
done
worker_alert || fail "no firing WorkerDown for loket-scheduler $WORKER_ADMIN reached the webhook in 180 s"
elapsed=$(python3 -c "import time; print(f'{time.time() - $killed_at:.1f}')")
echo "   WorkerDown (job loket-scheduler, instance $WORKER_ADMIN) delivered to receiver office-ops" \
  "${elapsed} s after the kill (for: 1m + group_wait 10 s + 1 s scrape/evaluation)"
wait_for 60 got_alert DeadTasks queue=notify.send ||
  fail "no firing DeadTasks for notify.send reached the webhook; loketd exports:" \
    "$(curl -sf "http://$LOKETD_ADMIN/metrics" | grep -E '^loket_(tasks|task_oldest)')"
has_series 'loket_task_oldest_ready_age_seconds{job="loketd", queue="route.plan"}' ||
  fail "Prometheus has no loket_task_oldest_ready_age_seconds for route.plan"
echo "   DeadTasks (queue notify.send) delivered too, from loketd's loket_tasks gauge"
# Nothing else happened: no other alert was sent (TaskAgeHigh stays quiet for a 1-minute-old task;
# WorkerKindDown may follow: for the scheduler 2 minutes after the kill, the only one is down; for the
# notifier and router, which have no targets, 2 minutes after Prometheus started).
others=$(python3 -c 'import json,sys
print(" ".join(sorted({a["labels"]["alertname"] for l in open(sys.argv[1])
      for a in (json.loads(l).get("body") or {}).get("alerts", [])} - {"WorkerDown", "WorkerKindDown", "DeadTasks"})))' "$WORK/received.jsonl")
[[ -z "$others" ]] || fail "other alerts reached the webhook: $others"
