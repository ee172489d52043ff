// Browser-test harness: a whole Loket stack per test file, and the Chromium helpers.
//
//   const stack = await startStack();   // fresh database, loketd, workers, loket-web on free ports
//   after(() => stack.stop());          // also runs if a test fails; leftovers die with the process
//   const browser = await openBrowser();
//   const page = await browser.newPage();
//   await signIn(page, stack.webUrl, stack.users.officer);
//
// startStack(opts) -> {
//   webUrl        "http://127.0.0.1:PORT" of loket-web
//   grpcAddr      "127.0.0.1:PORT" of loketd
//   users         role -> { username, password, id } for admin, officer, approver, counter, clinic
//                 (pkm-klandasan-ilir), clinic2 (pkm-damai), courier (courier-1, registered as a
//                 courier with a second one, courier2), courier2, display
//   tokens        role -> API token (the same roles, plus worker)
//   clinics       { clinic: "pkm-klandasan-ilir", clinic2: "pkm-damai" }
//   outboxDir     where loket-notifier writes the messages it "sends" (webhook/, email/)
//   logDir        the processes' logs (kept after stop() when LOKET_TEST_KEEP=1)
//   cli(role, args, {input}) -> stdout of `loket ARGS` as ROLE (throws with stderr on failure)
//   sql(query)    -> psql's unaligned output (rows by "\n", columns by "|"), trimmed
//   restartWeb()  SIGTERM to loket-web, then the same loket-web again on the same port
//   stop()        stops everything, drops the database, removes the temp directory
// }
// opts: { workers: true (notifier, router, scheduler), loketdArgs: [], webArgs: [] }
//
// Environment: LOKET_TEST_PG (conninfo of a PostgreSQL whose user may create databases; required),
// LOKET_BIN_DIR (loketd, loket, workers; default ../../build/bin), LOKET_CHROMIUM (/usr/bin/chromium).
// Nothing is built here: `npm run build` (pages, server, generated code) comes first.
import { spawn, execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { chromium } from "playwright-core";
import { Health, HealthCheckResponse_ServingStatus } from "../dist/gen/grpc/health/v1/health_pb.js";

const WEB = join(dirname(fileURLToPath(import.meta.url)), "..");
const ROOT = join(WEB, "..");
const BIN = process.env.LOKET_BIN_DIR || join(ROOT, "build", "bin");
const OFFICE = "bpp";
const CLINIC = "pkm-klandasan-ilir";
const CLINIC2 = "pkm-damai";

// Every child of every stack in this process: killed on exit, whatever happened to the test.
const children = new Set();
function killAll() {
  for (const c of children) {
    try {
      c.kill("SIGKILL");
    } catch {}
  }
}
process.on("exit", killAll);
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    killAll();
    process.exit(128 + (sig === "SIGINT" ? 2 : 15));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, seconds, check, proc) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    if (proc && proc.exitCode !== null) throw new Error(`${what}: the process exited (${proc.exitCode})`);
    try {
      if (await check()) return;
    } catch {}
    if (Date.now() > end) throw new Error(`${what}: not ready after ${seconds} s`);
    await sleep(100);
  }
}

function run(cmd, args, { input, env } = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, stdout: out, stderr: err }));
    p.stdin.end(input ?? "");
  });
}

function pgConn(dbname) {
  const base = process.env.LOKET_TEST_PG;
  if (!base) throw new Error("LOKET_TEST_PG is not set (conninfo of a test PostgreSQL)");
  return /dbname=\S+/.test(base) ? base.replace(/dbname=\S+/, `dbname=${dbname}`) : `${base} dbname=${dbname}`;
}

async function psql(conn, sqlText, vars = {}) {
  const args = ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", conn];
  for (const [k, v] of Object.entries(vars)) args.push("-v", `${k}=${v}`);
  args.push("-f", "-");
  const r = await run("psql", args, { input: sqlText });
  if (r.code !== 0) throw new Error(`psql: ${r.stderr.trim()}\n${sqlText}`);
  return r.stdout.trim();
}

