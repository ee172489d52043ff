#!/usr/bin/env bash
# Issue 12: the router planned a day in memory that grew with the square of its stops (1.28 GB at
# 8,000 stops, killed at ~23,000). A 20,000-stop day through the real loket-router process, with its
# address space capped at 1 GB (the old router needed 8 GB for this day and aborted with bad_alloc at
# once): it must finish, say it planned by area (the fallback), and its plan must pass the
# independent checker with every stop routed. Outcomes only: exit codes, the log line, the checker.
set -euo pipefail
BIN=${LOKET_BIN_DIR:?set LOKET_BIN_DIR}
WORK=$(mktemp -d /tmp/loket-router-memory.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# The day of bench/run_routing_scale_bench.sh: 30 x 30 km, office in the middle, one courier of
# capacity 40 per 30 stops, half the stops with a 2-hour window.
awk -v n=20000 'BEGIN {
  srand(12);
  printf "DAY%d\n\nVEHICLE\nNUMBER     CAPACITY\n  %d   40\n\nCUSTOMER\n", n, int((n + 29) / 30);
  printf "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\n\n";
  printf "%d %.3f %.3f %d %d %d %d\n", 0, 15, 15, 0, 0, 600, 0;
  for (i = 1; i <= n; i++) {
    x = 30 * rand(); y = 30 * rand();
    if (i % 2) { ready = 0; due = 600 } else { ready = int(60 * rand() * 8); due = ready + 120 }
    printf "%d %.3f %.3f %d %d %d %d\n", i, x, y, 1, ready, due, 5;
  }
}' >"$WORK/day.txt"

if ! (ulimit -v 1048576 && "$BIN/loket-router" --instance "$WORK/day.txt" --time-limit 1 \
    --seed 1 >"$WORK/plan.json" 2>"$WORK/log"); then
  echo "FAIL: loket-router did not plan a 20,000-stop day within 1 GB of address space:" >&2
  cat "$WORK/log" >&2
  exit 1
fi
if ! grep -q " 0 unassigned, 20 areas" "$WORK/log"; then
  echo "FAIL: expected every stop routed, in 20 areas (the split by area):" >&2
  cat "$WORK/log" >&2
  exit 1
fi
if ! "$BIN/loket-router-check" --instance "$WORK/day.txt" --solution "$WORK/plan.json"; then
  echo "FAIL: the plan did not pass the checker" >&2
  exit 1
fi
echo "PASS: 20,000 stops planned in 20 areas within 1 GB, checked"
