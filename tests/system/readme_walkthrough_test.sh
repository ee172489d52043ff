#!/usr/bin/env bash
# System test: the README walkthrough, command by command, against a real loketd and PostgreSQL.
#
# A clinic submits an SIP_PERAWAT application for a nurse and attaches documents; an officer starts
# verification and asks for the missing KTP; the clinic attaches it and resubmits; the approver
# approves; the officer issues the permit; anyone verifies it by number and code; the nurse collects it.
#
# Environment (set by deploy/test.sh through ctest):
#   LOKET_TEST_PG   conninfo of a PostgreSQL server where this test may create and drop a database
#   LOKET_BIN_DIR   directory holding loketd and loket
# Creates database walk_<pid>_<random>, starts loketd on a free port, and removes both on exit.
# Exits non-zero at the first mismatch, saying what was expected and what came.
set -euo pipefail

: "${LOKET_TEST_PG:?set LOKET_TEST_PG to a conninfo, e.g. host=127.0.0.1 port=5432 user=postgres dbname=postgres}"
: "${LOKET_BIN_DIR:?set LOKET_BIN_DIR to the directory with loketd and loket}"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SEED_DIR="$(dirname "$0")/../../deploy/seed"
# shellcheck source=deploy/pg.sh
source "$ROOT/deploy/pg.sh"
# shellcheck source=deploy/lib-common.sh
source "$ROOT/deploy/lib-common.sh"
# shellcheck source=deploy/lib-tokens.sh
source "$ROOT/deploy/lib-tokens.sh"

PY=$(loket_python)
OFFICE=bpp
CLINIC=pkm-klandasan-ilir
DBNAME="walk_$$_$RANDOM"
DB="$LOKET_TEST_PG dbname=$DBNAME"  # a repeated keyword: the last one wins
WORK=$(mktemp -d "${TMPDIR:-/tmp}/loket-walk.XXXXXX")
LOKETD_PID=""
DB_CREATED=0

