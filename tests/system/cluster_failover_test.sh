#!/usr/bin/env bash
# System test (issue 15): fail-over of the replicated cluster under load, with real processes.
# The cluster is deploy/cluster/lib-cluster.sh's (etcd, three PostgreSQL 15 nodes under Patroni with
# synchronous replication, HAProxy, two loketd replicas, two of each worker). Against it, through
# HAProxy's gRPC port and without pause:
#  - several clinic submitters, each retrying ONE request_id until it is acknowledged, recording
#    every acknowledged case id;
#  - an officer taking cases to ISSUED one after another (permit numbers), each step retried with
#    its own request_id until acknowledged;
#  - an officer requesting appointments (the schedulers' slots.allocate tasks); the clinic's
#    submissions give the demo couriers pickups (the routers' route.plan tasks).
# Meanwhile the test SIGKILLs one loketd replica, one worker of each kind, and then the PostgreSQL
# leader's postmaster five times (Patroni promotes the synchronous standby, checked; the old leader comes
# back as a standby through pg_rewind by itself: the member list shows it). Afterwards:
#  - every acknowledged submission is stored exactly once (cases = acknowledged submissions =
#    idempotency records; each with the NIK sent under its request_id);
#  - permit numbers are gapless (1..N in each numbering series (permit type, year), N = the
#    counter, every issued case numbered once);
#  - the task queue resumes: every notification is delivered (the webhook receiver saw each one,
#    once after dedupe by key), no task is dead;
#  - route.plan and slots.allocate tasks ran after their worker's kill and none is left due; every
#    acknowledged appointment request is stored once and allocated or waitlisted.
# It prints, per leader kill, the time from the SIGKILL to the first acknowledged submission whose
# call began after it, and their median and worst: figures, never asserted (docs/benchmarks.md).
# Environment: LOKET_BIN_DIR (set by ctest); FAILOVER_KILLS (leader kills, default 5);
# FAILOVER_CLIENTS (submitters, default 4); KEEP_WORK=1 keeps the temp dir.
set -euo pipefail
: "${LOKET_BIN_DIR:?set LOKET_BIN_DIR}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/deploy/lib-stack.sh"
# shellcheck source=deploy/cluster/lib-cluster.sh
source "$ROOT/deploy/cluster/lib-cluster.sh"
PY=$(loket_python)
LOKET="$LOKET_BIN_DIR/loket"
KILLS=${FAILOVER_KILLS:-5}
CLIENTS=${FAILOVER_CLIENTS:-4}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/loket-failover.XXXXXX")
chmod 0711 "$WORK"  # the postgres user must reach the cluster's data dirs
CDIR="$WORK/cluster"
BG=()           # our background loops and the webhook receiver
CLUSTER_UP=""
cleanup() {
  local rc=$? p
  trap - EXIT
  touch "$WORK/stop"
  for p in "${BG[@]}"; do
    pkill -KILL -P "$p" 2>/dev/null || true  # a loop's running loket call
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  if ((rc != 0)); then
    echo "--- last lines of the logs:" >&2
    for p in "$CDIR"/log/*.log "$WORK"/*.err; do
      [[ -s "$p" ]] || continue
      echo "--- $p" >&2
      tail -n 8 "$p" >&2
    done
  fi
  [[ -n "$CLUSTER_UP" ]] && { cluster_stop "$CDIR" >/dev/null 2>&1 || echo "cluster_stop failed" >&2; }
  if [[ -n "${KEEP_WORK:-}" ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
  ((rc == 0)) && echo "PASS: cluster_failover"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
now() { date +%s.%N; }

echo "== the webhook receiver (the SMS/WhatsApp gateway) and the cluster"
"$PY" "$ROOT/tests/support/http_receiver.py" --port-file "$WORK/http.port" --log "$WORK/http.log" \
  2>"$WORK/http.err" &
BG+=($!)
for ((i = 0; i < 100; i++)); do
  [[ -s "$WORK/http.port" ]] && break
  sleep 0.1
done
[[ -s "$WORK/http.port" ]] || fail "the webhook receiver did not start"
# The cluster's notifiers deliver to it; loketd holds no message for quiet hours (as notifier_test).
CLUSTER_NOTIFIER_ARGS=(--webhook_url="http://127.0.0.1:$(cat "$WORK/http.port")/send")
CLUSTER_LOKETD_ARGS=(--quiet_hours=off --log_requests=false)
BASE=${LOKET_CLUSTER_BASE:-$(cluster_free_base)} || fail "no free port range found"
t_start=$(now)
CLUSTER_UP=1
cluster_start "$CDIR" "$LOKET_BIN_DIR" "$BASE" >"$WORK/cluster_start.out" 2>&1 ||
  fail "cluster_start: $(tail -n 20 "$WORK/cluster_start.out")"
printf '   up in %.0f s: gRPC %s, database %s, leader %s\n' "$(echo "$(now) - $t_start" | bc)" \
  "$CLUSTER_GRPC" "$CLUSTER_DB" "$(cluster_leader "$CDIR")"
q() { psql -X -At -d "$CLUSTER_DB" -c "$1"; }

CLINIC=$(loket_token "$CLUSTER_DB" fo-clinic clinic pkm-klandasan-ilir)
OFFICER=$(loket_token "$CLUSTER_DB" fo-officer officer)
APPROVER=$(loket_token "$CLUSTER_DB" fo-approver approver)

# Submitter K: submission after submission until $WORK/stop exists; each one retried with its
# request_id (and NIK) until acknowledged. acked-K: "REQUEST_ID CASE_ID NIK T_CALL_BEGAN T_ACKED".
submitter() {
  local k=$1 n=0 rid nik phone id t0
  while [[ ! -e "$WORK/stop" ]]; do
    n=$((n + 1))
    rid=$(cat /proc/sys/kernel/random/uuid)
    # A valid Balikpapan NIK of this submitter (birth day k+1) and serial n: one live application each.
    nik=$(printf '647106%02d0190%04d' $((k + 1)) "$n")
    phone=$(printf '0813%02d%06d' "$k" "$n")  # one applicant each: no per-address cap
    while :; do
      t0=$(now)
      if id=$("$LOKET" --addr "$CLUSTER_GRPC" --token "$CLINIC" --timeout 3 --get id clinic submit \
        --permit-type SIP_PERAWAT --nik "$nik" --name "Siti Rahmawati" --phone "$phone" \
        --str-number STR-FO --practice-place "Puskesmas Klandasan Ilir" --request-id "$rid" \
        2>>"$WORK/submit-$k.err"); then
        echo "$rid $id $nik $t0 $(now)" >>"$WORK/acked-$k"
        break
      fi
      echo "$rid $t0 $(now)" >>"$WORK/failed-$k"
      sleep 0.1
    done
    sleep 0.2
  done
}

# The officer's loop: a case taken to ISSUED, then the next, until $WORK/stop exists. Every step
# is retried with its own request_id until acknowledged. issued: "CASE_ID T_ISSUED".
step() {  # TOKEN REQUEST_ID ARGS...: prints the reply's id field
  local tok=$1 rid=$2 i out
  shift 2
  for ((i = 0; i < 120; i++)); do
    if out=$("$LOKET" --addr "$CLUSTER_GRPC" --token "$tok" --timeout 3 --get id "$@" \
      --request-id "$rid" 2>>"$WORK/issuer.err"); then
      echo "$out"
      return 0
    fi
    sleep 0.2
  done
  echo "step $* never acknowledged" >>"$WORK/issuer.err"
  return 1
}
issuer() {
  local n=0 id c
  printf '%%PDF-1.4 failover test\n' >"$WORK/doc.pdf"
  while [[ ! -e "$WORK/stop" ]]; do
    n=$((n + 1))
    id=$(step "$OFFICER" "$(cat /proc/sys/kernel/random/uuid)" office submit \
      --permit-type SIP_PERAWAT --nik "$(printf '647106290190%04d' "$n")" \
      --name "Rina Wulandari" --phone "$(printf '0814%08d' "$n")" --str-number STR-P \
      --practice-place "RSUD Dr. Kanujoso Djatiwibowo") || return 1
    for c in KTP STR SURAT_TEMPAT_PRAKTIK; do
      step "$OFFICER" "$(cat /proc/sys/kernel/random/uuid)" clinic attach "$id" --code "$c" \
        --file "$WORK/doc.pdf" >/dev/null || return 1
    done
    step "$OFFICER" "$(cat /proc/sys/kernel/random/uuid)" office verify "$id" >/dev/null || return 1
    step "$APPROVER" "$(cat /proc/sys/kernel/random/uuid)" office approve "$id" >/dev/null || return 1
    step "$OFFICER" "$(cat /proc/sys/kernel/random/uuid)" office issue "$id" >/dev/null || return 1
    echo "$id $(now)" >>"$WORK/issued"
  done
}

# The booker: appointment requests for a day with slots (loket-scheduler allocates them through
# slots.allocate tasks), one after another, each retried with its own request_id until
# acknowledged. booked: "REQUEST_ID REQUEST".
booker() {
  local n=0 rid id
  while [[ ! -e "$WORK/stop" ]]; do
    n=$((n + 1))
    rid=$(cat /proc/sys/kernel/random/uuid)
    id=$(step "$OFFICER" "$rid" office appointments request --service SIP_PERAWAT \
      --nik "$(printf '647106570890%04d' "$n")" --name "Ani Pemohon" \
      --phone "$(printf '+62812%07d' "$n")" --day "$BOOK_DAY" --windows 08:00-11:00) || return 1
    echo "$rid $id" >>"$WORK/booked"
    sleep 0.5
  done
}

acked() { cat "$WORK"/acked-* 2>/dev/null | wc -l; }
booked() { cat "$WORK/booked" 2>/dev/null | wc -l; }
issued() { cat "$WORK/issued" 2>/dev/null | wc -l; }
# Waits until COUNT_FN gives at least N (a condition, bounded by generous SECONDS).
wait_count() {  # FN N SECONDS WHAT
  local i
  for ((i = 0; i < $3 * 5; i++)); do
    (($($1) >= $2)) && return 0
    sleep 0.2
  done
  fail "$4: $($1) after $3 s, want $2"
}
# Seconds from T to the first acknowledgement of a call that began at or after T ("" if none yet).
first_ack_after() {
  cat "$WORK"/acked-* 2>/dev/null | awk -v t="$1" '$4 >= t && (m == "" || $5 < m) { m = $5 }
    END { if (m != "") printf "%.2f\n", m - t }'
}
wait_first_ack_after() {  # T WHAT: prints the seconds
  local i s
  for ((i = 0; i < 600; i++)); do
    s=$(first_ack_after "$1")
    [[ -n "$s" ]] && { echo "$s"; return 0; }
    sleep 0.2
  done
  fail "$2: no submission acknowledged within 120 s"
}

echo "== load: $CLIENTS submitters and an officer issuing permits, through HAProxy"
for ((k = 0; k < CLIENTS; k++)); do
  submitter "$k" &
  BG+=($!)
done
issuer &
ISSUER=$!
BG+=("$ISSUER")
BOOK_DAY=$(q "SELECT min(day) FROM slots WHERE day >= current_date + 1")
[[ -n "$BOOK_DAY" ]] || fail "the seed generated no slots"
booker &
BOOKER=$!
BG+=("$BOOKER")
wait_count acked 20 120 "acknowledged submissions before any kill"
wait_count issued 2 120 "permits issued before any kill"
wait_count booked 3 120 "appointment requests before any kill"
echo "   $(acked) submissions acknowledged, $(issued) permits issued, $(booked) appointments requested for $BOOK_DAY"

echo "== SIGKILL one loketd replica"
lpid=$(head -n 1 "$CDIR/run/loketd1.pid")
grep -qx "$lpid" <<<"$(cluster_loketd_pids "$CDIR")" || fail "loketd1 ($lpid) is not running"
t=$(now)
kill -KILL "$lpid"
s=$(wait_first_ack_after "$t" "after the loketd kill")
before=$(acked)
wait_count acked $((before + 10)) 120 "submissions after the loketd kill"
echo "   loketd1 ($lpid) killed; first acknowledged submission after ${s} s; clients keep going ($(acked))"
cluster_restart_loketd "$CDIR" 1 >/dev/null || fail "cluster_restart_loketd 1"
echo "   loketd1 restarted"

echo "== SIGKILL one worker of each kind"
declare -A worker_killed_at
for kind in notifier router scheduler; do
  read -r wpid _ <<<"$(cluster_worker_pids "$CDIR" "$kind" | tr '\n' ' ')"
  [[ "$wpid" =~ ^[0-9]+$ ]] || fail "cluster_worker_pids $kind gave '$wpid'"
  worker_killed_at[$kind]=$(q "SELECT now()")  # the database's clock, as tasks.updated_at
  kill -KILL "$wpid"
  echo "   $kind $wpid killed"
done
before=$(acked)
wait_count acked $((before + 10)) 120 "submissions after the worker kills"
before=$(booked)
wait_count booked $((before + 3)) 120 "appointment requests after the worker kills"

in_place=0  # kills after which Patroni restarted the primary in place (cluster_fail_over)
echo "== SIGKILL the PostgreSQL leader, $KILLS times"
: >"$WORK/failover-seconds"
for ((kill_no = 1; kill_no <= KILLS; kill_no++)); do
  old=$(cluster_leader "$CDIR")
  [[ "$old" =~ ^pg[123]$ ]] || fail "cluster_leader gave '$old'"
  issued_before=$(issued)
  read -r new sync t restarts <<<"$(cluster_fail_over "$CDIR" "$old")"
  [[ -n "${restarts:-}" ]] || fail "no new leader after killing $old"
  in_place=$((in_place + restarts))
  # Synchronous mode: only the synchronous standby, which has every acknowledged commit, may take over.
  [[ "$new" == "$sync" ]] || fail "$new took over from $old, not the synchronous standby '$sync'"
  t_leader=$(now)
  s=$(wait_first_ack_after "$t" "leader kill $kill_no")
  echo "$s" >>"$WORK/failover-seconds"
  echo "$t" >>"$WORK/kill-times"
  cluster_wait_members "$CDIR" 3 >/dev/null || fail "the old leader $old did not rejoin"
  t_back=$(now)
  # The member list: the old leader is a streaming standby now, on the new leader's timeline.
  # (Each member updates its entry once a Patroni loop: a condition waited for, bounded by 60 s.)
  for ((i = 0; i < 120; i++)); do
    cluster_members "$CDIR" >"$WORK/members" || true
    read -r _ role state tl <<<"$(grep "^$old " "$WORK/members")"
    read -r _ _ _ leader_tl <<<"$(grep "^$new " "$WORK/members")"
    [[ "$role" =~ replica|standby && "$state" =~ ^(streaming|running)$ && "$tl" == "$leader_tl" ]] &&
      break
    sleep 0.5
  done
  [[ "$role" =~ replica|standby && "$state" =~ ^(streaming|running)$ && "$tl" == "$leader_tl" ]] ||
    fail "after kill $kill_no the member list says: $(tr '\n' ';' <"$WORK/members")"
  [[ -z "${last_tl:-}" || "$leader_tl" -gt "$last_tl" ]] || fail "timeline $leader_tl after $last_tl"
  last_tl=$leader_tl
  printf '   kill %d: leader %s -> %s, the sync standby (new leader after %.1f s); first acknowledged submission after %s s; %s back as a standby after %.1f s\n' \
    "$kill_no" "$old" "$new" "$(echo "$t_leader - $t" | bc)" "$s" "$old" "$(echo "$t_back - $t" | bc)"
  # The officer's loop goes on too (a permit issued after this kill).
  wait_count issued $((issued_before + 1)) 120 "permits issued after leader kill $kill_no"
done
echo "   kills after which Patroni restarted the primary in place instead of failing over: $in_place"
echo "   members now (name role state timeline):"
cluster_members "$CDIR" | sed 's/^/     /'
summary() {  # WHAT: median and worst of the numbers on stdin
  sort -n | awk -v what="$1" '{ v[NR] = $1 } END {
    printf "   FAILOVER %s over %d kills: median %.2f s, worst %.2f s (all:", what, NR, v[int((NR + 1) / 2)], v[NR]
    for (i = 1; i <= NR; i++) printf " %s", v[i]
    print ")" }'
}
summary "kill -> first acknowledged submission" <"$WORK/failover-seconds"
# The longest time in which no client got any acknowledgement, from each kill on (until 60 s after
# it or the next kill): the pause the clients saw. A backend of the killed postmaster may still
# commit a call in hand (it notices the postmaster's death only when it next waits), which the first
# figure can count; this one cannot be shortened that way.
cat "$WORK"/acked-* | awk '{ print $5 }' | sort -n >"$WORK/ack-times"
"$PY" - "$WORK/kill-times" "$WORK/ack-times" <<'PYEOF' | summary "longest pause without any acknowledgement after a kill"
import sys
kills = [float(l) for l in open(sys.argv[1])]
acks = [float(l) for l in open(sys.argv[2])]
for i, k in enumerate(kills):
    end = min(k + 60, kills[i + 1] if i + 1 < len(kills) else k + 60)
    points = [k] + [a for a in acks if k < a <= end]
    print("%.2f" % max([b - a for a, b in zip(points, points[1:])] or [end - k]))
PYEOF

echo "== stop the load (each client finishes its submission in hand)"
touch "$WORK/stop"
for p in "${BG[@]:1}"; do
  wait "$p" || { [[ "$p" == "$ISSUER" || "$p" == "$BOOKER" ]] && fail "the officer's loop failed: $(tail -n 3 "$WORK/issuer.err")"; }
done
echo "   $(acked) submissions acknowledged, $(issued) permits issued, $(booked) appointments requested; $(cat "$WORK"/failed-* 2>/dev/null | wc -l) failed calls retried"

echo "== every acknowledged submission exactly once"
cat "$WORK"/acked-* >"$WORK/acked"
q "SELECT c.id, c.applicant_nik FROM cases c JOIN principals p ON p.id = c.created_by
   WHERE p.name = 'fo-clinic' ORDER BY c.id" >"$WORK/db-cases"
"$PY" - "$WORK/acked" "$WORK/db-cases" <<'PYEOF' || fail "acknowledged submissions and stored cases differ"
import sys
acked = [l.split() for l in open(sys.argv[1]) if l.strip()]
db = dict(l.strip().split("|") for l in open(sys.argv[2]) if l.strip())
ok = True
rids = [a[0] for a in acked]
ids = [a[1] for a in acked]
if len(set(rids)) != len(rids) or len(set(ids)) != len(ids):
    print("FAIL: a request_id or case id was acknowledged twice"); ok = False
for rid, cid, nik, *_ in acked:
    if db.get(cid) != nik:
        print(f"FAIL: acknowledged case {cid} ({rid}) is stored as {db.get(cid)!r}, not NIK {nik}"); ok = False
extra = set(db) - set(ids)
if extra:
    print(f"FAIL: {len(extra)} stored cases were never acknowledged (duplicates?): {sorted(extra)[:10]}"); ok = False
niks = list(db.values())
if len(set(niks)) != len(niks):
    print("FAIL: a NIK is stored twice"); ok = False
print(f"   {len(acked)} acknowledged submissions, {len(db)} stored cases, each once")
sys.exit(0 if ok else 1)
PYEOF
cases=$(q "SELECT count(*) FROM cases")
records=$(q "SELECT count(*) FROM idempotency WHERE method = 'CaseService.SubmitApplication'")
((cases == records)) || fail "$cases cases but $records submission request_ids: a retry duplicated a case"
echo "   $cases cases in all for $records submission request_ids"

echo "== permit numbers gapless"
n_issued=$(issued)
# Each series (what follows the number: permit type, office, year) counts 1..N on its own: a run
# across 00:00 WITA on 1 January (16:00 UTC on 31 December) numbers the new year's permits from 1.
read -r numbered distinct series gapped <<<"$(q "WITH p AS (SELECT permit_number,
    split_part(permit_number, '/', 1)::int AS n, regexp_replace(permit_number, '^[0-9]+/', '') AS s
    FROM cases WHERE permit_number IS NOT NULL),
  g AS (SELECT s, count(*) AS c, min(n) AS lo, max(n) AS hi FROM p GROUP BY s)
  SELECT (SELECT count(*) FROM p), (SELECT count(DISTINCT permit_number) FROM p),
    (SELECT count(*) FROM g), (SELECT count(*) FROM g WHERE lo <> 1 OR hi <> c)" | tr '|' ' ')"
counter=$(q "SELECT coalesce(sum(last_number), 0) FROM permit_counters")
[[ "$numbered" == "$n_issued" && "$distinct" == "$n_issued" && "$gapped" == 0 &&
  "$counter" == "$n_issued" ]] ||
  fail "permits: $n_issued issued, $numbered numbered ($distinct distinct, $gapped of $series series not 1..N), counter $counter"
for id in $(awk '{ print $1 }' "$WORK/issued"); do
  [[ $(q "SELECT state FROM cases WHERE id = $id") == ISSUED ]] || fail "issued case $id is not ISSUED"
done
echo "   $n_issued permits, numbered 1..N in $series series without a gap or a repeat"

echo "== the other workers resumed: routes planned, appointment requests settled"
# The kills of a router and a scheduler lost nothing only if their kinds of task ran after them
# (the other replica, or the killed one's expired lease) and none is left due. They settle before
# the notifications are counted: an allocation that runs late (its lease lapsed in a failover)
# writes appointment reminders, which the next section must find to bring forward.
for ((i = 0; i < 300; i++)); do
  open=$(q "SELECT (SELECT count(*) FROM appointment_requests WHERE state = 'pending')
    + (SELECT count(*) FROM tasks WHERE queue IN ('slots.allocate', 'route.plan')
       AND state IN ('ready', 'leased') AND run_after <= now())")
  ((open == 0)) && break
  sleep 0.2
done
((open == 0)) || fail "$open appointment requests pending or route/allocation tasks due 60 s after the load"
for pair in route.plan:router slots.allocate:scheduler; do
  ran=$(q "SELECT count(*) FROM tasks WHERE queue = '${pair%%:*}' AND state = 'done'
    AND updated_at > '${worker_killed_at[${pair##*:}]}'")
  ((ran > 0)) || fail "no ${pair%%:*} task ran after the ${pair##*:} kill"
  echo "   ${pair%%:*}: $ran tasks done after one ${pair##*:} was killed"
done
# Each acknowledged request exists once (a retry under its request_id added none) and is settled.
requests=$(q "SELECT count(*) FROM appointment_requests")
records=$(q "SELECT count(*) FROM idempotency WHERE method = 'AppointmentService.CreateAppointmentRequest'")
[[ "$requests" == "$(booked)" && "$records" == "$(booked)" ]] ||
  fail "$(booked) appointment requests acknowledged, $requests stored, $records request_ids"
unsettled=$(q "SELECT count(*) FROM appointment_requests WHERE state NOT IN ('allocated', 'waitlisted')")
((unsettled == 0)) || fail "$unsettled appointment requests neither allocated nor waitlisted"
echo "   $requests appointment requests, each once: $(q "SELECT string_agg(state || ' ' || n, ', ')
  FROM (SELECT state, count(*) AS n FROM appointment_requests GROUP BY 1 ORDER BY 1) s")"
echo "   SIBER stops: $(q "SELECT coalesce(string_agg(state || ' ' || n, ', '), 'none')
  FROM (SELECT state, count(*) AS n FROM stops GROUP BY 1 ORDER BY 1) s")"

echo "== the task queue resumed: every notification delivered"
# Messages scheduled for later (a reminder; quiet hours are off here) are brought forward, as the
# clock would bring them.
held=$(q "SELECT string_agg(template_id || ' x' || n, ', ') FROM (SELECT template_id, count(*) AS n
          FROM notifications WHERE status = 'pending' AND scheduled_for > now() GROUP BY 1) h")
q "WITH h AS (UPDATE notifications SET scheduled_for = now()
     WHERE status = 'pending' AND scheduled_for > now() RETURNING task_id)
   UPDATE tasks SET run_after = now() WHERE id IN (SELECT task_id FROM h) AND state = 'ready'" >/dev/null
[[ -z "$held" ]] || echo "   messages scheduled for later brought forward: $held"
for ((i = 0; i < 900; i++)); do
  pending=$(q "SELECT count(*) FROM notifications WHERE status <> 'sent'")
  ((pending == 0)) && break
  sleep 0.2
done
((pending == 0)) || fail "$pending notifications not sent: $(q "SELECT status, count(*) FROM notifications GROUP BY 1")
$(q "SELECT n.id, n.template_id, n.status, n.scheduled_for, t.state, t.attempt, t.run_after,
       t.lease_expires_at, left(t.last_error, 120) FROM notifications n JOIN tasks t ON t.id = n.task_id
     WHERE n.status <> 'sent' ORDER BY n.id LIMIT 20")"
dead=$(q "SELECT count(*) FROM tasks WHERE state = 'dead'")
((dead == 0)) || fail "$dead dead tasks: $(q "SELECT queue, last_error FROM tasks WHERE state = 'dead' LIMIT 3")"
q "SELECT id FROM notifications WHERE channel = 'webhook' ORDER BY id" >"$WORK/db-notifications"
q "SELECT n.id FROM notifications n JOIN cases c ON c.id = n.case_id JOIN principals p ON p.id = c.created_by
   WHERE p.name = 'fo-clinic' AND n.template_id = 'case.submitted' AND n.channel = 'webhook'" |
  wc -l >"$WORK/submitted-notes"
(($(cat "$WORK/submitted-notes") == $(wc -l <"$WORK/acked"))) ||
  fail "$(cat "$WORK/submitted-notes") case.submitted messages for $(wc -l <"$WORK/acked") acknowledged submissions"
"$PY" - "$WORK/http.log" "$WORK/db-notifications" <<'PYEOF' || fail "deliveries and notifications differ"
import json, re, sys
got = [int(re.search(r"(\d+)$", json.loads(l)["idempotency_key"]).group(1))
       for l in open(sys.argv[1]) if l.strip()]
want = {int(l) for l in open(sys.argv[2]) if l.strip()}
missing, extra = want - set(got), set(got) - want
print(f"   webhook: {len(want)} notifications, {len(set(got))} distinct received "
      f"({len(got)} deliveries, {len(got) - len(set(got))} repeats before dedupe)")
if missing or extra:
    print(f"FAIL: missing {sorted(missing)[:10]} unexpected {sorted(extra)[:10]}")
    sys.exit(1)
PYEOF
echo "   no dead task; $(q "SELECT count(*) FROM tasks WHERE state IN ('ready', 'leased')") tasks still ready or leased (later runs)"
