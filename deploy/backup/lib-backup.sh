# shellcheck shell=bash
# Backups of Loket's PostgreSQL with pgBackRest (issue 15). Source this file; it defines functions only.
# It sources deploy/pg.sh. Everything pgBackRest writes (repository, logs, locks, spool) lives in one
# BACKUP_DIR owned by postgres; nothing goes to pgBackRest's default paths (/etc/pgbackrest,
# /var/lib/pgbackrest, /var/log/pgbackrest, /tmp/pgbackrest).
#
#   backup_write_config BACKUP_DIR PGDIR PORT
#                         writes BACKUP_DIR/pgbackrest.conf from pgbackrest.conf.template for the
#                         cluster PGDIR (a deploy/pg.sh layout: PGDIR/data, PGDIR/sock) on PORT
#   backup_enable_archiving CONF PGDIR PORT
#                         archive_mode=on and archive_command='pgbackrest --config=CONF
#                         --stanza=loket archive-push %p' (ALTER SYSTEM), restarts the cluster,
#                         creates the stanza and runs `pgbackrest check` (a WAL segment archived)
#   backup_write_cluster_config BACKUP_DIR CLUSTER_DIR
#                         the same for the Patroni cluster of deploy/cluster/lib-cluster.sh in
#                         CLUSTER_DIR: pg1..pg3 are its three nodes (pgBackRest finds the primary
#                         among them), backup-standby=y (files are copied from a standby)
#   backup_pgbackrest CONF ARGS...
#                         runs `pgbackrest --config=CONF --stanza=loket ARGS...` as postgres
#   backup_fingerprint CONNINFO [TARGET_TIME [EXCLUDE_IDS]]
#                         prints "cases COUNT MD5" and "case_events COUNT MD5" lines (see below)
#   backup_changed_after CONNINFO TARGET_TIME
#                         prints the ids of cases created at or before TARGET_TIME but updated after
#                         it, comma separated (empty if none)
#   backup_wait_quiet CONNINFO
#                         waits (up to 10 s) until no other client session of the database runs a
#                         statement or holds a transaction open: a restore target taken then splits
#                         the work cleanly (every earlier transaction committed, every later one
#                         starts after it). Autovacuum and other background workers do not count.
#                         Prints how many stay busy and returns 1 if that never happens.

_loket_backup_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=deploy/pg.sh
source "$_loket_backup_dir/../pg.sh"

STANZA=loket

backup_write_config() {
  local dir=${1:?usage: backup_write_config BACKUP_DIR PGDIR PORT} pgdir=${2:?} port=${3:?} sub
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  pgdir=$(cd "$pgdir" && pwd -P)
  for sub in repo log lock spool; do mkdir -p "$dir/$sub"; done
  sed -e "s|@BACKUP_DIR@|$dir|g" -e "s|@PGDATA@|$pgdir/data|g" -e "s|@PGPORT@|$port|g" \
    -e "s|@PGSOCK@|$pgdir/sock|g" "$_loket_backup_dir/pgbackrest.conf.template" >"$dir/pgbackrest.conf"
  if ((EUID == 0)); then
    _pg_grant_traverse "$dir"
    chown -R postgres:postgres "$dir"
  fi
  chmod 0700 "$dir" "$dir/repo" "$dir/lock" "$dir/spool" "$dir/log"
  chmod 0600 "$dir/pgbackrest.conf"
}

backup_write_cluster_config() {
  local dir=${1:?usage: backup_write_cluster_config BACKUP_DIR CLUSTER_DIR} cdir=${2:?} i base
  cdir=$(cd "$cdir" && pwd -P)
  base=$(sed -n 's/^BASE=//p' "$cdir/cluster.env")
  [[ -n "$base" ]] || { echo "lib-backup.sh: no cluster.env in $cdir" >&2; return 1; }
  backup_write_config "$dir" "$cdir/pg1" $((base + 10)) || return 1
  dir=$(cd "$dir" && pwd -P)
  {
    echo "# The other Patroni nodes (pg1 is above). Whichever is the leader is backed up; the files"
    echo "# come from a standby (backup-standby), the backup is started and stopped on the leader."
    echo "backup-standby=y"
    for i in 2 3; do
      echo "pg$i-path=$cdir/pg$i/data"
      echo "pg$i-port=$((base + 9 + i))"
      echo "pg$i-socket-path=$cdir/pg$i/sock"
      echo "pg$i-user=postgres"
    done
  } >>"$dir/pgbackrest.conf"
}

