# shellcheck shell=bash
# Throwaway Loket stacks for system tests and benchmarks. Sourcing it also sources pg.sh,
# lib-common.sh and lib-tokens.sh; it defines functions only.
#
#   loket_stack_begin NAME      makes WORK (a temp dir named NAME.XXXXXX) and an EXIT trap that kills
#                               every pid in STACK_PIDS, stops the PostgreSQL in WORK/pg, removes WORK
#   loket_fresh_db DIR BIN      starts PostgreSQL in DIR/pg on a free port (fsync as configured),
#                               creates database loket, applies the migrations with BIN/loketd and
#                               loads deploy/seed; sets PG_PORT and DB (a conninfo)
#   loket_token DB NAME ROLE [CLINIC_ID]
#                               prints a fresh token of principal NAME (office bpp), creating it
#   loket_wait_healthy BIN ADDR waits up to 10 s for BIN/loket health at ADDR; non-zero if never
#   loket_start_loketd BIN [FLAGS...]
#                               starts BIN/loketd --db=$DB --log_requests=false FLAGS... on a free
#                               port (stderr to WORK/loketd.log), adds it to STACK_PIDS, waits until
#                               it is healthy (non-zero if never); sets API_PORT and LOKETD_PID.
#                               It reads DB: `DB=CONNINFO loket_start_loketd ...` points one loketd
#                               elsewhere (e.g. through a pooler)
#   loket_stop_loketd           stops LOKETD_PID (TERM, then waits) and takes it out of STACK_PIDS, for
#                               a script that runs one loketd after another

_loket_stack_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=deploy/pg.sh
source "$_loket_stack_dir/pg.sh"
# shellcheck source=deploy/lib-common.sh
source "$_loket_stack_dir/lib-common.sh"
# shellcheck source=deploy/lib-tokens.sh
source "$_loket_stack_dir/lib-tokens.sh"

_loket_stack_root() { cd "$_loket_stack_dir/.." && pwd; }

loket_stack_begin() {
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/${1:?usage: loket_stack_begin NAME}.XXXXXX")
  chmod 0711 "$WORK"  # the postgres user must reach WORK/pg
  STACK_PIDS=()
  trap _loket_stack_end EXIT
}

_loket_stack_end() {
  local p
  for p in "${STACK_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pg_stop "$WORK/pg" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}

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

loket_start_loketd() {
  local bin=${1:?usage: loket_start_loketd BIN [FLAGS...]}
  shift
  API_PORT=$(pg_free_port)
  "$bin/loketd" --listen="127.0.0.1:$API_PORT" --db="$DB" --log_requests=false "$@" \
    2>"$WORK/loketd.log" &
  LOKETD_PID=$!
  STACK_PIDS+=("$LOKETD_PID")
  loket_wait_healthy "$bin" "127.0.0.1:$API_PORT"
}

loket_stop_loketd() {
  local p keep=()
  [[ -n "${LOKETD_PID:-}" ]] || return 0
  kill "$LOKETD_PID" 2>/dev/null || true
  wait "$LOKETD_PID" 2>/dev/null || true
  # A pid left in STACK_PIDS could name another process by exit time (pids are reused).
  for p in "${STACK_PIDS[@]}"; do [[ "$p" == "$LOKETD_PID" ]] || keep+=("$p"); done
  STACK_PIDS=("${keep[@]}")
  LOKETD_PID=""
}
