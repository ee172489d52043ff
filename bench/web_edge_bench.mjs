// The edge's cost: CaseService.GetCase and SubmitApplication through loket-web (Connect protocol,
// binary and JSON, HTTP/1.1 as a browser on plain HTTP speaks it) beside the same calls straight to
// loketd over gRPC (HTTP/2), in the same run, with CLIENTS concurrent callers and a fixed number of
// calls per mode. Prints one line per (RPC, mode): calls/s, ratio to direct gRPC, p50 and p99.
//
//   node bench/web_edge_bench.mjs --web http://127.0.0.1:7480 --grpc 127.0.0.1:7400 --token TOKEN
//       [--clients 8] [--calls 3000] [--rounds 3] [--warmup 200] [--json]
//       [--edge-pids PID,...] [--loketd-pids PID,...]
//
// With the pids (Linux), it also reports the CPU time loket-web and loketd spent per call
// (/proc/PID/stat utime+stime): on a small machine where the load generator, loket-web, loketd and
// PostgreSQL share the cores, the throughput ratio is mostly a ratio of CPU per call.
//
// The modes take turns: each of --rounds rounds runs calls/rounds calls of every mode, so a change
// in the machine's load during the run falls on all modes alike.
//
// TOKEN: a clinic's API token (SubmitApplication files a clinic submission; GetCase reads the
// clinic's own case). Through loket-web it rides in the session cookie, as a browser's would.
// bench/run_web_edge_bench.sh starts a stack and runs this. Never a timed test.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

// bench/ is outside web/: load the packages (and the generated descriptors) from web/ by path.
const web = new URL("../web/", import.meta.url);
const load = (p) => import(new URL(p, web).href);
const { createClient } = await load("node_modules/@connectrpc/connect/dist/esm/index.js");
const { createConnectTransport, createGrpcTransport } = await load(
  "node_modules/@connectrpc/connect-node/dist/esm/index.js",
);
const { CaseService } = await load("dist/gen/loket/v1/case_pb.js");
const { PriorityClass } = await load("dist/gen/loket/v1/common_pb.js");

function flag(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : def;
}
const WEB = flag("web", "http://127.0.0.1:7480");
const GRPC = flag("grpc", "127.0.0.1:7400");
const TOKEN = flag("token", process.env.LOKET_TOKEN ?? "");
const CLIENTS = Number(flag("clients", "8"));
const CALLS = Number(flag("calls", "3000"));
const WARMUP = Number(flag("warmup", "200"));
const ROUNDS = Number(flag("rounds", "3"));
const pidList = (s) => (s ? s.split(",").filter(Boolean).map(Number) : []);
const EDGE_PIDS = pidList(flag("edge-pids", ""));
const LOKETD_PIDS = pidList(flag("loketd-pids", ""));
const TICK_MS = 10; // USER_HZ 100 on Linux
function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, "utf8");
      const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
      ticks += Number(rest[11]) + Number(rest[12]); // utime, stime (fields 14, 15)
    } catch {}
  }
  return ticks * TICK_MS;
}
const JSON_OUT = process.argv.includes("--json");
if (!TOKEN) {
  console.error("web_edge_bench: --token (a clinic's API token) is required");
  process.exit(2);
}

const modes = [
  {
    name: "grpc-direct",
    transport: createGrpcTransport({ baseUrl: `http://${GRPC}` }),
    headers: { authorization: `Bearer ${TOKEN}` },
  },
  {
    name: "edge-connect-proto",
    transport: createConnectTransport({ baseUrl: WEB, httpVersion: "1.1", useBinaryFormat: true }),
    headers: { cookie: `loket_session=${TOKEN}` },
  },
  {
    name: "edge-connect-json",
    transport: createConnectTransport({ baseUrl: WEB, httpVersion: "1.1", useBinaryFormat: false }),
    headers: { cookie: `loket_session=${TOKEN}` },
  },
];
for (const m of modes) m.client = createClient(CaseService, m.transport);

let serial = Math.floor(Math.random() * 1e6);
function submission() {
  const n = serial++;
  return {
    requestId: randomUUID(),
    permitType: "SIP_PERAWAT",
    applicant: {
      nik: `647106570890${String(1 + (n % 9999)).padStart(4, "0")}`,
      name: "Siti Rahmawati",
      phone: `0812${String(n % 1e8).padStart(8, "0")}`,
      priorityClass: PriorityClass.HEALTH_WORKER,
    },
    practicePlace: "Puskesmas Klandasan Ilir",
    strNumber: "STR-BENCH",
  };
}

