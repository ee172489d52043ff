#!/usr/bin/env bash
# System test (issue 13, reference data): an administrator's change made through one loketd replica
# is used by another replica on its very next call, though each replica caches the office's
# calendar and permit types for 10 s. Two loketd processes on one database; everything through the
# loket command:
#  - replica B submits a case (its caches now hold the calendar), `admin holiday add` on replica A
#    makes B's due date a holiday, and B's next case is due one working day later;
#  - `admin permit-type set --service-days` on A lengthens the SLA of B's next case;
#  - `admin holiday import` reads a CSV, a retry with the same --request-id changes nothing more,
#    and `admin audit` shows who changed what, with the row before and after;
#  - a bad value is refused naming the field; the seed carries 2027's fixed-date holidays.
# Both replicas run on one office morning (--clock_start, Tuesday 17 March 2026 09:00 WITA): due
# dates count from the submission's office day, so on the wall clock a run across 00:00 WITA
# (16:00 UTC) gave two cases in a row different due dates.
# Environment: LOKET_BIN_DIR.
set -euo pipefail
: "${LOKET_BIN_DIR:?set LOKET_BIN_DIR}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/deploy/lib-stack.sh"

loket_stack_begin loket-refdata
fail() {
  echo "FAIL: $*" >&2
  tail -n 20 "$WORK"/loketd-*.log >&2 2>/dev/null || true
  exit 1
}
loket_fresh_db "$WORK" "$LOKET_BIN_DIR"
ADMIN=$(loket_token "$DB" refdata-admin admin)
OFFICER=$(loket_token "$DB" refdata-officer officer)
LOKET="$LOKET_BIN_DIR/loket"
q() { psql -X -At -d "$DB" -c "$1"; }

start_loketd() {  # NAME ADDR
  "$LOKET_BIN_DIR/loketd" --listen="$2" --db="$DB" --pool_size=4 --log_requests=false \
    --clock_start=2026-03-17T09:00:00+08:00 >>"$WORK/loketd-$1.log" 2>&1 &
  STACK_PIDS+=($!)
  loket_wait_healthy "$LOKET_BIN_DIR" "$2" || fail "loketd $1 did not start"
}
A="127.0.0.1:$(pg_free_port)"
start_loketd a "$A"
B="127.0.0.1:$(pg_free_port)"
start_loketd b "$B"

echo 0 >"$WORK/n"
due_on_b() {  # submits a SIP_PERAWAT case through replica B; prints its SLA due date
  local N=$(($(cat "$WORK/n") + 1))  # a new applicant each time (runs in a subshell)
  echo "$N" >"$WORK/n"
  "$LOKET" --addr "$B" --token "$OFFICER" --get sla.due_date office submit \
    --permit-type SIP_PERAWAT --nik "$(printf '647106570890%04d' "$N")" --name "Siti Rahmawati" \
    --phone 081234567890 --str-number "STR-$N" \
    --practice-place "Puskesmas Klandasan Ilir"
}
admin_a() { "$LOKET" --addr "$A" --token "$ADMIN" "$@"; }

echo "== the seed carries 2027's fixed-date national holidays"
admin_a holidays --year 2027 | tee "$WORK/2027.out"
for d in 2027-01-01 2027-05-01 2027-06-01 2027-08-17 2027-12-25; do
  grep -q "^$d " "$WORK/2027.out" || fail "the seed lacks $d"
done

echo "== a holiday added on A moves the due date of B's next case"
DUE1=$(due_on_b) || fail "submit on B"
[[ "$DUE1" =~ ^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]$ ]] || fail "no due date: '$DUE1'"
[[ $(due_on_b) == "$DUE1" ]] || fail "two cases in a row got different due dates"
admin_a admin holiday add --date "$DUE1" --name "Libur daerah (uji)" || fail "holiday add"
DUE2=$(due_on_b)
echo "due date before: $DUE1, after: $DUE2"
[[ "$DUE2" > "$DUE1" ]] || fail "B still used its cached calendar: due $DUE2, not after $DUE1"
admin_a admin holiday remove --date "$DUE1" || fail "holiday remove"
[[ $(due_on_b) == "$DUE1" ]] || fail "the removed holiday still counts on B"

echo "== a longer service level set on A is used by B's next case"
admin_a admin permit-type set --code SIP_PERAWAT --service-days 15 | tee "$WORK/pt.out" ||
  fail "permit-type set"
grep -q "SIP_PERAWAT" "$WORK/pt.out" || fail "permit-type set printed no type"
DUE3=$(due_on_b)
echo "due date with 15 working days: $DUE3"
[[ "$DUE3" > "$DUE1" ]] || fail "B still used its cached permit type: due $DUE3"
# The documents were kept (flags not given keep their value).
[[ $(q "SELECT count(*) FROM permit_type_documents WHERE permit_type = 'SIP_PERAWAT'") -gt 0 ]] ||
  fail "permit-type set dropped the documents"

echo "== holidays imported from a CSV; a retry changes nothing more"
cat >"$WORK/2028.csv" <<'CSV'
date,name,kind,source
2028-01-01,Tahun Baru 2028 Masehi,libur_nasional,"fixed date, Keppres"
2028-05-01,Hari Buruh Internasional,libur_nasional,fixed date
CSV
RID=$(cat /proc/sys/kernel/random/uuid)
admin_a admin holiday import --year 2028 --file "$WORK/2028.csv" --request-id "$RID" |
  tee "$WORK/import.out"
grep -q "2 added" "$WORK/import.out" || fail "import did not add 2"
audits=$(q "SELECT count(*) FROM admin_audit")
"$LOKET" --addr "$B" --token "$ADMIN" admin holiday import --year 2028 --file "$WORK/2028.csv" \
  --request-id "$RID" >/dev/null || fail "retry of the import"
[[ $(q "SELECT count(*) FROM admin_audit") == "$audits" ]] || fail "the retry was audited again"
[[ $(q "SELECT count(*) FROM holidays WHERE extract(year FROM day) = 2028") == 2 ]] ||
  fail "the retry changed the holidays"

echo "== the government's own 2026 list imports as it is (quoted sources and all)"
admin_a admin holiday import --year 2026 --file "$ROOT/deploy/seed/holidays_2026.csv" |
  tee "$WORK/import2026.out"
grep -q "^2026: 0 added, 25 already there" "$WORK/import2026.out" ||
  fail "the seeded 2026 list and its CSV differ"

echo "== a bad value is refused naming the field"
if admin_a admin clinic set klinik-uji --name "Klinik Uji" --kind clinic --hours 15:00-09:00 \
  2>"$WORK/bad.err"; then
  fail "closing before opening was accepted"
fi
grep -q "clinic.closes" "$WORK/bad.err" || fail "the error does not name clinic.closes: $(cat "$WORK/bad.err")"
admin_a admin counter set C9 --name "Loket 9" --services SIP_PERAWAT,SIP_BIDAN \
  --seated-service yes || fail "counter set"
admin_a admin counters | grep -q "^C9 .*SIP_PERAWAT,SIP_BIDAN" || fail "counter C9 not listed"

echo "== the audit says who changed what"
admin_a admin audit --limit 50 | tee "$WORK/audit.out"
grep -q "refdata-admin .* holiday.add $DUE1" "$WORK/audit.out" || fail "holiday.add not audited"
grep -q "holiday.remove $DUE1" "$WORK/audit.out" || fail "holiday.remove not audited"
grep -q "permit_type.set SIP_PERAWAT" "$WORK/audit.out" || fail "permit_type.set not audited"
grep -q '"service_level_days": 15' "$WORK/audit.out" || fail "the audit lacks the row after"
echo "PASS"
