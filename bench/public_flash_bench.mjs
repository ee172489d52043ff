// A flash crowd on the public booking (issue 10): PEOPLE applicants book one popular morning through
// loket-web within SPREAD seconds (open loop: each person starts at a random moment of the spread,
// whatever the server's speed), each from its own address (X-Forwarded-For; loket-web runs with
// --trusted-proxy 127.0.0.1), with its own NIK and phone, over Connect with binary messages as the
// pages do. Each person then types the 6-digit code "sent to the phone" (read from the notify.send
// task's payload, a loket.v1.NotifySend, by SQL as tests/integration/public_test.cc does) and
// ConfirmVisit. Then the run waits for loket-scheduler to settle the day and checks the result in SQL.
//
//   node bench/public_flash_bench.mjs --web http://127.0.0.1:7480 --db 'libpq conninfo'
//       [--people 2000] [--spread 10] [--json]
//
// bench/run_public_flash_bench.sh starts the stack (fresh database) and runs this. Never a timed test.
// Exit status: 0 when every call was answered, no slot is over capacity and nothing was left pending.
import { randomUUID } from "node:crypto";
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";

const web = new URL("../web/", import.meta.url);
const load = (p) => import(new URL(p, web).href);
const { createClient, ConnectError, Code } = await load("node_modules/@connectrpc/connect/dist/esm/index.js");
const { createConnectTransport } = await load("node_modules/@connectrpc/connect-node/dist/esm/index.js");
const { fromBinary } = await load("node_modules/@bufbuild/protobuf/dist/esm/index.js");
const { PublicService, PublicVisitState } = await load("dist/gen/loket/v1/public_pb.js");
const { NotifySendSchema } = await load("dist/gen/loket/v1/task_pb.js");
const { PriorityClass } = await load("dist/gen/loket/v1/common_pb.js");

function flag(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : def;
}
const WEB = flag("web", "http://127.0.0.1:7480");
const DB = flag("db", "");
const PEOPLE = Number(flag("people", "2000"));
const SPREAD_S = Number(flag("spread", "10"));
const SETTLE_TIMEOUT_S = Number(flag("settle-timeout", "300"));
const JSON_OUT = process.argv.includes("--json");
if (!DB) {
  console.error("public_flash_bench: --db (libpq conninfo of loketd's database) is required");
  process.exit(2);
}
if (PEOPLE < 1 || PEOPLE > 9999) {
  console.error("public_flash_bench: --people is 1..9999 (one NIK serial each)");
  process.exit(2);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function psql(query) {
  return new Promise((resolve, reject) => {
    const p = spawn("psql", ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", DB, "-c", query]);
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`psql: ${err.trim()}\n${query}`))));
  });
}
const rows = (text) => (text ? text.split("\n").map((l) => l.split("|")) : []);
const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

// As the pages do: Connect, binary, HTTP/1.1 (a browser on plain HTTP), one keep-alive pool.
const transport = createConnectTransport({ baseUrl: WEB, httpVersion: "1.1", useBinaryFormat: true });
const pub = createClient(PublicService, transport);

// The day: the first Monday-Thursday at least two days ahead with open slots (the demo calendar,
// deploy/seed/0002_spontan_calendar.sql: 08:00-15:00, 12 seats per 30 minutes, 3 held for priority
// until 24 h before). Asked of loket-web as the booking page asks, from the bench's own address.
const open = await pub.listOpenDays({ officeId: "bpp", days: 14 }, { headers: { "x-forwarded-for": "192.0.2.1" } });
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10); // WITA
const dayInfo = open.days.find((d) => {
  const wd = new Date(`${d.day}T00:00:00Z`).getUTCDay();
  return d.day >= addDays(today, 2) && wd >= 1 && wd <= 4 && d.slots.length >= 14;
});
if (!dayInfo) {
  console.error("public_flash_bench: no Monday-Thursday with open slots in the next 14 days");
  process.exit(1);
}
const DAY = dayInfo.day;
function addDays(day, n) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400e3).toISOString().slice(0, 10);
}
const at = (hhmm) => new Date(Date.parse(`${DAY}T${hhmm}:00+08:00`)).toISOString().replace(".000Z", "Z");
const win = (a, b) => ({ startsAt: at(a), endsAt: at(b) });
// The popular morning (08:00-12:00, 8 slots, 96 seats of which 24 held for priority): three ways
// people ask for it, in order of preference.
const WINDOW_CHOICES = [
  { name: "8-9,9-10", windows: [win("08:00", "09:00"), win("09:00", "10:00")] },
  { name: "8-12", windows: [win("08:00", "12:00")] },
  { name: "10-11,8-10", windows: [win("10:00", "11:00"), win("08:00", "10:00")] },
];

