#!/usr/bin/env bash
# Runs the browser tests: every web/tests/*.test.mjs with node's test runner, one file at a time
# (each file starts its own Loket stack through harness.mjs, and Chromium is heavy on 2 cores).
# Exits non-zero when a test fails. ctest runs it as `web_browser` (tests/web/CMakeLists.txt).
#
#   web/tests/run.sh                       all files
#   web/tests/run.sh web/tests/edge.test.mjs   some files
#
# Environment: LOKET_TEST_PG (conninfo of a PostgreSQL for throwaway databases; when unset, one is
# started in a temp directory for this run), LOKET_BIN_DIR (default build/bin), LOKET_TEST_KEEP=1
# keeps the stacks' logs. Needs a built web/ (cd web && npm ci && npm run build); builds nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."

export LOKET_BIN_DIR=${LOKET_BIN_DIR:-$PWD/build/bin}
if [[ ! -f web/dist/server/main.js || ! -f web/dist/app/index.html ]]; then
  echo "run.sh: web/ is not built (cd web && npm ci && npm run build)" >&2
  exit 1
fi
if [[ ! -x "${LOKET_CHROMIUM:-/usr/bin/chromium}" ]]; then
  echo "run.sh: ${LOKET_CHROMIUM:-/usr/bin/chromium} not found (deploy/install-deps.sh installs Debian's chromium)" >&2
  exit 1
fi

if [[ -z "${LOKET_TEST_PG:-}" ]]; then
  # shellcheck source=deploy/pg.sh
  source deploy/pg.sh
  PG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/loket-web-pg.XXXXXX")
  chmod 0711 "$PG_TMP"
  trap 'pg_stop "$PG_TMP/pg" || true; rm -rf "$PG_TMP"' EXIT
  port=$(pg_free_port)
  LOKET_PG_FSYNC=off pg_start "$PG_TMP/pg" "$port"
  export LOKET_TEST_PG="host=127.0.0.1 port=$port user=postgres dbname=postgres"
fi

files=("$@")
if ((${#files[@]} == 0)); then
  shopt -s nullglob
  files=(web/tests/*.test.mjs)
fi
if ((${#files[@]} == 0)); then
  echo "run.sh: no web/tests/*.test.mjs" >&2
  exit 1
fi
# Not exec: the trap above stops the throwaway PostgreSQL afterwards.
node --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
