#!/usr/bin/env bash
# The pages' first load (issues 9 and 10): JS, CSS, HTML and API bytes as transferred (gzipped by
# loket-web) and the time to a usable page without throttling, on DevTools' "Fast 3G" and "Slow 3G",
# in Debian's Chromium (bench/page_load_bench.mjs; never a timed test).
#
#   bench/run_page_load_bench.sh [RUNS]      default 3 runs per page and network condition
#   PAGES=clinic,book bench/run_page_load_bench.sh
#
# Starts its own PostgreSQL (LOKET_TEST_PG when set is used instead), and through web/tests/harness.mjs
# a fresh database, loketd and loket-web; stops them at exit. Needs build/bin (or LOKET_BIN_DIR) and a
# built web/ (cd web && npm run build). Results go to stdout (Markdown); copy them into
# docs/benchmarks.md ("Pages: first load").
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
PAGES=${PAGES:-signin,clinic,desk,home,book}
export LOKET_BIN_DIR=${LOKET_BIN_DIR:-$PWD/build/bin}
[[ -f web/dist/server/main.js && -f web/dist/app/index.html ]] || { echo "run_page_load_bench: build web/ first (npm run build)" >&2; exit 1; }
[[ -x "${LOKET_CHROMIUM:-/usr/bin/chromium}" ]] || { echo "run_page_load_bench: no ${LOKET_CHROMIUM:-/usr/bin/chromium}" >&2; exit 1; }

if [[ -z "${LOKET_TEST_PG:-}" ]]; then
  # shellcheck source=deploy/pg.sh
  source deploy/pg.sh
  PG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/loket-pageload-pg.XXXXXX")
  chmod 0711 "$PG_TMP"
  trap 'pg_stop "$PG_TMP/pg" >/dev/null 2>&1 || true; rm -rf "$PG_TMP"' EXIT
  port=$(pg_free_port)
  pg_start "$PG_TMP/pg" "$port" >/dev/null
  pg_wait "$port"
  export LOKET_TEST_PG="host=127.0.0.1 port=$port user=postgres dbname=postgres"
fi

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load average $(cut -d' ' -f1-3 /proc/loadavg)," \
  "Node $(node --version), $(/usr/bin/chromium --version 2>/dev/null | head -1)"
echo "web/dist/app built $(date -u -r web/dist/app/index.html '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD)"
node bench/page_load_bench.mjs --runs "$RUNS" --pages "$PAGES" --conds "${CONDS:-none,fast3g,slow3g}"