cleanup() {
  local rc=$? i
  trap - EXIT INT TERM
  if [[ -n "$LOKETD_PID" ]]; then
    kill -TERM "$LOKETD_PID" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      loket_pid_alive "$LOKETD_PID" || break
      sleep 0.1
    done
    kill -KILL "$LOKETD_PID" 2>/dev/null || true
    wait "$LOKETD_PID" 2>/dev/null || true
  fi
  if ((rc != 0)) && [[ -s "$WORK/loketd.log" ]]; then
    echo "--- last lines of the loketd log:" >&2
    tail -n 40 "$WORK/loketd.log" >&2
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

# expect_listed: the JSON on the last command's stdout holds an object with "id" equal to $CASE
# (ListCasesResponse.cases[].id).
expect_listed() {
  "$PY" - "$WORK/out" "$CASE" <<'PY' || fail "case $CASE is not in the list"
import json, sys
doc = json.load(open(sys.argv[1]))
def ids(x):
    if isinstance(x, dict):
        if "id" in x:
            yield str(x["id"])
        for v in x.values():
            yield from ids(v)
    elif isinstance(x, list):
        for v in x:
            yield from ids(v)
sys.exit(0 if sys.argv[2] in set(ids(doc)) else 1)
PY
}

# expect_state STATE: `loket --json office show CASE` (as the officer) says the case is in STATE.
expect_state() {
  local want=$1 got
  ROLE=officer LOKET_TOKEN=$LOKET_TOKEN_OFFICER run loket --json office show "$CASE"
  got=$(jget state case.state) || fail "office show --json printed no JSON"
  [[ "$got" == "$want" || "$got" == "CASE_STATE_$want" ]] || fail "case $CASE is '$got'; want $want"
}

# --- Set-up: database, schema, seed, tokens, server ----------------------------------------------

step "create database $DBNAME"
psql -X -q -v ON_ERROR_STOP=1 -d "$LOKET_TEST_PG" -c "CREATE DATABASE $DBNAME" ||
  fail "cannot create a database with LOKET_TEST_PG=$LOKET_TEST_PG"
DB_CREATED=1

step "migrations (twice: the second run must change nothing)"
"$LOKET_BIN_DIR/loketd" --migrate_only --db="$DB" >>"$WORK/loketd.log" 2>&1 ||
  fail "loketd --migrate_only failed"
"$LOKET_BIN_DIR/loketd" --migrate_only --db="$DB" >>"$WORK/loketd.log" 2>&1 ||
  fail "loketd --migrate_only failed on an up-to-date database"

step "seed (twice: it must be idempotent)"
seeds=("$SEED_DIR"/*.sql)
[[ -f "${seeds[0]}" ]] || fail "no seed files in $SEED_DIR"
for pass in 1 2; do
  for f in "${seeds[@]}"; do
    psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -f "$f" >/dev/null || fail "loading $f (pass $pass)"
  done
done
n=$(psql -X -At -d "$DB" -c "SELECT count(*) FROM clinics WHERE office_id = 'bpp'")
[[ "$n" == 37 ]] || fail "seed: $n clinics; want 37"

step "demo principals and tokens (deploy/lib-tokens.sh, as deploy/up.sh does)"
PORT=$(pg_free_port)
ADMIN_PORT=$(pg_free_port)
loket_write_demo_env "$DB" "$OFFICE" "$CLINIC" "127.0.0.1:$PORT" "$WORK/demo.env" \
  admin officer approver clinic || fail "loket_write_demo_env"
[[ "$(stat -c %a "$WORK/demo.env")" == 600 ]] || fail "demo.env is not mode 0600"
# shellcheck disable=SC1091
source "$WORK/demo.env"
for v in LOKET_ADDR LOKET_TOKEN_ADMIN LOKET_TOKEN_OFFICER LOKET_TOKEN_APPROVER LOKET_TOKEN_CLINIC; do
  [[ -n "${!v:-}" ]] || fail "demo.env does not set $v"
done
[[ "$LOKET_TOKEN_CLINIC" =~ ^[0-9a-f]{64}$ ]] || fail "token is not 64 lower-case hex characters"

step "start loketd on 127.0.0.1:$PORT"
"$LOKET_BIN_DIR/loketd" --listen="127.0.0.1:$PORT" --db="$DB" --pool_size=4 >>"$WORK/loketd.log" 2>&1 </dev/null &
LOKETD_PID=$!
for ((i = 0; ; i++)); do
  loket_pid_alive "$LOKETD_PID" || fail "loketd exited during start-up"
  if loket health >/dev/null 2>&1; then break; fi
  ((i < 300)) || fail "loketd not SERVING after 60 s"
  sleep 0.2
done
ROLE=none run loket health

# --- The walkthrough (README.md) --------------------------------------------------------------------

step "who am I, what can be applied for"
as clinic
run loket whoami
expect 'demo-clinic' "the principal's name"
expect "$CLINIC" "the clinic id"
run loket catalog
expect 'SIP_PERAWAT'
expect 'SIP_BIDAN'
as admin
run loket admin clinics
expect "$CLINIC"
expect 'rsud-beriman'

step "the clinic submits an SIP_PERAWAT application for a nurse"
as clinic
run loket --json clinic submit --permit-type SIP_PERAWAT --nik 6471065708900001 --name "Siti Rahmawati" \
  --phone 081234567890 --email siti@example.com --str-number STR-123 \
  --practice-place "Puskesmas Klandasan Ilir" --priority HEALTH_WORKER
CASE=$(jget id case.id) || fail "clinic submit --json printed no JSON"
[[ "$CASE" =~ ^[0-9]+$ ]] || fail "no case id in the submit reply (got '$CASE')"
state=$(jget state case.state)
[[ "$state" == *SUBMITTED ]] || fail "new case is '$state'; want SUBMITTED"
[[ -n "$(jget sla.dueDate sla.due_date case.sla.dueDate case.sla.due_date)" ]] || fail "the submitted case has no due date"
run loket clinic show "$CASE"
expect 'SUBMITTED'
expect 'SIP_PERAWAT'
run loket clinic list
run loket --json clinic list
expect_listed

step "the clinic attaches the STR and the place-of-practice letter (not yet the KTP)"
cd "$WORK"
printf '%%PDF-1.4 demo' >str.pdf
printf '%%PDF-1.4 demo' >tempat-praktik.pdf
printf '%%PDF-1.4 demo' >ktp.pdf
run loket clinic attach "$CASE" --code STR --file str.pdf
run loket clinic attach "$CASE" --code SURAT_TEMPAT_PRAKTIK --file tempat-praktik.pdf \
  --media-type application/pdf
run loket clinic show "$CASE"
expect 'SURAT_TEMPAT_PRAKTIK'

step "the officer finds it and starts verification"
as officer
run loket office list --state SUBMITTED --channel CLINIC --permit-type SIP_PERAWAT --clinic "$CLINIC"
run loket --json office list --state SUBMITTED --channel CLINIC --permit-type SIP_PERAWAT --clinic "$CLINIC"
expect_listed
run loket --terminal meja-verifikasi-1 office verify "$CASE"
expect_state VERIFYING

step "approval is refused while a mandatory document (KTP) is missing"
as approver
run_fails nonzero loket office approve "$CASE"
expect 'KTP' "the missing document"
expect_state VERIFYING

step "the officer asks for the KTP"
as officer
run loket office request-revision "$CASE" --note "Mohon lampirkan KTP"
expect_state REVISION_REQUESTED

step "the clinic sees the request, attaches the KTP and resubmits"
as clinic
run loket clinic list --state REVISION_REQUESTED
run loket --json clinic list --state REVISION_REQUESTED
expect_listed
run loket clinic show "$CASE"
expect 'Mohon lampirkan KTP' "the officer's note"
run loket clinic attach "$CASE" --code KTP --file ktp.pdf
run loket clinic revise "$CASE"
expect_state VERIFYING

step "a clinic cannot approve"
as clinic
run_fails nonzero loket office approve "$CASE"
expect_state VERIFYING

step "the approver approves"
as approver
run loket office approve "$CASE" --note "Dokumen lengkap"
expect_state APPROVED

step "the officer issues the permit"
as officer
run loket office issue "$CASE"
expect_state ISSUED
NUMBER=$(jget permitNumber permit_number case.permitNumber case.permit_number)
CODE=$(jget verificationCode verification_code case.verificationCode case.verification_code)
[[ -n "$NUMBER" && -n "$CODE" ]] || fail "issued case has no permit number or verification code"
[[ "$NUMBER" == *SIP_PERAWAT* ]] || fail "permit number '$NUMBER' does not name SIP_PERAWAT"
run loket office show "$CASE"
expect 'ISSUED'
expect "$NUMBER"
run loket --json office list --state ISSUED
expect_listed

step "anyone verifies the permit, without a token"
unset LOKET_TOKEN
ROLE=none
run loket verify-permit --number "$NUMBER" --code "$CODE"
expect 'VALID'
expect_not 'NOT VALID'
run_fails 1 loket verify-permit --number "$NUMBER" --code "WRONG-${CODE}"
expect 'NOT VALID'

step "the history shows who did what, from which terminal"
as officer
run loket office history "$CASE"
for s in SUBMITTED VERIFYING REVISION_REQUESTED APPROVED ISSUED; do
  expect "$s"
done
expect 'meja-verifikasi-1' "the terminal of the verification step"
expect 'demo-approver'
run loket office overdue

step "the nurse collects the permit at the counter"
run loket office collected "$CASE"
expect_state COLLECTED

step "--json output is valid JSON"
as clinic
run loket --json clinic show "$CASE"
"$PY" -m json.tool "$WORK/out" >/dev/null || fail "loket --json clinic show printed invalid JSON"
run loket --json clinic list
"$PY" -m json.tool "$WORK/out" >/dev/null || fail "loket --json clinic list printed invalid JSON"
