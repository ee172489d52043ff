#!/usr/bin/env bash
# Starts the Loket demo on this machine and returns:
#   installs missing apt packages, builds ./build, starts PostgreSQL 15 in ./var/pg (127.0.0.1:5433,
#   created on the first run and reused after), creates database "loket", applies the migrations, loads
#   deploy/seed/*.sql, creates the demo principals with one fresh token per role (revoking the previous
#   demo tokens) in ./var/demo.env, and (re)starts loketd (127.0.0.1:7400) and loket-notifier in the
#   background. The browser tier: installs web/'s packages (npm ci, when package-lock.json changed),
#   builds the pages and loket-web, and starts loket-web (127.0.0.1:7480) with the key in
#   var/edge.key that lets loketd believe the browsers' addresses it reports.
# Safe to run again: it restarts loketd and issues new demo tokens; data in ./var/pg stays.
# Stop everything with deploy/down.sh.
#
# Overrides (environment): LOKET_PG_PORT (5433), LOKET_LISTEN (127.0.0.1:7400), LOKET_ADMIN_LISTEN
# (127.0.0.1:7401, Prometheus metrics), LOKET_WEBHOOK_URL and LOKET_SMTP_URL (the notifier's gateway
# and SMTP server; default: files in var/outbox),
# LOKET_BUILD_JOBS (ninja's default), LOKET_WEB_LISTEN (127.0.0.1:7480, loket-web),
# LOKET_BIN_DIR (use the loketd and loket already built there; skips the build).
#
# deploy/up.sh --cluster (issue 15) starts the replicated cluster instead (deploy/cluster/lib-cluster.sh):
# etcd, three PostgreSQL nodes under Patroni, HAProxy, two loketd replicas and two of each worker, all
# in ./var/cluster, on ports from LOKET_CLUSTER_BASE (7500): gRPC through HAProxy on BASE+32, the
# PostgreSQL write port BASE+30 (docs/operations.md, "Cluster"). Running it again restarts the cluster
# (data kept); deploy/down.sh stops it. No loket-web in cluster mode.
set -euo pipefail
CLUSTER_MODE=0
case "${1:-}" in
  --cluster) CLUSTER_MODE=1 ;;
  "") ;;
  *)
    echo "usage: deploy/up.sh [--cluster]" >&2
    exit 2
    ;;
esac
if [[ -n "${LOKET_BIN_DIR:-}" ]]; then
  LOKET_BIN_DIR=$(cd "$LOKET_BIN_DIR" && pwd)
fi
cd "$(dirname "$0")/.."

# shellcheck source=deploy/pg.sh
source deploy/pg.sh
# shellcheck source=deploy/lib-common.sh
source deploy/lib-common.sh
# shellcheck source=deploy/lib-tokens.sh
source deploy/lib-tokens.sh
# shellcheck source=deploy/lib-web.sh
source deploy/lib-web.sh

PG_PORT=${LOKET_PG_PORT:-5433}
LISTEN=${LOKET_LISTEN:-127.0.0.1:7400}
WEB_LISTEN=${LOKET_WEB_LISTEN:-127.0.0.1:7480}
ADMIN_LISTEN=${LOKET_ADMIN_LISTEN:-127.0.0.1:7401}
OFFICE=bpp
DEMO_CLINIC=pkm-klandasan-ilir  # Puskesmas Klandasan Ilir, from deploy/seed/0001_balikpapan.sql
DEMO_ROLES=(admin officer approver counter clinic courier worker display)
# People sign in to the pages with a password; the worker is a machine and keeps only its token.
DEMO_PEOPLE=(admin officer approver counter clinic courier display)
DB="host=127.0.0.1 port=$PG_PORT user=postgres dbname=loket"
PID_FILE=var/run/loketd.pid
LOG=var/log/loketd.log

die() {
  echo "up.sh: $*" >&2
  exit 1
}

mkdir -p var/log var/run

