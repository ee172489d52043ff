#!/usr/bin/env bash
# System test: README.md's walkthrough, exactly as written, against a stack started as deploy/up.sh
# starts it (loketd, loket-notifier, loket-scheduler, loket-router, the demo couriers and
# var/demo.env), but on free ports in a temporary directory.
#
# The commands are not copied here: every ```sh block between <!-- walkthrough:start --> and
# <!-- walkthrough:end --> in README.md is extracted, in order, into one script that runs in a clean
# environment (only HOME, PATH and LANG; the README sources var/demo.env itself) with
# `set -euo pipefail`, from a directory laid out like the repository root after up.sh: var/demo.env,
# var/outbox/ and build/bin (a link to LOKET_BIN_DIR). The first command that fails fails the test,
# so the README and the CLI cannot drift apart. Afterwards the database and the transcript are
# checked: the permit was verified and collected, the courier's stops are done, times are in WITA...
#
# Test-only differences from up.sh, and why: the ports are free ones and the data lives in a
# temporary directory (the demo may be running); loket-web is not started (the walkthrough uses
# the CLI only); near 00:00 WITA loketd's clock runs a little behind (below).
#
# Environment (set by deploy/test.sh through ctest):
#   LOKET_TEST_PG   conninfo of a PostgreSQL server where this test may create and drop a database
#   LOKET_BIN_DIR   directory holding loketd, loket and the workers
#   LOKET_README    (optional) another copy of the README to try, LOKET_MIN_BLOCKS its fewest blocks
# Creates database walk_<pid>_<random> and removes it on exit.
set -euo pipefail

: "${LOKET_TEST_PG:?set LOKET_TEST_PG to a conninfo, e.g. host=127.0.0.1 port=5432 user=postgres dbname=postgres}"
: "${LOKET_BIN_DIR:?set LOKET_BIN_DIR to the directory with loketd and loket}"
LOKET_BIN_DIR=$(cd "$LOKET_BIN_DIR" && pwd)

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
README=${LOKET_README:-$ROOT/README.md}
# shellcheck source=deploy/pg.sh
source "$ROOT/deploy/pg.sh"
# shellcheck source=deploy/lib-common.sh
source "$ROOT/deploy/lib-common.sh"
# shellcheck source=deploy/lib-tokens.sh
source "$ROOT/deploy/lib-tokens.sh"

PY=$(loket_python)
OFFICE=bpp
CLINIC=pkm-klandasan-ilir
# As deploy/up.sh: every role gets a demo principal and token.
DEMO_ROLES=(admin officer approver counter clinic courier worker display)
DBNAME="walk_$$_$RANDOM"
DB="$LOKET_TEST_PG dbname=$DBNAME" # a repeated keyword: the last one wins
WORK=$(mktemp -d "${TMPDIR:-/tmp}/loket-walk.XXXXXX")
DEMO=$WORK/repo # what the README calls the repository root
PIDS=()
DB_CREATED=0

