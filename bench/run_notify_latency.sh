#!/usr/bin/env bash
# End-to-end notification latency (issue: p99 from transition to delivery under 1 s at 50 per second):
# clinics submit at RATE per second for DURATION seconds; each submission commits a case and a
# notify.send task; loket-notifier delivers it to a real HTTP gateway (tests/support/http_receiver.py).
# Latency = the gateway's receipt time minus the notification row's creation (the transaction's
# start, so it includes the submission's own commit). One machine: the clocks agree.
#
#   RATE=50 DURATION=10 bench/run_notify_latency.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib-stack.sh
BIN=${LOKET_BIN_DIR:-$PWD/build/bin}
RATE=${RATE:-50}
DURATION=${DURATION:-10}
PY=$(loket_python)

loket_stack_begin loket-bench

loket_fresh_db "$WORK" "$BIN"
CLINIC=$(loket_token "$DB" b-clinic clinic pkm-klandasan-ilir)
WORKER=$(loket_token "$DB" b-worker worker)

"$PY" tests/support/http_receiver.py --port-file "$WORK/http.port" --log "$WORK/http.log" \
  --fail-first 0 2>/dev/null &
STACK_PIDS+=($!)
for ((i = 0; i < 100; i++)); do [[ -s "$WORK/http.port" ]] && break; sleep 0.1; done
loket_start_loketd "$BIN" --quiet_hours=off
API="127.0.0.1:$API_PORT"
"$BIN/loket-notifier" --addr="$API" --token="$WORKER" --concurrency=4 \
  --webhook_url="http://127.0.0.1:$(cat "$WORK/http.port")/send" 2>"$WORK/notifier.log" &
STACK_PIDS+=($!)

"$BIN/submit_load" --addr="$API" --token="$CLINIC" --concurrency=4 --rate="$RATE" \
  --duration="$DURATION" --warmup=0
for ((i = 0; i < 100; i++)); do
  [[ "$(psql -X -At -d "$DB" -c "SELECT count(*) FROM notifications WHERE status <> 'sent'")" == 0 ]] && break
  sleep 0.1
done
psql -X -At -F ' ' -d "$DB" -c "SELECT id, extract(epoch FROM created_at) FROM notifications" >"$WORK/created"
"$PY" - "$WORK/created" "$WORK/http.log" "$RATE" <<'PYEOF'
import json, re, sys
created = {int(i): float(t) for i, t in (l.split() for l in open(sys.argv[1]) if l.strip())}
first = {}
for line in open(sys.argv[2]):
    e = json.loads(line)
    if e["status"] != 200:
        continue
    nid = int(re.search(r"(\d+)$", e["idempotency_key"]).group(1))
    first[nid] = min(first.get(nid, e["received_at"]), e["received_at"])
lat = sorted((first[n] - created[n]) * 1000 for n in created if n in first)
pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
print(f"transition -> gateway at {sys.argv[3]}/s: {len(lat)} of {len(created)} delivered, "
      f"p50 {pct(0.5):.1f} ms, p99 {pct(0.99):.1f} ms, max {lat[-1]:.1f} ms")
PYEOF