// Person i: NIK 64 71 06 DDMMYY SSSS (Balikpapan Kota, Balikpapan Tengah), serial i+1; every 10th
// born 1950 (76 on the visit day: elderly priority from the NIK), every 50th declares a disability;
// the others born 1990 (women: day + 40). Phone +62812 1xxxxxxx; address 10.20.x.y.
function person(i) {
  const n = i + 1;
  const elderly = i % 10 === 3;
  const disability = !elderly && i % 50 === 7;
  const birth = elderly ? "170850" : i % 2 ? "570890" : "170890";
  const digits = String(10000000 + n);
  return {
    i,
    nik: `647106${birth}${String(n).padStart(4, "0")}`,
    phone: `0812${digits}`,
    e164: `+62812${digits}`,
    addr: `10.20.${n >> 8}.${n & 255}`,
    disability,
    choice: WINDOW_CHOICES[i % WINDOW_CHOICES.length],
  };
}

// The codes "sent to the phones": one SQL poll every 250 ms for the booking.code notifications of
// every phone still waiting (by address, not by a growing id: concurrent transactions commit their
// ids out of order), shared by everyone waiting rather than one psql per person.
const codes = new Map(); // e164 -> code
const waiters = new Map(); // e164 -> resolve
let polling = true;
const poller = (async () => {
  while (polling) {
    if (waiters.size > 0) {
      const phones = [...waiters.keys()].map((a) => `'${a.replace(/[^+0-9]/g, "")}'`).join(",");
      const out = await psql(
        `SELECT DISTINCT ON (n.address) n.address, encode(t.payload, 'hex')
           FROM notifications n JOIN tasks t ON t.id = n.task_id
          WHERE n.template_id = 'booking.code' AND n.address IN (${phones}) ORDER BY n.address, n.id DESC`,
      );
      for (const [address, hex] of rows(out)) {
        const code = fromBinary(NotifySendSchema, Buffer.from(hex, "hex")).params.code;
        codes.set(address, code);
        waiters.get(address)?.(code);
        waiters.delete(address);
      }
    }
    await sleep(250);
  }
})();
const codeFor = (e164) => (codes.has(e164) ? Promise.resolve(codes.get(e164)) : new Promise((r) => waiters.set(e164, r)));

const stats = { book: { lat: [], codes: new Map() }, confirm: { lat: [], codes: new Map() } };
const firstErrors = new Map();
const errorReasons = { book: {}, confirm: {} }; // reason -> count, when the calls started, how long they took
async function timed(kind, fn) {
  const t = performance.now();
  let code = "OK";
  let res;
  try {
    res = await fn();
  } catch (e) {
    const ce = ConnectError.from(e);
    code = Code[ce.code];
    if (!firstErrors.has(`${kind} ${code}`)) firstErrors.set(`${kind} ${code}`, ce.message);
    const reason = `${code}: ${ce.rawMessage.replace(/\d+(\.\d+)?/g, "N").slice(0, 80)}`;
    const er = (errorReasons[kind][reason] ??= { n: 0, first_s: Infinity, last_s: 0, ms: [] });
    er.n++;
    er.first_s = Math.min(er.first_s, +((t - t0) / 1000).toFixed(1));
    er.last_s = Math.max(er.last_s, +((t - t0) / 1000).toFixed(1));
    er.ms.push(Math.round(performance.now() - t));
  }
  stats[kind].lat.push(performance.now() - t);
  stats[kind].codes.set(code, (stats[kind].codes.get(code) ?? 0) + 1);
  return res;
}

