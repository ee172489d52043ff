#!/usr/bin/env bash
# PgBouncer measured (issue 15): loketd straight to PostgreSQL beside loketd through PgBouncer in
# session pooling and in transaction pooling, in one run on one database, plus the checks that show
# what transaction pooling breaks and what it keeps.
#
#   bench/run_pgbouncer_bench.sh          CONCURRENCY=8 DURATION=10 (seconds per measured run)
#
# It starts its own PostgreSQL (fsync on, deploy/pg.sh), one PgBouncer (the installed 1.18, run as
# the postgres user, on a free port, its files in the temp dir) with three pools on that database:
#   loket_session  pool_mode=session      pool_size=20 (every loketd connection keeps one backend)
#   loket_tx       pool_mode=transaction  pool_size=8  (16 loketd connections share 8 backends)
#   loket_tx1      pool_mode=transaction  pool_size=1  (the demonstrations: one backend for all)
# and one loketd at a time (--pool_size=16, as in bench/run_submit_bench.sh). Everything stops at
# exit. Results go to stdout; docs/benchmarks.md "PgBouncer (issue 15)" has a run.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib-stack.sh

BIN=${LOKET_BIN_DIR:-$PWD/build/bin}
DURATION=${DURATION:-10}
CONCURRENCY=${CONCURRENCY:-8}
PGB=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
[[ -x "$PGB" ]] || { echo "pgbouncer not installed (deploy/install-deps.sh)" >&2; exit 1; }

loket_stack_begin loket-pgbouncer
PGB_DIR="$WORK/pgbouncer"
_pgb_stop() {
  local pid
  pid=$(cat "$PGB_DIR/pgbouncer.pid" 2>/dev/null || true)
  if [[ -n "$pid" ]]; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
}
trap '_pgb_stop; _loket_stack_end' EXIT

loket_fresh_db "$WORK" "$BIN"
TOKEN=$(loket_token "$DB" bench-clinic clinic pkm-klandasan-ilir)

# ---- PgBouncer: its own port, files and user (it refuses to run as root) ----
PGB_PORT=$(pg_free_port)
mkdir -p "$PGB_DIR"
cat >"$PGB_DIR/pgbouncer.ini" <<EOF
[databases]
loket_session = host=127.0.0.1 port=$PG_PORT dbname=loket pool_mode=session pool_size=20
loket_tx = host=127.0.0.1 port=$PG_PORT dbname=loket pool_mode=transaction pool_size=8
loket_tx1 = host=127.0.0.1 port=$PG_PORT dbname=loket pool_mode=transaction pool_size=1

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGB_PORT
unix_socket_dir =
auth_type = trust
auth_file = $PGB_DIR/userlist.txt
admin_users = postgres
max_client_conn = 400
default_pool_size = 20
logfile = $PGB_DIR/pgbouncer.log
pidfile = $PGB_DIR/pgbouncer.pid
log_connections = 0
log_disconnections = 0
EOF
echo '"postgres" ""' >"$PGB_DIR/userlist.txt"
if ((EUID == 0)); then
  chown -R postgres "$PGB_DIR"
  (cd / && runuser -u postgres -- "$PGB" -d "$PGB_DIR/pgbouncer.ini")
else
  "$PGB" -d "$PGB_DIR/pgbouncer.ini"
fi
pg_wait "$PGB_PORT" 30 2>/dev/null || {
  # pg_wait asks for database postgres, which PgBouncer does not serve: ask for ours.
  for _ in $(seq 1 100); do
    psql -X -At -d "host=127.0.0.1 port=$PGB_PORT user=postgres dbname=loket_session" -c 'SELECT 1' \
      >/dev/null 2>&1 && break
    sleep 0.1
  done
}
via() { echo "host=127.0.0.1 port=$PGB_PORT user=postgres dbname=$1"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); PostgreSQL" \
  "$(psql -X -At -d "$DB" -c 'SHOW server_version'), fsync $(psql -X -At -d "$DB" -c 'SHOW fsync');" \
  "$("$PGB" --version | head -n 1)"

