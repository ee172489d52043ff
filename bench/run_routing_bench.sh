#!/usr/bin/env bash
# Routing benchmark (DESIGN.md section 8): loket-router --instance on every Solomon (56) and Li & Lim
# (29) instance, one at a time (the solver is single-threaded), each solution validated by
# loket-router-check (the independent checker, reading the printed JSON). Prints one row per
# instance and averages per class, and writes the rows to a CSV.
#
#   bench/run_routing_bench.sh DATA_DIR [TIME_LIMIT=10]
#
# DATA_DIR holds solomon_100/*.txt, solomon_100_bks.csv, li_lim_100/*.txt and li_lim_100_bks.csv:
# /work/shared/data/routing on the project's machines, or assembled from the public sources
# (vroom-scripts benchmarks/VRPTW for Solomon and its BKS.json; rogalski-wmii-uni-lodz-pl/
# vrp-benchmarks instances/LiLim and tables.csv for Li & Lim).
# Gaps: Solomon against the distance-only best-known (mindist_* columns: solved with vehicle cost
# 0); Li & Lim against the hierarchical best-known (fewest vehicles, then distance). Environment:
# LOKET_BIN_DIR (default build/bin), SEED (1), CSV (routing_bench.csv), VEHICLE_COST (-1 = the
# bench's default per format), ONLY (a regex on instance names, to run a subset).
set -euo pipefail
export LC_ALL=C  # printf and awk read "828.94" in any locale
cd "$(dirname "$0")/.."

DATA=${1:?usage: $0 DATA_DIR [TIME_LIMIT]}
LIMIT=${2:-10}
BIN=${LOKET_BIN_DIR:-$PWD/build/bin}
SEED=${SEED:-1}
CSV=${CSV:-routing_bench.csv}  # docs/benchmarks-routing.csv holds the published run
VEHICLE_COST=${VEHICLE_COST:--1}
ONLY=${ONLY:-.}
WORK=$(mktemp -d /tmp/loket-routing-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

echo "family,instance,class,vehicles,distance,bks_vehicles,bks_distance,gap_percent,seconds,feasible" >"$CSV"

run_one() {  # family file class bks_vehicles bks_distance
  local family=$1 file=$2 class=$3 bks_v=$4 bks_d=$5
  local name start end secs json check feasible vehicles distance gap
  name=$(basename "$file" .txt)
  start=$(date +%s.%N)
  if ! "$BIN/loket-router" --instance "$file" --time-limit "$LIMIT" --seed "$SEED" \
      --vehicle_cost "$VEHICLE_COST" >"$WORK/$name.json" 2>"$WORK/$name.log"; then
    echo "$family,$name,$class,,,$bks_v,$bks_d,,,solver-error" >>"$CSV"
    printf '%-8s %-6s solver error: %s\n' "$name" "$class" "$(tail -1 "$WORK/$name.log")"
    return
  fi
  end=$(date +%s.%N)
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  if check=$("$BIN/loket-router-check" --instance "$file" --solution "$WORK/$name.json"); then
    feasible=yes
  else
    feasible=NO
    echo "  $name: $check" >&2
  fi
  vehicles=$(sed -E 's/.*"vehicles": ([0-9]+).*/\1/' "$WORK/$name.json")
  distance=$(sed -E 's/.*"distance": ([0-9.]+).*/\1/' "$WORK/$name.json")
  gap=$(awk -v d="$distance" -v b="$bks_d" 'BEGIN { printf "%.2f", 100 * (d - b) / b }')
  echo "$family,$name,$class,$vehicles,$distance,$bks_v,$bks_d,$gap,$secs,$feasible" >>"$CSV"
  printf '%-8s %-5s %4s %10.2f %4s %10.2f %7s %6s %s\n' "$name" "$class" "$vehicles" \
    "$distance" "$bks_v" "$bks_d" "$gap" "$secs" "$feasible"
}

printf '%-8s %-5s %4s %10s %4s %10s %7s %6s %s\n' instance class veh distance bksV bksDist \
  'gap%' secs feasible
# Solomon: instance,class,fleet,capacity,bks_vehicles,bks_distance,mindist_vehicles,mindist_distance
while IFS=, read -r name class _ _ _ _ md_v md_d; do
  [[ "$name" == instance ]] && continue
  [[ "$name" =~ $ONLY ]] || continue
  run_one solomon "$DATA/solomon_100/$name.txt" "$class" "$md_v" "$md_d"
done < <(tr -d '\r' <"$DATA/solomon_100_bks.csv")
# Li & Lim: instance,bks_vehicles,bks_distance,date,found_by; class from the name (lr1xx -> LR1).
while IFS=, read -r name bks_v bks_d _ _; do
  [[ "$name" == instance ]] && continue
  [[ "$name" =~ $ONLY ]] || continue
  class=$(echo "$name" | sed -E 's/^([a-z]+)([0-9]).*/\1\2/' | tr a-z A-Z)
  run_one lilim "$DATA/li_lim_100/$name.txt" "$class" "$bks_v" "$bks_d"
done < <(tr -d '\r' <"$DATA/li_lim_100_bks.csv")

echo
echo "Averages per class (Solomon gap: distance-only best-known; Li & Lim: hierarchical best-known)"
awk -F, 'NR > 1 && $10 != "solver-error" {
    k = $1 "," $3; n[k]++; v[k] += $4; d[k] += $5; bv[k] += $6; bd[k] += $7; g[k] += $8;
    s[k] += $9; if ($10 == "yes") f[k]++;
    fam = $1; N[fam]++; V[fam] += $4; BV[fam] += $6; G[fam] += $8; S[fam] += $9;
    if ($10 == "yes") F[fam]++
  }
  END {
    printf "%-8s %-5s %3s %7s %10s %7s %10s %7s %6s %s\n", "family", "class", "n", "veh", "distance",
      "bksV", "bksDist", "gap%", "secs", "feasible"
    for (k in n) {
      split(k, p, ",")
      printf "%-8s %-5s %3d %7.2f %10.2f %7.2f %10.2f %7.2f %6.1f %d/%d\n", p[1], p[2], n[k],
        v[k] / n[k], d[k] / n[k], bv[k] / n[k], bd[k] / n[k], g[k] / n[k], s[k] / n[k], f[k], n[k]
    }
    for (fam in N) {
      printf "%-8s %-5s %3d %7.2f %10s %7.2f %10s %7.2f %6.1f %d/%d  (vehicles %+.1f%% vs best-known)\n",
        fam, "all", N[fam], V[fam] / N[fam], "", BV[fam] / N[fam], "", G[fam] / N[fam],
        S[fam] / N[fam], F[fam], N[fam], 100 * (V[fam] - BV[fam]) / BV[fam]
    }
  }' "$CSV" | sort -k1,1 -k2,2
echo "rows written to $CSV"
