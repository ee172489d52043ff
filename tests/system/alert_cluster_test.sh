#!/usr/bin/env bash
# System test (issue 15, label cluster): the shipped Prometheus configuration and rules against the
# real cluster of deploy/cluster/lib-cluster.sh.
#  1. cluster_start on a free port range; Prometheus with deploy/prometheus/prometheus.yml and
#     alerts.yml (targets/ rewritten to the cluster's ports, 1 s intervals; the rules as shipped).
#  2. Every target is up: two loketd, six workers, three Patroni nodes; Patroni's metrics say one
#     primary and two replicas; the replication-lag expression of ReplicationLagHigh finds both
#     standbys (their lag is printed); no alert is pending or firing.
#  3. The leader's postmaster is SIGKILLed: Patroni fails over, and FailoverHappened fires in
#     Prometheus for the cluster's scope (from patroni_postgres_timeline).
# The times are printed, never asserted. Environment: LOKET_BIN_DIR.
set -euo pipefail
: "${LOKET_BIN_DIR:?set LOKET_BIN_DIR}"
LOKET_BIN_DIR=$(cd "$LOKET_BIN_DIR" && pwd)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=deploy/cluster/lib-cluster.sh
source "$ROOT/deploy/cluster/lib-cluster.sh"
# shellcheck source=tests/system/lib-prometheus.sh
source "$ROOT/tests/system/lib-prometheus.sh"
command -v prometheus >/dev/null || {
  echo "FAIL: prometheus not found (deploy/install-deps.sh)" >&2
  exit 1
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/loket-alert-cluster.XXXXXX")
chmod 0711 "$WORK"
C=$WORK/c
PROM_PID=""
cleanup() {
  local rc=$?
  trap - EXIT
  if ((rc != 0)); then
    for f in "$WORK/prometheus.log" "$C"/log/*.log; do
      [[ -f "$f" ]] && { echo "--- $f (tail)"; tail -n 10 "$f"; } >&2
    done
  fi
  if [[ -n "$PROM_PID" ]]; then
    kill "$PROM_PID" 2>/dev/null || true
    wait "$PROM_PID" 2>/dev/null || true
  fi
  cluster_stop "$C" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  ((rc == 0)) && echo "PASS: alert_cluster"
  exit "$rc"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
wait_for() {
  local seconds=$1 i
  shift
  for ((i = 0; i < seconds * 5; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}

BASE=$(cluster_free_base) || fail "no free port range found"

echo "== 1. cluster_start (base $BASE), Prometheus"
cluster_start "$C" "$LOKET_BIN_DIR" "$BASE" >"$WORK/cluster_start.log" 2>&1 ||
  fail "cluster_start: $(tail -n 20 "$WORK/cluster_start.log")"
PROM=127.0.0.1:$(pg_free_port)
mkdir -p "$WORK/prom/targets"
cp "$ROOT/deploy/prometheus/alerts.yml" "$WORK/prom/"
sed -e 's/^  scrape_interval: 15s$/  scrape_interval: 1s/' -e 's/^  scrape_timeout: 10s$/  scrape_timeout: 1s/' \
  -e 's/^  evaluation_interval: 15s$/  evaluation_interval: 1s/' \
  -e "s/127.0.0.1:7590/$PROM/" "$ROOT/deploy/prometheus/prometheus.yml" >"$WORK/prom/prometheus.yml"
targets() {  # FILE NAME...: a file_sd list of the cluster's ports NAME...
  local file=$1 list="" n
  shift
  for n in "$@"; do list+="${list:+, }'127.0.0.1:$(cluster_port "$C" "$n")'"; done
  echo "- targets: [$list]" >"$WORK/prom/targets/$file.yml"
}
targets loketd admin1 admin2
targets loket-notifier notifier1 notifier2
targets loket-router router1 router2
targets loket-scheduler scheduler1 scheduler2
targets patroni rest1 rest2 rest3
echo '[]' >"$WORK/prom/targets/alertmanager.yml"
prometheus --config.file="$WORK/prom/prometheus.yml" --storage.tsdb.path="$WORK/prom/data" \
  --web.listen-address="$PROM" >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!
wait_for 30 curl -sf "http://$PROM/-/ready" || fail "Prometheus is not ready on $PROM"

query() {  # EXPR: prints "labels value" per sample
  curl -sf "http://$PROM/api/v1/query" --data-urlencode "query=$1" | python3 -c 'import json, sys
for r in json.load(sys.stdin)["data"]["result"]:
    m = r["metric"]
    print(m.get("instance", m.get("scope", "-")), r["value"][1])'
}
value() { query "$1" | awk 'NR == 1 {print $2}'; }
is() { [[ "$(value "$1")" == "$2" ]]; }

echo "== 2. every target up, Patroni's roles, the lag expression, no alert"
wait_for 60 is 'count(up{job=~"loketd|loket-.*|patroni"} == 1)' 11 ||
  fail "not every target is up: $(query 'up')"
wait_for 30 is 'sum(patroni_primary)' 1 || fail "patroni_primary: $(query patroni_primary)"
is 'sum(patroni_replica)' 2 || fail "patroni_replica: $(query patroni_replica)"
lag='max by (scope) (patroni_xlog_location) - on (scope) group_right () (patroni_xlog_replayed_location and on (instance) patroni_replica == 1)'
[[ "$(query "$lag" | wc -l)" == 2 ]] || fail "the lag expression does not find both standbys: $(query "$lag")"
query "$lag" | while read -r inst bytes; do echo "   standby $inst replays $bytes bytes behind"; done
# FailoverHappened compares with the lowest timeline seen in 10 minutes: it must have been scraped.
wait_for 30 is 'min_over_time(patroni:postgres_timeline:max[10m])' 1 ||
  fail "timeline 1 not scraped: $(query patroni_postgres_timeline)"
# Three evaluations of every rule group with all that scraped (each group's lastEvaluation moved on
# three times since now), not a time that usually holds three.
prom_wait_evaluations "$PROM" 3 || fail "Prometheus did not evaluate its rules three times"
[[ -z "$(query 'ALERTS')" ]] || fail "alerts with the cluster healthy: $(query 'ALERTS')"
echo "   11 targets up (2 loketd, 6 workers, 3 Patroni), 1 primary + 2 replicas, no alert"

echo "== 3. SIGKILL the leader's postmaster: FailoverHappened"
old=$(cluster_leader "$C")
read -r new _ killed_at _ <<<"$(cluster_fail_over "$C" "$old")"
[[ -n "$new" ]] || fail "no new leader after killing $old"
wait_for 120 is 'ALERTS{alertname="FailoverHappened", alertstate="firing"}' 1 ||
  fail "FailoverHappened did not fire: ALERTS $(query ALERTS); timelines $(query patroni_postgres_timeline);" \
    "lowest in 10 min $(query 'min_over_time(patroni:postgres_timeline:max[10m])')"
elapsed=$(python3 -c "import time; print(f'{time.time() - $killed_at:.1f}')")
echo "   leader $old killed, $new leads; FailoverHappened firing ${elapsed} s after the kill" \
  "(timelines: $(query patroni_postgres_timeline | tr '\n' ' '))"