echo "Checking packages ..."
bash deploy/install-deps.sh

if [[ -n "${LOKET_BIN_DIR:-}" ]]; then
  BIN=$LOKET_BIN_DIR
  echo "Using the binaries in $BIN (no build)"
else
  BIN=build/bin
  loket_build var/log/build.log
fi
for b in loketd loket; do
  [[ -x "$BIN/$b" ]] || die "$BIN/$b not found"
done

if ((CLUSTER_MODE)); then
  # shellcheck source=deploy/cluster/lib-cluster.sh
  source deploy/cluster/lib-cluster.sh
  CLUSTER_BASE=${LOKET_CLUSTER_BASE:-7500}
  if [[ -f var/cluster/cluster.env ]]; then
    echo "Stopping the running cluster in var/cluster ..."
    cluster_stop var/cluster
  fi
  echo "Starting the cluster in var/cluster (ports $CLUSTER_BASE..$((CLUSTER_BASE + 65))) ..."
  if ! cluster_start var/cluster "$BIN" "$CLUSTER_BASE"; then
    echo "up.sh: the cluster did not start (logs in var/cluster/log/); stopping what started" >&2
    cluster_stop var/cluster
    exit 1
  fi
  cat <<EOF

The Loket cluster is up (var/cluster; logs in var/cluster/log/).
  etcd        127.0.0.1:$CLUSTER_BASE (one member)
  PostgreSQL  pg1..pg3 on 127.0.0.1:$((CLUSTER_BASE + 10))..$((CLUSTER_BASE + 12)) under Patroni (REST $((CLUSTER_BASE + 20))..$((CLUSTER_BASE + 22))); leader now: $(cluster_leader var/cluster)
  HAProxy     PostgreSQL write (leader) $((CLUSTER_BASE + 30)), read (standbys) $((CLUSTER_BASE + 31)),
              gRPC $CLUSTER_GRPC, statistics http://127.0.0.1:$((CLUSTER_BASE + 33))/
  loketd      127.0.0.1:$((CLUSTER_BASE + 40)) and :$((CLUSTER_BASE + 41)); metrics and /healthz on :$((CLUSTER_BASE + 50)), :$((CLUSTER_BASE + 51))
  workers     loket-notifier, loket-router, loket-scheduler: two of each, through HAProxy
              (notifications as files in var/cluster/outbox/)
  database    $CLUSTER_DB
  tokens      var/cluster/demo.env (LOKET_ADDR is HAProxy's gRPC port)

Try it:
  source var/cluster/demo.env
  $BIN/loket --token \$LOKET_TOKEN_ADMIN whoami
  patronictl -c var/cluster/pg1/patroni.yml list

Stop it with: deploy/down.sh
EOF
  exit 0
fi
loket_web_build var/log/web-build.log || die "building web/ failed (log: var/log/web-build.log)"

echo "Starting PostgreSQL in var/pg on 127.0.0.1:$PG_PORT ..."
pg_start var/pg "$PG_PORT"

# The old server goes first, so that it never runs against a newer schema.
NOTIFIER_PID_FILE=var/run/loket-notifier.pid
NOTIFIER_LOG=var/log/loket-notifier.log
ROUTER_PID_FILE=var/run/loket-router.pid
ROUTER_LOG=var/log/loket-router.log
# Spontan: loket-scheduler (slots.allocate).
SCHEDULER_PID_FILE=var/run/loket-scheduler.pid
SCHEDULER_LOG=var/log/loket-scheduler.log
# The browser's door: loket-web.
WEB_PID_FILE=var/run/loket-web.pid
WEB_LOG=var/log/loket-web.log
for f in "$WEB_PID_FILE" "$NOTIFIER_PID_FILE" "$ROUTER_PID_FILE" "$SCHEDULER_PID_FILE"; do
  if [[ -f "$f" ]]; then
    echo "Stopping the running $(basename "$f" .pid) ..."
    loket_stop_pidfile "$f"
  fi
done
if [[ -f "$PID_FILE" ]]; then
  echo "Stopping the running loketd ..."
  loket_stop_pidfile "$PID_FILE"
fi
if loket_port_in_use "${LISTEN##*:}"; then
  die "something already listens on $LISTEN (a loketd not started by up.sh?); stop it first"
fi
if loket_port_in_use "${WEB_LISTEN##*:}"; then
  die "something already listens on $WEB_LISTEN (a loket-web not started by up.sh?); stop it first"
fi

# loket-web's key: with it, loketd believes the browser address loket-web reports (sign-in throttling
# per address). Made once; only loketd and loket-web read it.
EDGE_KEY_FILE=var/edge.key
if [[ ! -s "$EDGE_KEY_FILE" ]]; then
  (umask 077 && openssl rand -hex 32 >"$EDGE_KEY_FILE.tmp" && mv -f "$EDGE_KEY_FILE.tmp" "$EDGE_KEY_FILE")
fi
chmod 0600 "$EDGE_KEY_FILE"
EDGE_FLAGS=()
loketd_flags=$("$BIN/loketd" --helpfull 2>&1 || true)
if [[ "$loketd_flags" == *edge_key_file* ]]; then
  EDGE_FLAGS=(--edge_key_file="$PWD/$EDGE_KEY_FILE")
fi

# Issue 13: the demo's own small CA and the office's signing certificate, made once in var/pki
# (a real office installs its own: docs/operations.md, "The permit document"). loketd signs every
# issued permit with them; var/pki/nss is an NSS database trusting the demo CA, for
# `pdfsig -nssdir sql:var/pki/nss izin.pdf`.
PKI=var/pki
if [[ ! -s "$PKI/office.pem" ]]; then
  echo "Creating the demo CA and the office's signing certificate in $PKI ..."
  rm -rf "$PKI" && mkdir -p "$PKI" && chmod 0700 "$PKI"
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,nonRepudiation\n' >"$PKI/office.ext"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$PKI/ca.key" \
    -out "$PKI/ca.pem" -days 3650 -subj "/CN=Loket Demo CA/O=Loket Demo" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$PKI/office.key" \
    -out "$PKI/office.csr" -subj "/CN=DPMPTSP Kota Balikpapan/O=Loket Demo" 2>/dev/null
  openssl x509 -req -in "$PKI/office.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" \
    -CAcreateserial -days 825 -extfile "$PKI/office.ext" -out "$PKI/office.pem" 2>/dev/null
  chmod 0600 "$PKI"/*.key
  if command -v certutil >/dev/null; then
    mkdir -p "$PKI/nss" && certutil -N -d "sql:$PKI/nss" --empty-password &&
      certutil -A -d "sql:$PKI/nss" -n "Loket Demo CA" -t CT,C,C -i "$PKI/ca.pem"
  fi
fi
PERMIT_FLAGS=()
if [[ "$loketd_flags" == *permit_key* ]]; then
  PERMIT_FLAGS=(--permit_key="$PWD/$PKI/office.key" --permit_cert="$PWD/$PKI/office.pem"
    --permit_official_name="dr. H. Andi Sulaiman, M.Kes"
    --permit_official_position="Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Balikpapan"
    --permit_office_address="Jl. Jenderal Sudirman No. 1, Balikpapan, Kalimantan Timur"
    --permit_verify_url="http://$WEB_LISTEN/#/verify")
fi

PG_ADMIN="host=127.0.0.1 port=$PG_PORT user=postgres dbname=postgres"
if [[ -z "$(psql -X -At -d "$PG_ADMIN" -c "SELECT 1 FROM pg_database WHERE datname = 'loket'")" ]]; then
  psql -X -q -v ON_ERROR_STOP=1 -d "$PG_ADMIN" -c "CREATE DATABASE loket"
fi

echo "Applying migrations ..."
if ! "$BIN/loketd" --migrate_only --db="$DB" >>"$LOG" 2>&1; then
  tail -n 20 "$LOG" >&2
  die "loketd --migrate_only failed (log: $LOG)"
fi

echo "Loading seed data ..."
for f in deploy/seed/*.sql; do
  psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -f "$f" >/dev/null
done

echo "Creating demo tokens ..."
loket_write_demo_env "$DB" "$OFFICE" "$DEMO_CLINIC" "$LISTEN" var/demo.env "${DEMO_ROLES[@]}"

# SIBER: the demo courier (who has a token) and a second one, both on the usual 08:00-16:00 shift.
echo "Registering the demo couriers ..."
loket_register_demo_couriers "$DB" "$OFFICE"

echo "Starting loketd on $LISTEN ..."
{
  echo
  echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) deploy/up.sh starts loketd"
} >>"$LOG"
# setsid: its own session, so that closing this terminal or Ctrl-C here leaves it running.
nohup setsid "$BIN/loketd" --listen="$LISTEN" --db="$DB" --pool_size=8 \
  --admin_listen="$ADMIN_LISTEN" "${EDGE_FLAGS[@]}" "${PERMIT_FLAGS[@]}" >>"$LOG" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$PID_FILE"

for ((i = 0; ; i++)); do
  if ! loket_pid_alive "$pid"; then
    rm -f "$PID_FILE"
    tail -n 30 "$LOG" >&2
    die "loketd exited during start-up (log: $LOG)"
  fi
  if LOKET_ADDR=$LISTEN "$BIN/loket" health >/dev/null 2>&1; then
    break
  fi
  if ((i >= 150)); then
    tail -n 30 "$LOG" >&2
    die "loketd (pid $pid) is not SERVING after 30 s (log: $LOG); stop it with deploy/down.sh"
  fi
  sleep 0.2
done

echo "Setting the demo sign-ins for the pages ..."
loket_write_demo_passwords "$BIN" "$LISTEN" "$DB" "$OFFICE" var/demo.env "${DEMO_PEOPLE[@]}" ||
  die "setting the demo passwords failed"

# The notifier delivers to files in var/outbox/ unless LOKET_WEBHOOK_URL / LOKET_SMTP_URL name a
# real SMS/WhatsApp gateway and SMTP server (LOKET_WEBHOOK_TOKEN: the gateway's bearer token;
# LOKET_SMTP_FROM: the sender, else the notifier's default).
echo "Starting loket-notifier ..."
mkdir -p var/outbox
worker_token=$(sed -n 's/^export LOKET_TOKEN_WORKER=//p' var/demo.env)
notifier_flags=(--outbox_dir="$PWD/var/outbox" --webhook_url="${LOKET_WEBHOOK_URL:-}"
  --smtp_url="${LOKET_SMTP_URL:-}")
[[ -n ${LOKET_WEBHOOK_TOKEN:-} ]] && notifier_flags+=(--webhook_token="$LOKET_WEBHOOK_TOKEN")
[[ -n ${LOKET_SMTP_FROM:-} ]] && notifier_flags+=(--smtp_from="$LOKET_SMTP_FROM")
nohup setsid "$BIN/loket-notifier" --addr="$LISTEN" --token="$worker_token" "${notifier_flags[@]}" \
  >>"$NOTIFIER_LOG" 2>&1 </dev/null &
echo "$!" >"$NOTIFIER_PID_FILE"
# Spontan: the scheduler allocates appointment slots (deploy/seed/0002_spontan_calendar.sql).
echo "Starting loket-scheduler ..."
nohup setsid "$BIN/loket-scheduler" --addr="$LISTEN" --token="$worker_token" \
  >>"$SCHEDULER_LOG" 2>&1 </dev/null &
echo "$!" >"$SCHEDULER_PID_FILE"

# The router plans the couriers' routes whenever SIBER stops change (route.plan tasks).
echo "Starting loket-router ..."
nohup setsid "$BIN/loket-router" --addr="$LISTEN" --token="$worker_token" --plan_seconds=3 \
  >>"$ROUTER_LOG" 2>&1 </dev/null &
echo "$!" >"$ROUTER_PID_FILE"

# The browser tier: the pages and Connect/gRPC-Web, forwarded to loketd. Stateless: the session is
# loketd's token in an HttpOnly cookie.
echo "Starting loket-web on $WEB_LISTEN ..."
{
  echo
  echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) deploy/up.sh starts loket-web"
} >>"$WEB_LOG"
nohup setsid node web/dist/server/main.js --listen "$WEB_LISTEN" --loketd "$LISTEN" \
  --static "$PWD/web/dist/app" --edge-key-file "$PWD/$EDGE_KEY_FILE" >>"$WEB_LOG" 2>&1 </dev/null &
echo "$!" >"$WEB_PID_FILE"
if ! loket_web_healthy "http://$WEB_LISTEN"; then
  tail -n 20 "$WEB_LOG" >&2
  die "loket-web is not healthy after 20 s (log: $WEB_LOG); stop everything with deploy/down.sh"
fi

# The demo sign-ins for the pages (LOKET_WEB_USER_<ROLE>, LOKET_WEB_PASSWORD_<ROLE> in var/demo.env).
signins=""
unquote() { local v=${1#[\"\']}; echo "${v%[\"\']}"; }
while IFS='=' read -r var user; do
  role=${var#export }
  role=${role#LOKET_WEB_USER_}
  user=$(unquote "$user")
  password=$(unquote "$(sed -En "s/^(export )?LOKET_WEB_PASSWORD_${role}=//p" var/demo.env)")
  signins+=$(printf '\n    %-10s %-24s %s' "$(tr '[:upper:]' '[:lower:]' <<<"$role")" "$user" "$password")
done < <(grep -E '^(export )?LOKET_WEB_USER_' var/demo.env || true)
[[ -n "$signins" ]] || signins=$'\n    (none in var/demo.env)'

cat <<EOF

Loket is up.
  loketd      pid $pid on $LISTEN, log $LOG; metrics on http://$ADMIN_LISTEN/metrics
  notifier    pid $(cat "$NOTIFIER_PID_FILE"), log $NOTIFIER_LOG; messages in var/outbox/ (webhook/, email/)
  router      pid $(cat "$ROUTER_PID_FILE"), log $ROUTER_LOG; couriers Budi Santoso and Rina Wulandari
  scheduler   pid $(cat "$SCHEDULER_PID_FILE"), log $SCHEDULER_LOG (appointment slots)
  loket-web   pid $(cat "$WEB_PID_FILE") on $WEB_LISTEN, log $WEB_LOG
  PostgreSQL  127.0.0.1:$PG_PORT, database loket, data in var/pg (log var/pg/log)
  tokens      var/demo.env: LOKET_ADDR and LOKET_TOKEN_{$(IFS=,; tr '[:lower:]' '[:upper:]' <<<"${DEMO_ROLES[*]}")}
              (re-running deploy/up.sh revokes them and writes new ones)

In the browser: http://$WEB_LISTEN/ with a demo sign-in (role, user name, password; kept in var/demo.env):$signins

Try it in a shell (the full walkthrough is in README.md):
  source var/demo.env
  export LOKET_TOKEN=\$LOKET_TOKEN_CLINIC     # staff of Puskesmas Klandasan Ilir
  $BIN/loket whoami
  $BIN/loket catalog
  $BIN/loket clinic submit --permit-type SIP_PERAWAT --nik 6471065708900001 --name "Siti Rahmawati" \\
      --phone 081234567890 --email siti@example.com --str-number STR-123 \\
      --practice-place "Puskesmas Klandasan Ilir" --priority HEALTH_WORKER

Stop everything with: deploy/down.sh
EOF
