#!/usr/bin/env bash
# Stops the demo started by deploy/up.sh: loket-web, the workers and loketd named by var/run/*.pid
# (SIGTERM, then waits for them to drain), then the PostgreSQL cluster in var/pg; and the cluster of
# deploy/up.sh --cluster in var/cluster, if one runs. Keeps the data; safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=deploy/pg.sh
source deploy/pg.sh
# shellcheck source=deploy/lib-common.sh
source deploy/lib-common.sh

shopt -s nullglob
# Workers first: on SIGTERM they finish or hand back their tasks, which needs loketd.
for f in var/run/*.pid; do
  [[ "$f" == var/run/loketd.pid ]] && continue
  echo "Stopping $(basename "$f" .pid) ..."
  loket_stop_pidfile "$f"
done
if [[ -f var/run/loketd.pid ]]; then
  echo "Stopping loketd ..."
  loket_stop_pidfile var/run/loketd.pid
fi

# The cluster of deploy/up.sh --cluster (issue 15), if one was started.
if [[ -f var/cluster/cluster.env ]]; then
  echo "Stopping the cluster (var/cluster) ..."
  # shellcheck source=deploy/cluster/lib-cluster.sh
  source deploy/cluster/lib-cluster.sh
  cluster_stop var/cluster
fi

if [[ -f var/pg/data/postmaster.pid ]]; then
  echo "Stopping PostgreSQL (var/pg) ..."
  pg_stop var/pg
fi
echo "Loket is down (data kept in var/pg; delete var/ to start from scratch)."