// COUNT calls of fn spread over CLIENTS callers; returns the latencies (ms) and the wall time.
async function drive(count, fn) {
  const lat = [];
  let next = 0;
  let errors = 0;
  let firstError;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < count) {
        next++;
        const t = performance.now();
        try {
          await fn();
          lat.push(performance.now() - t);
        } catch (e) {
          errors++;
          firstError ??= e;
        }
      }
    }),
  );
  return { lat, errors, firstError, seconds: (performance.now() - start) / 1000 };
}

function pct(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// One case of this clinic to read.
const seed = await modes[0].client.submitApplication(submission(), { headers: modes[0].headers, timeoutMs: 10_000 });
const caseId = seed.id;

const rpcs = [
  { name: "GetCase", call: (m) => m.client.getCase({ caseId }, { headers: m.headers, timeoutMs: 10_000 }) },
  {
    name: "SubmitApplication",
    call: (m) => m.client.submitApplication(submission(), { headers: m.headers, timeoutMs: 10_000 }),
  },
];

const results = [];
console.log(
  `web_edge_bench: ${CLIENTS} clients, ${CALLS} calls per mode in ${ROUNDS} alternating rounds ` +
    `(after ${WARMUP} warm-up calls), ` +
    `loket-web ${WEB} (Connect over HTTP/1.1), loketd ${GRPC} (gRPC over HTTP/2)`,
);
console.log(
  `${"rpc".padEnd(18)} ${"mode".padEnd(20)} ${"calls/s".padStart(9)} ${"ratio".padStart(6)} ` +
    `${"p50_ms".padStart(7)} ${"p99_ms".padStart(7)} ${"errors".padStart(6)}` +
    (EDGE_PIDS.length || LOKETD_PIDS.length
      ? ` ${"edge_cpu".padStart(9)} ${"lkd_cpu".padStart(9)} ${"cli_cpu".padStart(9)}`
      : ""),
);
for (const rpc of rpcs) {
  for (const m of modes) await drive(WARMUP, () => rpc.call(m));
  const acc = new Map(
    modes.map((m) => [m.name, { lat: [], seconds: 0, errors: 0, firstError: undefined, edgeMs: 0, loketdMs: 0, clientMs: 0 }]),
  );
  for (let round = 0; round < ROUNDS; round++) {
    for (const m of modes) {
      const e0 = cpuMs(EDGE_PIDS);
      const l0 = cpuMs(LOKETD_PIDS);
      const c0 = process.cpuUsage();
      const r = await drive(Math.ceil(CALLS / ROUNDS), () => rpc.call(m));
      const a = acc.get(m.name);
      a.edgeMs += cpuMs(EDGE_PIDS) - e0;
      a.loketdMs += cpuMs(LOKETD_PIDS) - l0;
      const c = process.cpuUsage(c0);
      a.clientMs += (c.user + c.system) / 1000;
      a.lat.push(...r.lat);
      a.seconds += r.seconds;
      a.errors += r.errors;
      a.firstError ??= r.firstError;
    }
  }
  let direct;
  for (const m of modes) {
    const r = acc.get(m.name);
    const sorted = r.lat.sort((a, b) => a - b);
    const perS = r.lat.length / r.seconds;
    direct ??= perS;
    const row = {
      rpc: rpc.name,
      mode: m.name,
      per_second: +perS.toFixed(1),
      ratio: +(perS / direct).toFixed(2),
      p50_ms: +pct(sorted, 50).toFixed(2),
      p99_ms: +pct(sorted, 99).toFixed(2),
      errors: r.errors,
      edge_cpu_ms_per_call: +(r.edgeMs / r.lat.length).toFixed(3),
      loketd_cpu_ms_per_call: +(r.loketdMs / r.lat.length).toFixed(3),
      client_cpu_ms_per_call: +(r.clientMs / r.lat.length).toFixed(3),
    };
    results.push(row);
    console.log(
      `${row.rpc.padEnd(18)} ${row.mode.padEnd(20)} ${row.per_second.toFixed(1).padStart(9)} ` +
        `${row.ratio.toFixed(2).padStart(6)} ${row.p50_ms.toFixed(2).padStart(7)} ` +
        `${row.p99_ms.toFixed(2).padStart(7)} ${String(row.errors).padStart(6)}` +
        (EDGE_PIDS.length || LOKETD_PIDS.length
          ? ` ${row.edge_cpu_ms_per_call.toFixed(2).padStart(9)} ${row.loketd_cpu_ms_per_call.toFixed(2).padStart(9)}` +
            ` ${row.client_cpu_ms_per_call.toFixed(2).padStart(9)}`
          : ""),
    );
    if (r.firstError) console.log(`  first error: ${r.firstError.message}`);
  }
}
if (JSON_OUT) console.log(JSON.stringify(results));
process.exit(results.some((r) => r.errors > 0) ? 1 : 0);
