#!/usr/bin/env bash
# Screens against the stream pool (issue 12): for N display boards open at once (WatchQueue
# streams, each looking at the database every 200 ms), or N phones (PHONES=1, below), how soon a
# change reaches every screen, how late loketd's looks run (loket_watch_look_late_seconds, its max
# over the step), loketd's threads and CPU, PostgreSQL's CPU. The baseline is the first step (one
# screen) of the same run.
#
#   bench/run_watch_fanout.sh [BOARDS...]     default: 1 100 500 1000 2000; DURATION=10 s each
#
# loketd's figures are taken while the changes run (watch_load --mark_dir), not while the screens
# open or drain.
# PHONES=1: applicants' phones (WatchQueuePosition, a look every 2 s) following 20 tickets instead
# of boards, and a desk calling the next ticket instead of walk-ins; `click` is then from the call to
# the phones of that ticket showing that its turn has come. INTERVAL_MS (500): time between changes.
# LOKETD_FLAGS: extra loketd flags (e.g. --stream_threads=1). It starts its own PostgreSQL (fsync
# on) and loketd, and stops both at exit. Build first.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib-stack.sh

BIN=${LOKET_BIN_DIR:-$PWD/build/bin}
DURATION=${DURATION:-10}
STEPS=("$@")
((${#STEPS[@]})) || STEPS=(1 100 500 1000 2000)

loket_stack_begin loket-fanout
loket_fresh_db "$WORK" "$BIN"
TOKEN=$(loket_token "$DB" fanout-admin admin)
ADMIN_PORT=$(pg_free_port)
PHONE_ARGS=()
if [[ ${PHONES:-} ]]; then  # the phones claim addresses of their own, as loket-web's browsers do
  head -c 32 /dev/urandom | base64 | tr -d '\n' >"$WORK/edge.key"
  PHONE_ARGS=(--phones --edge_key="$(cat "$WORK/edge.key")"
    --desk_token="$(loket_token "$DB" fanout-desk officer)")
  LOKETD_FLAGS="${LOKETD_FLAGS:-} --edge_key_file=$WORK/edge.key"
fi
# shellcheck disable=SC2086  # LOKETD_FLAGS: extra loketd flags, split on spaces
loket_start_loketd "$BIN" --admin_listen="127.0.0.1:$ADMIN_PORT" ${LOKETD_FLAGS:-}

threads() { awk '/Threads/ {print $2}' "/proc/$LOKETD_PID/status"; }
# CPU seconds used so far by loketd, and by this stack's PostgreSQL (the postmaster and its
# children; loketd's pooled backends live through the step).
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }
PG_MAIN=$(head -n 1 "$WORK/pg/data/postmaster.pid")
pg_cpu_s() {  # the postmaster's own and its exited children's (fields 16, 17), and the live ones'
  local p total
  total=$(awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15 + $16 + $17) / hz}' "/proc/$PG_MAIN/stat")
  for p in $(pgrep -P "$PG_MAIN"); do
    total=$(awk -v t="$total" -v hz="$(getconf CLK_TCK)" '{print t + ($14 + $15) / hz}' \
      "/proc/$p/stat" 2>/dev/null || echo "$total")
  done
  echo "$total"
}
metric() { curl -sf "http://127.0.0.1:$ADMIN_PORT/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
field() { sed -E "s/.*\"$1\": ([0-9.]+).*/\1/" <<<"$2"; }

SCREENS=boards
[[ ${PHONES:-} ]] && SCREENS=phones
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); loketd ${LOKETD_FLAGS:-(defaults)};" \
  "${PHONES:+phones; }one change every ${INTERVAL_MS:-500} ms for $DURATION s per step"
printf '%-7s %7s %10s %10s %10s %10s %8s %9s %8s %8s %9s %9s\n' "$SCREENS" drawn first_p99 click_p50 \
  click_p99 click_max missed late_max looks_s threads loketd_cpu pg_cpu
for n in "${STEPS[@]}"; do
  rm -f "$WORK/start" "$WORK/end"
  "$BIN/watch_load" --addr="127.0.0.1:$API_PORT" --token="$TOKEN" --streams="$n" \
    --channels=$(((n + 249) / 250)) --duration="$DURATION" --interval_ms="${INTERVAL_MS:-500}" \
    --mark_dir="$WORK" "${PHONE_ARGS[@]}" --json >"$WORK/step.out" 2>"$WORK/step.err" &
  load=$!
  peak_threads=0
  max_late=0
  # loketd is measured while the changes run: not the opening of the screens, nor the drain after.
  while [[ ! -e "$WORK/start" ]] && kill -0 "$load" 2>/dev/null; do sleep 0.1; done
  looks0=$(metric loket_watch_looks_total)
  l0=$(cpu_s "$LOKETD_PID")
  p0=$(pg_cpu_s)
  t0=$(date +%s.%N)
  while [[ ! -e "$WORK/end" ]] && kill -0 "$load" 2>/dev/null; do
    t=$(threads)
    ((t > peak_threads)) && peak_threads=$t
    l=$(metric loket_watch_look_late_seconds || echo 0)
    max_late=$(awk -v a="$max_late" -v b="${l:-0}" 'BEGIN {print (b > a ? b : a)}')
    sleep 0.5
  done
  secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {print b - a}')
  looks=$(awk -v a="$looks0" -v b="$(metric loket_watch_looks_total)" -v s="$secs" \
    'BEGIN {printf "%.0f", (b - a) / s}')
  l1=$(cpu_s "$LOKETD_PID")
  p1=$(pg_cpu_s)
  if ! wait "$load"; then
    echo "watch_load failed: $(tail -n 3 "$WORK/step.err")" >&2
  fi
  [[ ${DEBUG:-} ]] && tail -n 5 "$WORK/step.err" "$WORK/step.out" >&2
  out=$(tail -n 1 "$WORK/step.out")
  [[ "$out" == "{"* ]] || { echo "no result for $n: $(tail -n 3 "$WORK/step.err")" >&2; continue; }
  printf '%-7s %7s %10s %10s %10s %10s %8s %9.3f %8s %8s %8.0f%% %8.0f%%\n' "$n" "$(field drawn "$out")" \
    "$(field first_message_p99_ms "$out")" "$(field fanout_p50_ms "$out")" \
    "$(field fanout_p99_ms "$out")" "$(field fanout_max_ms "$out")" "$(field missed "$out")" \
    "$max_late" "$looks" "$peak_threads" \
    "$(awk -v a="$l0" -v b="$l1" -v s="$secs" 'BEGIN {print 100 * (b - a) / s}')" \
    "$(awk -v a="$p0" -v b="$p1" -v s="$secs" 'BEGIN {print 100 * (b - a) / s}')"
done
