# Throwaway Loket stacks for system tests and benchmarks. Source after pg.sh, lib-common.sh and
# lib-tokens.sh; it defines functions only.
#
#   loket_fresh_db DIR BIN      starts PostgreSQL in DIR/pg on a free port (fsync as configured),
#                               creates database loket, applies the migrations with BIN/loketd and
#                               loads deploy/seed; sets PG_PORT and DB (a conninfo)
#   loket_token DB NAME ROLE [CLINIC_ID]
#                               prints a fresh token of principal NAME (office bpp), creating it
#   loket_wait_healthy BIN ADDR waits up to 10 s for BIN/loket health at ADDR; non-zero if never

_loket_stack_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

loket_fresh_db() {
  local dir=${1:?usage: loket_fresh_db DIR BIN} bin=${2:?usage: loket_fresh_db DIR BIN} root f
  root=$(_loket_stack_root)
  PG_PORT=$(pg_free_port)
  pg_start "$dir/pg" "$PG_PORT" >/dev/null
  pg_wait "$PG_PORT"
  DB="host=127.0.0.1 port=$PG_PORT user=postgres dbname=loket"
  psql -X -q -d "host=127.0.0.1 port=$PG_PORT user=postgres dbname=postgres" -c "CREATE DATABASE loket"
  "$bin/loketd" --migrate_only --db="$DB" 2>/dev/null
  for f in "$root"/deploy/seed/*.sql; do
    psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -f "$f" >/dev/null
  done
}

loket_token() {
  local db=$1 name=$2 role=$3 clinic=${4:-} courier="" id tok
  [[ "$role" == courier ]] && courier="$name"
  id=$(loket_ensure_principal "$db" bpp "$name" "$role" "$clinic" "$courier") || return 1
  read -r _ tok <<<"$(loket_new_token "$db" bpp "$id")" || return 1
  echo "$tok"
}

loket_wait_healthy() {
  local bin=$1 addr=$2 i
  for ((i = 0; i < 100; i++)); do
    "$bin/loket" --addr "$addr" --timeout 1 health >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
