#!/usr/bin/env bash
# System test: TLS, mTLS and the metrics endpoint of a real loketd.
#  - plaintext on a non-loopback address is refused unless asked for;
#  - with --tls_cert/--tls_key/--tls_client_ca, a client with a certificate from the CA is served,
#    one without a certificate, or over plaintext, is not;
#  - /metrics on --admin_listen counts the calls by method and code.
# Certificates are made here with openssl (a throwaway CA). Environment: LOKET_BIN_DIR.
set -euo pipefail
: "${LOKET_BIN_DIR:?set LOKET_BIN_DIR}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/deploy/lib-stack.sh"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/loket-tls.XXXXXX")
chmod 0711 "$WORK"
LOKETD_PID=""
cleanup() {
  local rc=$?
  trap - EXIT
  [[ -n "$LOKETD_PID" ]] && kill -KILL "$LOKETD_PID" 2>/dev/null || true
  pg_stop "$WORK/pg" >/dev/null 2>&1 || true
  ((rc != 0)) && tail -n 40 "$WORK/loketd.log" >&2 2>/dev/null
  rm -rf "$WORK"
  ((rc == 0)) && echo "PASS: tls and metrics"
  exit "$rc"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
LOKET="$LOKET_BIN_DIR/loket"

echo "== certificates"
cd "$WORK"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=Loket Test CA" 2>/dev/null
make_cert() {  # NAME CN [SAN]
  openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
  printf 'subjectAltName=%s\n' "${3:-DNS:$2}" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1.pem" -days 2 \
    -extfile "$1.ext" 2>/dev/null
}
make_cert server localhost "DNS:localhost,IP:127.0.0.1"
make_cert client terminal-1
cd - >/dev/null

loket_fresh_db "$WORK" "$LOKET_BIN_DIR"
export LOKET_TOKEN=$(loket_token "$DB" tls-officer officer)

echo "== plaintext off loopback is refused"
set +e
out=$("$LOKET_BIN_DIR/loketd" --listen=0.0.0.0:0 --db="$DB" 2>&1)
rc=$?
set -e
((rc != 0)) || fail "loketd served plaintext on 0.0.0.0"
grep -q "not loopback" <<<"$out" || fail "unexpected refusal: $out"

echo "== mTLS"
PORT=$(pg_free_port)
ADMIN_PORT=$(pg_free_port)
"$LOKET_BIN_DIR/loketd" --listen="127.0.0.1:$PORT" --db="$DB" --tls_cert="$WORK/server.pem" \
  --tls_key="$WORK/server.key" --tls_client_ca="$WORK/ca.pem" \
  --admin_listen="127.0.0.1:$ADMIN_PORT" >>"$WORK/loketd.log" 2>&1 &
LOKETD_PID=$!
ADDR="localhost:$PORT"
ok=0
for ((i = 0; i < 100; i++)); do
  if "$LOKET" --addr "$ADDR" --timeout 1 --tls-ca "$WORK/ca.pem" --tls-cert "$WORK/client.pem" \
    --tls-key "$WORK/client.key" health >/dev/null 2>&1; then
    ok=1
    break
  fi
  sleep 0.1
done
((ok)) || fail "a client with a CA-signed certificate was not served"
"$LOKET" --addr "$ADDR" --tls-ca "$WORK/ca.pem" --tls-cert "$WORK/client.pem" \
  --tls-key "$WORK/client.key" whoami | grep -q tls-officer || fail "whoami over mTLS"
"$LOKET" --addr "$ADDR" --timeout 2 --tls-ca "$WORK/ca.pem" whoami >/dev/null 2>&1 &&
  fail "a client without a certificate was served"
"$LOKET" --addr "$ADDR" --timeout 2 whoami >/dev/null 2>&1 && fail "plaintext was served on a TLS port"
echo "   served with a client certificate; refused without one and over plaintext"

echo "== metrics"
metrics=$(curl -sf "http://127.0.0.1:$ADMIN_PORT/metrics") || fail "no /metrics on the admin port"
grep -q 'loket_rpc_total{code="0",method="/loket.v1.AdminService/WhoAmI"} 1' <<<"$metrics" ||
  fail "WhoAmI not counted: $(grep loket_rpc_total <<<"$metrics")"
grep -q '^loket_rpc_duration_seconds_bucket' <<<"$metrics" || fail "no latency histogram"
echo "   /metrics counts RPCs by method and code"

# A display board that goes away (its process killed mid-stream) is counted as CANCELLED (1): the
# caller left, loketd did nothing wrong; never as INTERNAL (13). Killed once it has drawn its
# first board, so the stream is surely open (a fixed 3 s was too short for a loaded CI machine).
"$LOKET" --addr "$ADDR" --tls-ca "$WORK/ca.pem" --tls-cert "$WORK/client.pem" \
  --tls-key "$WORK/client.key" display >"$WORK/display.out" 2>"$WORK/display.err" &
display_pid=$!
for ((i = 0; i < 300; i++)); do
  [[ -s "$WORK/display.out" ]] && break
  sleep 0.1
done
if [[ ! -s "$WORK/display.out" ]]; then
  # Why: the board's own retries, and who listens on the port (loketd alone, or not).
  echo "-- the board's stderr:" >&2
  cat "$WORK/display.err" >&2
  echo "-- listening on $PORT:" >&2
  ss -ltnpH "sport = :$PORT" >&2 || true
  fail "the display board drew nothing in 30 s"
fi
# Until /metrics has a line matching $1 (up to 30 s: a condition, not a timing assertion); the
# last scrape is left in $metrics for the failure message.
await_metric() {
  local i
  for ((i = 0; i < 300; i++)); do
    metrics=$(curl -sf "http://127.0.0.1:$ADMIN_PORT/metrics") || true
    grep -q "$1" <<<"$metrics" && return 0
    sleep 0.1
  done
  return 1
}
# The open stream shows in /metrics (refreshed every second), so an operator sees
# --max_watch_streams coming.
await_metric '^loket_watch_streams 1$' ||
  fail "the open board is not counted: $(grep '^loket_watch' <<<"$metrics")"
grep -q '^loket_watch_look_late_seconds ' <<<"$metrics" || fail "no loket_watch_look_late_seconds"
kill -KILL "$display_pid"
wait "$display_pid" 2>/dev/null || true
await_metric 'loket_rpc_total{code="1",method="/loket.v1.QueueService/WatchQueue"} 1' ||
  fail "an abandoned WatchQueue is not counted CANCELLED: $(grep WatchQueue <<<"$metrics")"
await_metric '^loket_watch_streams 0$' ||
  fail "the closed board is still counted: $(grep '^loket_watch' <<<"$metrics")"
echo "   a stream its client abandoned is counted CANCELLED, and no longer as open"
