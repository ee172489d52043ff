#!/usr/bin/env bash
# System test (issue 15): a backup that has been restored. Real PostgreSQL 15, real loketd, real
# pgBackRest with a local repository, real WAL archiving.
#  1. A standalone PostgreSQL archiving WAL into pgBackRest (deploy/backup/lib-backup.sh), loketd on
#     it; clinics submit (bench's submit_load, through gRPC).
#  2. deploy/backup/backup.sh takes a full backup; more submissions follow.
#  3. Submissions stop; T is noted (the server's clock); more submissions after T.
#  4. deploy/backup/restore_check.sh restores to T into a fresh cluster (own data dir, own port) and
#     says EQUAL: cases and case_events, row counts and md5, the same as the source's as of T; the
#     cases created after T are absent. The WAL replayed after the backup is what brought the cases
#     between the backup and T (they are checked to be there).
#  5. The check can fail: a case changed in the kept restored copy makes it say DIFFERENT.
# It runs its own PostgreSQL clusters in a temporary directory on free ports and stops them.
# Environment: LOKET_BIN_DIR (loketd, loket, submit_load), set by ctest.
set -euo pipefail
: "${LOKET_BIN_DIR:?set LOKET_BIN_DIR to the directory with loketd, loket and submit_load}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/deploy/lib-stack.sh"
# shellcheck source=deploy/backup/lib-backup.sh
source "$ROOT/deploy/backup/lib-backup.sh"

