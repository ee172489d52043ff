#!/usr/bin/env bash
# System test (issue 12, "workers reconnect slowly"): a worker is back soon after loketd returns.
# loketd is killed and stays down for 14 s while loket-notifier keeps trying; then it is restarted on
# the same port and a clinic submits a case. The message must be delivered (the file channel writes
# it) within 5 s of loketd's restart. Before, the worker's own poll back-off had grown to 10 s and the
# channel's reconnect back-off to 2 s (with jitter), so after 14 s down its next try came ~8 s after
# loketd was back. Outcome only: the file exists before the bound.
# Environment: LOKET_BIN_DIR (loketd, loket-notifier, submit_load, loket), set by ctest.
set -euo pipefail
: "${LOKET_BIN_DIR:?set LOKET_BIN_DIR}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/deploy/lib-stack.sh"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/loket-reconnect.XXXXXX")
chmod 0711 "$WORK"
LOKETD_PID="" NOTIFIER_PID=""
cleanup() {
  local rc=$?
  trap - EXIT
  for p in "$LOKETD_PID" "$NOTIFIER_PID"; do
    [[ -n "$p" ]] && kill -KILL "$p" 2>/dev/null || true
  done
  pg_stop "$WORK/pg" >/dev/null 2>&1 || true
  if ((rc != 0)); then
    for f in loketd.log notifier.log; do
      echo "--- $f" >&2
      tail -n 20 "$WORK/$f" >&2 2>/dev/null || true
    done
  fi
  [[ -n "${KEEP_WORK:-}" ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"
  ((rc == 0)) && echo "PASS: worker_reconnect"
  exit "$rc"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

loket_fresh_db "$WORK" "$LOKET_BIN_DIR"
CLINIC_TOKEN=$(loket_token "$DB" r-clinic clinic pkm-klandasan-ilir)
WORKER_TOKEN=$(loket_token "$DB" r-worker worker)
API="127.0.0.1:$(pg_free_port)"
OUTBOX="$WORK/outbox/webhook"

start_loketd() {
  "$LOKET_BIN_DIR/loketd" --listen="$API" --db="$DB" --pool_size=4 --log_requests=false \
    --quiet_hours=off >>"$WORK/loketd.log" 2>&1 &
  LOKETD_PID=$!
}
submit() {  # N: submissions, one message each
  "$LOKET_BIN_DIR/submit_load" --addr="$API" --token="$CLINIC_TOKEN" --concurrency=1 \
    --rate="$1" --duration=1 --warmup=0 >>"$WORK/load.out" 2>&1
}
sent_files() { find "$OUTBOX" -name '*.json' 2>/dev/null | wc -l; }
messages() { psql -X -At -d "$DB" -c "SELECT count(*) FROM notifications"; }

start_loketd
loket_wait_healthy "$LOKET_BIN_DIR" "$API" || fail "loketd did not start"
"$LOKET_BIN_DIR/loket-notifier" --addr="$API" --token="$WORKER_TOKEN" --outbox_dir="$WORK/outbox" \
  >>"$WORK/notifier.log" 2>&1 &
NOTIFIER_PID=$!

echo "== one case delivered while loketd is up"
submit 2
for ((i = 0; i < 100; i++)); do
  (($(sent_files) >= 1 && $(sent_files) == $(messages))) && break
  sleep 0.1
done
(($(sent_files) >= 1 && $(sent_files) == $(messages))) ||
  fail "first messages not delivered: $(sent_files) files for $(messages) messages"

echo "== loketd killed, down for 14 s"
kill -KILL "$LOKETD_PID"
wait "$LOKETD_PID" 2>/dev/null || true
sleep 14
kill -0 "$NOTIFIER_PID" || fail "the notifier died while loketd was down"

echo "== loketd back on the same port; a case submitted; delivered within 5 s?"
restarted=$(date +%s%N)
start_loketd
loket_wait_healthy "$LOKET_BIN_DIR" "$API" || fail "loketd did not restart"
before=$(messages)
submit 2
after=$(messages)
((after > before)) || fail "no case submitted after the restart"
while (($(date +%s%N) - restarted < 5000000000)); do
  (($(sent_files) == after)) && break
  sleep 0.1
done
elapsed_ms=$((($(date +%s%N) - restarted) / 1000000))
(($(sent_files) == after)) ||
  fail "only $(sent_files) of $after messages delivered 5 s after loketd's restart (the worker had not reconnected)"
echo "delivered all $after messages ${elapsed_ms} ms after loketd's restart"
