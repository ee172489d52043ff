#!/usr/bin/env bash
# Routing scale benchmark (issue 12: the router's memory grew with the square of a day's stops):
# peak memory (/usr/bin/time -v, maximum resident set size) and wall time of loket-router on one
# synthetic courier day of each size, with the independent checker on every solution. A sibling of
# run_routing_bench.sh (which measures quality on the 100-stop literature instances).
#
#   bench/run_routing_scale_bench.sh [SIZES="500 2000 8000 20000"] [TIME_LIMIT=5]
#
# The day: a 30 x 30 km city (planar, km), the office in the middle, travel 1 km per minute; a
# 10-hour shift (0..600 min); every stop demand 1, 5 min of service, half of them with a 2-hour
# window and half open all day; one courier of capacity 40 per 30 stops. Written in Solomon's
# format (generated here with a fixed seed, so every run plans the same days) and solved with
# `loket-router --instance` (the same Solve the worker calls; 5 s matches --plan_seconds).
# Environment: LOKET_BIN_DIR (default build/bin); BASELINE_BIN_DIR, a build of the router from
# before the change (commit 2080ad7), run on the same days as the baseline, except above
# BASELINE_MAX stops (default 8000: the old code needed 1.28 GB there and ~24 GB at 23,000);
# CSV (routing_scale_bench.csv).
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."

SIZES=${1:-500 2000 8000 20000}
LIMIT=${2:-5}
BIN=${LOKET_BIN_DIR:-$PWD/build/bin}
BASE=${BASELINE_BIN_DIR:-}
BASELINE_MAX=${BASELINE_MAX:-8000}
CSV=${CSV:-routing_scale_bench.csv}
WORK=$(mktemp -d /tmp/loket-routing-scale.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

make_day() {  # stops file
  awk -v n="$1" 'BEGIN {
    srand(12);
    printf "DAY%d\n\nVEHICLE\nNUMBER     CAPACITY\n  %d   40\n\nCUSTOMER\n", n, int((n + 29) / 30);
    printf "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\n\n";
    printf "%d %.3f %.3f %d %d %d %d\n", 0, 15, 15, 0, 0, 600, 0;
    for (i = 1; i <= n; i++) {
      x = 30 * rand(); y = 30 * rand();
      if (i % 2) { ready = 0; due = 600 } else { ready = int(60 * rand() * 8); due = ready + 120 }
      printf "%d %.3f %.3f %d %d %d %d\n", i, x, y, 1, ready, due, 5;
    }
  }' >"$2"
}

echo "stops,code,peak_rss_mb,wall_s,vehicles,distance,unassigned,areas,feasible" >"$CSV"
run() {  # label bin_dir file stops
  local label=$1 dir=$2 file=$3 stops=$4 out log rss wall veh dist unassigned areas feasible
  out="$WORK/$label-$stops.json"
  log="$WORK/$label-$stops.log"
  if ! /usr/bin/time -v "$dir/loket-router" --instance "$file" --time-limit "$LIMIT" --seed 1 \
      >"$out" 2>"$log"; then
    echo "$stops,$label,,,,,,,solver-error" >>"$CSV"
    printf '%6s %-9s solver error: %s\n' "$stops" "$label" "$(grep -v '^\s' "$log" | tail -1)"
    return
  fi
  rss=$(awk '/Maximum resident set size/ { printf "%.0f", $NF / 1024 }' "$log")
  wall=$(awk '/Elapsed \(wall clock\)/ { n = split($NF, p, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.1f", s }' "$log")
  veh=$(sed -E 's/.*"vehicles": ([0-9]+).*/\1/' "$out")
  dist=$(sed -E 's/.*"distance": ([0-9.]+).*/\1/' "$out")
  unassigned=$(sed -nE 's/.* ([0-9]+) unassigned.*/\1/p' "$log" | head -1)
  areas=$(sed -nE 's/.* ([0-9]+) areas.*/\1/p' "$log" | head -1)
  # Unassigned stops fail the strict checker; the plan is checked only when every stop is routed.
  if [[ "${unassigned:-0}" == 0 ]] && "$dir/loket-router-check" --instance "$file" \
      --solution "$out" >/dev/null 2>&1; then
    feasible=yes
  elif [[ "${unassigned:-0}" != 0 ]]; then
    feasible=partial
  else
    feasible=NO
  fi
  echo "$stops,$label,$rss,$wall,$veh,$dist,${unassigned:-?},${areas:-1},$feasible" >>"$CSV"
  printf '%6s %-9s %8s MB %7s s %5s veh %12s dist %5s unassigned %3s areas %s\n' "$stops" \
    "$label" "$rss" "$wall" "$veh" "$dist" "${unassigned:-?}" "${areas:-1}" "$feasible"
}

echo "host: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)," \
  "time limit ${LIMIT}s"
for n in $SIZES; do
  make_day "$n" "$WORK/day$n.txt"
  if [[ -n "$BASE" && "$n" -le "$BASELINE_MAX" ]]; then run baseline "$BASE" "$WORK/day$n.txt" "$n"; fi
  run new "$BIN" "$WORK/day$n.txt" "$n"
done
# Normal days (up to --max_area_stops stops) take the same path as before: with an iteration limit
# instead of a time limit the search is deterministic, and the routes must be the baseline's.
if [[ -n "$BASE" ]]; then
  for n in $SIZES; do
    [[ "$n" -le 1000 ]] || continue
    for dir in "$BASE" "$BIN"; do
      "$dir/loket-router" --instance "$WORK/day$n.txt" --time-limit 100000 --max-iterations 2000 \
        --seed 1 2>/dev/null | md5sum | cut -c1-32
    done | uniq | awk -v n="$n" 'END { print n " stops, 2000 iterations: same routes as the " \
      "baseline: " (NR == 1 ? "yes" : "NO") }'
  done
fi
echo "rows written to $CSV"
