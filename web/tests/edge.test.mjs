// loket-web, the edge itself: health, sessions in cookies, CSRF refusals, CSP, what browsers can
// and cannot reach. Real loketd, real loket-web; raw HTTP (fetch) where the headers matter, the
// Connect clients where the protocol does, Chromium where only a browser can tell.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { QueueService } from "../dist/gen/loket/v1/queue_pb.js";
import { AdminService } from "../dist/gen/loket/v1/admin_pb.js";
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openBrowser, signIn, startStack } from "./harness.mjs";

let stack;
before(async () => {
  stack = await startStack({ workers: false });
});
after(async () => {
  await stack?.stop();
});

// A Connect JSON call as a page would make it, with the given cookie and extra headers.
async function call(method, body = {}, { cookie, headers = {} } = {}) {
  const res = await fetch(`${stack.webUrl}/loket.v1.${method}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "connect-protocol-version": "1",
      ...(cookie ? { cookie: `loket_session=${cookie}` } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

// One raw HTTP request on its own connection, as a hostile or broken client writes it; resolves
// with the status line's code (0 when the connection closed without an answer).
function rawRequest(port, text) {
  return new Promise((resolve, reject) => {
    const sock = connect(port, "127.0.0.1", () => sock.end(text));
    let got = "";
    sock.setEncoding("latin1");
    sock.on("data", (d) => (got += d));
    sock.on("error", reject);
    sock.on("close", () => resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(got)?.[1] ?? 0)));
    sock.setTimeout(5000, () => sock.destroy(new Error(`no answer to ${JSON.stringify(text.slice(0, 40))}`)));
  });
}

async function signInRaw(user) {
  const r = await call("SessionService/SignIn", { username: user.username, password: user.password });
  assert.equal(r.status, 200, r.text);
  const setCookie = r.headers.get("set-cookie") ?? "";
  const m = /^loket_session=([^;]+)/.exec(setCookie);
  assert.ok(m, `no session cookie in: ${setCookie}`);
  return { token: m[1], setCookie, response: r };
}

describe("loket-web", () => {
  test("GET /healthz answers ok while loketd serves", async () => {
    const r = await fetch(`${stack.webUrl}/healthz`);
    assert.equal(r.status, 200);
    assert.equal((await r.text()).trim(), "ok");
  });

  test("the page carries a strict CSP, nosniff, no referrer; index.html is revalidated", async () => {
    const r = await fetch(`${stack.webUrl}/`);
    assert.equal(r.status, 200);
    const csp = r.headers.get("content-security-policy") ?? "";
    for (const d of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"]) {
      assert.ok(csp.includes(d), `CSP lacks ${d}: ${csp}`);
    }
    assert.ok(!csp.includes("unsafe-inline") && !csp.includes("unsafe-eval"), csp);
    assert.equal(r.headers.get("x-content-type-options"), "nosniff");
    assert.equal(r.headers.get("referrer-policy"), "no-referrer");
    assert.equal(r.headers.get("cache-control"), "no-cache");
    assert.match(r.headers.get("content-type") ?? "", /^text\/html/);
    const html = await r.text();
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(html), "inline script in index.html");
  });

  test("hashed assets are cached for long and sent gzipped to who accepts it", async () => {
    const html = await (await fetch(`${stack.webUrl}/`)).text();
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(js, "index.html names no script in /assets/");
    const r = await fetch(`${stack.webUrl}${js}`, { headers: { "accept-encoding": "gzip" } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get("cache-control") ?? "", /max-age=31536000/);
    assert.match(r.headers.get("content-type") ?? "", /^text\/javascript/);
    assert.equal(r.headers.get("content-encoding"), "gzip");
    const missing = await fetch(`${stack.webUrl}/assets/nothing-here.js`);
    assert.equal(missing.status, 404);
  });

  test("a call without a session cookie is unauthenticated", async () => {
    const r = await call("AdminService/WhoAmI");
    assert.equal(r.status, 401, r.text);
    assert.equal(r.json?.code, "unauthenticated");
  });

  test("a call from another origin is refused before it reaches loketd", async () => {
    const { token } = await signInRaw(stack.users.officer);
    const foreign = await call("AdminService/WhoAmI", {}, { cookie: token, headers: { origin: "https://evil.example" } });
    assert.equal(foreign.status, 403);
    const crossSite = await call("AdminService/WhoAmI", {}, { cookie: token, headers: { "sec-fetch-site": "cross-site" } });
    assert.equal(crossSite.status, 403);
    const own = await call("AdminService/WhoAmI", {}, { cookie: token, headers: { origin: stack.webUrl } });
    assert.equal(own.status, 200, own.text);
    assert.equal(own.json?.role, "ROLE_OFFICER");
  });

  test("only Connect and gRPC-Web requests are RPCs: a form post or a plain GET is refused", async () => {
    const { token } = await signInRaw(stack.users.officer);
    const form = await fetch(`${stack.webUrl}/loket.v1.AdminService/WhoAmI`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: `loket_session=${token}` },
      body: "a=b",
    });
    assert.equal(form.status, 415);
    const get = await fetch(`${stack.webUrl}/loket.v1.AdminService/WhoAmI`, { headers: { cookie: `loket_session=${token}` } });
    assert.equal(get.status, 405);
  });

  test("TaskService is not reachable through loket-web, even with a worker's token", async () => {
    for (const m of ["PollTask", "CompleteTask", "FailTask", "Heartbeat"]) {
      const r = await call(`TaskService/${m}`, {}, { cookie: stack.tokens.worker });
      assert.equal(r.status, 404, `${m}: ${r.status} ${r.text}`);
    }
    // The admin's view of the tasks (TaskAdminService) is a different service and is forwarded.
    const admin = await call("TaskAdminService/ListTasks", {}, { cookie: stack.tokens.admin });
    assert.equal(admin.status, 200, admin.text);
  });

  test("sign-in sets an HttpOnly SameSite=Strict cookie and the body carries no token", async () => {
    const { token, setCookie, response } = await signInRaw(stack.users.clinic);
    assert.match(setCookie, /;\s*HttpOnly/i);
    assert.match(setCookie, /;\s*SameSite=Strict/i);
    assert.match(setCookie, /;\s*Path=\//i);
    assert.doesNotMatch(setCookie, /;\s*Secure/i, "plain HTTP on loopback: no Secure flag");
    assert.ok(!response.text.includes(token), "the session token is in the response body");
    assert.ok(!response.json?.sessionToken, "sessionToken not cleared");
    assert.equal(response.json?.principal?.role, "ROLE_CLINIC");
    const who = await call("AdminService/WhoAmI", {}, { cookie: token });
    assert.equal(who.status, 200, who.text);
    assert.equal(who.json?.clinicId, stack.clinics.clinic);
  });

  test("a wrong password gives unauthenticated and no cookie", async () => {
    const r = await call("SessionService/SignIn", { username: stack.users.counter.username, password: "not-the-password" });
    assert.equal(r.json?.code, "unauthenticated", r.text);
    assert.equal(r.headers.get("set-cookie"), null);
  });

  test("a clinic's session cannot call an officer's RPC", async () => {
    const { token } = await signInRaw(stack.users.clinic);
    const r = await call("CaseService/StartVerification", { caseId: "1" }, { cookie: token });
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json?.code, "permission_denied");
    const board = await call("QueueService/CallNext", { counterId: "1" }, { cookie: token });
    assert.equal(board.json?.code, "permission_denied", board.text);
  });

  test("sign-out clears the cookie and ends the session in loketd", async () => {
    const { token } = await signInRaw(stack.users.approver);
    const out = await call("SessionService/SignOut", {}, { cookie: token });
    assert.equal(out.status, 200, out.text);
    assert.match(out.headers.get("set-cookie") ?? "", /^loket_session=;.*Max-Age=0/);
    const who = await call("AdminService/WhoAmI", {}, { cookie: token });
    assert.equal(who.json?.code, "unauthenticated", who.text);
    // A dead cookie is dropped by the edge as well, with its companion.
    assert.match(who.headers.get("set-cookie") ?? "", /loket_session=;.*Max-Age=0.*loket_signed_in=;.*Max-Age=0/);
    // A companion left without its session is dropped too, so pages stop asking WhoAmI.
    const stray = await call("AdminService/WhoAmI", {}, { headers: { cookie: "loket_signed_in=1" } });
    assert.equal(stray.json?.code, "unauthenticated", stray.text);
    assert.match(stray.headers.get("set-cookie") ?? "", /loket_signed_in=;.*Max-Age=0/);
  });

  test("WatchQueue streams through both Connect and gRPC-Web", async () => {
    const { token } = await signInRaw(stack.users.display);
    for (const make of [createConnectTransport, createGrpcWebTransport]) {
      const transport = make({ baseUrl: stack.webUrl, httpVersion: "1.1", useBinaryFormat: true });
      const queue = createClient(QueueService, transport);
      const ac = new AbortController();
      const first = await (async () => {
        for await (const update of queue.watchQueue({}, { signal: ac.signal, headers: { cookie: `loket_session=${token}` } })) {
          return update;
        }
      })();
      ac.abort();
      assert.ok(first, `${make.name}: no first update`);
      assert.ok(first.board, `${make.name}: the first update has no board`);
      // The display may watch the queue and nothing else.
      const admin = createClient(AdminService, transport);
      await assert.rejects(
        admin.listPrincipals({}, { headers: { cookie: `loket_session=${token}` } }),
        (e) => e instanceof ConnectError && e.code === Code.PermissionDenied,
      );
    }
  });

  test("a request body beyond the cap is refused", async () => {
    const big = "x".repeat(13 * 1024 * 1024);
    const r = await call("CaseService/AttachDocument", { caseId: "1", content: big }, { cookie: stack.tokens.clinic });
    assert.ok(r.status === 413 || r.json?.code === "resource_exhausted", `${r.status} ${r.text.slice(0, 200)}`);
  });

  test("X-Forwarded-For counts only from a --trusted-proxy: otherwise one address keeps one limit", async () => {
    // TrackCase is limited like code guessing (10 at once per address): 12 guesses trip it.
    const guesses = async (url, xff) => {
      const codes = [];
      for (let i = 0; i < 12; i++) {
        const r = await fetch(`${url}/loket.v1.PublicService/TrackCase`, {
          method: "POST",
          headers: { "content-type": "application/json", "connect-protocol-version": "1", "x-forwarded-for": xff(i) },
          body: JSON.stringify({ trackingCode: "ZZZZZZZZZZ" }),
        });
        codes.push(r.status === 200 ? "ok" : (await r.json()).code);
      }
      return codes;
    };
    // Without the flag: every claimed address is the socket's own (127.0.0.1), so the limit trips.
    const plain = await guesses(stack.webUrl, (i) => `203.0.113.${i + 1}`);
    assert.ok(plain.includes("resource_exhausted"), plain.join(","));
    // With it (the peer 127.0.0.1 is the proxy): two forwarded addresses, two separate limits.
    const proxied = await startStack({ workers: false, webArgs: ["--trusted-proxy", "127.0.0.1,::1"] });
    try {
      const a = await guesses(proxied.webUrl, () => "198.51.100.7, 127.0.0.1");
      assert.ok(a.includes("resource_exhausted"), a.join(","));
      const b = await guesses(proxied.webUrl, (i) => (i < 10 ? "spoofed-by-client, 198.51.100.8" : "2001:db8::8"));
      assert.deepEqual(b.slice(0, 10), Array(10).fill("not_found"), b.join(","));
      assert.equal(b[10], "not_found", "a third address (IPv6) has a limit of its own");
    } finally {
      await proxied.stop();
    }
  });

  test("in Chromium: the session cookie is invisible to script, and the app knows who signed in", async () => {
    const browser = await openBrowser();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors = [];
      page.on("console", (m) => m.type() === "error" && /Content Security Policy/i.test(m.text()) && errors.push(m.text()));
      let whoAmI = [];
      context.on("request", (r) => r.url().includes("/WhoAmI") && whoAmI.push(r.url()));
      // The public's page, with no session: no WhoAmI asked only to be refused.
      await page.goto(`${stack.webUrl}/#/book`);
      await page.getByRole("heading", { level: 1 }).first().waitFor();
      await page.waitForLoadState("networkidle");
      assert.deepEqual(whoAmI, [], "a page opened without a session asks WhoAmI");
      await signIn(page, stack.webUrl, stack.users.officer);
      assert.match(page.url(), /#\/desk/);
      assert.equal(await page.evaluate(() => document.cookie.includes("loket_session")), false);
      const cookies = await context.cookies();
      const c = cookies.find((x) => x.name === "loket_session");
      assert.ok(c && c.httpOnly && c.sameSite === "Strict", JSON.stringify(cookies));
      // Its readable companion says only that there is a session, and lives as long.
      const companion = cookies.find((x) => x.name === "loket_signed_in");
      assert.ok(companion && !companion.httpOnly && companion.value === "1" && Math.abs(companion.expires - c.expires) < 1, JSON.stringify(cookies));
      // A new tab (no hint in its sessionStorage) still learns who is signed in from WhoAmI.
      whoAmI = [];
      const tab = await context.newPage();
      await tab.goto(`${stack.webUrl}/#/desk`);
      await tab.getByRole("button", { name: /Keluar/ }).waitFor();
      assert.ok(whoAmI.length >= 1, "a new tab learns who is signed in from WhoAmI");
      await tab.close();
      assert.deepEqual(errors, [], "CSP violations on the page");
    } finally {
      await browser.close();
    }
  });
  test("a bad request target or host gets 400, and loket-web stays up", async () => {
    const port = Number(new URL(stack.webUrl).port);
    const sign = "/loket.v1.SessionService/SignIn";
    const body = "{}";
    const rpc = (head) =>
      `POST ${sign} ${head}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
    const cases = [
      ["GET // HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n", 404],
      ["GET //a:x HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n", 404],
      ["GET //[ HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n", 404],
      ["GET http://x:99999/ HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n", 400],
      [rpc("HTTP/1.0"), 400], // no Host at all
      [rpc("HTTP/1.1\r\nhost: a b\r\nconnection: close"), 400],
      [rpc("HTTP/1.1\r\nhost: x:99999\r\nconnection: close"), 400],
      ["DELETE /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n", 405],
    ];
    for (const [text, want] of cases) {
      const got = await rawRequest(port, text);
      // "//" may also be the app's page (its routes are the SPA's): anything but a crash or a 5xx.
      const ok = want === 404 ? got >= 200 && got < 500 : got === want;
      assert.ok(ok, `${JSON.stringify(text.split("\r\n")[0])}: ${got}, wanted ${want}`);
    }
    const health = await fetch(`${stack.webUrl}/healthz`);
    assert.equal(health.status, 200, "loket-web still serves after the bad requests");
  });

  test("what fails inside or on the way to loketd is not shown to the caller", async () => {
    // A loket-web whose loketd is not there (port 9, discard: nothing listens).
    const here = dirname(fileURLToPath(import.meta.url));
    const web = spawn(process.execPath, [
      join(here, "..", "dist", "server", "main.js"),
      "--listen", "127.0.0.1:0", "--loketd", "127.0.0.1:9", "--static", join(here, "..", "dist", "app"),
    ], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const url = await new Promise((resolve, reject) => {
        let out = "";
        web.stdout.on("data", (d) => {
          out += d;
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) resolve(m[1]);
        });
        web.on("exit", (c) => reject(new Error(`loket-web exited ${c}: ${out}`)));
      });
      const r = await fetch(`${url}/loket.v1.PublicService/TrackCase`, {
        method: "POST",
        headers: { "content-type": "application/json", "connect-protocol-version": "1" },
        body: JSON.stringify({ trackingCode: "ZZZZZZZZZZ" }),
      });
      const json = await r.json();
      assert.equal(json.code, "unavailable");
      assert.equal(json.message, "service unavailable");
      assert.ok(!/127\.0\.0\.1|ECONNREFUSED|:9\b/.test(JSON.stringify(json)), JSON.stringify(json));
    } finally {
      web.kill("SIGTERM");
    }
  });
});