# WORK, and at exit: loketd (STACK_PIDS) and WORK/pg stopped, WORK removed (_loket_stack_end).
loket_stack_begin loket-backup
cleanup() {
  local rc=$?
  trap - EXIT
  pg_stop "$WORK/restored/pg" >/dev/null 2>&1 || true
  if ((rc != 0)); then
    echo "--- loketd log:" >&2
    tail -n 20 "$WORK/loketd.log" >&2 || true
    echo "--- pgBackRest logs:" >&2
    tail -n 20 "$WORK"/backup/log/*.log >&2 || true
    echo "--- restored cluster log:" >&2
    tail -n 20 "$WORK/restored/pg/log" >&2 || true
  fi
  _loket_stack_end
  ((rc == 0)) && echo "PASS: backup_restore"
  exit "$rc"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
q() { psql -X -At -v ON_ERROR_STOP=1 -d "$DB" -c "$1"; }

echo "== 1. PostgreSQL archiving into pgBackRest, loketd, submissions"
loket_fresh_db "$WORK" "$LOKET_BIN_DIR"
backup_write_config "$WORK/backup" "$WORK/pg" "$PG_PORT"
CONF="$WORK/backup/pgbackrest.conf"
backup_enable_archiving "$CONF" "$WORK/pg" "$PG_PORT"
[[ "$(q 'SHOW archive_mode')" == on ]] || fail "archive_mode is not on"
grep -q "archive-push %p" <<<"$(q 'SHOW archive_command')" || fail "archive_command does not push to pgBackRest"
TOKEN=$(loket_token "$DB" backup-clinic clinic pkm-klandasan-ilir)
API_PORT=$(pg_free_port)
"$LOKET_BIN_DIR/loketd" --listen="127.0.0.1:$API_PORT" --db="$DB" --pool_size=4 \
  --log_requests=false >>"$WORK/loketd.log" 2>&1 &
STACK_PIDS+=($!)
loket_wait_healthy "$LOKET_BIN_DIR" "127.0.0.1:$API_PORT" || fail "loketd did not become healthy"
load() {  # submits for $1 seconds through gRPC; prints submit_load's summary line
  "$LOKET_BIN_DIR/submit_load" --addr="127.0.0.1:$API_PORT" --token="$TOKEN" --concurrency=2 \
    --duration="$1" --warmup=0 2>>"$WORK/load.err" | grep -m1 '^submit_load:' || true
}
echo "   $(load 2)"
before_backup=$(q "SELECT count(*) FROM cases")
((before_backup > 0)) || fail "no case was submitted"

echo "== 2. full backup, then more submissions"
"$ROOT/deploy/backup/backup.sh" --config "$CONF" --type full | tee "$WORK/backup.out"
grep -q "type full" "$WORK/backup.out" || fail "backup.sh did not report a full backup"
echo "   $(load 2)"
max_id_backup_to_t=$(q "SELECT max(id) FROM cases")
((max_id_backup_to_t > 0)) || fail "no cases"

echo "== 3. T, then more submissions"
# No submission is in flight once no other session of the database runs a statement or holds a
# transaction open: every case so far was committed before T, every later one starts after it (the
# server's clock on both sides).
backup_wait_quiet "$DB" || fail "the database did not fall quiet after the load; T would not be clean"
T=$(PGTZ=UTC q "SELECT clock_timestamp()")
cases_t=$(q "SELECT count(*) FROM cases")
events_t=$(q "SELECT count(*) FROM case_events")
echo "   T = $T: $cases_t cases, $events_t case events ($before_backup cases before the backup)"
echo "   $(load 2)"
after_t=$(q "SELECT count(*) FROM cases WHERE created_at > '$T'")
((after_t > 0)) || fail "no cases were submitted after T"
((cases_t > before_backup)) || fail "no cases between the backup and T: WAL replay would be untested"

echo "== 4. restore to T into a fresh cluster, compare with the source as of T"
"$ROOT/deploy/backup/restore_check.sh" --config "$CONF" --target "$T" --source "$DB" \
  --dir "$WORK/restored" --keep | tee "$WORK/check.out" || fail "restore_check.sh did not say EQUAL"
grep -q "^restore check: EQUAL" "$WORK/check.out" || fail "no EQUAL verdict"
RDB=$(sed -n 's/^kept: \(.*\) (data .*/\1/p' "$WORK/check.out")
[[ -n "$RDB" ]] || fail "restore_check.sh did not print the restored conninfo"
rport=$(sed -E 's/.*port=([0-9]+).*/\1/' <<<"$RDB")
((rport != PG_PORT)) || fail "the restored cluster runs on the source's port"
[[ "$(psql -X -At -d "$RDB" -c 'SHOW data_directory')" == "$WORK/restored/pg/data" ]] ||
  fail "the restored cluster is not in its own data dir"
[[ "$(psql -X -At -d "$RDB" -c 'SHOW archive_mode')" == off ]] || fail "the restored cluster archives WAL"
# Independently of restore_check.sh's own comparison: exactly the cases of T, none after it.
r_cases=$(psql -X -At -d "$RDB" -c "SELECT count(*) FROM cases")
r_events=$(psql -X -At -d "$RDB" -c "SELECT count(*) FROM case_events")
((r_cases == cases_t)) || fail "restored $r_cases cases, the source had $cases_t at T"
((r_events == events_t)) || fail "restored $r_events case events, the source had $events_t at T"
[[ "$(psql -X -At -d "$RDB" -c "SELECT max(id) FROM cases")" == "$max_id_backup_to_t" ]] ||
  fail "the newest restored case is not the newest case before T"
src_after=$(q "SELECT string_agg(id::text, ',') FROM cases WHERE created_at > '$T'")
[[ "$(psql -X -At -d "$RDB" -c "SELECT count(*) FROM cases WHERE id IN ($src_after)")" == 0 ]] ||
  fail "a case submitted after T is in the restored database"
echo "   restored: $r_cases cases and $r_events events (= the source at T); the $after_t cases after T are absent"

echo "== 5. the check notices a difference"
psql -X -q -d "$RDB" -c "UPDATE cases SET applicant_name = applicant_name || ' (changed)'
  WHERE id = (SELECT min(id) FROM cases)"
set +e
"$ROOT/deploy/backup/restore_check.sh" --restored "$RDB" --target "$T" --source "$DB" >"$WORK/neg.out" 2>&1
rc=$?
set -e
cat "$WORK/neg.out"
((rc != 0)) || fail "restore_check.sh said EQUAL for a changed restored copy"
grep -q "^cases .*DIFFERENT" "$WORK/neg.out" || fail "the changed cases table was not reported DIFFERENT"
grep -q "^case_events .*EQUAL" "$WORK/neg.out" || fail "case_events should still be EQUAL"
pg_stop "$WORK/restored/pg"
