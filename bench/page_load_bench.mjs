// The pages' first load (issues 9 and 10): bytes transferred and the time to a usable page, in
// Debian's Chromium driven through the DevTools protocol (bench/run_page_load_bench.sh runs it).
//
//   node bench/page_load_bench.mjs [--runs 3] [--pages signin,clinic,desk,home,book]
//                                  [--conds none,fast3g,slow3g] [--json FILE]
//
// Needs LOKET_TEST_PG (a PostgreSQL that may create databases), build/bin (or LOKET_BIN_DIR) and a
// built web/ (npm run build). It starts a whole stack with web/tests/harness.mjs (fresh database,
// loketd, loket-web), files a few clinic cases so the lists have rows, then for every page:
//
// - bytes: every response of the load, from the navigation until the page is usable and the
//   network has been quiet for 1 s, recorded with CDP (Network.responseReceived, then
//   Network.loadingFinished's encodedDataLength = bytes on the wire: headers + the gzipped body);
//   split by kind: JS, CSS, HTML, API (Connect calls), other.
// - time to usable: from the navigation's start (the new document's performance.timeOrigin) to the
//   moment a page-specific control is visible and enabled (checked every animation frame), with the
//   cache disabled (Network.setCacheDisabled) and a fresh browser context each run, under three
//   network conditions set with Network.emulateNetworkConditions:
//     none      no throttling (loopback)
//     fast3g    DevTools' old "Fast 3G": latency 562.5 ms, down 180000 B/s, up 84375 B/s
//     slow3g    DevTools' "Slow 3G":    latency 2000 ms,  down  50000 B/s, up 50000 B/s
//   (DevTools' own numbers: Slow 3G = 500 kbit/s * 0.8 and 400 ms RTT * 5; Fast 3G = 1.6 Mbit/s * 0.9
//   down, 750 kbit/s * 0.9 up, 150 ms * 3.75.) The latency is added to every request, as DevTools does.
//
// Signed-in pages (clinic, desk) are measured after signing in: the sign-in happens first in the
// same context without throttling, then the HTTP cache is cleared and disabled, the tab goes to
// about:blank, and the measured navigation is a full load of /#/clinic (or /#/desk) with the session
// cookie. The sign-in page itself is measured on its own ("signin": /#/signin, nobody signed in).
import { writeFileSync } from "node:fs";
import { startStack, openBrowser, signIn } from "../web/tests/harness.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const RUNS = Number(opt("runs", "3"));
const PAGES = opt("pages", "signin,clinic,desk,home,book").split(",");
const JSON_OUT = opt("json", "");
const CONDS = opt("conds", "none,fast3g,slow3g").split(",");

const CONDITIONS = {
  none: null,
  fast3g: { offline: false, latency: 562.5, downloadThroughput: 180000, uploadThroughput: 84375 },
  slow3g: { offline: false, latency: 2000, downloadThroughput: 50000, uploadThroughput: 50000 },
};

// What "usable" means on each page: a control the person came for is visible and enabled.
const PAGE_DEFS = {
  signin: { route: "/#/signin", user: null, usable: ["#username", "#password", 'form button[type="submit"]'] },
  clinic: { route: "/#/clinic", user: "clinic", usable: ['a.button[href="#/clinic/new"]', "[data-testid=case-list] li a"] },
  desk: { route: "/#/desk", user: "officer", usable: ["#f-state", "[data-testid=worklist] tbody tr a"] },
  home: { route: "/#/", user: null, usable: [".home-links a.home-link"] },
  book: { route: "/#/book", user: null, usable: ["#service-0"] },
};

