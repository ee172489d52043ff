#!/usr/bin/env bash
# Restores Loket's database to a point in time into a FRESH PostgreSQL cluster (a new data dir, its
# own port) and checks it against the source as of that time (issue 15).
#
#   deploy/backup/restore_check.sh --config CONF --target TIME --source CONNINFO
#                                  [--dir DIR] [--keep] [--no-check]
#   deploy/backup/restore_check.sh --restored CONNINFO --target TIME --source CONNINFO
#                                  (compare only: an already restored database against the source)
#
#  1. `pgbackrest check` on the source (CONF's stanza): the current WAL segment is switched and
#     archived, so the WAL past TIME is in the repository (--no-check skips it, e.g. when the source
#     is gone; then the archive must already reach past TIME).
#  2. `pgbackrest restore --type=time --target=TIME --target-action=promote --archive-mode=off` into
#     DIR/pg/data (DIR: a new temp dir unless given; DIR/pg must not exist); pgBackRest picks
#     the newest backup that ended before TIME and replays archived WAL up to TIME. The restored
#     cluster does not archive (it must never push WAL into the source's repository).
#  3. Starts it (deploy/pg.sh, 127.0.0.1, a free port), waits until recovery has ended (promoted).
#  4. Compares row count and md5 of the rows (text form, id order) of cases and case_events: the
#     restored database as a whole against the source's rows as of TIME (case_events with
#     at <= TIME; cases created at or before TIME — a case updated since is compared by existence
#     only, its old row being gone from the source). Cases created after TIME must be absent.
#  5. Stops the restored cluster and removes DIR, unless --keep (then it prints the conninfo).
# Prints the timings and one line per table; exit 0 if every table is EQUAL, 1 if not.
# TIME: a PostgreSQL timestamptz, e.g. '2026-12-01 07:00:00.123456+00'. Caveat: created_at/at are
# the transaction's start time: for an exact comparison no writing transaction should straddle TIME.
set -euo pipefail
# shellcheck source=deploy/backup/lib-backup.sh
source "$(cd "$(dirname "$0")" && pwd)/lib-backup.sh"

conf="" target="" source_db="" dir="" made_dir=0 keep=0 check=1 restored_db=""
while (($#)); do
  case $1 in
    --config) conf=${2:?}; shift 2 ;;
    --target) target=${2:?}; shift 2 ;;
    --source) source_db=${2:?}; shift 2 ;;
    --dir) dir=${2:?}; shift 2 ;;
    --restored) restored_db=${2:?}; shift 2 ;;
    --keep) keep=1; shift ;;
    --no-check) check=0; shift ;;
    -h | --help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "restore_check.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -n "$target" && -n "$source_db" ]] || { echo "restore_check.sh: --target and --source are required" >&2; exit 2; }
[[ -n "$conf" || -n "$restored_db" ]] || { echo "restore_check.sh: --config (or --restored) is required" >&2; exit 2; }

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", b - a}'; }

PGDIR=""
cleanup() {
  local rc=$?
  if [[ -n "$PGDIR" ]] && ((keep == 0)); then
    pg_stop "$PGDIR" >/dev/null 2>&1 || true
    rm -rf "$PGDIR"
    if ((made_dir)); then rmdir "$dir" 2>/dev/null || true; fi
  fi
  exit "$rc"
}

