#!/usr/bin/env bash
# System test: SIBER with real processes. loketd and loket-router (its own process, killed with -9
# and replaced half-way) against a fresh PostgreSQL; every step through the loket CLI as the office,
# a partner clinic and two couriers would run it, on the real clock.
#
# A clinic submits; the router plans the pickup; the courier arrives, takes the documents with a
# signature and hands them in at the office; another courier can neither see nor confirm those
# stops. The permit is issued; the router plans the collect and the delivery; the courier brings it
# to the clinic, which marks the case DELIVERED; `loket office custody` shows the whole chain.
#
# Environment (set by deploy/test.sh through ctest): LOKET_BIN_DIR. PostgreSQL is its own.
set -euo pipefail
: "${LOKET_BIN_DIR:?set LOKET_BIN_DIR to the directory with loketd, loket-router and loket}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=deploy/lib-stack.sh
source "$ROOT/deploy/lib-stack.sh"
BIN=$LOKET_BIN_DIR
PY=$(loket_python)
CLINIC=pkm-klandasan-ilir

loket_stack_begin loket-siber
# shellcheck source=tests/system/lib-walk.sh
source "$ROOT/tests/system/lib-walk.sh"
on_exit() {
  local rc=$?
  if ((rc != 0)); then
    for f in "$WORK"/*.log; do
      [[ -s "$f" ]] && { echo "--- last lines of $f:" >&2; tail -n 25 "$f" >&2; }
    done
  else
    echo "PASS: SIBER"
  fi
  _loket_stack_end
}
trap on_exit EXIT

step "database, tokens, loketd and loket-router"
loket_fresh_db "$WORK" "$BIN"
LOKET_TOKEN_ADMIN=$(loket_token "$DB" sys-admin admin)
LOKET_TOKEN_OFFICER=$(loket_token "$DB" sys-officer officer)
LOKET_TOKEN_APPROVER=$(loket_token "$DB" sys-approver approver)
LOKET_TOKEN_CLINIC=$(loket_token "$DB" sys-clinic clinic "$CLINIC")
LOKET_TOKEN_BUDI=$(loket_token "$DB" sys-courier-budi courier)
LOKET_TOKEN_RINA=$(loket_token "$DB" sys-courier-rina courier)
WORKER=$(loket_token "$DB" sys-worker worker)
BUDI=$(psql -X -At -d "$DB" -c "SELECT id FROM principals WHERE name = 'sys-courier-budi'")
RINA=$(psql -X -At -d "$DB" -c "SELECT id FROM principals WHERE name = 'sys-courier-rina'")
PORT=$(pg_free_port)
export LOKET_ADDR="127.0.0.1:$PORT"
# Office time is a fixed working morning (Tuesday 17 March 2026, 09:00 WITA), so the couriers'
# stops fall on "today" whatever hour the test runs at: a courier reports only on a stop's day.
"$BIN/loketd" --listen="$LOKET_ADDR" --db="$DB" --pool_size=4 \
  --clock_start=2026-03-17T09:00:00+08:00 >>"$WORK/loketd.log" 2>&1 </dev/null &
STACK_PIDS+=($!)
loket_wait_healthy "$BIN" "$LOKET_ADDR" || fail "loketd is not SERVING"
start_router() {
  "$BIN/loket-router" --addr="$LOKET_ADDR" --token="$WORKER" --plan_seconds=1 \
    >>"$WORK/router.log" 2>&1 </dev/null &
  ROUTER_PID=$!
  STACK_PIDS+=("$ROUTER_PID")
}
start_router

step "the administrator registers two couriers"
as admin
run loket admin courier add --principal "$BUDI" --name "Budi Santoso" --capacity 6 --phone 081350000001
run loket admin courier add --principal "$RINA" --name "Rina Wulandari" --capacity 6 --shift 07:30-15:30
run loket admin courier list
expect 'Budi Santoso'
expect '07:30-15:30'
run_fails 1 loket admin courier add --principal "$BUDI" --name "Budi Santoso" --capacity 0
expect 'capacity'

# stop_field CASE KIND FIELD: FIELD of the case's live stop of KIND, from `loket office stops`.
stop_field() {
  LOKET_TOKEN=$LOKET_TOKEN_OFFICER "$BIN/loket" --json office stops --case "$1" >"$WORK/stops.json"
  "$PY" - "$WORK/stops.json" "$2" "$3" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
kind = "STOP_KIND_" + sys.argv[2].upper()
live = [s for s in doc.get("stops", []) if s.get("kind") == kind
        and s.get("state") not in ("STOP_STATE_CANCELLED", "STOP_STATE_FAILED")]
print(live[-1].get(sys.argv[3], "") if live else "")
PY
}

# wait_planned CASE KIND: until the router has put the stop on a route (30 s at most).
wait_planned() {
  local i state
  for ((i = 0; i < 150; i++)); do
    state=$(stop_field "$1" "$2" state)
    [[ "$state" == STOP_STATE_PLANNED ]] && return 0
    sleep 0.2
  done
  fail "the $2 stop of case $1 is '$state' after 30 s; the router did not plan it"
}

# token_of COURIER_ID: the token of that courier.
token_of() { if [[ "$1" == "$BUDI" ]]; then echo "$LOKET_TOKEN_BUDI"; else echo "$LOKET_TOKEN_RINA"; fi; }
other_of() { if [[ "$1" == "$BUDI" ]]; then echo "$LOKET_TOKEN_RINA"; else echo "$LOKET_TOKEN_BUDI"; fi; }

step "the clinic submits; the router plans the pickup"
as clinic
run loket --json clinic submit --permit-type SIP_PERAWAT --nik 6471065708900001 --name "Siti Rahmawati" \
  --phone 081234567890 --str-number STR-123 --practice-place "Puskesmas Klandasan Ilir" \
  --priority HEALTH_WORKER
CASE=$(jget id case.id)
[[ "$CASE" =~ ^[0-9]+$ ]] || fail "no case id"
wait_planned "$CASE" pickup
PICKUP=$(stop_field "$CASE" pickup id)
HANDIN=$(stop_field "$CASE" handin id)
DAY=$(stop_field "$CASE" pickup day)
COURIER=$(stop_field "$CASE" pickup courier_id)
echo "pickup stop $PICKUP and hand-in $HANDIN on $DAY, courier $COURIER"
as officer
run loket office stops --case "$CASE"
expect "Stops of case $CASE:"
expect "$DAY "  # each stop of a case names its day
run loket office stops --day "$DAY"
expect "Puskesmas Klandasan Ilir"
expect "Plan for $DAY: current"

step "the courier sees the route and works it with proof"
ROLE=courier LOKET_TOKEN=$(token_of "$COURIER")
export LOKET_TOKEN
run loket courier route --day "$DAY"
expect "pickup"
expect "handin"
expect "Puskesmas Klandasan Ilir"
expect_not "Siti Rahmawati" "the applicant's name is masked for couriers"
printf 'signature strokes' >"$WORK/signature.png"
run loket courier arrive "$PICKUP"
run_fails nonzero loket courier deliver "$PICKUP" --receiver "Ns. Dewi Lestari" --proof-file "$WORK/signature.png"
expect 'loket courier pickup'
run_fails 2 loket courier pickup "$PICKUP" --receiver "Ns. Dewi Lestari"
run loket courier pickup "$PICKUP" --receiver "Ns. Dewi Lestari" --proof-file "$WORK/signature.png"
expect "picked up"

step "the other courier can neither see nor confirm those stops"
ROLE=other-courier LOKET_TOKEN=$(other_of "$COURIER")
run loket courier route --day "$DAY"
expect_not "Klandasan" "another courier's stops"
run_fails 1 loket courier deliver "$HANDIN" --receiver "Andi Pratama" --proof-sha256 \
  9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
expect "NOT_FOUND"

step "the documents are handed in at the office"
ROLE=courier LOKET_TOKEN=$(token_of "$COURIER")
run loket courier deliver "$HANDIN" --receiver "Andi Pratama" --proof-file "$WORK/signature.png"
expect "handed over"

step "the router is killed (-9) and replaced; the next plan still comes"
kill -9 "$ROUTER_PID"
start_router

step "the case is decided and issued; the router plans the permit's way back"
as clinic
cd "$WORK"
for doc in KTP STR SURAT_TEMPAT_PRAKTIK; do
  printf '%%PDF-1.4 demo' >"$doc.pdf"
  run loket clinic attach "$CASE" --code "$doc" --file "$doc.pdf"
done
as officer
run loket office verify "$CASE"
as approver
run loket office approve "$CASE"
as officer
run loket office issue "$CASE"
wait_planned "$CASE" collect
wait_planned "$CASE" delivery
COLLECT=$(stop_field "$CASE" collect id)
DELIVERY=$(stop_field "$CASE" delivery id)
CARRIER=$(stop_field "$CASE" collect courier_id)
[[ "$(stop_field "$CASE" delivery courier_id)" == "$CARRIER" ]] ||
  fail "the collect and the delivery are on different couriers"

step "the courier takes the permit and hands it to the clinic"
ROLE=courier LOKET_TOKEN=$(token_of "$CARRIER")
run loket courier pickup "$COLLECT" --receiver "Andi Pratama" --proof-file "$WORK/signature.png"
run_fails 1 loket courier deliver "$DELIVERY" --receiver "Ns. Dewi Lestari" --proof-file "$WORK/signature.png"
expect "loket courier arrive"
run loket courier arrive "$DELIVERY"
run loket courier deliver "$DELIVERY" --receiver "Ns. Dewi Lestari (TU Puskesmas)" --proof-file "$WORK/signature.png"
as officer
run loket --json office show "$CASE"
state=$(jget state case.state)
[[ "$state" == *DELIVERED ]] || fail "the case is '$state' after the delivery; want DELIVERED"

step "the chain of custody, for the office and the clinic"
run loket office custody "$CASE"
expect "clinic:$CLINIC"
expect "office"
expect "signed: Ns. Dewi Lestari"
expect_not "gap"
run loket --json office custody "$CASE"
[[ "$(jget complete)" == True || "$(jget complete)" == true ]] || fail "the custody chain is not complete"
n=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["events"]))' "$WORK/out")
[[ "$n" == 4 ]] || fail "$n custody events; want 4 (pickup, hand-in, collect, delivery)"
as clinic
run loket clinic custody "$CASE"
expect "holds it now"

step "the clinic was told when the courier comes"
n=$(psql -X -At -d "$DB" -c "SELECT count(*) FROM notifications WHERE case_id = $CASE
      AND template_id IN ('courier.pickup_planned', 'courier.delivery_planned')")
((n >= 2)) || fail "$n courier notifications; want the pickup and the delivery announced"
