#!/usr/bin/env bash
# System test: notifications are never lost and never sent twice, with real processes and real
# receivers. Clinics submit cases while the notifier is killed with SIGKILL mid-task and restarted,
# and while loketd is restarted. Afterwards every notification is marked sent, and the receiving
# ends (a real HTTP gateway and a real SMTP server) saw each notification id exactly once after
# dedupe by key and at least once before it. The gateway answers 500 to its first requests.
# Then one applicant over the hourly cap (issue 11): the important messages (revision requested,
# issued, collected) are not held an hour behind the chatter, and the gateway receives that
# applicant's messages in the order their events happened, with four notifier threads.
# Environment: LOKET_BIN_DIR (loketd, loket-notifier, submit_load, loket), set by ctest.
set -euo pipefail
: "${LOKET_BIN_DIR:?set LOKET_BIN_DIR}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/deploy/lib-stack.sh"
PY=$(loket_python)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/loket-notifier.XXXXXX")
chmod 0711 "$WORK"
PIDS=()
LOKETD_PID="" NOTIFIER_PID=""
cleanup() {
  local rc=$?
  trap - EXIT
  for p in "$LOKETD_PID" "$NOTIFIER_PID" "${PIDS[@]}"; do
    [[ -n "$p" ]] && kill -KILL "$p" 2>/dev/null || true
  done
  pg_stop "$WORK/pg" >/dev/null 2>&1 || true
  if ((rc != 0)); then
    for f in loketd.log notifier.log http.err smtp.err; do
      echo "--- $f" >&2
      tail -n 20 "$WORK/$f" >&2 2>/dev/null || true
    done
  fi
  [[ -n "${KEEP_WORK:-}" ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"
  ((rc == 0)) && echo "PASS: notifier"
  exit "$rc"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
wait_file() {
  for ((i = 0; i < 100; i++)); do
    [[ -s "$1" ]] && return 0
    sleep 0.1
  done
  fail "$1 never appeared"
}

loket_fresh_db "$WORK" "$LOKET_BIN_DIR"
CLINIC_TOKEN=$(loket_token "$DB" t-clinic clinic pkm-klandasan-ilir)
ADMIN_TOKEN=$(loket_token "$DB" t-admin admin)
WORKER_TOKEN=$(loket_token "$DB" t-worker worker)

"$PY" "$ROOT/tests/support/http_receiver.py" --port-file "$WORK/http.port" --log "$WORK/http.log" \
  --fail-first 5 --status 500 2>"$WORK/http.err" &
PIDS+=($!)
# The SMTP server refuses the very first e-mail for good (550): that task goes dead, and an operator
# retries it with `loket admin tasks retry`.
"$PY" "$ROOT/tests/support/smtp_receiver.py" --port-file "$WORK/smtp.port" --log "$WORK/smtp.log" \
  --fail-first 1 --fail-reply "550 5.1.1 Mailbox unavailable" 2>"$WORK/smtp.err" &
PIDS+=($!)
wait_file "$WORK/http.port"
wait_file "$WORK/smtp.port"

API="127.0.0.1:$(pg_free_port)"
start_loketd() {
  "$LOKET_BIN_DIR/loketd" --listen="$API" --db="$DB" --pool_size=8 --log_requests=false --quiet_hours=off \
    ${LOKETD_EXTRA:-} >>"$WORK/loketd.log" 2>&1 &
  LOKETD_PID=$!
  for ((i = 0; i < 100; i++)); do
    grep -q "serving on port" "$WORK/loketd.log" 2>/dev/null && [[ $(grep -c "serving on port" "$WORK/loketd.log") -ge $1 ]] && return 0
    sleep 0.1
  done
  fail "loketd did not start"
}
start_notifier() {
  "$LOKET_BIN_DIR/loket-notifier" --addr="$API" --token="$WORKER_TOKEN" --concurrency=4 \
    --lease_seconds=3 --webhook_url="http://127.0.0.1:$(cat "$WORK/http.port")/send" \
    --smtp_url="smtp://127.0.0.1:$(cat "$WORK/smtp.port")" >>"$WORK/notifier.log" 2>&1 &
  NOTIFIER_PID=$!
}

sent() { psql -X -At -d "$DB" -c "SELECT count(*) FROM notifications WHERE status = 'sent'"; }
wait_sent() {  # until at least $1 notifications are sent
  for ((i = 0; i < 300; i++)); do
    (($(sent) >= $1)) && return 0
    sleep 0.1
  done
  fail "only $(sent) notifications sent, waited for $1"
}

start_loketd 1
start_notifier
# About 100 submissions over 5 seconds; each sends an SMS/WA message and an e-mail.
"$LOKET_BIN_DIR/submit_load" --addr="$API" --token="$CLINIC_TOKEN" --concurrency=4 --rate=20 \
  --duration=5 --warmup=0 --with_email >"$WORK/load.out" 2>&1 &
LOAD=$!
wait_sent 10  # mid-stream: it has delivered some, more are coming
echo "== SIGKILL the notifier mid-stream, restart it"
kill -KILL "$NOTIFIER_PID"
wait "$NOTIFIER_PID" 2>/dev/null || true
start_notifier
wait_sent $(($(sent) + 5))  # the new notifier delivers
for ((i = 0; i < 100; i++)); do  # mid-load: about half of the submissions are in
  (($(psql -X -At -d "$DB" -c "SELECT count(*) FROM cases") >= 50)) && break
  sleep 0.1
done
echo "== restart loketd"
kill -TERM "$LOKETD_PID"
wait "$LOKETD_PID" 2>/dev/null || true
start_loketd 2
wait "$LOAD" || true  # submissions during the restart fail and are simply not counted
cat "$WORK/load.out"

cases=$(psql -X -At -d "$DB" -c "SELECT count(*) FROM cases")
((cases >= 40)) || fail "only $cases cases were submitted"
expected=$(psql -X -At -d "$DB" -c "SELECT count(*) FROM notifications")
((expected == 2 * cases)) || fail "$cases cases but $expected notifications"
echo "== waiting for $expected notifications: all but the refused e-mail delivered"
for ((i = 0; i < 600; i++)); do
  pending=$(psql -X -At -d "$DB" -c "SELECT count(*) FROM notifications WHERE status = 'pending'")
  ((pending == 0)) && break
  sleep 0.1
done
((pending == 0)) || fail "$pending notifications still pending"
LOKET=("$LOKET_BIN_DIR/loket" --addr "$API" --token "$ADMIN_TOKEN")
dead=$("${LOKET[@]}" --json admin tasks list --state dead |
  "$PY" -c 'import json,sys; print(" ".join(str(t["id"]) for t in json.load(sys.stdin).get("tasks", [])))')
[[ "$dead" =~ ^[0-9]+$ ]] || fail "expected exactly one dead task, got '$dead'"
"${LOKET[@]}" admin tasks show "$dead" | grep -q "550" || fail "the dead task does not show the 550"
"${LOKET[@]}" admin tasks retry "$dead" >/dev/null
echo "   task $dead was dead after a permanent 550; retried from the CLI"
for ((i = 0; i < 600; i++)); do
  pending=$(psql -X -At -d "$DB" -c "SELECT count(*) FROM notifications WHERE status <> 'sent'")
  ((pending == 0)) && break
  sleep 0.1
done
((pending == 0)) || fail "$pending notifications not delivered: $(psql -X -At -d "$DB" -c "SELECT status, count(*) FROM notifications GROUP BY 1")"

# What the receivers saw, by notification id.
"$PY" - "$WORK/http.log" "$WORK/smtp.log" "$DB" <<'PYEOF'
import json, re, subprocess, sys
http_log, smtp_log, db = sys.argv[1:4]
def ids(rows):
    return [int(r) for r in rows if r]
webhook = [json.loads(l) for l in open(http_log) if l.strip()]
smtp = [json.loads(l) for l in open(smtp_log) if l.strip()]
got_webhook = [int(re.search(r"(\d+)$", w["idempotency_key"]).group(1)) for w in webhook]
got_smtp = [int(re.search(r"loket-notification-(\d+)@", m["message_id"]).group(1)) for m in smtp]
q = lambda sql: subprocess.run(["psql", "-X", "-At", "-d", db, "-c", sql], capture_output=True,
                               text=True, check=True).stdout.split()
want_webhook = set(ids(q("SELECT id FROM notifications WHERE channel = 'webhook'")))
want_email = set(ids(q("SELECT id FROM notifications WHERE channel = 'email'")))
ok = True
for name, got, want in (("webhook", got_webhook, want_webhook), ("smtp", got_smtp, want_email)):
    missing = want - set(got)
    extra = set(got) - want
    dups = len(got) - len(set(got))
    print(f"   {name}: {len(want)} expected, {len(set(got))} distinct received "
          f"({len(got)} deliveries, {dups} duplicates before dedupe)")
    if missing or extra:
        print(f"FAIL: {name} missing {sorted(missing)[:10]} unexpected {sorted(extra)[:10]}")
        ok = False
sys.exit(0 if ok else 1)
PYEOF
echo "   the gateway refused the first requests with 500; all were retried"

echo "== one applicant over the cap (2 an hour): important messages go at once, all in event order"
kill -TERM "$LOKETD_PID"
wait "$LOKETD_PID" 2>/dev/null || true
LOKETD_EXTRA="--notify_per_hour=2"
start_loketd 3
OFFICER_TOKEN=$(loket_token "$DB" t-officer officer)
APPROVER_TOKEN=$(loket_token "$DB" t-approver approver)
as_() { local t=$1; shift; "$LOKET_BIN_DIR/loket" --addr "$API" --token "$t" "$@" >>"$WORK/cli.log" 2>&1; }
CASE=$("$LOKET_BIN_DIR/loket" --addr "$API" --token "$CLINIC_TOKEN" --json clinic submit \
  --permit-type SIP_PERAWAT --nik 6471065708900009 --name "Siti Rahmawati" --phone 081299990011 \
  --str-number STR-991 --practice-place "Puskesmas Klandasan Ilir" |
  "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(d.get("case", d)["id"])')
[[ "$CASE" =~ ^[0-9]+$ ]] || fail "no case id"
for doc in KTP STR SURAT_TEMPAT_PRAKTIK; do
  printf '%%PDF-1.4 demo' >"$WORK/$doc.pdf"
  as_ "$CLINIC_TOKEN" clinic attach "$CASE" --code "$doc" --file "$WORK/$doc.pdf" || fail "attach $doc"
done
as_ "$OFFICER_TOKEN" office verify "$CASE" || fail "verify"
as_ "$OFFICER_TOKEN" office request-revision "$CASE" --note "STR tidak terbaca" || fail "revision"
as_ "$CLINIC_TOKEN" clinic revise "$CASE" || fail "revise"                 # chatter: held by the cap
as_ "$APPROVER_TOKEN" office approve "$CASE" || fail "approve"             # chatter: held after it
as_ "$OFFICER_TOKEN" office issue "$CASE" || fail "issue"                  # important: goes now
as_ "$OFFICER_TOKEN" office collected "$CASE" --by "Siti Rahmawati" --id-type KTP \
  --id-number 6471065708900009 || as_ "$OFFICER_TOKEN" office collected "$CASE" || fail "collected"
want="case.submitted case.revision_requested case.revision_received case.approved case.issued case.collected"
got=$(psql -X -At -d "$DB" -c "SELECT string_agg(template_id, ' ' ORDER BY id) FROM notifications
        WHERE case_id = $CASE AND channel = 'webhook'")
[[ "$got" == "$want" ]] || fail "messages of case $CASE: '$got'; want '$want'"
held=$(psql -X -At -d "$DB" -c "SELECT count(*) FROM notifications WHERE case_id = $CASE
         AND scheduled_for > now() + interval '10 minutes'")
((held == 0)) || fail "$held messages of case $CASE are still held: $(psql -X -At -d "$DB" -c \
  "SELECT template_id, scheduled_for - created_at FROM notifications WHERE case_id = $CASE")"
for ((i = 0; i < 300; i++)); do
  pending=$(psql -X -At -d "$DB" -c "SELECT count(*) FROM notifications WHERE case_id = $CASE
              AND status <> 'sent'")
  ((pending == 0)) && break
  sleep 0.1
done
((pending == 0)) || fail "$pending messages of case $CASE not sent within 30 s"
"$PY" - "$WORK/http.log" "$DB" "$CASE" <<'PYEOF'
import json, re, subprocess, sys
http_log, db, case = sys.argv[1:4]
rows = subprocess.run(["psql", "-X", "-At", "-F", " ", "-d", db, "-c",
                       f"SELECT id, template_id FROM notifications WHERE case_id = {case}"
                       " AND channel = 'webhook' ORDER BY id"],
                      capture_output=True, text=True, check=True).stdout.split("\n")
want = [(int(r.split()[0]), r.split()[1]) for r in rows if r.strip()]
names = dict(want)
first = []
for line in open(http_log):
    if not line.strip():
        continue
    w = json.loads(line)
    n = int(re.search(r"(\d+)$", w["idempotency_key"]).group(1))
    if n in names and w["status"] == 200 and n not in first:
        first.append(n)
arrived = [names[n] for n in first]
print("   the gateway received, in order: " + ", ".join(arrived))
if first != [n for n, _ in want]:
    print("FAIL: arrival order " + ", ".join(arrived) + "; want the order of the events")
    sys.exit(1)
PYEOF

echo "== every line loketd and loket-notifier wrote is one logfmt line (common/log.h)"
"$PY" - "$WORK/loketd.log" "$WORK/notifier.log" <<'PYEOF'
import re, sys
value = r'(?:"(?:[^"\\]|\\.)*"|[^ "=\\]+)'
pair = re.compile(r'([A-Za-z0-9_.-]+)=(' + value + r')(?: |$)')
ts = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$')
bad = []
for path, proc in zip(sys.argv[1:], ["loketd", "loket-notifier"]):
    seen = {"task": 0, "lines": 0}
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        keys, vals, pos = [], {}, 0
        while pos < len(line):
            m = pair.match(line, pos)
            if not m:
                break
            keys.append(m.group(1))
            vals.setdefault(m.group(1), m.group(2))
            pos = m.end()
        head = [k for k in keys[3:keys.index("msg")]] if "msg" in keys else None
        if (pos < len(line) or keys[:3] != ["ts", "level", "proc"] or head is None
                or not set(head) <= {"req", "task"} or not ts.match(vals["ts"])
                or vals["level"] not in ("debug", "info", "warn", "error")
                or vals["proc"] != proc):
            bad.append("%s:%d: %s" % (path.rsplit("/", 1)[-1], n, line[:200]))
        seen["lines"] += 1
        seen["task"] += "task" in keys
    if seen["lines"] == 0:
        bad.append(path + ": empty")
    print("   %s: %d lines, %d with a task id" % (path.rsplit("/", 1)[-1], seen["lines"], seen["task"]))
    if proc == "loket-notifier" and seen["task"] == 0:
        bad.append(path + ": no line names a task")
if bad:
    print("FAIL: lines that are not the log format:\n  " + "\n  ".join(bad[:10]))
    sys.exit(1)
PYEOF