if [[ -z "$restored_db" ]]; then
  conf=$(cd "$(dirname "$conf")" && pwd -P)/$(basename "$conf")
  if ((check)); then
    backup_pgbackrest "$conf" check
  fi
  if [[ -z "$dir" ]]; then
    dir=$(mktemp -d "${TMPDIR:-/tmp}/loket-restore.XXXXXX")
    made_dir=1
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  chmod 0711 "$dir"
  [[ ! -e "$dir/pg" ]] || { echo "restore_check.sh: $dir/pg exists; give a fresh --dir" >&2; exit 2; }
  PGDIR="$dir/pg"
  trap cleanup EXIT
  mkdir -p "$PGDIR"
  if ((EUID == 0)); then
    _pg_grant_traverse "$PGDIR"
    chown postgres:postgres "$PGDIR"
  fi
  chmod 0700 "$PGDIR"
  port=$(pg_free_port)

  t0=$(now)
  backup_pgbackrest "$conf" --pg1-path="$PGDIR/data" --type=time --target="$target" \
    --target-action=promote --archive-mode=off restore
  t1=$(now)
  # Settings for a cluster beside the source on the same machine: a copy of a Patroni node's data
  # dir names that node's port, socket, log directory and its upstream; postgresql.auto.conf (which
  # pgBackRest just wrote the recovery target into) is read last and wins.
  sockdir="'$PGDIR/sock'"
  ((${#PGDIR} + 25 < 107)) || sockdir="''"  # unix socket paths are limited to 107 bytes
  conf_lines="# restore_check.sh: this copy runs beside the source
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = $sockdir
logging_collector = off
primary_conninfo = ''
primary_slot_name = ''
hba_file = '$PGDIR/data/pg_hba.conf'
ident_file = '$PGDIR/data/pg_ident.conf'"
  _pg_as_owner tee -a "$PGDIR/data/postgresql.auto.conf" >/dev/null <<<"$conf_lines"
  if ! pg_start "$PGDIR" "$port" >/dev/null; then
    echo "restore_check.sh: the restored cluster did not start; see $PGDIR/log" >&2
    tail -n 20 "$PGDIR/log" >&2 || true
    exit 1
  fi
  restored_db="host=127.0.0.1 port=$port user=postgres dbname=loket"
  # pg_ctl returns once connections are accepted (hot standby): wait for the end of recovery.
  for ((i = 0; i < 3000; i++)); do
    [[ "$(psql -X -At -d "$restored_db" -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" == f ]] && break
    sleep 0.2
  done
  [[ "$(psql -X -At -d "$restored_db" -c 'SELECT pg_is_in_recovery()')" == f ]] || {
    echo "restore_check.sh: still in recovery after 600 s; see $PGDIR/log" >&2
    exit 1
  }
  t2=$(now)
  size=$(psql -X -At -d "$restored_db" -c "SELECT pg_size_pretty(sum(pg_database_size(oid))) FROM pg_database")
  stop_line=$(grep -m1 -o 'recovery stopping [^"]*' "$PGDIR/log" || true)
  echo "restored to $target into $PGDIR/data (port $port, cluster size $size):"
  echo "  pgbackrest restore $(secs "$t0" "$t1") s, WAL replay to the target and promotion $(secs "$t1" "$t2") s"
  [[ -n "$stop_line" ]] && echo "  server log: $stop_line"
fi

changed=$(backup_changed_after "$source_db" "$target")
src=$(backup_fingerprint "$source_db" "$target" "$changed")
dst=$(backup_fingerprint "$restored_db" "" "$changed")
after_src=$(psql -X -At -d "$source_db" -c "SELECT count(*) FROM cases WHERE created_at > '$target'::timestamptz")
after_dst=$(psql -X -At -d "$restored_db" -c "SELECT count(*) FROM cases WHERE created_at > '$target'::timestamptz")

ok=1
for table in cases case_events; do
  read -r _ sn sm <<<"$(grep "^$table " <<<"$src")"
  read -r _ dn dm <<<"$(grep "^$table " <<<"$dst")"
  verdict=EQUAL
  [[ "$sn" == "$dn" && "$sm" == "$dm" ]] || { verdict=DIFFERENT; ok=0; }
  printf '%-12s source as of target: %6s rows md5 %s | restored: %6s rows md5 %s  %s\n' \
    "$table" "$sn" "$sm" "$dn" "$dm" "$verdict"
done
if [[ -n "$changed" ]]; then
  echo "cases updated after the target (compared by existence only): $changed"
fi
echo "cases created after the target: $after_src in the source, $after_dst restored"
((after_dst == 0)) || ok=0
if [[ -n "$PGDIR" ]] && ((keep)); then
  echo "kept: $restored_db (data $PGDIR/data; stop with: source deploy/pg.sh; pg_stop $PGDIR)"
fi
if ((ok)); then
  echo "restore check: EQUAL"
else
  echo "restore check: DIFFERENT" >&2
  exit 1
fi