const t0 = performance.now();
const people = Array.from({ length: PEOPLE }, (_, i) => person(i));
const confirmedStates = new Map();
const confirmTimes = new Map(); // booking code -> { sent, answered } (ms since the start), OK answers only
console.log(
  `public_flash_bench: ${PEOPLE} people book ${DAY} 08:00-12:00 (WITA) within ${SPREAD_S} s through ${WEB} ` +
    `(Connect, binary, HTTP/1.1; one X-Forwarded-For address each)`,
);
let lastBookStart = 0;
await Promise.all(
  people.map(async (p) => {
    await sleep(Math.random() * SPREAD_S * 1000);
    lastBookStart = Math.max(lastBookStart, performance.now() - t0);
    const headers = { "x-forwarded-for": p.addr };
    const held = await timed("book", () =>
      pub.bookVisit(
        {
          requestId: randomUUID(),
          officeId: "bpp",
          service: "SIP_PERAWAT",
          windows: p.choice.windows,
          nik: p.nik,
          name: "Siti Rahmawati",
          phone: p.phone,
          language: "id",
          disability: p.disability,
        },
        { headers, timeoutMs: 60_000 },
      ),
    );
    if (!held) return;
    p.priority = held.priorityClass;
    const code = await Promise.race([codeFor(p.e164), sleep(120_000).then(() => undefined)]);
    if (!code) {
      stats.confirm.codes.set("NO_CODE_SEEN", (stats.confirm.codes.get("NO_CODE_SEEN") ?? 0) + 1);
      return;
    }
    const sent = performance.now() - t0;
    const v = await timed("confirm", () =>
      pub.confirmVisit({ bookingCode: held.bookingCode, code }, { headers, timeoutMs: 60_000 }),
    );
    if (v) confirmTimes.set(held.bookingCode, { sent, answered: performance.now() - t0 });
    if (v) confirmedStates.set(PublicVisitState[v.state], (confirmedStates.get(PublicVisitState[v.state]) ?? 0) + 1);
  }),
);
const callsDone = (performance.now() - t0) / 1000;
polling = false;
await poller;

// The scheduler settles the day: no request of the day pending, no allocation task ready or leased.
const settleStart = performance.now();
let settled = false;
while ((performance.now() - settleStart) / 1000 < SETTLE_TIMEOUT_S) {
  const [pending, tasks] = rows(
    await psql(
      `SELECT (SELECT count(*) FROM appointment_requests WHERE day = '${DAY}' AND state = 'pending'),
              (SELECT count(*) FROM tasks WHERE queue = 'slots.allocate' AND state IN ('ready', 'leased')
                 AND run_after <= now())`,
    ),
  )[0].map(Number);
  if (pending === 0 && tasks === 0) {
    settled = true;
    break;
  }
  await sleep(200);
}
const settleSeconds = (performance.now() - settleStart) / 1000;

// The checks, in SQL.
const q = async (sql) => rows(await psql(sql));
// 1. Capacity: slots.booked never above capacity, and the live appointments per slot (counted, not
//    the counter) neither; the counter agrees with the count.
const overCapacity = await q(
  `SELECT s.id, s.starts_at, s.capacity, s.booked, count(a.id) FILTER (WHERE a.state IN ('booked','checked_in'))
     FROM slots s LEFT JOIN appointments a ON a.slot_id = s.id
    WHERE s.day = '${DAY}' GROUP BY s.id
   HAVING s.booked > s.capacity OR count(a.id) FILTER (WHERE a.state IN ('booked','checked_in')) > s.capacity
       OR count(a.id) FILTER (WHERE a.state IN ('booked','checked_in')) <> s.booked`,
);
const morning = await q(
  `SELECT to_char(s.starts_at AT TIME ZONE 'Asia/Makassar', 'HH24:MI'), s.capacity, s.reserved_priority,
          s.booked, s.booked_priority
     FROM slots s WHERE s.day = '${DAY}' AND s.booked > 0 ORDER BY s.starts_at`,
);
// 2. Outcome by priority class.
const outcome = await q(
  `SELECT priority_class, state, count(*) FROM appointment_requests WHERE day = '${DAY}'
    GROUP BY 1, 2 ORDER BY 1, 2`,
);
// 3. The waitlist's order: pairs (w waitlisted, a allocated) of the same priority class and the same
//    preferred windows (rank, start, end, all of them) where w was created before a
//    (created_at, then id). Counted per window choice; first come first served means zero.
const sameWindows = `
  WITH wins AS (
    SELECT request_id, string_agg(rank || ':' || starts_at || '-' || ends_at, ',' ORDER BY rank) AS w
      FROM appointment_windows GROUP BY request_id),
  r AS (SELECT q.id, q.priority_class, q.state, q.created_at, wins.w
          FROM appointment_requests q JOIN wins ON wins.request_id = q.id WHERE q.day = '${DAY}')`;
