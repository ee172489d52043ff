#!/usr/bin/env bash
# Builds Loket (C++ and web/) and runs every test (ctest, the browser tests in Chromium too) against a
# throwaway PostgreSQL 15 in a temporary directory on a free port. Independent of ./var and of a
# running demo. Exits with ctest's status.
#
# The tests get LOKET_TEST_PG (conninfo of the throwaway server; tests create their own databases) and
# LOKET_BIN_DIR (build/bin). On exit, also on Ctrl-C, everything started here is stopped and the
# temporary directory removed. Extra arguments go to ctest, e.g. deploy/test.sh -R Case -V.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=deploy/pg.sh
source deploy/pg.sh
# shellcheck source=deploy/lib-common.sh
source deploy/lib-common.sh
# shellcheck source=deploy/lib-web.sh
source deploy/lib-web.sh

bash deploy/install-deps.sh
loket_build build/loket-build.log
# The browser tests (ctest web_browser) run the built pages and loket-web.
loket_web_build build/web-build.log

TMP=$(mktemp -d "${TMPDIR:-/tmp}/loket-test.XXXXXX")
chmod 0711 "$TMP"  # the postgres user needs to reach $TMP/pg
RUN_TAG="LOKET_TEST_RUN=$TMP"
CTEST_PID=""

# Signals every process that carries this run's tag in its environment (everything ctest started,
# including servers a test forgot to stop), except this shell.
sweep() {
  local sig=$1 p pid
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [[ "$pid" == "$$" ]] && continue
    if grep -qzxF "$RUN_TAG" "$p/environ" 2>/dev/null; then
      kill "-$sig" "$pid" 2>/dev/null || true
    fi
  done
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$CTEST_PID" ]]; then
    kill -TERM -- "-$CTEST_PID" 2>/dev/null || true  # ctest's process group: ctest and its tests
    wait "$CTEST_PID" 2>/dev/null || true
  fi
  sweep TERM
  sleep 0.3
  sweep KILL
  pg_stop "$TMP/pg" || true
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A free port can be taken between the check and the start; try a few.
for attempt in 1 2 3; do
  PORT=$(pg_free_port)
  if LOKET_PG_FSYNC=off pg_start "$TMP/pg" "$PORT"; then
    break
  fi
  ((attempt < 3)) || {
    echo "test.sh: could not start PostgreSQL" >&2
    exit 1
  }
done
echo "Test PostgreSQL on 127.0.0.1:$PORT (data in $TMP/pg)"

export LOKET_TEST_PG="host=127.0.0.1 port=$PORT user=postgres dbname=postgres"
export LOKET_BIN_DIR="$PWD/build/bin"
export "$RUN_TAG"  # after pg_start: the tag marks what ctest starts, not PostgreSQL

# ctest runs as a background job in its own process group (set -m), so that the traps above run at
# once on a signal and can stop the whole group, and its tests see default SIGINT/SIGQUIT handling
# (without job control, background commands would ignore both).
rc=0
set -m
ctest --test-dir build --output-on-failure -j2 --timeout 600 "$@" </dev/null &
CTEST_PID=$!
set +m
wait "$CTEST_PID" || rc=$?
CTEST_PID=""
exit "$rc"
