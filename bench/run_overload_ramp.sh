#!/usr/bin/env bash
# Overload ramp (issue 12): clinic submissions from 8 up to 2,048 concurrent callers, each call with
# a 1 s deadline, against one loketd (pool 16). Per step: goodput (answers the caller got in time),
# p99 of those, the calls refused at once (RESOURCE_EXHAUSTED) or late (DEADLINE_EXCEEDED), the
# cases committed for callers who had already given up, loketd's threads and RSS; then RSS after
# the load stops. The baseline is the first step (8 callers) of the same run. After
# RESOURCE_EXHAUSTED ("try again in 1 s") a caller waits about a second; after DEADLINE_EXCEEDED it
# calls again at once.
#
#   bench/run_overload_ramp.sh [CALLERS...]     default: 8 64 256 1024 2048; DURATION=10 s each
#
# BACKOFF_MS (default 1000) sets the callers' wait after a refusal; with BACKOFF_DOUBLING=1 each
# further refusal in a row doubles it (up to 16 x), as gRPC's retry policy does. With PUSHBACK=1 they
# wait what loketd's refusal asks (grpc-retry-pushback-ms, server/api/retry_hint.h), as a gRPC
# client with a retry policy would. asked_ms: the p50/p90 of the waits loketd asked for (0/0 when
# the callers did not read them). The last column
# counts database sessions opened in the step (before 2026-12-02 a call cut off at its deadline cost
# loketd its pooled connection; now it is cancelled in PostgreSQL and the connection kept).
#
# ONCE=1 plays a flash crowd instead of callers who keep calling: each caller stops after its first
# answer in time (submit_load --once, no warm-up), and under each step the script prints how many
# got in and when the last did.
#
# TIMELINE=1 also prints, under each step, its answers and refusals second by second.
#
# PIN=1 gives the load generator a core of its own: PostgreSQL, loketd and this script run on core 0
# (taskset, inherited by what it starts), submit_load on core 1. Without it all share both cores.
#
# It starts its own PostgreSQL (fsync on) and loketd, and stops both at exit. Build first.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib-stack.sh
CLIENT_CORE=()
if [[ ${PIN:-} ]]; then
  taskset -cp 0 $$ >/dev/null
  CLIENT_CORE=(taskset -c 1)
fi

