#!/usr/bin/env bash
# System test (issue 13): validity and revocation through the loket command, against two real
# loketd replicas on one database, both sweeping for expiry reminders every second.
#  - `office submit --str-valid-until` and, once issued, `office show` prints the valid-until date
#    (the STR's end, earlier than issue + 5 years);
#  - a second application for the same NIK and permit type is refused naming the first case;
#  - `case revoke N --reason` is the approver's: an officer is refused, the approver revokes, and
#    `verify-permit` then says REVOKED (exit code 1) with the date, without the unpublished reason;
#  - a permit backdated to 60 days before its end gets the 90-day reminder exactly once although
#    both replicas sweep (checked after a later permit's reminder shows the sweeps went on).
# Environment: LOKET_BIN_DIR.
set -euo pipefail
: "${LOKET_BIN_DIR:?set LOKET_BIN_DIR}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/deploy/lib-stack.sh"

loket_stack_begin loket-lifecycle
fail() {
  echo "FAIL: $*" >&2
  tail -n 20 "$WORK"/loketd-*.log >&2 2>/dev/null || true
  exit 1
}
loket_fresh_db "$WORK" "$LOKET_BIN_DIR"
OFFICER=$(loket_token "$DB" lc-officer officer)
APPROVER=$(loket_token "$DB" lc-approver approver)
ADMIN=$(loket_token "$DB" lc-admin admin)
LOKET="$LOKET_BIN_DIR/loket"
q() { psql -X -At -d "$DB" -c "$1"; }

start_loketd() {  # NAME ADDR
  "$LOKET_BIN_DIR/loketd" --listen="$2" --db="$DB" --pool_size=4 --log_requests=false \
    --expiry_reminder_interval=1s >>"$WORK/loketd-$1.log" 2>&1 &
  STACK_PIDS+=($!)
  loket_wait_healthy "$LOKET_BIN_DIR" "$2" || fail "loketd $1 did not start"
}
A="127.0.0.1:$(pg_free_port)"
start_loketd a "$A"
B="127.0.0.1:$(pg_free_port)"
start_loketd b "$B"
as() { local t=$1; shift; "$LOKET" --addr "$A" --token "$t" "$@"; }

printf '%%PDF-1.4 lifecycle test\n' >"$WORK/doc.pdf"
STR_END=$(date -u -d '+2 years' +%F)
# Files a nurse's application and takes it to ISSUED; prints the case id.
issue() {  # NIK
  local id c
  id=$(as "$OFFICER" --get id office submit --permit-type SIP_PERAWAT --nik "$1" \
    --name "Siti Rahmawati" --phone 081234567890 --str-number STR-77 --str-valid-until "$STR_END" \
    --practice-place "Puskesmas Klandasan Ilir") || fail "submit $1"
  for c in KTP STR SURAT_TEMPAT_PRAKTIK; do
    as "$OFFICER" clinic attach "$id" --code "$c" --file "$WORK/doc.pdf" >/dev/null || fail "attach $c"
  done
  as "$OFFICER" office verify "$id" >/dev/null || fail "verify $id"
  as "$APPROVER" office approve "$id" >/dev/null || fail "approve $id"
  as "$OFFICER" office issue "$id" >/dev/null || fail "issue $id"
  echo "$id"
}

echo "== the code permit numbers carry, set by the admin (other flags keep their value)"
as "$ADMIN" admin permit-type set --code SIP_PERAWAT --number-code sipp.lc >/dev/null ||
  fail "permit-type set --number-code"
[[ $(q "SELECT number_code || ' ' || service_level_days FROM permit_types WHERE code = 'SIP_PERAWAT'") == "SIPP.LC 5" ]] ||
  fail "number code not kept as SIPP.LC, or another field changed"

echo "== issue: the permit ends with its STR"
CASE=$(issue 6471065708900011)
[[ $(q "SELECT permit_number FROM cases WHERE id = $CASE") =~ ^[0-9]{4}/SIPP\.LC/DPMPTSP-BPP/[0-9]{4}$ ]] ||
  fail "the permit number does not carry SIPP.LC: $(q "SELECT permit_number FROM cases WHERE id = $CASE")"
as "$OFFICER" office show "$CASE" | tee "$WORK/show.out" | grep -E "^Permit|^Practice"
grep -q "valid until $STR_END" "$WORK/show.out" || fail "office show does not print valid until $STR_END"