const inversions = await q(
  `${sameWindows}
   SELECT w.priority_class, count(*) AS pairs, count(DISTINCT w.id) AS waitlisted_jumped,
          count(DISTINCT a.id) AS allocated_later,
          coalesce(max(extract(epoch FROM a.created_at - w.created_at)), 0)::numeric(10,3) AS max_gap_s
     FROM r w JOIN r a ON a.priority_class = w.priority_class AND a.w = w.w
    WHERE w.state = 'waitlisted' AND a.state = 'allocated'
      AND (w.created_at, w.id) < (a.created_at, a.id)
    GROUP BY 1 ORDER BY 1`,
);
// The same pairs, only where the allocated one was confirmed at least 1 s after the waitlisted one
// (a later allocation round rather than the same one).
const inversions1s = await q(
  `${sameWindows}
   SELECT count(*) FROM r w JOIN r a ON a.priority_class = w.priority_class AND a.w = w.w
    WHERE w.state = 'waitlisted' AND a.state = 'allocated' AND a.created_at >= w.created_at + interval '1 second'`,
);
// The same question without trusting created_at (the transaction's start, which can be seconds
// before its commit when the transaction waits): pairs where the waitlisted one's ConfirmVisit had
// been answered OK (so its request was committed) before the allocated one's ConfirmVisit was sent.
const reqs = await q(
  `${sameWindows}
   SELECT b.booking_code, r.state, r.priority_class, r.w FROM r JOIN public_bookings b ON b.appointment_request_id = r.id
    WHERE r.state IN ('allocated', 'waitlisted')`,
);
let certainInversions = 0;
const certainExamples = [];
{
  const groups = new Map();
  for (const [bc, state, cls, w] of reqs) {
    const t = confirmTimes.get(bc);
    if (!t) continue;
    const g = groups.get(`${cls}|${w}`) ?? { waitlisted: [], allocated: [] };
    g[state].push({ bc, cls, ...t });
    groups.set(`${cls}|${w}`, g);
  }
  for (const g of groups.values()) {
    for (const w of g.waitlisted) {
      for (const a of g.allocated) {
        if (w.answered < a.sent) {
          certainInversions++;
          if (certainExamples.length < 3) certainExamples.push({ waitlisted: w, allocated: a });
        }
      }
    }
  }
}
// Evidence for the first such pair: both requests (with the seat's time and when it was taken) and
// the allocation rounds (slots.allocate tasks) around them.
let inversionEvidence = [];
if (certainExamples.length) {
  const { waitlisted: w, allocated: a } = certainExamples[0];
  inversionEvidence = (
    await q(
      `SELECT 'request', r.id, b.booking_code, r.priority_class, r.state,
              to_char(r.created_at, 'HH24:MI:SS.MS'), to_char(r.updated_at, 'HH24:MI:SS.MS'),
              coalesce(to_char(ap.created_at, 'HH24:MI:SS.MS'), ''),
              coalesce(to_char(s.starts_at AT TIME ZONE 'Asia/Makassar', 'HH24:MI'), '')
         FROM public_bookings b JOIN appointment_requests r ON r.id = b.appointment_request_id
         LEFT JOIN appointments ap ON ap.request_id = r.id LEFT JOIN slots s ON s.id = ap.slot_id
        WHERE b.booking_code IN ('${w.bc}', '${a.bc}')
       UNION ALL
       SELECT 'task', t.id, t.dedupe_key, t.state, '', to_char(t.created_at, 'HH24:MI:SS.MS'),
              to_char(t.updated_at, 'HH24:MI:SS.MS'), t.attempt::text, ''
         FROM tasks t WHERE t.queue = 'slots.allocate'
        ORDER BY 1, 2`,
    )
  ).map((r) => r.join("|"));
}
const bookingStates = await q(`SELECT state, count(*) FROM public_bookings GROUP BY 1 ORDER BY 1`);
const rounds = await q(
  `SELECT count(*), count(*) FILTER (WHERE state = 'done'), count(*) FILTER (WHERE state = 'dead')
     FROM tasks WHERE queue = 'slots.allocate'`,
);