# ---- 1. What transaction pooling does to session state: one backend behind two clients ----
echo
echo "== 1. SET on one client, read by another (loket_tx1: transaction mode, one backend)"
psql -X -At -d "$(via loket_tx1)" -c "SET lock_timeout = '2000ms'" -c "SET statement_timeout = '15000ms'"
echo "  client A: SET lock_timeout = '2000ms'; SET statement_timeout = '15000ms' (as loketd does on connect)"
echo "  client B (a new connection): SHOW lock_timeout, statement_timeout ->" \
  "$(psql -X -At -d "$(via loket_tx1)" -c 'SHOW lock_timeout' -c 'SHOW statement_timeout' | paste -sd ' ')"
psql -X -At -d "$(via loket_tx1)" -c "RESET ALL" >/dev/null
echo "  after client B's RESET ALL, client A's next transaction would run with ->" \
  "$(psql -X -At -d "$(via loket_tx1)" -c 'SHOW lock_timeout' -c 'SHOW statement_timeout' | paste -sd ' ')"
echo "  same in session mode (loket_session): B sees ->" \
  "$(psql -X -At -d "$(via loket_session)" -c 'SHOW lock_timeout' -c 'SHOW statement_timeout' | paste -sd ' ')"
psql -X -At -d "$(via loket_tx1)" -c "SET TIME ZONE 'Asia/Makassar'" >/dev/null
echo "  TimeZone is different: client A SET TIME ZONE 'Asia/Makassar'; client B SHOW TimeZone ->" \
  "$(psql -X -At -d "$(via loket_tx1)" -c 'SHOW TimeZone') (PgBouncer tracks TimeZone, client_encoding," \
  "DateStyle, IntervalStyle, standard_conforming_strings and application_name per client, nothing else)"
echo "  (SET LOCAL inside a transaction is safe in both modes: it ends with the transaction)"

# ---- 2. Protocol-level prepared statements (libpqxx prepare = Parse/Bind/Execute by name) ----
echo
echo "== 2. A statement prepared by name on one transaction, executed on a later one"
# pgbench -M prepared prepares each statement once per client connection, as libpqxx does for
# loketd. Two clients on one backend pool: the second one's Parse of the same name collides, or a
# client's Execute lands on a backend that never saw its Parse.
echo '\set v random(1, 100)
SELECT count(*) FROM schema_migrations WHERE version > :v;' >"$WORK/prepared.sql"
for db in loket_session loket_tx; do
  out=$(pgbench -n -h 127.0.0.1 -p "$PGB_PORT" -U postgres -M prepared -c 4 -j 2 -t 50 \
    -f "$WORK/prepared.sql" "$db" \
    2>&1 || true)
  echo "  pgbench -M prepared -c 4 -t 50 on $db: $(grep -m1 -E 'processed|ERROR|error' <<<"$out" |
    sed 's/^ *//')"
  grep -m2 -E 'ERROR|error' <<<"$out" | sed 's/^/      /' || true
done

# ---- 3. LISTEN: the task-queue wake-ups (server/store/task_queue.cc TaskWakeups) ----
echo
echo "== 3. LISTEN loket_tasks through each pool, then a NOTIFY from another connection"
for db in loket_session loket_session loket_session loket_tx loket_tx loket_tx; do
  got=$(psql -X -d "$(via "$db")" 2>&1 <<EOF || true
LISTEN loket_tasks;
\! psql -X -q -d "$DB" -c "NOTIFY loket_tasks, 'pgbouncer-check'"
SELECT pg_sleep(0.5);
SELECT 1;
EOF
  )
  if grep -q 'Asynchronous notification "loket_tasks"' <<<"$got"; then
    echo "  $db: delivered"
  else
    echo "  $db: NOT delivered"
  fi
done

