#!/usr/bin/env bash
# System test (issue 15): backups of the Patroni cluster follow the leader, and a point-in-time
# restore crosses a fail-over.
#  1. The cluster of deploy/cluster/lib-cluster.sh; pgBackRest configured with its three nodes
#     (backup_write_cluster_config: pg1..pg3, backup-standby=y); archive_mode/archive_command set
#     in Patroni's configuration in etcd (`patronictl edit-config`, then `patronictl restart`), so
#     every node has them and whichever is the leader archives.
#  2. Submissions through HAProxy's gRPC port; a full backup (deploy/backup/backup.sh) while pgA
#     leads: pgBackRest finds the leader itself.
#  3. The leader's postmaster is SIGKILLed; Patroni promotes another node (timeline 2); submissions
#     go on; the old leader rejoins. A differential backup is taken from the NEW leader.
#  4. T after the fail-over, submissions after T; restore_check.sh restores to T into a fresh
#     cluster (the full backup of timeline 1 + archived WAL across the switch to timeline 2) and says
#     EQUAL for cases and case_events against the cluster as of T; the cases after T are absent.
# Runs in a temporary directory on a free port range and stops everything. Environment:
# LOKET_BIN_DIR (loketd, loket, the workers, submit_load), set by ctest.
set -euo pipefail
: "${LOKET_BIN_DIR:?set LOKET_BIN_DIR to the directory with loketd, loket, the workers and submit_load}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=deploy/cluster/lib-cluster.sh
source "$ROOT/deploy/cluster/lib-cluster.sh"
# shellcheck source=deploy/backup/lib-backup.sh
source "$ROOT/deploy/backup/lib-backup.sh"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/loket-cluster-backup.XXXXXX")
chmod 0711 "$WORK"
C="$WORK/c"
cleanup() {
  local rc=$?
  trap - EXIT
  pg_stop "$WORK/restored/pg" >/dev/null 2>&1 || true
  if ((rc != 0)); then
    for f in "$C"/log/patroni-*.log "$WORK"/backup/log/*.log "$WORK/restored/pg/log"; do
      [[ -f "$f" ]] || continue
      echo "--- $f (last lines):" >&2
      tail -n 15 "$f" >&2
    done
  fi
  cluster_stop "$C" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  ((rc == 0)) && echo "PASS: cluster_backup"
  exit "$rc"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

BASE=$(cluster_free_base) || fail "no free port range found"

echo "== 1. cluster (base $BASE), pgBackRest on its three nodes, archiving set through Patroni"
cluster_start "$C" "$LOKET_BIN_DIR" "$BASE" 2>"$WORK/cluster_start.log" ||
  { cat "$WORK/cluster_start.log" >&2; fail "cluster_start failed"; }
DB=$CLUSTER_DB
backup_write_cluster_config "$WORK/backup" "$C"
CONF="$WORK/backup/pgbackrest.conf"
# One archive_command for every node: PostgreSQL runs it in the node's data directory and %p is
# relative to it, so --pg1-path="$PWD" (expanded by the shell at each call) names the node's own
# data dir; without it pgBackRest would read %p under CONF's pg1-path, pg1's, whoever leads.
patronictl -c "$C/pg1/patroni.yml" edit-config --force --quiet -p archive_mode=on \
  -p "archive_command=pgbackrest --config=$CONF --stanza=$STANZA --pg1-path=\"\$PWD\" archive-push %p" \
  -p archive_timeout=60s >/dev/null
# archive_mode needs a restart: Patroni restarts each member in place (no fail-over).
for ((i = 0; i < 60; i++)); do
  patronictl -c "$C/pg1/patroni.yml" list -f json | grep -q '"Pending restart": "\*"' && break
  sleep 1
done
patronictl -c "$C/pg1/patroni.yml" restart loket --force --pending >/dev/null
for ((i = 0; i < 120; i++)); do
  [[ "$(psql -X -At -d "$DB connect_timeout=3" -c 'SHOW archive_mode' 2>/dev/null)" == on ]] &&
    ! patronictl -c "$C/pg1/patroni.yml" list -f json | grep -q '"Pending restart": "\*"' && break
  sleep 1
done
[[ "$(psql -X -At -d "$DB" -c 'SHOW archive_mode')" == on ]] || fail "archive_mode is not on on the leader"
cluster_wait_members "$C" 3 120 || fail "the members did not all come back after the restart"
backup_pgbackrest "$CONF" stanza-create
backup_pgbackrest "$CONF" check
echo "   members: $(cluster_members "$C" | tr '\n' ';')"

TOKEN=$(sed -n 's/^export LOKET_TOKEN_CLINIC=//p' "$C/demo.env")
[[ -n "$TOKEN" ]] || fail "no clinic token in demo.env"
load() {  # gRPC submissions through HAProxy for $1 seconds; prints submit_load's summary line
  "$LOKET_BIN_DIR/submit_load" --addr="$CLUSTER_GRPC" --token="$TOKEN" --concurrency=2 \
    --duration="$1" --warmup=0 2>>"$WORK/load.err" | grep -m1 '^submit_load:' || true
}
q() { psql -X -At -v ON_ERROR_STOP=1 -d "$DB" -c "$1"; }
timeline() {  # the timeline a primary writes WAL on (its current WAL file's first 8 hex digits)
  printf '%d' "0x$(psql -X -At -v ON_ERROR_STOP=1 -d "$1" -c \
    "SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)")"
}

echo "== 2. submissions, a full backup while $(cluster_leader "$C") leads"
echo "   $(load 2)"
OLD=$(cluster_leader "$C")
"$ROOT/deploy/backup/backup.sh" --config "$CONF" --type full | tee "$WORK/full.out"
grep -q "type full" "$WORK/full.out" || fail "no full backup"
tl1=$(timeline "$DB")
cases_backup=$(q "SELECT count(*) FROM cases")

echo "== 3. SIGKILL the leader $OLD under submissions; a differential from the new leader"
load 8 >"$WORK/load-failover.out" &
LOAD=$!
for ((i = 0; i < 100; i++)); do  # killed under submissions: once some are in
  (($(q "SELECT count(*) FROM cases") >= cases_backup + 20)) && break
  sleep 0.1
done
read -r NEW _ _ RESTARTS <<<"$(cluster_fail_over "$C" "$OLD")"
[[ -n "$NEW" ]] || fail "no new leader after killing $OLD"
wait "$LOAD" || true
# After an in-place restart (cluster_fail_over) the kill that failed over came after the load.
echo "   new leader $NEW (in-place restarts before it: $RESTARTS); during the fail-over: $(cat "$WORK/load-failover.out")"
cluster_wait_members "$C" 3 180 || fail "the old leader $OLD did not rejoin"
for ((i = 0; i < 60; i++)); do
  psql -X -At -d "$DB connect_timeout=3" -c "SELECT 1" >/dev/null 2>&1 && break
  sleep 1
done
tl2=$(timeline "$DB")
((tl2 > tl1)) || fail "the timeline did not change ($tl1 -> $tl2)"
echo "   $(load 2)"
"$ROOT/deploy/backup/backup.sh" --config "$CONF" --type diff | tee "$WORK/diff.out"
grep -q "type diff" "$WORK/diff.out" || fail "no differential backup after the fail-over"
# It started on the new leader's timeline (pgBackRest's log names the WAL segment it began in).
grep "backup start archive = " "$WORK"/backup/log/loket-backup.log | tail -n 1 |
  grep -q "= $(printf '%08X' "$tl2")" || fail "the differential did not start on timeline $tl2"
[[ "$(cluster_leader "$C")" == "$NEW" ]] || fail "the leader changed again during the backup"

echo "== 4. T after the fail-over (timeline $tl1 -> $tl2), submissions after T, restore to T"
# No submission is in flight once no other session of the database runs a statement or holds a
# transaction open: every case so far was committed before T, every later one starts after it.
backup_wait_quiet "$DB" || fail "the database did not fall quiet after the load; T would not be clean"
T=$(PGTZ=UTC q "SELECT clock_timestamp()")
cases_t=$(q "SELECT count(*) FROM cases")
echo "   T = $T: $cases_t cases ($cases_backup at the full backup)"
((cases_t > cases_backup)) || fail "no cases between the full backup and T"
for ((round = 0; round < 5; round++)); do  # a busy machine may acknowledge few in 2 s
  echo "   $(load 2)"
  after_t=$(q "SELECT count(*) FROM cases WHERE created_at > '$T'")
  ((after_t > 0)) && break
done
((after_t > 0)) || fail "no cases after T"
"$ROOT/deploy/backup/restore_check.sh" --config "$CONF" --target "$T" --source "$DB" \
  --dir "$WORK/restored" --keep | tee "$WORK/check.out" || fail "restore_check.sh did not say EQUAL"
grep -q "^cases .* $cases_t rows .*EQUAL" "$WORK/check.out" || fail "cases not EQUAL at $cases_t rows"
grep -q "^case_events .*EQUAL" "$WORK/check.out" || fail "case_events not EQUAL"
grep -q "^cases created after the target: $after_t in the source, 0 restored" "$WORK/check.out" ||
  fail "the cases after T are not all absent"
# The restore replayed WAL across the switch: the copy, promoted, is on the timeline after tl2.
RDB=$(sed -n 's/^kept: \(.*\) (data .*/\1/p' "$WORK/check.out")
rtl=$(timeline "$RDB")
((rtl == tl2 + 1)) || fail "the restored copy is on timeline $rtl, expected $((tl2 + 1))"
echo "   the restored copy followed timeline $tl1 -> $tl2 and was promoted to timeline $rtl"
pg_stop "$WORK/restored/pg"
