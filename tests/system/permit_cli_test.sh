#!/usr/bin/env bash
# System test (issue 13): the signed permit through the loket command, against a real loketd
# started with a CA and office certificate made here with openssl (as deploy/up.sh makes var/pki).
#  - a clinic's case is issued; `loket clinic permit CASE --out` (the clinic) and
#    `loket office permit CASE --out` (an officer) save the same bytes;
#  - pdfsig trusts the signature against this CA; pdftotext shows the permit number and NIK;
#  - another clinic may not download it (NOT_FOUND);
#  - `loket verify-permit --file` says the PDF is the one the office issued (exit 0), and of a copy
#    with one changed byte that it is not (exit 1).
# Environment: LOKET_BIN_DIR.
set -euo pipefail
: "${LOKET_BIN_DIR:?set LOKET_BIN_DIR}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/deploy/lib-stack.sh"

loket_stack_begin loket-permit-cli
fail() {
  echo "FAIL: $*" >&2
  tail -n 20 "$WORK/loketd.log" >&2 2>/dev/null || true
  exit 1
}
PKI="$WORK/pki"
mkdir -p "$PKI/nss"
printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,nonRepudiation\n' >"$PKI/office.ext"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$PKI/ca.key" \
  -out "$PKI/ca.pem" -days 30 -subj "/CN=Permit CLI Test CA" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$PKI/office.key" \
  -out "$PKI/office.csr" -subj "/CN=DPMPTSP Kota Balikpapan" 2>/dev/null
openssl x509 -req -in "$PKI/office.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" -CAcreateserial \
  -days 30 -extfile "$PKI/office.ext" -out "$PKI/office.pem" 2>/dev/null
certutil -N -d "sql:$PKI/nss" --empty-password
certutil -A -d "sql:$PKI/nss" -n test-ca -t CT,C,C -i "$PKI/ca.pem"

loket_fresh_db "$WORK" "$LOKET_BIN_DIR"
OFFICER=$(loket_token "$DB" pc-officer officer)
APPROVER=$(loket_token "$DB" pc-approver approver)
CLINIC=$(loket_token "$DB" pc-clinic clinic rsud-kanujoso)
OTHER_CLINIC=$(loket_token "$DB" pc-clinic-2 clinic rsud-beriman)
LOKET="$LOKET_BIN_DIR/loket"
A="127.0.0.1:$(pg_free_port)"
"$LOKET_BIN_DIR/loketd" --listen="$A" --db="$DB" --pool_size=4 --log_requests=false \
  --permit_key="$PKI/office.key" --permit_cert="$PKI/office.pem" \
  --permit_official_name="dr. H. Andi Sulaiman" >>"$WORK/loketd.log" 2>&1 &
STACK_PIDS+=($!)
loket_wait_healthy "$LOKET_BIN_DIR" "$A" || fail "loketd did not start"
as() { local t=$1; shift; "$LOKET" --addr "$A" --token "$t" "$@"; }

echo "== a clinic's case, issued"
printf '%%PDF-1.4 permit cli test\n' >"$WORK/doc.pdf"
CASE=$(as "$CLINIC" --get id clinic submit --permit-type SIP_PERAWAT --nik 6471065708900021 \
  --name "Siti Rahmawati" --phone 081234567890 --str-number STR-21 \
  --practice-place "RSUD Dr. Kanujoso Djatiwibowo") || fail "submit"
for c in KTP STR SURAT_TEMPAT_PRAKTIK; do
  as "$CLINIC" clinic attach "$CASE" --code "$c" --file "$WORK/doc.pdf" >/dev/null || fail "attach $c"
done
as "$CLINIC" clinic permit "$CASE" --out "$WORK/early.pdf" >/dev/null 2>&1 &&
  fail "a permit was downloaded before issue"
as "$OFFICER" office verify "$CASE" >/dev/null || fail "verify"
as "$APPROVER" office approve "$CASE" >/dev/null || fail "approve"
as "$OFFICER" office issue "$CASE" >/dev/null || fail "issue"

echo "== the clinic and an officer download the same signed PDF"
as "$CLINIC" clinic permit "$CASE" --out "$WORK/sip.pdf" || fail "clinic permit"
as "$OFFICER" office permit "$CASE" --out "$WORK/sip-office.pdf" >/dev/null || fail "office permit"
cmp "$WORK/sip.pdf" "$WORK/sip-office.pdf" || fail "the clinic's and the officer's PDFs differ"
NUMBER=$(psql -X -At -d "$DB" -c "SELECT permit_number FROM cases WHERE id = $CASE")
pdftotext "$WORK/sip.pdf" - >"$WORK/sip.txt"
grep -qF "$NUMBER" "$WORK/sip.txt" || fail "the PDF does not show permit $NUMBER"
grep -qF 6471065708900021 "$WORK/sip.txt" || fail "the PDF does not show the NIK"
pdfsig -nssdir "sql:$PKI/nss" "$WORK/sip.pdf" >"$WORK/sig.txt" 2>&1 || true
grep -q "Signature is Valid." "$WORK/sig.txt" || fail "pdfsig: $(cat "$WORK/sig.txt")"
grep -q "Certificate is Trusted." "$WORK/sig.txt" || fail "pdfsig: $(cat "$WORK/sig.txt")"

echo "== another clinic may not"
set +e
out=$(as "$OTHER_CLINIC" clinic permit "$CASE" --out "$WORK/theirs.pdf" 2>&1)
rc=$?
set -e
((rc != 0)) || fail "another clinic downloaded the permit"
grep -q NOT_FOUND <<<"$out" || fail "expected NOT_FOUND, got: $out"

echo "== verify-permit --file: this PDF, and one with a changed byte"
"$LOKET" --addr "$A" verify-permit --file "$WORK/sip.pdf" | tee "$WORK/verify.out" ||
  fail "verify-permit --file refused the issued PDF"
grep -q "the one the office issued" "$WORK/verify.out" || fail "no document match: $(cat "$WORK/verify.out")"
cp "$WORK/sip.pdf" "$WORK/changed.pdf"
printf 'X' | dd of="$WORK/changed.pdf" bs=1 seek=2000 conv=notrunc status=none
set +e
out=$("$LOKET" --addr "$A" verify-permit --file "$WORK/changed.pdf" 2>&1)
rc=$?
set -e
((rc != 0)) || fail "a changed PDF verified: $out"
echo "PASS"