function kindOf(r) {
  const path = new URL(r.url).pathname;
  if (/^\/loket\.v1\.|^\/grpc\./.test(path) || r.type === "Fetch" || r.type === "XHR") return "api";
  if (path.endsWith(".js") || r.type === "Script" || /javascript/.test(r.mimeType)) return "js";
  if (path.endsWith(".css") || r.type === "Stylesheet" || r.mimeType === "text/css") return "css";
  if (r.type === "Document" || r.mimeType === "text/html") return "html";
  return "other";
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function measure(browser, stack, name, cond) {
  const def = PAGE_DEFS[name];
  const context = await browser.newContext({ viewport: { width: 412, height: 915 } });
  const page = await context.newPage();
  try {
    if (def.user) {
      await signIn(page, stack.webUrl, stack.users[def.user]);
      await page.goto("about:blank");
    }
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.clearBrowserCache");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    if (CONDITIONS[cond]) await cdp.send("Network.emulateNetworkConditions", CONDITIONS[cond]);

    const reqs = new Map(); // requestId -> record
    let inflight = 0;
    let lastActivity = Date.now();
    cdp.on("Network.requestWillBeSent", (e) => {
      if (!reqs.has(e.requestId)) inflight++;
      reqs.set(e.requestId, { url: e.request.url, method: e.request.method, type: e.type, done: false, bytes: 0, body: 0, t0: e.timestamp });
      lastActivity = Date.now();
    });
    cdp.on("Network.responseReceived", (e) => {
      const r = reqs.get(e.requestId);
      if (!r) return;
      const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
      Object.assign(r, { status: e.response.status, mimeType: e.response.mimeType, type: e.type, encoding: h["content-encoding"] ?? "", hdr: e.response.encodedDataLength ?? 0, fromCache: e.response.fromDiskCache });
      lastActivity = Date.now();
    });
    cdp.on("Network.dataReceived", (e) => {
      const r = reqs.get(e.requestId);
      if (r) r.body += e.dataLength;
      lastActivity = Date.now();
    });
    const finish = (e, failed) => {
      const r = reqs.get(e.requestId);
      if (!r || r.done) return;
      r.done = true;
      r.failed = failed;
      r.t1 = e.timestamp;
      if (!failed) r.bytes = e.encodedDataLength;
      inflight--;
      lastActivity = Date.now();
    };
    cdp.on("Network.loadingFinished", (e) => finish(e, false));
    cdp.on("Network.loadingFailed", (e) => finish(e, true));

    await page.goto(stack.webUrl + def.route, { waitUntil: "commit", timeout: 120_000 });
    const usableMs = await page.waitForFunction(
      (sels) => {
        const ok = (sel) => {
          const el = document.querySelector(sel);
          if (!el) return false;
          const r = el.getBoundingClientRect();
          const st = getComputedStyle(el);
          return r.width > 0 && r.height > 0 && st.visibility !== "hidden" && !el.disabled && el.getAttribute("aria-disabled") !== "true";
        };
        return sels.every(ok) ? performance.now() : false;
      },
      def.usable,
      { polling: "raf", timeout: 180_000 },
    ).then((h) => h.jsonValue());
    // Whatever the page still fetches after that (lazy chunks, a second API call) counts as its
    // first load too: wait until nothing has moved for 1 s (long-lived streams excepted, 20 s at most).
    const end = Date.now() + 20_000;
    while (Date.now() < end && Date.now() - lastActivity < 1000) await new Promise((r) => setTimeout(r, 100));
    const list = [...reqs.values()].filter((r) => r.status !== undefined || r.done);
    for (const r of list) r.kind = kindOf(r);
    // The waterfall: each response's start and end in ms after the first request (CDP's monotonic clock).
    const first = Math.min(...list.map((r) => r.t0));
    for (const r of list) {
      r.startMs = (r.t0 - first) * 1000;
      r.endMs = r.t1 ? (r.t1 - first) * 1000 : NaN;
    }
    return { usableMs, reqs: list };
  } finally {
    await context.close();
  }
}

function bytesOf(reqs) {
  const sum = { js: 0, css: 0, html: 0, api: 0, other: 0 };
  const raw = { js: 0, css: 0, html: 0, api: 0, other: 0 };
  const wireBody = { js: 0, css: 0, html: 0, api: 0, other: 0 };
  for (const r of reqs) {
    sum[r.kind] += r.bytes;
    wireBody[r.kind] += Math.max(0, r.bytes - (r.hdr ?? 0));
    raw[r.kind] += r.body;
  }
  return { sum, raw, wireBody, total: Object.values(sum).reduce((a, b) => a + b, 0) };
}

const kB = (n) => (n / 1000).toFixed(1);

const stack = await startStack({ workers: false });
let browser;
const results = {};
try {
  // A few cases for the clinic's list and the desk's worklist.
  for (let i = 0; i < 6; i++) {
    await stack.cli("clinic", [
      "clinic", "submit", "--permit-type", "SIP_PERAWAT", "--nik", `6471065708900${String(500 + i).padStart(3, "0")}`,
      "--name", `Bench Pemohon ${"ABCDEF"[i]}`, "--phone", "081234567890", "--str-number", `STR-${i}`,
      "--practice-place", "Puskesmas Klandasan Ilir",
    ]);
  }
  browser = await openBrowser();
  process.stdout.write(`Chromium ${browser.version()}; viewport 412x915; ${RUNS} runs per page and condition\n`);
  for (const name of PAGES) {
    results[name] = { route: PAGE_DEFS[name].route, times: {}, bytes: null, files: null };
    for (const cond of CONDS) {
      const times = [];
      let lastReqs = [];
      for (let i = 0; i < RUNS; i++) {
        const m = await measure(browser, stack, name, cond);
        times.push(m.usableMs);
        lastReqs = m.reqs;
        if (!results[name].bytes) {
          results[name].bytes = bytesOf(m.reqs);
          results[name].files = m.reqs
            .map((r) => ({ url: new URL(r.url).pathname, kind: r.kind, bytes: r.bytes, hdr: r.hdr ?? 0, body: r.body, encoding: r.encoding, status: r.status, failed: !!r.failed }))
            .sort((a, b) => b.bytes - a.bytes);
        }
      }
      results[name].times[cond] = { runs: times, median: median(times) };
      results[name].waterfall ??= {};
      results[name].waterfall[cond] = lastReqs
        .map((r) => ({ url: new URL(r.url).pathname, startMs: r.startMs, endMs: r.endMs, bytes: r.bytes }))
        .sort((a, b) => a.startMs - b.startMs);
      process.stderr.write(`${name} ${cond}: ${times.map((t) => t.toFixed(0)).join(", ")} ms\n`);
    }
  }
} finally {
  if (browser) await browser.close();
  await stack.stop();
}

// The report, as Markdown to paste into docs/benchmarks.md.
const out = [];
out.push("| page | JS kB | CSS kB | JS+CSS kB | JS+CSS bodies only kB | HTML kB | API kB | total kB | JS+CSS uncompressed kB | usable, no throttling ms | usable, Fast 3G ms | usable, Slow 3G ms |");
out.push("|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const [name, r] of Object.entries(results)) {
  const b = r.bytes;
  const t = (c) => !r.times[c] ? "—" : `${r.times[c].median.toFixed(0)} (${r.times[c].runs.map((x) => x.toFixed(0)).join(", ")})`;
  out.push(`| ${name} \`${r.route}\` | ${kB(b.sum.js)} | ${kB(b.sum.css)} | **${kB(b.sum.js + b.sum.css)}** | ${kB(b.wireBody.js + b.wireBody.css)} | ${kB(b.sum.html)} | ${kB(b.sum.api)} | ${kB(b.total)} | ${kB(b.raw.js + b.raw.css)} | ${t("none")} | ${t("fast3g")} | ${t("slow3g")} |`);
}
out.push("");
for (const [name, r] of Object.entries(results)) {
  out.push(`${name} (${r.route}), every response of the load, largest first (bytes transferred incl. headers / of which headers / body bytes after decoding, content-encoding):`);
  for (const f of r.files) {
    out.push(`  ${String(f.bytes).padStart(7)} / ${String(f.hdr).padStart(5)} / ${String(f.body).padStart(7)}  ${f.kind.padEnd(5)} ${f.status ?? "-"} ${(f.encoding || "identity").padEnd(8)} ${f.url}${f.failed ? " (failed/cancelled)" : ""}`);
  }
}
for (const [name, r] of Object.entries(results)) {
  const w = r.waterfall?.slow3g;
  if (!w) continue;
  out.push(`${name} (${r.route}) on Slow 3G, last run (usable at ${r.times.slow3g.runs.at(-1).toFixed(0)} ms after navigation start): request start -> end, ms after the first request`);
  for (const f of w) out.push(`  ${f.startMs.toFixed(0).padStart(6)} -> ${f.endMs.toFixed(0).padStart(6)}  ${String(f.bytes).padStart(6)} B  ${f.url}`);
}
process.stdout.write(out.join("\n") + "\n");
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(results, null, 2));