BIN=${LOKET_BIN_DIR:-$PWD/build/bin}
DURATION=${DURATION:-10}
STEPS=("$@")
((${#STEPS[@]})) || STEPS=(8 64 256 1024 2048)

loket_stack_begin loket-ramp
loket_fresh_db "$WORK" "$BIN"
TOKEN=$(loket_token "$DB" ramp-clinic clinic pkm-klandasan-ilir)
# shellcheck disable=SC2086  # LOKETD_FLAGS: extra loketd flags, split on spaces
loket_start_loketd "$BIN" --pool_size=16 ${LOKETD_FLAGS:-}

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$LOKETD_PID/status"; }
threads() { awk '/Threads/ {print $2}' "/proc/$LOKETD_PID/status"; }
cases() { psql -X -At -d "$DB" -c "SELECT count(*) FROM cases"; }
# Database sessions opened so far (psql's own included: one per call of this function).
sessions() { psql -X -At -d "$DB" -c "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"; }
# CPU time of process $1 in clock ticks (USER_HZ, 100 a second); with $2 set, with that of the
# children it has reaped.
ticks() { awk -v reaped="${2:-}" '{print $14 + $15 + (reaped ? $16 + $17 : 0)}' "/proc/$1/stat" 2>/dev/null || echo 0; }
loketd_ticks() { ticks "$LOKETD_PID"; }
# PostgreSQL's: its postmaster with the backends it has reaped, plus every live backend.
pg_ticks() {
  local pm p t
  pm=$(head -n 1 "$WORK/pg/data/postmaster.pid")
  t=$(ticks "$pm" reaped)
  for p in $(pgrep -P "$pm"); do t=$((t + $(ticks "$p"))); done
  echo "$t"
}
field() { grep -oE "\"$1\": [0-9.]+" <<<"$2" | awk '{print $2}' | head -n 1; }
code() { grep -oE "\"$1\": [0-9]+" <<<"$2" | awk '{print $2}' | head -n 1; }
series() { grep -oE "\"$1\": \[[0-9,]*" <<<"$2" | cut -d '[' -f 2; }  # a JSON array of numbers

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); loketd --pool_size=16," \
  "deadline 1 s per call, 1 s back-off after a refusal, $DURATION s per step"
idle_rss=$(rss_mb)
echo "loketd idle: RSS $idle_rss MB, $(threads) threads"
printf '%-8s %10s %8s %8s %10s %10s %12s %8s %8s %8s %11s %11s %s\n' callers ok_per_s p50_ms p99_ms refused late \
  late_commits threads rss_mb sessions asked_ms got_in_ms cpu_ms_per_commit
# got_in_ms: p50/p90 of the time from a caller's first refusal to its next answer in time, over the
# refused callers who got one within the step (how long a refused person waited to get in), and
# after the slash-separated pair, in brackets, the callers still refused when the step ended.
# cpu_ms_per_commit: loketd's and PostgreSQL's CPU time over the step (warm-up included) per case
# committed in it, as loketd/postgres: where a busier step's time goes.
for c in "${STEPS[@]}"; do
  before=$(cases)
  sessions_before=$(sessions)
  loketd_before=$(loketd_ticks)
  pg_before=$(pg_ticks)
  peak_threads=0
  peak_rss=0
  (
    # setsid: a session of its own, as a client on another machine, so that the kernel does not
    # weigh the generator's threads against loketd's (autogroup; loketd's pool runs at nice 10).
    setsid -w ${CLIENT_NICE:+nice -n "$CLIENT_NICE"} "${CLIENT_CORE[@]}" "$BIN/submit_load" --addr="127.0.0.1:$API_PORT" --token="$TOKEN" --concurrency="$c" \
      --channels=$((c < 256 ? c : 256)) --deadline_ms=1000 --backoff_ms=${BACKOFF_MS:-1000} ${BACKOFF_DOUBLING:+--backoff_doubling} ${PUSHBACK:+--backoff_pushback} --async ${ONCE:+--once} --warmup=$([[ ${ONCE:-} ]] && echo 0 || echo 1) --duration="$DURATION" \
      --json 2>/dev/null | tail -n 1 >"$WORK/step.json" || true
  ) &
  load=$!
  while kill -0 "$load" 2>/dev/null; do
    t=$(threads)
    r=$(rss_mb)
    ((t > peak_threads)) && peak_threads=$t
    ((r > peak_rss)) && peak_rss=$r
    sleep 0.5
  done
  wait "$load" || true
  sleep 2  # calls still running in loketd finish or are cut off
  out=$(cat "$WORK/step.json")
  acked=$(field acknowledged "$out")
  committed=$(($(cases) - before))
  cpu=$(awk -v l=$(($(loketd_ticks) - loketd_before)) -v p=$(($(pg_ticks) - pg_before)) -v n="$committed" \
    'BEGIN {printf "%.2f/%.2f", l * 10 / (n ? n : 1), p * 10 / (n ? n : 1)}')
  printf '%-8s %10s %8s %8s %10s %10s %12s %8s %8s %8s %11s %11s %s\n' "$c" "$(field per_second "$out")" \
    "$(field p50_ms "$out")" "$(field p99_ms "$out")" "$(code 8 "$out" || true)" \
    "$(code 4 "$out" || true)" "$((committed - acked))" "$peak_threads" "$peak_rss" \
    "$(($(sessions) - sessions_before - 2))" \
    "$(field asked_p50_ms "$out")/$(field asked_p90_ms "$out")" \
    "$(field got_in_p50_ms "$out")/$(field got_in_p90_ms "$out")($(field still_out "$out"))" "$cpu"
  if [[ ${ONCE:-} ]]; then
    echo "  got in: $(field got_in "$out") after a refusal, $((c - $(field still_out "$out"))) of $c in all;" \
      "the last $(field last_in_s "$out") s after the start"
  fi
  if [[ ${TIMELINE:-} ]]; then
    echo "  ok by second:      $(series ok_by_second "$out")"
    echo "  refused by second: $(series refused_by_second "$out")"
  fi
done
for wait_s in 15 30; do
  sleep 15
  echo "after the load: ${wait_s} s later RSS $(rss_mb) MB, $(threads) threads (idle was $idle_rss MB)"
done