echo "== a second live application for the same NIK and type is refused, naming the first"
set +e
out=$(as "$OFFICER" office submit --permit-type SIP_PERAWAT --nik 6471065708900011 \
  --name "Siti Rahmawati" --phone 081234567890 --str-number STR-77 \
  --practice-place "Puskesmas Klandasan Ilir" 2>&1)
rc=$?
set -e
((rc != 0)) || fail "the duplicate application was accepted"
grep -q "ALREADY_EXISTS" <<<"$out" || fail "expected ALREADY_EXISTS, got: $out"
grep -q "case $CASE" <<<"$out" || fail "the refusal does not name case $CASE: $out"

echo "== revoke: the approver's, with a reason; the public sees REVOKED and the date"
NUMBER=$(q "SELECT permit_number FROM cases WHERE id = $CASE")
CODE=$(q "SELECT verification_code FROM cases WHERE id = $CASE")
as "$OFFICER" case revoke "$CASE" --reason "STR dicabut" >/dev/null 2>&1 &&
  fail "an officer revoked a permit"
as "$APPROVER" case revoke "$CASE" --reason "STR dicabut oleh konsil" | tee "$WORK/revoke.out" |
  head -n 1
grep -q "state REVOKED" "$WORK/revoke.out" || fail "case revoke did not make the case REVOKED"
grep -q "^Revoked .*STR dicabut oleh konsil" "$WORK/revoke.out" || fail "no Revoked line"
set +e
"$LOKET" --addr "$B" verify-permit --number "$NUMBER" --code "$CODE" >"$WORK/verify.out" 2>&1
rc=$?
set -e
cat "$WORK/verify.out"
((rc != 0)) || fail "verify-permit exits 0 for a revoked permit"
# The revocation's office day from its row (the clock read after it crossed 00:00 WITA, 16:00 UTC).
REVOKED_ON=$(q "SELECT (revoked_at AT TIME ZONE 'Asia/Makassar')::date FROM cases WHERE id = $CASE")
[[ "$REVOKED_ON" == "$(TZ=Asia/Makassar date +%F)" || "$REVOKED_ON" == "$(TZ=Asia/Makassar date -d '1 minute ago' +%F)" ]] ||
  fail "the permit was not revoked today (office time): $REVOKED_ON"
grep -q "^REVOKED on $REVOKED_ON" "$WORK/verify.out" || fail "verify-permit: not REVOKED on $REVOKED_ON"
grep -q "konsil" "$WORK/verify.out" && fail "the unpublished reason was shown to the public"

echo "== reminders: once each, with two replicas sweeping"
FIRST=$(issue 6471065708900012)
q "UPDATE cases SET valid_until = (now() AT TIME ZONE 'Asia/Makassar')::date + 60 WHERE id = $FIRST" >/dev/null
wait_rows() {  # CASE: waits up to 20 s for the case's reminder (a condition, not a timing assertion)
  local i
  for ((i = 0; i < 200; i++)); do
    [[ $(q "SELECT count(*) FROM expiry_reminders WHERE case_id = $1") -ge 1 ]] && return 0
    sleep 0.1
  done
  fail "no expiry reminder for case $1"
}
wait_rows "$FIRST"
SECOND=$(issue 6471065708900013)
q "UPDATE cases SET valid_until = (now() AT TIME ZONE 'Asia/Makassar')::date + 20 WHERE id = $SECOND" >/dev/null
wait_rows "$SECOND"
[[ $(q "SELECT count(*) FROM expiry_reminders WHERE case_id = $FIRST") == 1 ]] ||
  fail "case $FIRST was reminded more than once"
[[ $(q "SELECT string_agg(days_before::text, ',') FROM expiry_reminders WHERE case_id = $FIRST") == 90 ]] ||
  fail "case $FIRST did not get the 90-day reminder"
[[ $(q "SELECT count(*) FROM notifications WHERE case_id = $FIRST AND template_id = 'permit.expiry_reminder'") == 1 ]] ||
  fail "case $FIRST: not exactly one reminder message"
[[ $(q "SELECT string_agg(days_before::text, ',') FROM expiry_reminders WHERE case_id = $SECOND") == 30 ]] ||
  fail "case $SECOND (20 days left) did not get exactly the 30-day reminder"
[[ $(q "SELECT count(*) FROM expiry_reminders WHERE case_id = $CASE") == 0 ]] ||
  fail "the revoked permit was reminded"
echo "PASS"
