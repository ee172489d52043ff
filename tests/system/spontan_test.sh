#!/usr/bin/env bash
# System test: no slot is ever overbooked. loketd and two loket-scheduler processes run against
# real PostgreSQL (the demo seed's calendar: 12 people per 30-minute slot, 3 reserved); 8 clients
# book concurrently through the CLI into a few contested slots while others cancel. Afterwards, in
# SQL: no slot has booked > capacity, each slot's counters equal its live appointments, ordinary
# requests stayed out of the reserved seats (the day is past the cut-off), and every request that
# was not cancelled is allocated or waitlisted.
# Environment: LOKET_BIN_DIR (loketd, loket, loket-scheduler), set by ctest.
set -euo pipefail
: "${LOKET_BIN_DIR:?set LOKET_BIN_DIR}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/deploy/lib-stack.sh"

loket_stack_begin loket-spontan
fail() {
  echo "FAIL: $*" >&2
  for f in loketd.log scheduler1.log scheduler2.log; do
    echo "--- $f" >&2
    tail -n 20 "$WORK/$f" >&2 2>/dev/null || true
  done
  exit 1
}

loket_fresh_db "$WORK" "$LOKET_BIN_DIR"
OFFICER=$(loket_token "$DB" t-officer officer)
WORKER=$(loket_token "$DB" t-worker worker)
API="127.0.0.1:$(pg_free_port)"
"$LOKET_BIN_DIR/loketd" --listen="$API" --db="$DB" --log_requests=false >"$WORK/loketd.log" 2>&1 &
STACK_PIDS+=($!)
loket_wait_healthy "$LOKET_BIN_DIR" "$API" || fail "loketd did not start"
for n in 1 2; do
  "$LOKET_BIN_DIR/loket-scheduler" --addr="$API" --token="$WORKER" --lease_seconds=5 \
    >"$WORK/scheduler$n.log" 2>&1 &
  STACK_PIDS+=($!)
done

# A working day at least three days ahead, so the reserved seats are still held.
DAY=$(psql -X -At -d "$DB" -c "SELECT min(day) FROM slots WHERE day >= current_date + 3")
[[ -n "$DAY" ]] || fail "the seed generated no slots"
echo "== 8 clients x 20 requests for $DAY 08:00-09:30 (3 slots x 12 seats, 9 of them reserved)"
LOKET=("$LOKET_BIN_DIR/loket" --addr "$API" --token "$OFFICER")
client() {
  local c=$1 i nik prio out
  local names=(Ani Budi Citra Dewi Eko Fajar Gita Hadi)
  for ((i = 0; i < 20; i++)); do
    nik=$(printf '647106570890%04d' $((c * 100 + i + 1)))
    prio=NONE
    ((i % 5 == 0)) && prio=ELDERLY
    ((i % 7 == 0)) && prio=DISABILITY
    out=$("${LOKET[@]}" --json office appointments request --service SIP_PERAWAT --nik "$nik" \
      --name "${names[c - 1]} Pemohon" --phone "+62812$(printf '%07d' $((c * 100 + i)))" --priority "$prio" \
      --day "$DAY" --windows 08:00-09:30,13:00-13:30) || {
      echo "request $c/$i failed" >&2
      return 1
    }
    # Every fourth client cancels every third of its requests (seats go back to the waitlist).
    if ((c % 4 == 0 && i % 3 == 0)); then
      id=$(sed -n 's/.*"id": *"\{0,1\}\([0-9]*\)"\{0,1\},.*/\1/p' <<<"$out" | head -1)
      "${LOKET[@]}" office appointments cancel "$id" >/dev/null || {
        echo "cancel $id failed" >&2
        return 1
      }
    fi
  done
}
CLIENTS=()
START=$(date +%s.%N)
for c in 1 2 3 4 5 6 7 8; do
  client "$c" >"$WORK/client$c.log" 2>&1 &
  CLIENTS+=($!)
done
for p in "${CLIENTS[@]}"; do wait "$p" || fail "a client failed: $(cat "$WORK"/client*.log)"; done
BOOKED=$(date +%s.%N)