backup_pgbackrest() {
  local conf=${1:?usage: backup_pgbackrest CONF ARGS...}
  shift
  _pg_as_owner pgbackrest --config="$conf" --stanza="$STANZA" "$@"
}

backup_enable_archiving() {
  local conf=${1:?usage: backup_enable_archiving CONF PGDIR PORT} pgdir=${2:?} port=${3:?} db
  db="host=127.0.0.1 port=$port user=postgres dbname=postgres"
  # ALTER SYSTEM (postgresql.auto.conf): deploy/pg.sh rewrites loket.conf on every start, this stays.
  psql -X -q -v ON_ERROR_STOP=1 -d "$db" <<SQL
ALTER SYSTEM SET wal_level = 'replica';
ALTER SYSTEM SET archive_mode = 'on';
ALTER SYSTEM SET archive_command = 'pgbackrest --config=$conf --stanza=$STANZA archive-push %p';
ALTER SYSTEM SET archive_timeout = '60s';
SQL
  pg_stop "$pgdir" && pg_start "$pgdir" "$port" >/dev/null || return 1
  backup_pgbackrest "$conf" stanza-create || return 1
  backup_pgbackrest "$conf" check
}

# The fingerprint of what an archive restore must reproduce: row count and md5 of the rows (their
# text form, in id order) of cases and case_events. With TARGET_TIME, only the rows as of that time:
# case_events is append-only, so its rows with at <= TARGET_TIME; cases created at or before it. A
# case updated after TARGET_TIME (its ids in EXCLUDE_IDS, from backup_changed_after) is counted but
# left out of the md5 on both sides, since its row as of TARGET_TIME is not in the live database any
# more. TimeZone is UTC on both sides, so timestamps print alike.
backup_fingerprint() {
  local db=${1:?usage: backup_fingerprint CONNINFO [TARGET_TIME [EXCLUDE_IDS]]} target=${2:-} ex=${3:-}
  local cw="true" ew="true" md5w="true"
  if [[ -n "$target" ]]; then
    cw="c.created_at <= '$target'::timestamptz"
    ew="e.at <= '$target'::timestamptz"
  fi
  [[ -n "$ex" ]] && md5w="c.id <> ALL ('{$ex}'::bigint[])"
  PGTZ=UTC psql -X -At -F ' ' -v ON_ERROR_STOP=1 -d "$db" <<SQL
SELECT 'cases', count(*), coalesce(md5(string_agg(c::text, E'\n' ORDER BY c.id) FILTER (WHERE $md5w)), '-')
  FROM cases c WHERE $cw;
SELECT 'case_events', count(*), coalesce(md5(string_agg(e::text, E'\n' ORDER BY e.id)), '-')
  FROM case_events e WHERE $ew;
SQL
}

backup_changed_after() {
  local db=${1:?usage: backup_changed_after CONNINFO TARGET_TIME} target=${2:?}
  psql -X -At -v ON_ERROR_STOP=1 -d "$db" -c "SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '')
    FROM cases WHERE created_at <= '$target'::timestamptz AND updated_at > '$target'::timestamptz"
}

backup_wait_quiet() {
  local conninfo=$1 busy=1 i
  for ((i = 0; i < 100; i++)); do
    busy=$(psql -X -At -v ON_ERROR_STOP=1 -d "$conninfo" -c "SELECT count(*) FROM pg_stat_activity
      WHERE datname = current_database() AND backend_type = 'client backend'
        AND pid <> pg_backend_pid() AND state <> 'idle'") || return 1
    ((busy == 0)) && return 0
    sleep 0.1
  done
  echo "$busy client sessions still busy after 10 s" >&2
  return 1
}