const summarize = (k) => {
  const sorted = [...stats[k].lat].sort((a, b) => a - b);
  return {
    calls: sorted.length,
    by_code: Object.fromEntries([...stats[k].codes.entries()].sort()),
    p50_ms: +pct(sorted, 50).toFixed(1),
    p99_ms: +pct(sorted, 99).toFixed(1),
    max_ms: +(sorted.at(-1) ?? NaN).toFixed(1),
  };
};
const book = summarize("book");
const confirm = summarize("confirm");
const byState = {};
for (const [cls, state, n] of outcome) (byState[cls] ??= {})[state] = Number(n);
const total = (s) => outcome.filter((r) => r[1] === s).reduce((a, r) => a + Number(r[2]), 0);
const allocated = total("allocated");
const waitlisted = total("waitlisted");
const result = {
  day: DAY,
  people: PEOPLE,
  last_book_started_s: +(lastBookStart / 1000).toFixed(2),
  all_calls_done_s: +callsDone.toFixed(2),
  book,
  confirm,
  errors: errorReasons,
  confirm_answered_state: Object.fromEntries(confirmedStates),
  scheduler_settled: settled,
  settle_s_after_last_call: +settleSeconds.toFixed(2),
  allocation_tasks: { total: Number(rounds[0][0]), done: Number(rounds[0][1]), dead: Number(rounds[0][2]) },
  requests_by_class_and_state: byState,
  allocated,
  waitlisted,
  allocated_share: +(allocated / Math.max(1, allocated + waitlisted)).toFixed(4),
  slots_over_capacity_or_miscounted: overCapacity.length,
  waitlist_inversions: inversions.map(([cls, pairs, w, a, gap]) => ({
    class: cls,
    pairs: Number(pairs),
    waitlisted_jumped: Number(w),
    allocated_later: Number(a),
    max_gap_s: Number(gap),
  })),
  waitlist_inversions_1s_apart: Number(inversions1s[0][0]),
  waitlist_inversions_confirmed_before_sent: certainInversions,
  waitlist_inversion_evidence: inversionEvidence,
  public_bookings_by_state: Object.fromEntries(bookingStates.map(([st, n]) => [st, Number(n)])),
};

console.log(`day ${DAY}; last BookVisit started at ${result.last_book_started_s} s; every call answered after ${result.all_calls_done_s} s`);
for (const [name, s] of [["BookVisit", book], ["ConfirmVisit", confirm]]) {
  console.log(
    `${name.padEnd(13)} ${String(s.calls).padStart(5)} calls  ${JSON.stringify(s.by_code)}  p50 ${s.p50_ms} ms  p99 ${s.p99_ms} ms  max ${s.max_ms} ms`,
  );
}
for (const kind of ["book", "confirm"]) {
  for (const [reason, e] of Object.entries(errorReasons[kind])) {
    const ms = e.ms.sort((a, b) => a - b);
    console.log(`  ${kind} ${reason}: ${e.n} (started ${e.first_s}-${e.last_s} s into the run; took ${ms[0]}-${ms.at(-1)} ms, median ${pct(ms, 50)})`);
    delete e.ms;
  }
}
console.log(`ConfirmVisit answered states: ${JSON.stringify(result.confirm_answered_state)}`);
console.log(
  `scheduler: ${settled ? "settled" : "NOT settled"} ${result.settle_s_after_last_call} s after the last call; ` +
    `slots.allocate tasks ${JSON.stringify(result.allocation_tasks)}`,
);
console.log(`requests by class and state: ${JSON.stringify(byState)}`);
console.log(
  `allocated ${allocated}, waitlisted ${waitlisted} (allocated share ${(result.allocated_share * 100).toFixed(1)} %)`,
);
console.log("slots of the day with seats taken (WITA start, capacity, reserved, booked, booked_priority):");
for (const r of morning) console.log(`  ${r.join("  ")}`);
console.log(
  `capacity: ${overCapacity.length === 0 ? "no slot over capacity; every slot's booked = its live appointments" : "VIOLATED: " + JSON.stringify(overCapacity)}`,
);
console.log(
  `waitlist order (waitlisted created before an allocated one, same class and windows): ` +
    (inversions.length ? JSON.stringify(result.waitlist_inversions) : "none") +
    `; pairs at least 1 s apart: ${result.waitlist_inversions_1s_apart}`,
);
console.log(
  `waitlist order by the client's clock (waitlisted one's ConfirmVisit answered before the allocated one's was sent): ` +
    `${certainInversions} pairs` + (certainExamples.length ? ` e.g. ${JSON.stringify(certainExamples)}` : ""),
);
if (inversionEvidence.length) {
  console.log("  the first pair (kind|id|code or key|class or state||created|updated|appointment created or attempt|seat):");
  for (const line of inversionEvidence) console.log(`    ${line}`);
}
console.log(
  `public_bookings by state: ${JSON.stringify(result.public_bookings_by_state)} ` +
    `(ConfirmVisit answered OK ${stats.confirm.codes.get("OK") ?? 0} times)`,
);
if (JSON_OUT) console.log(JSON.stringify(result));
const answered = book.calls === PEOPLE && !stats.confirm.codes.has("NO_CODE_SEEN");
process.exit(answered && overCapacity.length === 0 && settled ? 0 : 1);