# ---- 4. loketd through each pool: migrations, health, submissions ----
load_row() {  # NAME PORT: one submit_load run against loketd on PORT, printed as one row
  local name=$1 port=$2 out j per_s p50 p99 ok failed log_from
  log_from=$(($(wc -l <"$WORK/pg/log") + 1))
  out=$("$BIN/submit_load" --addr="127.0.0.1:$port" --token="$TOKEN" --concurrency="$CONCURRENCY" \
    --duration="$DURATION" --json 2>&1 || true)
  j=$(tail -n 1 <<<"$out")
  per_s=$(sed -E 's/.*"per_second": ([0-9.]+).*/\1/' <<<"$j")
  p50=$(sed -E 's/.*"p50_ms": ([0-9.]+).*/\1/' <<<"$j")
  p99=$(sed -E 's/.*"p99_ms": ([0-9.]+).*/\1/' <<<"$j")
  ok=$(sed -E 's/.*"ok": ([0-9]+).*/\1/' <<<"$j")
  failed=$(sed -E 's/.*"failed": ([0-9]+).*/\1/' <<<"$j")
  printf '%-36s %8s %8s %8s %8s %8s\n' "$name" "$ok" "$failed" "$per_s" "$p50" "$p99"
  if [[ "$failed" != 0 ]]; then
    grep 'error code' <<<"$out" | sed 's/^ */      submit_load: /' || true
    # PostgreSQL's log names the failed statements (loketd answers INTERNAL "database error").
    tail -n +"$log_from" "$WORK/pg/log" | grep -oE 'ERROR: .*' | sed -E 's/"[a-z_0-9]+"/"NAME"/' |
      sort | uniq -c | sort -rn | head -n 3 | sed 's/^ */      PostgreSQL log: /' || true
  fi
}

run_loketd() {  # NAME CONNINFO [reconnect]: starts loketd, measures, stops it
  local name=$1 conninfo=$2
  if DB=$conninfo loket_start_loketd "$BIN" --pool_size=16; then
    load_row "$name" "$API_PORT"
    if [[ "${3:-}" == reconnect ]]; then
      # The same loketd, its connections to PgBouncer kept, and new backends behind them: as after
      # PgBouncer's server_lifetime (3600 s by default), a PostgreSQL restart or a fail-over.
      psql -X -q -d "$(via pgbouncer)" -c 'RECONNECT loket_tx' >/dev/null
      sleep 1
      load_row "  same loketd after RECONNECT" "$API_PORT"
    fi
  else
    printf '%-36s %s\n' "$name" "loketd not healthy in 10 s; its log:"
    tail -n 5 "$WORK/loketd.log" | sed 's/^/      /'
  fi
  loket_stop_loketd
}

echo
echo "== 4. loketd --pool_size=16, submit_load --concurrency=$CONCURRENCY --duration=$DURATION"
# Two rounds, interleaved: the machine is shared, and the first minutes of a fresh database differ.
printf '%-36s %8s %8s %8s %8s %8s\n' path ok failed per_s p50_ms p99_ms
for round in 1 2 3; do
  run_loketd "direct #$round" "$DB"
  run_loketd "pgbouncer session (pool 20) #$round" "$(via loket_session)"
  if ((round == 1)); then
    run_loketd "pgbouncer transaction (pool 8) #$round" "$(via loket_tx)" reconnect
  else
    run_loketd "pgbouncer transaction (pool 8) #$round" "$(via loket_tx)"
  fi
done

echo
echo "== 5. Migrations through transaction pooling: the advisory lock is pg_advisory_xact_lock"
psql -X -q -d "host=127.0.0.1 port=$PG_PORT user=postgres dbname=postgres" -c "CREATE DATABASE loket_m"
sed -i "/^\[databases\]/a loket_m_tx = host=127.0.0.1 port=$PG_PORT dbname=loket_m pool_mode=transaction pool_size=8" \
  "$PGB_DIR/pgbouncer.ini"
psql -X -q -d "$(via pgbouncer)" -c RELOAD >/dev/null
pids=()
for i in 1 2; do
  "$BIN/loketd" --migrate_only --db="$(via loket_m_tx)" >"$WORK/migrate$i.log" 2>&1 &
  pids+=($!)
done
rcs=""
for p in "${pids[@]}"; do
  if wait "$p"; then rcs+=" 0"; else rcs+=" $?"; fi
done
echo "  two loketd --migrate_only at once through loket_m_tx: exit codes$rcs; schema_migrations rows:" \
  "$(psql -X -At -d "host=127.0.0.1 port=$PG_PORT user=postgres dbname=loket_m" \
    -c 'SELECT count(*) FROM schema_migrations' 2>&1)"
for i in 1 2; do
  grep -m2 -iE 'error|does not exist' "$WORK/migrate$i.log" | cut -c1-200 | sed 's/^/      /' || true
done

echo
echo "== PgBouncer's view (SHOW POOLS)"
psql -X -d "$(via pgbouncer)" -c 'SHOW POOLS' | cut -c1-160 | head -n 12