echo "== waiting for the schedulers to settle"
for ((i = 0; i < 300; i++)); do
  open=$(psql -X -At -d "$DB" -c "SELECT (SELECT count(*) FROM appointment_requests
    WHERE state = 'pending') + (SELECT count(*) FROM tasks WHERE queue = 'slots.allocate'
    AND state IN ('ready', 'leased') AND run_after <= now())")
  ((open == 0)) && break
  sleep 0.2
done
((open == 0)) || fail "requests still pending: $open"
booked_s=$(awk -v a="$BOOKED" -v b="$START" 'BEGIN { printf "%.1f", a - b }')
settled_s=$(awk -v a="$(date +%s.%N)" -v b="$START" 'BEGIN { printf "%.1f", a - b }')
echo "   (for the record, not checked: all requests answered after ${booked_s} s, settled after ${settled_s} s)"

q() { psql -X -At -d "$DB" -c "$1"; }
total=$(q "SELECT count(*) FROM appointment_requests")
((total == 160)) || fail "expected 160 requests, found $total"
over=$(q "SELECT count(*) FROM slots WHERE booked > capacity")
((over == 0)) || fail "$over slots over capacity"
drift=$(q "SELECT count(*) FROM slots s WHERE booked <> (SELECT count(*) FROM appointments a
  WHERE a.slot_id = s.id AND a.state IN ('booked','checked_in','served')) OR booked_priority <>
  (SELECT count(*) FROM appointments a WHERE a.slot_id = s.id AND a.priority_class <> 'NONE'
  AND a.state IN ('booked','checked_in','served'))")
((drift == 0)) || fail "$drift slots whose counters differ from their appointments"
general=$(q "SELECT count(*) FROM slots s WHERE (SELECT count(*) FROM appointments a
  WHERE a.slot_id = s.id AND a.priority_class = 'NONE' AND a.state = 'booked')
  > s.capacity - s.reserved_priority")
((general == 0)) || fail "$general slots gave reserved seats to ordinary requests before the cut-off"
unsettled=$(q "SELECT count(*) FROM appointment_requests WHERE state NOT IN
  ('allocated', 'waitlisted', 'cancelled')")
((unsettled == 0)) || fail "$unsettled requests neither allocated, waitlisted nor cancelled"
mismatch=$(q "SELECT count(*) FROM appointment_requests r WHERE (r.state = 'allocated') <>
  EXISTS (SELECT 1 FROM appointments a WHERE a.request_id = r.id AND a.state = 'booked')")
((mismatch == 0)) || fail "$mismatch requests whose state disagrees with their appointment"
q "SELECT state, count(*) FROM appointment_requests GROUP BY 1 ORDER BY 1" | sed 's/^/   /'
q "SELECT to_char(starts_at AT TIME ZONE 'Asia/Makassar', 'HH24:MI') || '  ' || booked || '/' ||
  capacity || ' (priority ' || booked_priority || ')' FROM slots WHERE day = '$DAY' AND booked > 0
  ORDER BY starts_at" | sed 's/^/   slot /'
echo "== an appointment is cancelled by the code its holder shows"
code=$(q "SELECT a.code FROM appointments a WHERE a.state = 'booked' ORDER BY a.id LIMIT 1")
rid=$(q "SELECT request_id FROM appointments WHERE code = '$code'")
"${LOKET[@]}" office appointments cancel "$(tr '[:upper:]' '[:lower:]' <<<"$code")" ||
  fail "cancel by code $code"
[[ $(q "SELECT state FROM appointment_requests WHERE id = $rid") == cancelled ]] ||
  fail "request $rid of $code not cancelled"
rounds=$(q "SELECT count(*) FROM tasks WHERE queue = 'slots.allocate' AND state = 'done'")
echo "   $rounds slots.allocate rounds; scheduler logs:"
kill -TERM "${STACK_PIDS[1]}" "${STACK_PIDS[2]}"
wait "${STACK_PIDS[1]}" "${STACK_PIDS[2]}" 2>/dev/null || true
tail -n 1 "$WORK/scheduler1.log" "$WORK/scheduler2.log" | sed 's/^/   /'
echo "PASS: spontan"