cleanup() {
  local rc=$? p i f
  trap - EXIT INT TERM
  # Workers first (they hand their tasks back through loketd), then loketd.
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for ((i = 0; i < 100; i++)); do
      loket_pid_alive "$p" || break
      sleep 0.1
    done
    kill -KILL "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if ((rc != 0)); then
    for f in "$DEMO"/var/log/*.log; do
      [[ -s "$f" ]] && { echo "--- last lines of $(basename "$f"):" >&2; tail -n 25 "$f" >&2; }
    done
  fi
  if ((DB_CREATED)); then
    psql -X -q -d "$LOKET_TEST_PG" -c "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" >/dev/null 2>&1 ||
      echo "readme_walkthrough_test: could not drop database $DBNAME" >&2
  fi
  rm -rf "$WORK"
  if ((rc == 0)); then echo "PASS: README walkthrough"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck source=tests/system/lib-walk.sh
source "$ROOT/tests/system/lib-walk.sh"

sql() { psql -X -At -v ON_ERROR_STOP=1 -d "$DB" -c "$1"; }

# --- The README's walkthrough blocks ----------------------------------------------------------------

step "extract the walkthrough from README.md"
readme_blocks "$README" >"$WORK/walkthrough.sh" || fail "cannot extract the walkthrough from $README"
nblocks=$(grep -c '^# --- README block' "$WORK/walkthrough.sh" || true)
echo "$nblocks sh blocks, $(wc -l <"$WORK/walkthrough.sh") lines"
((nblocks >= ${LOKET_MIN_BLOCKS:-15})) || fail "only $nblocks sh blocks between the walkthrough markers; the markers moved?"
grep -q 'source var/demo.env' "$WORK/walkthrough.sh" || fail "the walkthrough does not start from var/demo.env"

step "the port overrides the README names are the ones deploy/up.sh reads"
# up.sh itself is not run here (it builds, and its demo uses ./var); its variables are checked.
overrides=$(sed -n '/^When a port is taken, move it/,/needs none of them/p' "$README" |
  grep -oE 'LOKET_[A-Z_]+=' | tr -d '=' | sort -u)
[[ -n "$overrides" ]] || fail "README names no port overrides (the paragraph 'When a port is taken' moved?)"
for v in $overrides; do
  grep -q "\${$v:-" "$ROOT/deploy/up.sh" || fail "README names $v, which deploy/up.sh does not read"
  echo "$v: read by deploy/up.sh"
done
grep -q 'var/run/\*.pid' "$ROOT/deploy/down.sh" || fail "down.sh no longer stops what var/run/*.pid names"

# --- Set-up: as deploy/up.sh, on free ports in $DEMO -----------------------------------------------

step "database $DBNAME: migrations and seed"
psql -X -q -v ON_ERROR_STOP=1 -d "$LOKET_TEST_PG" -c "CREATE DATABASE $DBNAME" ||
  fail "cannot create a database with LOKET_TEST_PG=$LOKET_TEST_PG"
DB_CREATED=1
mkdir -p "$DEMO/var/log" "$DEMO/var/outbox" "$DEMO/build"
ln -s "$LOKET_BIN_DIR" "$DEMO/build/bin"
"$LOKET_BIN_DIR/loketd" --migrate_only --db="$DB" >>"$DEMO/var/log/loketd.log" 2>&1 ||
  fail "loketd --migrate_only failed"
for f in "$ROOT"/deploy/seed/*.sql; do
  psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -f "$f" >/dev/null || fail "loading $f"
done

step "demo tokens and couriers (deploy/lib-tokens.sh and the couriers, as up.sh)"
PORT=$(pg_free_port)
ADMIN_PORT=$(pg_free_port)
LISTEN=127.0.0.1:$PORT
loket_write_demo_env "$DB" "$OFFICE" "$CLINIC" "$LISTEN" "$DEMO/var/demo.env" "${DEMO_ROLES[@]}" ||
  fail "loket_write_demo_env"
[[ "$(stat -c %a "$DEMO/var/demo.env")" == 600 ]] || fail "demo.env is not mode 0600"
loket_register_demo_couriers "$DB" "$OFFICE" || fail "loket_register_demo_couriers"
WORKER_TOKEN=$(sed -n 's/^export LOKET_TOKEN_WORKER=//p' "$DEMO/var/demo.env")
[[ -n "$WORKER_TOKEN" ]] || fail "demo.env has no worker token"

step "loketd on $LISTEN, the notifier, the scheduler and the router"
# On the wall clock, as up.sh: the README copes with any hour, but at night its courier reports and
# counter walk-ins are refused (and it says so). LOKET_WALK_CLOCK_START runs loketd at another office
# time (loketd --clock_start, time still runs): an RFC 3339 instant, or "morning" for 09:00 WITA of
# the latest working day (Mon-Thu, no holiday) of the past two weeks, so that ctest's
# readme_walkthrough_morning walks the daytime side: the courier's pickup and hand-in with proof,
# the counter's own walk-ins.
CLOCK=()
case "${LOKET_WALK_CLOCK_START:-}" in
  "") # The wall clock, but the walk never crosses the seed's closing time (11:30 Fri, 15:00 Mon-Thu:
      # the counter let the first walk-in in and was refused the next) nor 00:00 WITA (16:00 UTC:
      # today's tickets and stops became yesterday's): in the 10 minutes before either, loketd's
      # clock runs 15 minutes behind.
    hm=$(TZ=Asia/Makassar date +%H%M)
    m=$((10#${hm:0:2} * 60 + 10#${hm:2:2}))
    for edge in 690 900 1440; do
      if ((m >= edge - 10 && m < edge)); then
        CLOCK=(--clock_start="$(date -u -d '15 minutes ago' +%Y-%m-%dT%H:%M:%SZ)")
      fi
    done ;;
  morning) # The latest Monday-Thursday of the past two weeks that is no holiday.
    morning=$(sql "SELECT d::date FROM generate_series((now() AT TIME ZONE 'Asia/Makassar')::date - 14,
                     (now() AT TIME ZONE 'Asia/Makassar')::date - 1, interval '1 day') d
                    WHERE extract(isodow FROM d) BETWEEN 1 AND 4
                      AND d::date NOT IN (SELECT day FROM holidays WHERE office_id = 'bpp')
                    ORDER BY d DESC LIMIT 1")
    [[ -n "$morning" ]] || fail "no working day in the past two weeks for the morning run"
    CLOCK=(--clock_start="${morning}T09:00:00+08:00") ;;
  *) CLOCK=(--clock_start="$LOKET_WALK_CLOCK_START") ;;
esac
((${#CLOCK[@]} == 0)) || echo "loketd ${CLOCK[*]}"
"$LOKET_BIN_DIR/loketd" --listen="$LISTEN" --db="$DB" --pool_size=8 \
  --admin_listen="127.0.0.1:$ADMIN_PORT" "${CLOCK[@]}" >>"$DEMO/var/log/loketd.log" 2>&1 </dev/null &
PIDS+=($!)
for ((i = 0; ; i++)); do
  loket_pid_alive "${PIDS[0]}" || fail "loketd exited during start-up"
  LOKET_ADDR=$LISTEN "$LOKET_BIN_DIR/loket" health >/dev/null 2>&1 && break
  ((i < 300)) || fail "loketd not SERVING after 60 s"
  sleep 0.2
done
"$LOKET_BIN_DIR/loket-notifier" --addr="$LISTEN" --token="$WORKER_TOKEN" \
  --outbox_dir="$DEMO/var/outbox" >>"$DEMO/var/log/loket-notifier.log" 2>&1 </dev/null &
PIDS+=($!)
"$LOKET_BIN_DIR/loket-scheduler" --addr="$LISTEN" --token="$WORKER_TOKEN" \
  >>"$DEMO/var/log/loket-scheduler.log" 2>&1 </dev/null &
PIDS+=($!)
"$LOKET_BIN_DIR/loket-router" --addr="$LISTEN" --token="$WORKER_TOKEN" --plan_seconds=3 \
  >>"$DEMO/var/log/loket-router.log" 2>&1 </dev/null &
PIDS+=($!)

# --- Run it --------------------------------------------------------------------------------------------

step "run the README walkthrough (set -euo pipefail; each line is echoed as it runs)"
rc=0
(cd "$DEMO" && env -i HOME="$WORK" PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
  timeout 240 bash -euo pipefail -v "$WORK/walkthrough.sh") >"$WORK/transcript" 2>&1 || rc=$?
sed 's/^/    /' "$WORK/transcript"
((rc == 0)) || fail "the README walkthrough stopped with status $rc at the last line shown above"

# --- What it did ---------------------------------------------------------------------------------------

cp "$WORK/transcript" "$WORK/out"
: >"$WORK/err"

step "the permit was verified by number and code, a wrong code was refused"
expect '^VALID' "verify-permit with the issued code"
expect '^NOT VALID' "verify-permit with a wrong code"

step "times for people are office time (WITA), not UTC"
expect '[0-9]{1,2} [A-Z][a-z]{2} 20[0-9]{2} [0-9]{2}:[0-9]{2} WITA' "the history's times"
expect_not '#[0-9]+  20[0-9]{2}-[0-9]{2}-[0-9]{2}T' "a history line with a UTC timestamp"
# No command of the walkthrough shows a raw RFC 3339 instant (UTC) to people; comment lines (the
# README's own, and var/demo.env's as bash -v echoes them) do not count.
if grep -v '^ *#' "$WORK/transcript" | grep -E '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}'; then
  fail "the lines above show a raw timestamp instead of office time"
fi

step "the first case was collected; its courier trips were cancelled"
state=$(sql "SELECT state FROM cases WHERE applicant_name = 'Siti Rahmawati' ORDER BY id LIMIT 1")
[[ "$state" == COLLECTED ]] || fail "Siti Rahmawati's case is '$state'; want COLLECTED"

step "the courier's stops: done with proof on their day, refused before it"
DAY=$(sql "SELECT s.day FROM stops s JOIN cases c ON c.id = s.case_id
            WHERE c.applicant_name = 'Dewi Kartika' AND s.kind = 'pickup' ORDER BY s.id LIMIT 1")
[[ -n "$DAY" ]] || fail "Dewi Kartika's case has no pickup stop"
n=$(sql "SELECT count(*) FROM stops s JOIN cases c ON c.id = s.case_id
          WHERE c.applicant_name = 'Dewi Kartika' AND s.kind IN ('pickup', 'handin') AND s.state = 'done'")
TODAY=$(LOKET_ADDR=$LISTEN LOKET_TOKEN=$(sed -n 's/^export LOKET_TOKEN_COURIER=//p' "$DEMO/var/demo.env") \
  "$LOKET_BIN_DIR/loket" --get plan.day courier route) || fail "courier route: no plan day"
if [[ "${LOKET_WALK_CLOCK_START:-}" == morning && "$DAY" != "$TODAY" ]]; then
  fail "on a working morning ($TODAY) the pickup is on $DAY; want the same day"
fi
if [[ "$DAY" == "$TODAY" ]]; then
  [[ "$n" == 2 ]] || fail "$n of Dewi Kartika's pickup and hand-in are done; want 2"
  expect 'Ns. Herlina \(TU Puskesmas\)' "the receiver's name in the custody"
else
  echo "the stops are on $DAY, not today: the README's courier reports wait for that day"
  [[ "$n" == 0 ]] || fail "$n of Dewi Kartika's stops are done before their day ($DAY)"
  expect "not today|on its day" "the courier told to report on the stop's day"
fi

step "appointments, the queue and the redirect"
n=$(sql "SELECT count(*) FROM tickets WHERE office_id = 'bpp'")
((n >= 2)) || fail "$n tickets; want the two walk-ins'"
expect 'Calling|called' "counter next called a ticket"

step "administration: the staff principal, its tokens revoked (one by id, the rest by disabling), enabled again, the new courier"
n=$(sql "SELECT count(*) FROM tokens t JOIN principals p ON p.id = t.principal_id
          WHERE p.name = 'Staf RSUD Beriman' AND t.revoked_at IS NULL")
[[ "$n" == 0 ]] || fail "$n live tokens of Staf RSUD Beriman after it was disabled; want 0"
n=$(sql "SELECT count(*) FROM principals WHERE name = 'Staf RSUD Beriman' AND NOT disabled")
[[ "$n" == 1 ]] || fail "Staf RSUD Beriman is not enabled again"
n=$(sql "SELECT string_agg(action, ',' ORDER BY id) FROM admin_audit
          WHERE action IN ('token.revoke', 'principal.disable', 'principal.enable')")
[[ "$n" == "token.revoke,principal.disable,principal.enable" ]] ||
  fail "the change log has '$n'; want token.revoke,principal.disable,principal.enable"
n=$(sql "SELECT count(*) FROM couriers c JOIN principals p ON p.id = c.principal_id
          WHERE p.name = 'Joko Susilo' AND p.role = 'courier'")
[[ "$n" == 1 ]] || fail "Joko Susilo is not a courier"
