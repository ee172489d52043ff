#!/usr/bin/env bash
# A flash crowd on the public booking (issue 10): PEOPLE applicants book one popular morning through
# loket-web within SPREAD seconds, confirm with their phone codes, and loket-scheduler allocates
# (bench/public_flash_bench.mjs, which prints the figures and the SQL checks).
#
#   bench/run_public_flash_bench.sh [PEOPLE [SPREAD]]      default 2000 people within 10 s
#
# Starts its own PostgreSQL (fresh database, fsync on as in production), loketd (with loket-web's
# edge key, so it believes the forwarded addresses), loket-scheduler and loket-web
# (--trusted-proxy 127.0.0.1: each simulated person sends its own X-Forwarded-For), none logging a
# line per request; stops them at exit. No notifier: the codes are read from the notify.send
# tasks. Needs build/bin (or LOKET_BIN_DIR) and a built web/ (cd web && npm run build).
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib-stack.sh

BIN=${LOKET_BIN_DIR:-$PWD/build/bin}
PEOPLE=${1:-2000}
SPREAD=${2:-10}
[[ -f web/dist/server/main.js ]] || { echo "run_public_flash_bench: build web/ first (npm run build)" >&2; exit 1; }
grep -q trusted-proxy "${WEB_MAIN:-web/dist/server/main.js}" || { echo "run_public_flash_bench: web/dist is older than --trusted-proxy (npm run build)" >&2; exit 1; }

loket_stack_begin loket-flash-bench
loket_fresh_db "$WORK" "$BIN"
WORKER_TOKEN=$(loket_token "$DB" bench-worker worker)
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/edge.key"
chmod 0600 "$WORK/edge.key"

loket_start_loketd "$BIN" --pool_size=16 --quiet_hours=off --edge_key_file="$WORK/edge.key" ||
  { echo "loketd did not start" >&2; cat "$WORK/loketd.log" >&2; exit 1; }
API="127.0.0.1:$API_PORT"

"$BIN/loket-scheduler" --addr="$API" --token="$WORKER_TOKEN" 2>"$WORK/scheduler.log" &
STACK_PIDS+=($!)

WEB="127.0.0.1:$(pg_free_port)"
node "${WEB_MAIN:-web/dist/server/main.js}" --listen "$WEB" --loketd "$API" --edge-key-file "$WORK/edge.key" \
  --trusted-proxy 127.0.0.1 --log-requests=false >"$WORK/loket-web.log" 2>&1 &
STACK_PIDS+=($!)
for ((i = 0; i < 100; i++)); do
  curl -fsS -o /dev/null "http://$WEB/healthz" 2>/dev/null && break
  sleep 0.1
done

echo "machine: $(nproc) cores, $(lscpu | sed -n "s/^Model name: *//p"), load average $(cut -d" " -f1-3 /proc/loadavg), Node $(node --version)," \
  "PostgreSQL $(psql -X -At -d "$DB" -c 'SHOW server_version'), fsync $(psql -X -At -d "$DB" -c 'SHOW fsync')"
# Connections the kernel dropped because a listener's accept queue was full (the whole machine).
listen_overflows() { awk '/^TcpExt:/ { if (!h) { for (i = 1; i <= NF; i++) k[i] = $i; h = 1 } else for (i = 1; i <= NF; i++) if (k[i] == "ListenOverflows") print $i }' /proc/net/netstat; }
lo0=$(listen_overflows)
rc=0
node bench/public_flash_bench.mjs --web "http://$WEB" --db "$DB" --people "$PEOPLE" --spread "$SPREAD" || rc=$?
echo "listen queue overflows during the run (TcpExt ListenOverflows): $(($(listen_overflows) - lo0))"
echo "load average after: $(cut -d" " -f1-3 /proc/loadavg)"
if [[ -n "${KEEP_LOGS:-}" ]]; then cp "$WORK"/*.log "$KEEP_LOGS"/ 2>/dev/null || true; fi
exit $rc