// loketd knows --edge_key_file since sessions came (the same build as SessionService).
let loketdHelp;
function loketdSupports(flag) {
  if (loketdHelp === undefined) {
    try {
      loketdHelp = execFileSync(join(BIN, "loketd"), ["--helpfull"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      loketdHelp = `${e.stdout ?? ""}${e.stderr ?? ""}`;
    }
  }
  return loketdHelp.includes(flag);
}

/** A throwaway CA and an office signing certificate under it (openssl), for the signed permit
 * PDFs; returns loketd's flags. */
function permitSigningFlags(dir) {
  const ssl = (args) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  ssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30",
    "-subj", "/CN=Loket Test CA/O=DPMPTSP Test", "-keyout", "ca.key", "-out", "ca.pem",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  ssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-subj", "/CN=Kepala DPMPTSP Test/O=DPMPTSP Test", "-keyout", "permit.key", "-out", "permit.csr"]);
  writeFileSync(join(dir, "permit.ext"), "keyUsage=critical,digitalSignature,nonRepudiation\n");
  ssl(["x509", "-req", "-in", "permit.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
    "-days", "30", "-extfile", "permit.ext", "-out", "permit.pem"]);
  return [`--permit_key=${join(dir, "permit.key")}`, `--permit_cert=${join(dir, "permit.pem")}`, `--permit_chain=${join(dir, "ca.pem")}`];
}

export async function startStack(opts = {}) {
  const workers = opts.workers ?? true;
  for (const b of ["loketd", "loket"]) {
    if (!existsSync(join(BIN, b))) throw new Error(`${join(BIN, b)} not found (set LOKET_BIN_DIR)`);
  }
  if (!existsSync(join(WEB, "dist", "server", "main.js"))) {
    throw new Error("web/dist/server/main.js not found: run `npm run build` in web/ first");
  }
  const dir = mkdtempSync(join(tmpdir(), "loket-web-test."));
  const logDir = join(dir, "log");
  const outboxDir = join(dir, "outbox");
  mkdirSync(logDir);
  mkdirSync(outboxDir);
  const procs = []; // { name, child }
  const dbname = `loket_web_${randomBytes(5).toString("hex")}`;
  const admin = pgConn("postgres");
  const db = pgConn(dbname);
  let dbCreated = false;
  let stopped = false;

  function start(name, cmd, args) {
    const fd = openSync(join(logDir, `${name}.log`), "a");
    const child = spawn(cmd, args, { stdio: ["ignore", fd, fd], cwd: WEB });
    closeSync(fd);
    child.unref(); // a test file that forgets stop() still ends; the exit hook kills the child
    children.add(child);
    child.on("exit", () => children.delete(child));
    const p = { name, child };
    procs.push(p);
    return p;
  }

  async function terminate(p, seconds = 10) {
    const { child } = p;
    procs.splice(procs.indexOf(p), 1);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const t = setTimeout(() => child.kill("SIGKILL"), seconds * 1000);
    await exited;
    clearTimeout(t);
  }

  async function stop() {
    if (stopped) return;
    stopped = true;
    // The edge first, then the workers (they hand their tasks back to loketd), then loketd.
    const order = (n) => (n === "loket-web" ? 0 : n === "loketd" ? 2 : 1);
    for (const rank of [0, 1, 2]) {
      await Promise.all(procs.filter((p) => order(p.name) === rank).map((p) => terminate(p, 10)));
    }
    if (dbCreated) {
      await psql(admin, `DROP DATABASE IF EXISTS ${dbname} WITH (FORCE);`).catch(() => {});
    }
    if (process.env.LOKET_TEST_KEEP) process.stderr.write(`harness: logs kept in ${logDir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }

  try {
    // The database: migrations by loketd itself, then the seed (office, catalog, clinics, calendar).
    await psql(admin, `CREATE DATABASE ${dbname};`);
    dbCreated = true;
    const mig = await run(join(BIN, "loketd"), ["--migrate_only", `--db=${db}`]);
    if (mig.code !== 0) throw new Error(`loketd --migrate_only: ${mig.stderr}`);
    for (const f of execFileSync("ls", [join(ROOT, "deploy", "seed")], { encoding: "utf8" }).split("\n")) {
      if (f.endsWith(".sql")) await psql(db, readFileSync(join(ROOT, "deploy", "seed", f), "utf8"));
    }

    // Principals and API tokens, written like deploy/lib-tokens.sh does (sha256 of the hex token).
    const roles = {
      admin: ["admin"],
      officer: ["officer"],
      approver: ["approver"],
      counter: ["counter"],
      clinic: ["clinic", CLINIC],
      clinic2: ["clinic", CLINIC2],
      courier: ["courier", "", "courier-1"],
      courier2: ["courier", "", "courier-2"],
      display: ["display"],
      worker: ["worker"],
    };
    const tokens = {};
    const ids = {};
    for (const [key, [role, clinic = "", courier = ""]] of Object.entries(roles)) {
      const token = randomBytes(32).toString("hex");
      const hash = createHash("sha256").update(token).digest("hex");
      const id = await psql(
        db,
        `WITH p AS (
           INSERT INTO principals (office_id, name, role, clinic_id, courier_id)
           VALUES (:'office', :'name', :'role', NULLIF(:'clinic', ''), NULLIF(:'courier', ''))
           RETURNING id)
         , t AS (INSERT INTO tokens (office_id, principal_id, token_sha256)
                 SELECT :'office', id, decode(:'hash', 'hex') FROM p)
         SELECT id FROM p;`,
        { office: OFFICE, name: `test-${key}`, role, clinic, courier, hash },
      );
      tokens[key] = token;
      ids[key] = id;
    }
    await psql(
      db,
      `INSERT INTO couriers (principal_id, office_id, name, phone, capacity) VALUES
         (:c1, :'office', 'Budi Santoso', '+6281350000001', 8),
         (:c2, :'office', 'Rina Wulandari', '+6281350000002', 8);`,
      { c1: ids.courier, c2: ids.courier2, office: OFFICE },
    );

    // loketd, with loket-web's key so that it believes the browsers' addresses.
    const edgeKeyFile = join(dir, "edge.key");
    writeFileSync(edgeKeyFile, randomBytes(32).toString("hex") + "\n", { mode: 0o600 });
    const grpcAddr = `127.0.0.1:${await freePort()}`;
    // loket-web's port, chosen now: loketd names its verify page in every issued permit.
    const webPortFirst = await freePort();
    const loketdArgs = [
      `--listen=${grpcAddr}`,
      `--db=${db}`,
      "--pool_size=8",
      "--quiet_hours=off",
      ...(loketdSupports("edge_key_file") ? [`--edge_key_file=${edgeKeyFile}`] : []),
      // The pages check visitors in at any hour the tests run (the seed's hours are 08:00-15:00 WITA).
      ...(loketdSupports("walk_in_hours") ? ["--walk_in_hours=false"] : []),
      // Issued permits are signed PDFs, their QR codes pointing at this stack's verify page.
      ...(loketdSupports("permit_key") ? permitSigningFlags(dir) : []),
      ...(loketdSupports("permit_verify_url") ? [`--permit_verify_url=http://127.0.0.1:${webPortFirst}/#/verify`] : []),
      ...(opts.loketdArgs ?? []),
    ];
    const loketd = start("loketd", join(BIN, "loketd"), loketdArgs);
    const grpc = createGrpcTransport({ baseUrl: `http://${grpcAddr}` });
    await waitFor("loketd", 30, async () => {
      const r = await grpc.unary(Health.method.check, undefined, 1000, undefined, { service: "" });
      return r.message.status === HealthCheckResponse_ServingStatus.SERVING;
    }, loketd.child);

    // A user name and password per person (not for the worker), set by the admin through the CLI:
    // `loket admin principal set-password ID --username NAME --password-file -`.
    const users = {};
    for (const key of Object.keys(roles)) {
      if (key === "worker") continue;
      const username = key;
      const password = `${key}-${randomBytes(9).toString("base64url")}`;
      const r = await run(
        join(BIN, "loket"),
        ["admin", "principal", "set-password", ids[key], "--username", username, "--password-file", "-"],
        { input: password, env: { LOKET_ADDR: grpcAddr, LOKET_TOKEN: tokens.admin } },
      );
      if (r.code !== 0) throw new Error(`loket admin principal set-password ${ids[key]}: ${r.stderr.trim()}`);
      users[key] = { username, password, id: ids[key] };
    }

    if (workers) {
      const common = [`--addr=${grpcAddr}`, `--token=${tokens.worker}`];
      start("loket-notifier", join(BIN, "loket-notifier"), [...common, `--outbox_dir=${outboxDir}`]);
      start("loket-router", join(BIN, "loket-router"), [...common, "--plan_seconds=1"]);
      start("loket-scheduler", join(BIN, "loket-scheduler"), common);
    }

    // loket-web: the same port on a restart too (pages keep their address).
    let webPort = webPortFirst;
    let web;
    const startWeb = async () => {
      const logFile = join(logDir, "loket-web.log");
      const before = existsSync(logFile) ? readFileSync(logFile, "utf8").length : 0;
      web = start("loket-web", process.execPath, [
        join(WEB, "dist", "server", "main.js"),
        "--listen", `127.0.0.1:${webPort}`,
        "--loketd", grpcAddr,
        "--static", join(WEB, "dist", "app"),
        "--edge-key-file", edgeKeyFile,
        ...(opts.webArgs ?? []),
      ]);
      await waitFor("loket-web", 20, async () => {
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(readFileSync(logFile, "utf8").slice(before));
        if (!m) return false;
        webPort = Number(m[1]);
        const r = await fetch(`http://127.0.0.1:${webPort}/healthz`);
        return r.status === 200;
      }, web.child);
    };
    await startWeb();
    const webUrl = `http://127.0.0.1:${webPort}`;

    async function cli(role, args, { input } = {}) {
      const r = await run(join(BIN, "loket"), args, {
        input,
        env: { LOKET_ADDR: grpcAddr, LOKET_TOKEN: tokens[role] ?? "" },
      });
      if (r.code !== 0) {
        const e = new Error(`loket ${args.join(" ")} (as ${role}) exited ${r.code}: ${r.stderr.trim()}`);
        Object.assign(e, r);
        throw e;
      }
      return r.stdout;
    }

    return {
      webUrl,
      grpcAddr,
      users,
      tokens,
      clinics: { clinic: CLINIC, clinic2: CLINIC2 },
      outboxDir,
      logDir,
      cli,
      sql: (query) => psql(db, query),
      restartWeb: async () => {
        await terminate(web, 15);
        await startWeb();
      },
      stop,
    };
  } catch (err) {
    const logs = procs.map((p) => p.name);
    await stop();
    throw new Error(`startStack: ${err.message} (processes: ${logs.join(", ") || "none"})`, { cause: err });
  }
}

export async function openBrowser(opts = {}) {
  const args = [
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
  ];
  if (process.getuid?.() === 0) args.push("--no-sandbox");
  return chromium.launch({
    executablePath: process.env.LOKET_CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args,
    ...opts,
  });
}

// Signs in through the sign-in page and waits until the app has left it (for the role's home).
export async function signIn(page, webUrl, user) {
  await page.goto(`${webUrl}/#/signin`);
  await page.fill("#username", user.username);
  await page.fill("#password", user.password);
  await page.click('form button[type="submit"]');
  try {
    await page.waitForFunction(() => !location.hash.startsWith("#/signin"), null, { timeout: 15_000 });
  } catch (err) {
    const status = await page.locator("#signin-status").textContent().catch(() => "");
    throw new Error(`signIn(${user.username}): still on the sign-in page: ${status || err.message}`);
  }
}

// axe-core is injected through the DevTools protocol (page.evaluate), not a script tag: the page's
// CSP allows only its own scripts. Returns the serious and critical violations.
const AXE_SOURCE = readFileSync(join(WEB, "node_modules", "axe-core", "axe.min.js"), "utf8");
export async function axeCheck(page, options = {}) {
  const loaded = await page.evaluate(() => typeof window.axe !== "undefined");
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (o) => {
    const r = await window.axe.run(document, { resultTypes: ["violations"], ...o });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
    }));
  }, options);
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

export async function screenshot(page, name) {
  const dir = join(ROOT, "docs", "screenshots");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
