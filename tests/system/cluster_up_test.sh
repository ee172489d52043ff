#!/usr/bin/env bash
# System test (issue 15): the cluster of deploy/cluster/lib-cluster.sh comes up for real and is
# wired the way docs/operations.md ("Cluster") says.
#  1. cluster_start: three Patroni members (one leader, one synchronous standby, one replica),
#     synchronous replication and wal_log_hints on the leader.
#  2. HAProxy's PostgreSQL write port reaches the leader, its read port a standby.
#  3. A case submitted through HAProxy's gRPC port is stored (and replicated to the read port), both
#     loketd replicas take calls through HAProxy, and the workers (reaching loketd through HAProxy)
#     deliver the case's notifications.
#  4. Migrations run once when two replicas start together: two loketd start at the same moment on
#     an empty database; both serve, schema_migrations has every migration once, and the leader's
#     log (log_statement = ddl for that database) shows each migration's DDL executed once.
#  5. cluster_stop stops every process it started (etcd, Patroni, PostgreSQL, HAProxy, loketd,
#     workers).
# Runs in a temporary directory on a free port range. Environment: LOKET_BIN_DIR, set by ctest.
set -euo pipefail
: "${LOKET_BIN_DIR:?set LOKET_BIN_DIR to the directory with loketd, loket and the workers}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=deploy/cluster/lib-cluster.sh
source "$ROOT/deploy/cluster/lib-cluster.sh"
LOKET="$LOKET_BIN_DIR/loket"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/loket-cluster-up.XXXXXX")
chmod 0711 "$WORK"
C="$WORK/c"
RACE_PIDS=()
cleanup() {
  local rc=$? p
  trap - EXIT
  for p in "${RACE_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  if ((rc != 0)); then
    for f in "$C"/log/*.log "$WORK"/race*.log; do
      [[ -f "$f" ]] || continue
      echo "--- $f (last lines):" >&2
      tail -n 15 "$f" >&2
    done
  fi
  cluster_stop "$C" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  ((rc == 0)) && echo "PASS: cluster_up"
  exit "$rc"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

BASE=$(cluster_free_base) || fail "no free port range found"

echo "== 1. cluster_start (base $BASE)"
t0=$SECONDS
# loketd holds no message for quiet hours (21-7 WITA, i.e. 13:00-23:00 UTC), or step 3 would wait
# until morning for the case's notifications whenever the test runs in the evening.
CLUSTER_LOKETD_ARGS=(--quiet_hours=off)
LOKET_PG_FSYNC=off cluster_start "$C" "$LOKET_BIN_DIR" "$BASE" || fail "cluster_start failed"
echo "   up in $((SECONDS - t0)) s (measured, not asserted): gRPC $CLUSTER_GRPC, database $CLUSTER_DB"
members=$(cluster_members "$C")
while read -r m; do echo "   $m"; done <<<"$members"
(($(wc -l <<<"$members") == 3)) || fail "expected 3 members"
(($(awk '$2 == "leader"' <<<"$members" | wc -l) == 1)) || fail "expected one leader"
(($(awk '$2 == "sync_standby"' <<<"$members" | wc -l) == 1)) || fail "expected one synchronous standby"
(($(awk '$3 == "running" || $3 == "streaming"' <<<"$members" | wc -l) == 3)) || fail "not all members run"
LEADER=$(cluster_leader "$C")
LEADER_PORT=$(cluster_port "$C" "$LEADER")
LEADER_DB="host=127.0.0.1 port=$LEADER_PORT user=postgres dbname=postgres"
sync_names=$(psql -X -At -d "$LEADER_DB" -c "SHOW synchronous_standby_names")
[[ -n "$sync_names" ]] || fail "synchronous_standby_names is empty on the leader"
[[ "$(psql -X -At -d "$LEADER_DB" -c "SHOW wal_log_hints")" == on ]] || fail "wal_log_hints is off"
[[ "$(psql -X -At -d "$LEADER_DB" -c "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'")" == 1 ]] ||
  fail "no synchronous standby in pg_stat_replication"
echo "   leader $LEADER, synchronous_standby_names = $sync_names"

echo "== 2. HAProxy's PostgreSQL ports"
read -r port recovery <<<"$(psql -X -At -F ' ' -d "$CLUSTER_DB" -c "SELECT inet_server_port(), pg_is_in_recovery()")"
[[ "$port" == "$LEADER_PORT" && "$recovery" == f ]] ||
  fail "the write port reaches port $port (in recovery: $recovery), not the leader on $LEADER_PORT"
[[ "$(psql -X -At -d "$CLUSTER_DB_READ" -c "SELECT pg_is_in_recovery()")" == t ]] ||
  fail "the read port does not reach a standby"
echo "   write port -> $LEADER ($LEADER_PORT); read port -> a standby"

echo "== 3. a case through HAProxy's gRPC port; both loketd replicas; the workers"
# shellcheck source=/dev/null
source "$C/demo.env"
"$LOKET" --addr "$CLUSTER_GRPC" health >/dev/null || fail "loket health through HAProxy"
case_json=$("$LOKET" --addr "$CLUSTER_GRPC" --token "$LOKET_TOKEN_CLINIC" --json clinic submit \
  --permit-type SIP_PERAWAT --nik 6471065708900001 --name "Siti Rahmawati" --phone 081234567890 \
  --email siti@example.com --str-number STR-123 --practice-place "Puskesmas Klandasan Ilir" \
  --priority HEALTH_WORKER) || fail "submission through HAProxy failed"
CASE_ID=$("$(loket_python)" -c 'import json,sys; d=json.load(sys.stdin); print(d.get("case", d)["id"])' <<<"$case_json")
[[ "$CASE_ID" =~ ^[0-9]+$ ]] || fail "no case id in: $case_json"
[[ "$(psql -X -At -d "$CLUSTER_DB" -c "SELECT count(*) FROM cases WHERE id = $CASE_ID")" == 1 ]] ||
  fail "case $CASE_ID not in the database"
for ((i = 0; i < 300; i++)); do
  n=$(psql -X -At -d "$CLUSTER_DB_READ" -c "SELECT count(*) FROM cases WHERE id = $CASE_ID")
  [[ "$n" == 1 ]] && break
  sleep 0.2
done
[[ "$n" == 1 ]] || fail "case $CASE_ID never reached the read port"
echo "   case $CASE_ID stored on the leader and replicated"
for ((i = 0; i < 8; i++)); do
  "$LOKET" --addr "$CLUSTER_GRPC" --token "$LOKET_TOKEN_OFFICER" whoami >/dev/null || fail "whoami through HAProxy"
done
# HAProxy's statistics (CSV): status and total sessions (stot) of each loketd server.
stats=$(curl -fsS "http://127.0.0.1:$(cluster_port "$C" stats)/;csv")
for s in loketd1 loketd2; do
  line=$(awk -F, -v s="$s" '$1 == "loketd" && $2 == s' <<<"$stats")
  status=$(cut -d, -f18 <<<"$line")
  stot=$(cut -d, -f8 <<<"$line")
  echo "   $s: $status, $stot requests"
  [[ "$status" == UP ]] || fail "HAProxy has $s $status"
  ((stot > 0)) || fail "HAProxy sent no request to $s"
done
for kind in notifier router scheduler; do
  (($(cluster_worker_pids "$C" "$kind" | wc -l) == 2)) || fail "not two $kind workers running"
done
if [[ "$("$LOKET_BIN_DIR/loket-notifier" --helpfull 2>&1 || true)" == *--admin_listen* ]]; then
  for w in notifier1 notifier2 router1 router2 scheduler1 scheduler2; do
    curl -fsS "http://127.0.0.1:$(cluster_port "$C" "$w")/metrics" >/dev/null ||
      fail "worker $w serves no /metrics on its admin port"
  done
  echo "   every worker serves /metrics on BASE+60..65"
fi
for ((i = 0; i < 600; i++)); do
  left=$(psql -X -At -d "$CLUSTER_DB" -c "SELECT count(*) FROM notifications WHERE case_id = $CASE_ID AND status <> 'sent'")
  total=$(psql -X -At -d "$CLUSTER_DB" -c "SELECT count(*) FROM notifications WHERE case_id = $CASE_ID")
  ((total > 0 && left == 0)) && break
  sleep 0.2
done
((total > 0 && left == 0)) || fail "case $CASE_ID: $left of $total notifications not sent"
files=$(find "$C/outbox" -name '*.json' | wc -l)
((files >= total)) || fail "$total notifications sent but $files files in the outbox"
echo "   the notifier (through HAProxy) delivered the case's $total notifications"

echo "== 4. two loketd start together on an empty database: migrations run once"
ADMIN="host=127.0.0.1 port=$(cluster_port "$C" pg_write) user=postgres dbname=postgres"
psql -X -q -v ON_ERROR_STOP=1 -d "$ADMIN" <<'SQL'
CREATE DATABASE loket_race;
ALTER DATABASE loket_race SET log_statement = 'ddl';
ALTER DATABASE loket_race SET deadlock_timeout = '20ms';
SQL
RACE_DB="host=127.0.0.1 port=$(cluster_port "$C" pg_write) user=postgres dbname=loket_race"
ADDRS=()
for i in 1 2; do ADDRS+=("127.0.0.1:$(pg_free_port)"); done
for i in 0 1; do
  "$LOKET_BIN_DIR/loketd" --listen="${ADDRS[$i]}" --db="$RACE_DB" --pool_size=2 \
    >"$WORK/race$i.log" 2>&1 &
  RACE_PIDS+=("$!")
done
# Each migrates first (one after the other, under the advisory lock), then serves: generous wait.
deadline=$((SECONDS + 240))
for i in 0 1; do
  until "$LOKET" --addr "${ADDRS[$i]}" --timeout 2 health >/dev/null 2>&1; do
    loket_pid_alive "${RACE_PIDS[$i]}" || fail "racing loketd $i exited"
    ((SECONDS < deadline)) || fail "racing loketd $i not SERVING after 240 s"
    sleep 0.5
  done
done
echo "   both SERVING $((SECONDS - deadline + 240)) s after the start (measured, not asserted)"
files=$(find "$ROOT/server/store/migrations" -name '[0-9]*.sql' | wc -l)
read -r rows versions <<<"$(psql -X -At -F ' ' -d "$RACE_DB" -c "SELECT count(*), count(DISTINCT version) FROM schema_migrations")"
((rows == files && versions == files)) ||
  fail "schema_migrations has $rows rows ($versions versions) for $files migration files"
if grep -qiE 'level=(error|fatal)' "$WORK/race0.log" "$WORK/race1.log"; then
  fail "a racing loketd logged an error: $(grep -hiE 'level=(error|fatal)' "$WORK"/race*.log | head -3)"
fi
# The leader executed 0001_init.sql's and 0020's DDL once each (only the primary logs statements).
LEADER=$(cluster_leader "$C")
PGLOG="$C/$LEADER/log/postgresql.log"
# 0001 is one multi-statement query: its text starts on the "statement:" line and continues below.
first=$(grep -A3 '@loket_race .*statement: ' "$PGLOG" | grep -c 'CREATE TABLE offices (' || true)
last=$(grep -A8 '@loket_race .*statement: ' "$PGLOG" | grep -c 'ADD COLUMN IF NOT EXISTS checksum' || true)
waits=$(grep -c '@loket_race .*still waiting for ExclusiveLock on advisory lock' "$PGLOG" || true)
echo "   schema_migrations $rows rows for $files files; in the leader's log:" \
  "0001 executed $first time(s), 0020 $last time(s); a replica waited on the advisory lock $waits time(s)"
((first == 1)) || fail "0001_init.sql's DDL ran $first times (want 1)"
((last == 1)) || fail "0020's DDL ran $last times (want 1)"
for p in "${RACE_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
for p in "${RACE_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
RACE_PIDS=()

echo "== 5. cluster_stop stops everything"
all_pids=$(cat "$C"/run/*.pid)
for n in pg1 pg2 pg3; do all_pids+=" $(head -n 1 "$C/$n/data/postmaster.pid")"; done
cluster_stop "$C"
for p in $all_pids; do
  loket_pid_alive "$p" && fail "pid $p ($(tr '\0' ' ' <"/proc/$p/cmdline" | cut -c1-80)) still runs after cluster_stop"
done
for p in 0 1 10 11 12 20 21 22 30 31 32 33 40 41 50 51 60 61 62 63 64 65; do
  loket_port_in_use $((BASE + p)) && fail "port BASE+$p still in use after cluster_stop"
done
echo "   $(wc -w <<<"$all_pids") processes stopped, ports free"
