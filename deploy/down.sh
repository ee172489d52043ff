#!/usr/bin/env bash
# Stops the demo started by deploy/up.sh: loket-web, the workers and loketd named by var/run/*.pid
# (SIGTERM, then waits for them to drain), then the PostgreSQL cluster in var/pg. Keeps the data; safe
# to run twice.
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

if [[ -f var/pg/data/postmaster.pid ]]; then
  echo "Stopping PostgreSQL (var/pg) ..."
  pg_stop var/pg
fi
echo "Loket is down (data kept in var/pg; delete var/ to start from scratch)."
