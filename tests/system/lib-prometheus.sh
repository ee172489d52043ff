# shellcheck shell=bash
# For the system tests that run a real Prometheus (alert_routing, alert_cluster). Source it; it
# defines functions only.
#
#   prom_wait_evaluations PROM ROUNDS
#                         waits until every rule group of the Prometheus at PROM (host:port) has been
#                         evaluated ROUNDS more times since the call (each group's lastEvaluation
#                         moved on ROUNDS times), each round within 30 s; prints which round did not
#                         come and returns 1 otherwise. An alert's state is then what the rules say
#                         of what was scraped, not of a time that usually holds ROUNDS evaluations.

_prom_evaluations() {  # PROM: every group's lastEvaluation, space separated
  curl -sf "http://$1/api/v1/rules" | python3 -c 'import json,sys
print(" ".join(g["lastEvaluation"] for g in json.load(sys.stdin)["data"]["groups"]))'
}

prom_wait_evaluations() {
  local prom=$1 rounds=$2 round seen now i
  for ((round = 1; round <= rounds; round++)); do
    seen=$(_prom_evaluations "$prom")
    for ((i = 0; i < 150; i++)); do
      now=$(_prom_evaluations "$prom" 2>/dev/null || true)
      python3 -c 'import sys; a, b = sys.argv[1].split(), sys.argv[2].split()
sys.exit(0 if a and len(a) == len(b) and all(x != y for x, y in zip(a, b)) else 1)' "$seen" "$now" &&
        continue 2
      sleep 0.2
    done
    echo "the rules were not evaluated again within 30 s (round $round): $seen" >&2
    return 1
  done
}
