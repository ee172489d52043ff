// A full loketd, as a person in a browser meets it. loketd runs two calls at a time and queues two
// more (--pool_size=1 --db_max_waiting=1); a psql session holds the permit_types table locked (no
// background query of loketd reads it), so four calls that list permit types fill the pool, and
// the next call is refused at once with the wait loketd asks for (grpc-retry-pushback-ms).
// loket-web hands that wait to the browser as retry-after, and the page says "busy, try again in
// N s", not "too many attempts"; so does the sign-in page, whose call finds no free database
// connection (the store's refusal asks the same wait). The four held calls finish once the lock
// goes: a full loketd loses nothing it took in.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { CatalogService } from "../dist/gen/loket/v1/catalog_pb.js";
import { screenshot } from "./harness.mjs";
import { session, stackAndBrowserForFile } from "./pages-helpers.mjs";

let stack;
let browser;
stackAndBrowserForFile(
  { workers: false, loketdArgs: ["--pool_size=1", "--db_max_waiting=1", "--db_lock_timeout_ms=60000", "--db_acquire_timeout_ms=60000",
    "--db_statement_timeout_ms=120000"] },
  (s, b) => ([stack, browser] = [s, b]),
);

const HOLDER = "loket-web-test-busy"; // the application_name of the psql session holding the lock
let holder; // its promise: psql ends when the lock is released (terminated)

async function holdPermitTypesLocked() {
  holder = stack
    .sql(`SET application_name = '${HOLDER}'; BEGIN; LOCK TABLE permit_types IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(120); COMMIT;`)
    .catch(() => "released");
  for (let i = 0; i < 100; i++) {
    const granted = await stack.sql(
      `SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE c.relname = 'permit_types' AND l.mode = 'AccessExclusiveLock' AND l.granted`,
    );
    if (granted === "1") return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the psql session did not get the lock on permit_types");
}

async function releasePermitTypes() {
  await stack.sql(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '${HOLDER}'`,
  );
  assert.equal(await holder, "released");
}

// ListPermitTypes as a machine calls it through loket-web: Connect JSON with an API token.
async function listThroughWeb() {
  const res = await fetch(`${stack.webUrl}/loket.v1.CatalogService/ListPermitTypes`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "connect-protocol-version": "1",
      authorization: `Bearer ${stack.tokens.officer}`,
    },
    body: "{}",
  });
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: await res.text() };
}

describe("a full loketd", () => {
  let held = [];
  let desk; // the officer's browser session, signed in before loketd is full
  before(async () => {
    desk = await session(browser, stack.webUrl, stack.users.officer);
    await desk.page.waitForLoadState("networkidle");
    // Off the worklist, which refreshes itself and would take a place in the pool below; the tab
    // keeps its session (cookie, and the principal in sessionStorage).
    await desk.page.goto("about:blank");
    await holdPermitTypesLocked();
  });
  after(async () => {
    await releasePermitTypes().catch(() => {});
    await desk?.context.close();
  });

  test("refuses at once through loket-web, with the wait it asks for as retry-after", async () => {
    const catalog = createClient(CatalogService, createGrpcTransport({ baseUrl: `http://${stack.grpcAddr}` }));
    const headers = { authorization: `Bearer ${stack.tokens.officer}` };
    // loketd runs two calls (one waits on the lock, one for the only connection) and queues two.
    // Calls go one at a time, each after the pool has had time to take the previous one, until
    // three in a row are refused: by then the pool holds all it can, and it stays full until the
    // lock goes. (A burst at once could be refused while the two threads had not yet taken their
    // calls from the queue.)
    const sent = [];
    const pause = (ms) => new Promise((r) => setTimeout(r, ms));
    const refusedAtOnce = (c) => c.result instanceof ConnectError && c.result.code === Code.ResourceExhausted;
    for (let inARow = 0; inARow < 3 && sent.length < 40; ) {
      const call = { result: undefined };
      call.done = catalog.listPermitTypes({}, { headers, timeoutMs: 120_000 }).then(
        () => (call.result = "ok"),
        (e) => (call.result = e),
      );
      sent.push(call);
      await pause(150);
      inARow = refusedAtOnce(call) ? inARow + 1 : 0;
    }
    await pause(300);
    held = sent.filter((c) => c.result === undefined);
    assert.ok(
      sent.every((c) => c.result === undefined || refusedAtOnce(c)),
      `a call neither held nor refused at once: ${sent.map((c) => String(c.result))}`,
    );
    assert.equal(held.length, 4, "two calls running and two queued");
    let refused;
    for (let i = 0; i < 100 && !refused; i++) {
      const r = await listThroughWeb();
      if (r.status === 429) refused = r;
      else await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(refused, "no call was refused while loketd was full");
    const body = JSON.parse(refused.body);
    assert.equal(body.code, "resource_exhausted");
    assert.match(refused.retryAfter ?? "", /^\d+$/, "retry-after in whole seconds");
    const seconds = Number(refused.retryAfter);
    assert.ok(seconds >= 1 && seconds <= 30, `retry-after ${seconds}`);
    assert.match(body.message, new RegExp(`limit of calls in flight; try again in ${seconds} s$`));
  });

  test("the desk page says loketd is busy and for how long, in Bahasa Indonesia and English", async () => {
    const { page } = desk;
    // The worklist's call is refused while the four are held.
    await page.goto(`${stack.webUrl}/#/desk?state=SUBMITTED`);
    const id = page.getByText(/Layanan sedang melayani banyak permintaan\. Coba lagi dalam \d+ detik\./);
    await id.first().waitFor({ timeout: 15_000 });
    assert.equal(await page.getByText(/Terlalu banyak percobaan/).count(), 0);
    await screenshot(page, "busy-desk");
    await page.evaluate(() => localStorage.setItem("loket.lang", "en"));
    await page.reload();
    await page.getByText(/The service is busy with many requests\. Try again in \d+ seconds\./).first()
      .waitFor({ timeout: 15_000 });
    await page.evaluate(() => localStorage.setItem("loket.lang", "id"));
  });

  test("signing in while loketd has no free database connection says busy, not locked out", async () => {
    // Sign-in is not a pooled call; it needs the one connection, which the held calls have.
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${stack.webUrl}/#/signin`);
      await page.fill("#username", stack.users.approver.username);
      await page.fill("#password", stack.users.approver.password);
      await page.click('form button[type="submit"]');
      await page.getByText(/Layanan sedang melayani banyak permintaan\. Coba lagi dalam \d+ detik\./).first()
        .waitFor({ timeout: 15_000 });
      assert.equal(await page.getByText(/dikunci/).count(), 0, "a busy loketd is not a locked sign-in");
      assert.equal(await page.getAttribute("#password", "aria-invalid"), null, "nothing typed was wrong");
      await screenshot(page, "busy-signin");
    } finally {
      await context.close();
    }
  });

  test("once the lock goes, the held calls finish: nothing loketd took in is lost", async () => {
    await releasePermitTypes();
    await Promise.all(held.map((c) => c.done));
    assert.deepEqual(held.map((c) => String(c.result)), ["ok", "ok", "ok", "ok"]);
    const r = await listThroughWeb();
    assert.equal(r.status, 200, r.body);
  });
});
