#!/usr/bin/env bash
# System test (issue 12, "the notifier falls behind"): one loket-notifier sends to different
# recipients concurrently, and never more than --channel_concurrency at once per channel. The
# gateway (tests/support/http_receiver.py) takes 1 s to answer each message; 48 clinics' cases are
# submitted at once. Counted from the gateway's log: the most messages that arrived within any
# 0.9 s (while none of them could have been answered yet) must be at least 8 (the notifier before
# this change held 4 tasks at a time, one per thread) and at most the bound (12 here), and every
# message arrives exactly once after dedupe.
# Environment: LOKET_BIN_DIR (loketd, loket-notifier, submit_load, loket), set by ctest.
set -euo pipefail
: "${LOKET_BIN_DIR:?set LOKET_BIN_DIR}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/deploy/lib-stack.sh"
PY=$(loket_python)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/loket-nconc.XXXXXX")
chmod 0711 "$WORK"
PIDS=()
cleanup() {
  local rc=$?
  trap - EXIT
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  pg_stop "$WORK/pg" >/dev/null 2>&1 || true
  if ((rc != 0)); then
    for f in loketd.log notifier.log http.err load.out; do
      echo "--- $f" >&2
      tail -n 20 "$WORK/$f" >&2 2>/dev/null || true
    done
  fi
  [[ -n "${KEEP_WORK:-}" ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"
  ((rc == 0)) && echo "PASS: notifier_concurrency"
  exit "$rc"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

loket_fresh_db "$WORK" "$LOKET_BIN_DIR"
CLINIC_TOKEN=$(loket_token "$DB" c-clinic clinic pkm-klandasan-ilir)
WORKER_TOKEN=$(loket_token "$DB" c-worker worker)
"$PY" "$ROOT/tests/support/http_receiver.py" --port-file "$WORK/http.port" --log "$WORK/http.log" \
  --delay 1.0 2>"$WORK/http.err" &
PIDS+=($!)
for ((i = 0; i < 100; i++)); do [[ -s "$WORK/http.port" ]] && break; sleep 0.1; done
[[ -s "$WORK/http.port" ]] || fail "the gateway did not start"
API="127.0.0.1:$(pg_free_port)"
"$LOKET_BIN_DIR/loketd" --listen="$API" --db="$DB" --pool_size=4 --log_requests=false \
  --quiet_hours=off >>"$WORK/loketd.log" 2>&1 &
PIDS+=($!)
loket_wait_healthy "$LOKET_BIN_DIR" "$API" || fail "loketd did not start"

# The cases first, then the notifier: the whole backlog is there when it starts.
"$LOKET_BIN_DIR/submit_load" --addr="$API" --token="$CLINIC_TOKEN" --concurrency=4 --rate=96 \
  --duration=0.5 --warmup=0 >"$WORK/load.out" 2>&1
expected=$(psql -X -At -d "$DB" -c "SELECT count(*) FROM notifications")
((expected >= 40)) || fail "only $expected messages to send"
"$LOKET_BIN_DIR/loket-notifier" --addr="$API" --token="$WORKER_TOKEN" --channel_concurrency=12 \
  --webhook_url="http://127.0.0.1:$(cat "$WORK/http.port")/send" >>"$WORK/notifier.log" 2>&1 &
PIDS+=($!)
echo "== $expected messages, the gateway answering each after 1 s"
for ((i = 0; i < 600; i++)); do
  pending=$(psql -X -At -d "$DB" -c "SELECT count(*) FROM notifications WHERE status <> 'sent'")
  ((pending == 0)) && break
  sleep 0.1
done
((pending == 0)) || fail "$pending of $expected messages not sent within 60 s"

"$PY" - "$WORK/http.log" "$expected" <<'PYEOF'
import json, re, sys
log, expected = sys.argv[1], int(sys.argv[2])
posts = [json.loads(l) for l in open(log) if l.strip()]
at = sorted(p["received_at"] for p in posts)
peak = max(sum(1 for t in at if r - 0.9 < t <= r) for r in at)
ids = {int(re.search(r"(\d+)$", p["idempotency_key"]).group(1)) for p in posts}
print(f"   {len(ids)} distinct messages in {len(posts)} posts; at most {peak} arrived within 0.9 s")
ok = True
if len(ids) != expected:
    print(f"FAIL: {len(ids)} distinct messages reached the gateway, {expected} expected"); ok = False
if peak < 8:
    print(f"FAIL: at most {peak} messages in flight at once: deliveries are not concurrent"); ok = False
if peak > 12:
    print(f"FAIL: {peak} messages in flight at once, over the bound of 12"); ok = False
sys.exit(0 if ok else 1)
PYEOF
