#!/usr/bin/env bash
# Notifier throughput against loketd's submission rate (issue 12, "the notifier falls behind"):
# clinics submit as fast as loketd accepts them (submit_load, CONCURRENCY callers, DURATION
# seconds) while one loket-notifier delivers each submission's message, through the file channel
# (fsync'd files) and then through the webhook channel (a real HTTP gateway,
# tests/support/http_receiver.py). For each channel and each notifier setting it prints the
# submission rate, the messages delivered per second during the burst, the backlog (messages not
# yet sent) when the burst ends, and how long the notifier then needs to drain it.
#
#   bench/run_notify_bench.sh                       DURATION=20 CONCURRENCY=16
#   NOTIFIER_SETTINGS="--concurrency=4 --lease_batch=1|--lease_batch=32" bench/run_notify_bench.sh
#
# NOTIFIER_SETTINGS is a |-separated list of flag sets; the default compares the notifier as it was
# (4 threads, one task per poll) with today's defaults (empty set). Each run gets a fresh database.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib-stack.sh
BIN=${LOKET_BIN_DIR:-$PWD/build/bin}
DURATION=${DURATION:-20}
CONCURRENCY=${CONCURRENCY:-16}
CHANNELS=${CHANNELS:-"file webhook"}
NOTIFIER_SETTINGS=${NOTIFIER_SETTINGS:-"--concurrency=4 --lease_batch=1|"}
DRAIN_LIMIT=${DRAIN_LIMIT:-300}
PY=$(loket_python)

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); submit_load" \
  "--concurrency=$CONCURRENCY for ${DURATION}s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %-58s %9s %9s %10s %9s %9s\n' channel notifier submit/s sent/s backlog drain_s \
  overall/s

run_one() {  # CHANNEL FLAGS
  local channel=$1 flags=$2
  (
    loket_stack_begin loket-nbench
    loket_fresh_db "$WORK" "$BIN"
    local clinic worker api gw="" t0 t1 t2 pending total out per_s sent_burst
    clinic=$(loket_token "$DB" nb-clinic clinic pkm-klandasan-ilir)
    worker=$(loket_token "$DB" nb-worker worker)
    if [[ "$channel" == webhook ]]; then
      "$PY" tests/support/http_receiver.py --port-file "$WORK/http.port" --log "$WORK/http.log" \
        2>"$WORK/http.err" &
      STACK_PIDS+=($!)
      for ((i = 0; i < 100; i++)); do [[ -s "$WORK/http.port" ]] && break; sleep 0.1; done
      gw="--webhook_url=http://127.0.0.1:$(cat "$WORK/http.port")/send"
    fi
    loket_start_loketd "$BIN" --pool_size=16 --quiet_hours=off
    api="127.0.0.1:$API_PORT"
    # shellcheck disable=SC2086
    "$BIN/loket-notifier" --addr="$api" --token="$worker" --outbox_dir="$WORK/outbox" $gw $flags \
      2>"$WORK/notifier.log" &
    STACK_PIDS+=($!)
    sent() { psql -X -At -d "$DB" -c "SELECT count(*) FILTER (WHERE status = 'sent'), count(*) FROM notifications"; }
    t0=$(date +%s.%N)
    out=$("$BIN/submit_load" --addr="$api" --token="$clinic" --concurrency="$CONCURRENCY" \
      --duration="$DURATION" --warmup=0 --json | tail -n 1 || true)
    t1=$(date +%s.%N)
    read -r sent_burst total <<<"$(sent | tr '|' ' ')"
    pending=$((total - sent_burst))
    local now=$sent_burst
    while ((now < total)); do
      sleep 0.5
      read -r now _ <<<"$(sent | tr '|' ' ')"
      awk -v a="$(date +%s.%N)" -v b="$t1" -v l="$DRAIN_LIMIT" 'BEGIN {exit !(a - b > l)}' && break
    done
    t2=$(date +%s.%N)
    per_s=$(sed -E 's/.*"per_second": ([0-9.]+).*/\1/' <<<"$out")
    local shown=${flags:-"(defaults)"}
    awk -v c="$channel" -v f="$shown" -v s="$per_s" -v sb="$sent_burst" -v t0="$t0" -v t1="$t1" \
      -v t2="$t2" -v p="$pending" -v n="$now" -v tot="$total" 'BEGIN {
        drain = (n < tot) ? sprintf(">%.0f", t2 - t1) : sprintf("%.1f", t2 - t1);
        printf "%-8s %-58s %9.1f %9.1f %10d %9s %9.1f\n", c, f, s, sb / (t1 - t0), p, drain,
          n / (t2 - t0) }'
    # Stop the notifier first, while loketd can still take its last reports.
    kill "${STACK_PIDS[-1]}" 2>/dev/null || true
    wait "${STACK_PIDS[-1]}" 2>/dev/null || true
    if [[ "$channel" == webhook ]]; then
      "$PY" - "$WORK/http.log" <<'PYEOF'
import json, sys
keys = [json.loads(l)["idempotency_key"] for l in open(sys.argv[1]) if l.strip()]
if len(keys) != len(set(keys)):
    print(f"         (gateway saw {len(keys)} posts for {len(set(keys))} messages)")
PYEOF
    fi
  )
}

IFS='|' read -r -a SETTINGS <<<"$NOTIFIER_SETTINGS|"
for channel in $CHANNELS; do
  for flags in "${SETTINGS[@]}"; do
    run_one "$channel" "$flags"
  done
done
