// The public self-service pages (issue 10), against a real loketd, notifier, scheduler and
// PostgreSQL: a person books through the pages with the code the notifier "sent" to the phone,
// the scheduler seats them, they move and cancel it; five wrong codes end a request; the whole
// booking by keyboard alone; following a case by its tracking code; the live queue place; axe
// (no violation of any impact) and screenshots (desktop and 360 px) of every public page; the
// first load stays under 100 kB of JS+CSS gzipped; 200 % zoom does not scroll sideways.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createServer, connect } from "node:net";
import { gzipSync } from "node:zlib";
import { startStack, openBrowser, screenshot } from "./harness.mjs";

const AXE_SOURCE = readFileSync(new URL("../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

let stack;
let browser;

before(async () => {
  // LOKET_WEB_STATIC: pages built elsewhere (e.g. while someone else's build owns web/dist/app).
  const webArgs = process.env.LOKET_WEB_STATIC ? ["--static", process.env.LOKET_WEB_STATIC] : [];
  stack = await startStack({ webArgs });
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
  for (const p of proxies) p.close();
  for (const s of sockets) s.destroy();
  await stack?.stop();
});

// Each browser context comes in from its own loopback address (127.0.0.N) through a small TCP
// relay, as different people's phones would: loket-web passes that address to loketd, whose
// per-address limits (10 guesses a minute) then apply to each person, not to the whole test file.
const proxies = [];
const sockets = new Set();
let nextHost = 10;
async function personUrl() {
  const localAddress = `127.0.0.${nextHost++}`;
  const port = Number(new URL(stack.webUrl).port);
  const server = createServer((sock) => {
    const up = connect({ host: "127.0.0.1", port, localAddress });
    for (const x of [sock, up]) {
      sockets.add(x);
      x.on("close", () => sockets.delete(x));
      x.on("error", () => {
        sock.destroy();
        up.destroy();
      });
    }
    sock.pipe(up).pipe(sock);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxies.push(server);
  return `http://127.0.0.1:${server.address().port}`;
}

// --- helpers -------------------------------------------------------------------------------

let serial = 0;
/** A synthetic NIK (64 Kaltim, 71 Balikpapan, district 06) born on `ddmmyy`, and a phone. */
function person(ddmmyy = "170890") {
  serial += 1;
  const s = String(serial).padStart(4, "0");
  const names = ["Andi", "Budi", "Citra", "Dewi", "Eko", "Fajar", "Gita", "Hadi", "Indah", "Joko", "Kartika", "Lina"];
  return { nik: `647106${ddmmyy}${s}`, phone: `08123${String(process.pid % 1000).padStart(3, "0")}${s}`, name: `${names[serial % names.length]} Wicaksono` };
}

/** Every violation axe finds, whatever its impact (the public pages must have none). */
async function axeAll(page) {
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} @ ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
}
async function assertAxe(page, where) {
  assert.deepEqual(await axeAll(page), [], `axe on ${where}`);
}

async function noSideScroll(page, where) {
  const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(over <= 1, `${where}: the page scrolls sideways by ${over}px`);
}

const seen = new Set();
/** The 6-digit code in the newest message to `phone` that this test has not read yet. */
async function phoneCode(phone, seconds = 30) {
  const want = phone.replace(/\D/g, "").slice(-9);
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const found = [];
    for (const sub of ["webhook", "email", "."]) {
      const dir = join(stack.outboxDir, sub);
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir)) {
        const path = join(dir, f);
        if (!f.endsWith(".json") || seen.has(path)) continue;
        let m;
        try {
          m = JSON.parse(readFileSync(path, "utf8"));
        } catch {
          continue;
        }
        if (!String(m.address ?? "").replace(/\D/g, "").endsWith(want)) continue;
        const code = /(?<!\d)(\d{6})(?!\d)/.exec(String(m.body ?? ""));
        if (code) found.push({ path, id: Number(m.id ?? 0), code: code[1], body: m.body });
      }
    }
    if (found.length) {
      found.sort((a, b) => a.id - b.id);
      for (const f of found) seen.add(f.path);
      return found[found.length - 1];
    }
    if (Date.now() > end) throw new Error(`no message with a code to ${phone} in ${seconds} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function newPage({ width = 1100, height = 900, lang } = {}) {
  const base = await personUrl();
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  if (lang) {
    await context.addInitScript((l) => localStorage.setItem("loket.lang", l), lang);
  }
  return { context, page, errors, base };
}

/**
 * The first open slot that starts at least 10 minutes from now, on the first offered day that has
 * one: a slot about to begin can close while the test runs (the last one of the day, or one just
 * before 00:00 WITA), and the test runs at any hour.
 */
async function slotAtLeastTenMinutesAhead(page) {
  const soon = Date.now() + 10 * 60_000;
  const open = page.locator('input[id^="when-slot-"]:not(:disabled)');
  let before = null; // the first slot shown for the day before: the list has changed when it goes
  for (let day = 0; day < 2; day++) {
    await page.check(`#when-day-${day}`);
    await page.waitForFunction(
      (prev) => {
        const first = document.querySelector('input[id^="when-slot-"]:not(:disabled)');
        return first !== null && first.getAttribute("data-starts") !== prev;
      },
      before,
      { timeout: 15_000 },
    );
    const starts = await open.evaluateAll((inputs) => inputs.map((i) => i.getAttribute("data-starts")));
    const i = starts.findIndex((s) => Date.parse(s) >= soon);
    if (i >= 0) return open.nth(i);
    before = starts[0];
  }
  throw new Error("booking: no open slot 10 minutes ahead on the first two offered days");
}

/** Steps 1-3 of the booking wizard with the mouse; returns the chosen slot's start. */
async function bookUntilCode(page, base, who, { shots = "", refusal = null } = {}) {
  await page.goto(`${base}/#/book`);
  await page.waitForSelector('input[name="service"]', { timeout: 15_000 });
  if (shots) {
    await assertAxe(page, "book: service");
    await screenshot(page, `${shots}-1-service`);
  }
  const perawat = page.locator('input[name="service"][value="SIP_PERAWAT"]');
  if (await perawat.count()) await perawat.check();
  else await page.locator('input[name="service"]').first().check();
  await page.getByRole("button", { name: "Lanjut" }).click();
  await page.waitForSelector("#when-day-0", { timeout: 15_000 });
  const slot = await slotAtLeastTenMinutesAhead(page);
  await slot.check();
  const startsAt = await slot.getAttribute("data-starts");
  if (shots) {
    await assertAxe(page, "book: day and times");
    await screenshot(page, `${shots}-2-when`);
  }
  await page.getByRole("button", { name: "Lanjut" }).click();
  await page.waitForSelector("#nik");
  await page.fill("#nik", who.nik);
  await page.fill("#name", who.name);
  await page.fill("#phone", who.phone);
  await page.check("#need-seated");
  if (shots) {
    await assertAxe(page, "book: details");
    await screenshot(page, `${shots}-3-details`);
  }
  await page.getByRole("button", { name: "Kirim kode ke HP saya" }).click();
  if (refusal) {
    // Either the code step, or already refused here: null then.
    await page.waitForFunction((re) => document.querySelector("#code") || new RegExp(re).test(document.querySelector("main").textContent), refusal.source, { timeout: 15_000 });
    if (!(await page.locator("#code").count())) return null;
  }
  try {
    await page.waitForSelector("#code", { timeout: 15_000 });
  } catch (err) {
    const said = await page.locator(".pub-status, .field-error").allTextContents().catch(() => []);
    throw new Error(`booking: no code step; the page says: ${said.join(" | ")}`, { cause: err });
  }
  return startsAt;
}

// --- tests ---------------------------------------------------------------------------------

test("public home when nobody is signed in, with the staff sign-in link", async () => {
  for (const width of [1100, 360]) {
    const { context, page, errors, base } = await newPage({ width });
    try {
      await page.goto(`${base}/#/`);
      await page.waitForSelector(".home-links", { timeout: 15_000 });
      for (const name of ["Buat janji kunjungan", "Kelola janji saya", "Lacak permohonan", "Giliran antrean saya", "Periksa keaslian izin", "Masuk petugas / Staff sign-in"]) {
        assert.equal(await page.getByRole("link", { name, exact: false }).first().isVisible(), true, name);
      }
      assert.match(await page.locator('a[href="#/signin"]').first().textContent(), /Masuk petugas/);
      await assertAxe(page, `home ${width}`);
      await noSideScroll(page, `home ${width}`);
      await screenshot(page, width === 360 ? "public-home-360" : "public-home");
      // English on the switch.
      await page.getByRole("button", { name: "Switch to English" }).click();
      await page.getByRole("heading", { name: /Self-service/ }).waitFor();
      await assertAxe(page, `home en ${width}`);
      if (width === 1100) await screenshot(page, "public-home-en");
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  }
});

test("book through the pages with the phone code; the scheduler seats it; move and cancel via /#/visit", async () => {
  const who = person();
  const { context, page, errors, base } = await newPage();
  try {
    const first = await bookUntilCode(page, base, who, { shots: "public-book" });
    assert.match(await page.locator("main").textContent(), /\+62\d*\*+\d{2,4}/, "where the code went");
    assert.match(await page.locator("main").textContent(), /berlaku sampai .*WITA/);
    await assertAxe(page, "book: code");
    await screenshot(page, "public-book-4-code");

    // A wrong code first: the tries left beside the field, read with it.
    const { code } = await phoneCode(who.phone);
    const wrong = code === "000000" ? "111111" : "000000";
    await page.fill("#code", wrong);
    await page.getByRole("button", { name: "Konfirmasi" }).click();
    await page.waitForSelector("#code-error", { timeout: 10_000 });
    assert.match(await page.textContent("#code-error"), /Kode salah/);
    assert.equal(await page.getAttribute("#code", "aria-invalid"), "true");
    assert.match(await page.getAttribute("#code", "aria-describedby"), /code-error/);
    await assertAxe(page, "book: wrong code");
    await screenshot(page, "public-book-4-wrong-code");

    await page.fill("#code", code);
    await page.getByRole("button", { name: "Konfirmasi" }).click();
    await page.waitForSelector("[data-testid=visit-code]", { timeout: 30_000 });
    const visitCode = (await page.textContent("[data-testid=visit-code]")).trim();
    assert.match(visitCode, /^[A-Z0-9-]{4,}$/);
    const when = await page.textContent("[data-testid=visit-time]");
    assert.match(when, /WITA/);
    assert.match(when, new RegExp(officeHHMM(first)));
    await assertAxe(page, "book: result");
    await screenshot(page, "public-book-5-result");

    // Manage it: by the visit code and the phone's last four digits.
    await page.goto(`${base}/#/visit?code=${encodeURIComponent(visitCode)}`);
    await page.waitForSelector("#visit-last4");
    assert.equal(await page.inputValue("#visit-code"), visitCode);
    await page.fill("#visit-last4", who.phone.slice(-4));
    await page.getByRole("button", { name: "Tampilkan janji" }).click();
    await page.waitForSelector('.visit-facts[data-state="BOOKED"]', { timeout: 10_000 });
    await assertAxe(page, "visit");
    await screenshot(page, "public-visit");

    // Move it: another day, its first open time.
    await page.getByRole("button", { name: "Pindah jadwal" }).click();
    await page.waitForSelector("#move-day-0", { timeout: 15_000 });
    const otherDay = (await page.locator("#move-day-1").count()) ? "#move-day-1" : "#move-day-0";
    await page.check(otherDay);
    const slots = page.locator('input[id^="move-slot-"]:not(:disabled)');
    let target = slots.first();
    if ((await target.getAttribute("data-starts")) === first && (await slots.count()) > 1) target = slots.nth(1);
    await target.check();
    const moved = await target.getAttribute("data-starts");
    await assertAxe(page, "visit: move");
    await screenshot(page, "public-visit-move");
    await page.getByRole("button", { name: "Pindahkan janji" }).click();
    await page.getByText(/^Janji Anda sudah dipindahkan\./).waitFor({ timeout: 15_000 });
    await page.waitForSelector('.visit-facts[data-state="BOOKED"] [data-testid=visit-time]', { timeout: 30_000 });
    // A new seat has a new visit code, and the message names it (once the scheduler has seated it).
    const newCode = (await page.textContent("[data-testid=visit-code]")).trim();
    assert.notEqual(newCode, visitCode);
    await page.getByText(new RegExp(`Kode kunjungan Anda sekarang ${newCode};`)).waitFor({ timeout: 10_000 });
    assert.match(await page.textContent("[data-testid=visit-time]"), new RegExp(officeHHMM(moved)));

    // Cancel it, after the confirmation step.
    await page.getByRole("button", { name: "Batalkan janji" }).click();
    await page.getByRole("heading", { name: "Batalkan janji ini?" }).waitFor();
    await assertAxe(page, "visit: cancel confirmation");
    await screenshot(page, "public-visit-cancel");
    await page.getByRole("button", { name: "Ya, batalkan janji" }).click();
    await page.waitForSelector('.visit-facts[data-state="CANCELLED"]', { timeout: 15_000 });
    assert.match(await page.textContent("main"), /Janji Anda sudah dibatalkan/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("loketd's field error shows beside its field, in the page's words, read with the field", async () => {
  const who = { ...person(), nik: "6471063213900001" }; // day 32: no birth date (women add 40 to the day)
  const { context, page, base } = await newPage({ width: 360, height: 800 });
  try {
    const reached = await bookUntilCode(page, base, who, { refusal: /Tanggal lahir pada NIK/ });
    assert.equal(reached, null, "loketd accepted a NIK without a birth date");
    await page.waitForSelector("#nik-error");
    assert.match(await page.textContent("#nik-error"), /Tanggal lahir pada NIK/);
    assert.equal(await page.getAttribute("#nik", "aria-invalid"), "true");
    assert.match(await page.getAttribute("#nik", "aria-describedby"), /nik-error/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), "nik");
    await assertAxe(page, "book: server field error");
    await screenshot(page, "public-book-field-error-360");
  } finally {
    await context.close();
  }
});

test("a wrong code five times ends the request, and the page says so", async () => {
  const who = person();
  const { context, page, base } = await newPage({ width: 360, height: 800 });
  try {
    await bookUntilCode(page, base, who);
    const { code } = await phoneCode(who.phone);
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 1; i <= 5; i++) {
      await page.fill("#code", wrong);
      const answered = page.waitForResponse((r) => r.url().endsWith("/ConfirmVisit"), { timeout: 10_000 });
      await page.getByRole("button", { name: "Konfirmasi" }).click();
      await answered;
      // Settled: the request ended, or the error is shown and the button usable again.
      await page.waitForFunction(
        () => document.querySelector("[data-testid=booking-ended]") ||
          (document.querySelector("#code-error") && !document.querySelector('main form button[type="submit"]').disabled),
        null,
        { timeout: 10_000 },
      );
      if (i < 5) {
        assert.equal(await page.locator("[data-testid=booking-ended]").count(), 0, `ended after only ${i} wrong codes`);
        assert.match(await page.textContent("#code-error"), /Kode salah/);
      }
    }
    await page.waitForSelector("[data-testid=booking-ended]", { timeout: 10_000 });
    assert.match(await page.textContent("main"), /berakhir/);
    await assertAxe(page, "book: ended");
    await noSideScroll(page, "book: ended 360");
    await screenshot(page, "public-book-ended-360");
  } finally {
    await context.close();
  }
});

test("a new code replaces the old one", async () => {
  const who = person();
  const { context, page, base, errors } = await newPage();
  try {
    await bookUntilCode(page, base, who);
    const old = await phoneCode(who.phone);
    await page.getByRole("button", { name: "Kirim kode baru" }).click();
    await page.getByText(/Kode baru dikirim ke/).waitFor({ timeout: 10_000 });
    const fresh = await phoneCode(who.phone);
    assert.ok(fresh.id > old.id, "a second message");
    if (old.code !== fresh.code) {
      await page.fill("#code", old.code);
      await page.getByRole("button", { name: "Konfirmasi" }).click();
      await page.waitForSelector("#code-error", { timeout: 10_000 });
      assert.match(await page.textContent("#code-error"), /Kode salah/);
    }
    await page.fill("#code", fresh.code);
    await page.getByRole("button", { name: "Konfirmasi" }).click();
    await page.waitForSelector("[data-testid=booking-result]", { timeout: 15_000 });
    await page.waitForSelector("[data-testid=visit-code], .visit-facts[data-state=WAITLISTED]", { timeout: 30_000 });
    // "Buat janji" in the header, on the booking page itself, starts a new booking.
    await page.locator("nav.site-nav").getByRole("link", { name: "Buat janji" }).click();
    await page.waitForSelector('input[name="service"]', { timeout: 10_000 });
    assert.match(await page.textContent("#step-heading"), /Langkah 1 dari 5/);
    assert.equal(await page.locator("[data-testid=booking-result]").count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a booking left at the code step is confirmed later on /#/visit, with a new code", async () => {
  const who = person();
  const { context, page, base, errors } = await newPage();
  try {
    await bookUntilCode(page, base, who);
    const bookingCode = (await page.textContent("[data-testid=booking-code]")).trim();
    const first = await phoneCode(who.phone);
    // The page is closed (a flat phone, a lost tab); later the person opens "Kelola janji saya".
    await page.goto(`${base}/#/visit?code=${encodeURIComponent(bookingCode)}`);
    await page.fill("#visit-last4", who.phone.slice(-4));
    await page.getByRole("button", { name: "Tampilkan janji" }).click();
    await page.waitForSelector(".visit-facts[data-state=AWAITING_CODE]", { timeout: 15_000 });
    await page.waitForSelector("#code");
    assert.match(await page.textContent("main"), /Janji ini baru dibuat setelah kodenya benar/);
    await assertAxe(page, "visit: awaiting code");
    await screenshot(page, "public-visit-awaiting-code");
    await page.getByRole("button", { name: "Kirim kode baru" }).click();
    await page.getByText(/Kode baru dikirim ke/).waitFor({ timeout: 10_000 });
    const fresh = await phoneCode(who.phone);
    assert.ok(fresh.id > first.id, "a second message");
    await page.fill("#code", fresh.code);
    await page.getByRole("button", { name: "Konfirmasi" }).click();
    await page.getByText(/Kode benar\. Janji Anda sudah dibuat/).waitFor({ timeout: 15_000 });
    await page.waitForSelector("[data-testid=visit-code], .visit-facts[data-state=WAITLISTED]", { timeout: 30_000 });
    assert.equal(await page.locator("#code").count(), 0, "no code field once confirmed");
    await screenshot(page, "public-visit-confirmed-late");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("one phone cannot hold more bookings than the limit (2), whatever the NIKs", async () => {
  const phone = person().phone;
  const { context, base } = await newPage();
  try {
    for (let i = 0; i < 3; i++) {
      const page = await context.newPage();
      const who = { ...person(), phone };
      const limitText = /sudah dipakai untuk 2 janji/;
      const reached = await bookUntilCode(page, base, who, { refusal: limitText });
      if (reached !== null) {
        const { code } = await phoneCode(phone);
        await page.fill("#code", code);
        await page.getByRole("button", { name: "Konfirmasi" }).click();
      }
      if (i < 2) {
        assert.notEqual(reached, null, `booking ${i + 1} refused`);
        await page.waitForSelector("[data-testid=booking-result]", { timeout: 15_000 });
      } else {
        // Refused at the details step, beside the phone, before any code is sent.
        assert.equal(reached, null, "the third booking reached the code step");
        await page.waitForSelector("#phone-error", { timeout: 15_000 });
        assert.match(await page.textContent("#phone-error"), limitText);
        await page.getByText(limitText).first().waitFor({ timeout: 15_000 });
        assert.equal(await page.locator("[data-testid=booking-result]").count(), 0);
        assert.match(await page.textContent("main"), /Batalkan salah satu/);
        await assertAxe(page, "book: phone limit");
        await screenshot(page, "public-book-phone-limit");
      }
      await page.close();
    }
  } finally {
    await context.close();
  }
});

test("the whole booking by keyboard alone (Tab, Space, Enter, typing)", async () => {
  const who = person("170856"); // born 1956: 70 on the visit day, priority without asking
  const { context, page, errors, base } = await newPage();
  const kb = page.keyboard;
  /** Presses Tab until the focused element matches `selector` (reading the focus is not input). */
  async function tabTo(selector, max = 80) {
    for (let i = 0; i < max; i++) {
      if (await page.evaluate((s) => !!document.activeElement && document.activeElement.matches(s), selector)) return;
      await kb.press("Tab");
    }
    throw new Error(`Tab never reached ${selector}`);
  }
  try {
    await page.goto(`${base}/#/book`);
    await page.waitForSelector('input[name="service"]', { timeout: 15_000 });
    await tabTo('input[name="service"]');
    await kb.press("Space");
    assert.equal(await page.evaluate(() => document.activeElement.checked), true);
    await tabTo('button[type="submit"]');
    await kb.press("Enter");
    await page.waitForSelector("#when-day-0", { timeout: 15_000 });
    await tabTo("#when-day-0");
    await kb.press("Space");
    await page.waitForSelector('input[id^="when-slot-"]');
    await tabTo('input[id^="when-slot-"]:not(:disabled)');
    await kb.press("Space");
    assert.equal(await page.evaluate(() => document.activeElement.checked), true);
    await tabTo('button[type="submit"]');
    await kb.press("Enter");
    await page.waitForSelector("#nik");
    await tabTo("#nik");
    await kb.type(who.nik);
    await tabTo("#name");
    await kb.type(who.name);
    await tabTo("#phone");
    await kb.type(who.phone);
    await tabTo("#need-wheelchair");
    await kb.press("Space");
    await tabTo('button[type="submit"]');
    await kb.press("Enter");
    await page.waitForSelector("#code", { timeout: 15_000 });
    // Elderly priority followed from the NIK.
    assert.match(await page.textContent("main"), /prioritas lansia/);
    const { code } = await phoneCode(who.phone);
    await tabTo("#code");
    await kb.type(code);
    await kb.press("Enter");
    await page.waitForSelector("[data-testid=visit-code]", { timeout: 30_000 });
    assert.match(await page.textContent(".visit-facts"), /Lansia/);
    await screenshot(page, "public-book-keyboard-result");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("follow a case by its tracking code; a wrong code shows nothing", async () => {
  const out = await stack.cli("clinic", [
    "--json", "clinic", "submit", "--permit-type", "SIP_PERAWAT", "--nik", "6471065708900777",
    "--name", "Sri Rahayu", "--phone", "081234560777", "--str-number", "STR-777",
    "--practice-place", "Puskesmas Klandasan Ilir", "--priority", "HEALTH_WORKER",
  ]);
  const sub = JSON.parse(out);
  const caseId = String(sub.case?.id ?? sub.id);
  const tracking = sub.case?.trackingCode ?? sub.case?.tracking_code ?? sub.trackingCode ?? sub.tracking_code ??
    (await stack.sql(`SELECT tracking_code FROM cases WHERE id = ${caseId}`));
  assert.ok(tracking, "the case has a tracking code");
  for (const width of [1100, 360]) {
    const { context, page, errors, base } = await newPage({ width });
    try {
      await page.goto(`${base}/#/track`);
      await page.waitForSelector("#tracking-code");
      await assertAxe(page, `track empty ${width}`);
      await page.fill("#tracking-code", tracking.toLowerCase());
      await page.getByRole("button", { name: "Lacak" }).click();
      await page.waitForSelector("[data-testid=case-status]", { timeout: 15_000 });
      const text = await page.textContent("[data-testid=case-status]");
      assert.match(text, /Diajukan|Sedang diverifikasi|Perlu perbaikan/);
      assert.ok(!text.includes("Sri Rahayu"), "the name is masked");
      assert.ok(!text.includes("6471065708900777") && !text.includes("081234560777"), "no NIK, no phone");
      // Documents still missing (this case was filed without them) come with who supplies them.
      assert.match(text, /Dokumen wajib yang belum ada:[\s\S]*dilengkapi oleh yang mengajukan permohonan/);
      // ... and the state line does not say it waits for an officer.
      assert.match(await page.textContent(".state-line"), /sudah diterima, tetapi belum lengkap/);
      await assertAxe(page, `track ${width}`);
      await noSideScroll(page, `track ${width}`);
      await screenshot(page, width === 360 ? "public-track-360" : "public-track");

      // A guessed code: nothing of the case, only "not found".
      await page.fill("#tracking-code", "TRK-0000-0000");
      await page.getByRole("button", { name: "Lacak" }).click();
      await page.waitForFunction(() => !document.querySelector("[data-testid=case-status]") && /Tidak ada permohonan|Terlalu banyak/.test(document.querySelector("main").textContent), null, { timeout: 15_000 });
      assert.equal(await page.locator("[data-testid=case-status]").count(), 0);
      await assertAxe(page, `track wrong ${width}`);
      if (width === 1100) await screenshot(page, "public-track-wrong");
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  }
});

test("guessing tracking codes from one address is throttled, and the page says how long to wait", async () => {
  const { context, page, base } = await newPage();
  try {
    await page.goto(`${base}/#/track`);
    await page.waitForSelector("#tracking-code");
    let throttled = false;
    for (let i = 0; i < 15 && !throttled; i++) {
      await page.fill("#tracking-code", `TRK-${String(1000 + i)}-ZZZZ`);
      const answered = page.waitForResponse((r) => r.url().endsWith("/TrackCase"), { timeout: 10_000 });
      await page.getByRole("button", { name: "Lacak" }).click();
      await answered;
      await page.waitForFunction(() => !document.querySelector('main form button[type="submit"]').disabled && !/Mencari/.test(document.querySelector("main").textContent), null, { timeout: 10_000 });
      throttled = /Terlalu banyak percobaan/.test(await page.textContent("main"));
      assert.equal(await page.locator("[data-testid=case-status]").count(), 0);
    }
    assert.ok(throttled, "15 guesses in a row were never refused");
    assert.match(await page.textContent("main"), /Coba lagi dalam \d+ detik/);
    await assertAxe(page, "track throttled");
    await screenshot(page, "public-track-throttled");
  } finally {
    await context.close();
  }
});

test("my place in the queue: live, reconnecting by itself, and the call announced with its counter", async () => {
  const out = await stack.cli("counter", ["--json", "office", "walk-in", "--name", "Ani Lestari", "--service", "SIP_BIDAN", "--temp", "36.5", "--mask", "yes"]);
  const label = /"label"\s*:\s*"([A-Z]+-\d+)"/.exec(out)?.[1];
  assert.ok(label, `a ticket label in ${out}`);
  const { context, page, errors, base } = await newPage();
  try {
    await page.goto(`${base}/#/queue`);
    await page.waitForSelector("#ticket");
    await assertAxe(page, "queue empty");
    // Typed as a person says it: "w 1" for W-001 (leading zeros and the dash left out).
    const spoken = label.toLowerCase().replace(/-0*(\d)/, " $1");
    await page.fill("#ticket", spoken);
    await page.getByRole("button", { name: "Lihat giliran" }).click();
    await page.waitForSelector('[data-testid=queue-position][data-state="waiting"]', { timeout: 15_000 });
    assert.match(await page.textContent("[data-testid=queue-ahead]"), /Anda berikutnya|panggilan lagi/);
    assert.match(await page.textContent("[data-testid=queue-wait]"), /^(sekitar [1-9]\d* menit|sebentar lagi|belum diketahui)$/);
    await assertAxe(page, "queue waiting");
    await screenshot(page, "public-queue");

    // loket-web restarts (a deploy): the page reconnects by itself and stays live.
    await page.evaluate(() => {
      window.__conn = [];
      new MutationObserver(() => {
        const c = document.querySelector(".conn");
        if (c) window.__conn.push(c.className);
      }).observe(document.querySelector("main"), { subtree: true, attributes: true, childList: true, characterData: true });
    });
    await stack.restartWeb();
    await page.waitForFunction(() => window.__conn.some((c) => /reconnecting|connecting/.test(c)) && /conn-live/.test(document.querySelector(".conn").className), null, { timeout: 30_000 });

    await stack.cli("counter", ["counter", "next", "--counter", "C2"]);
    await page.waitForSelector('[data-testid=queue-position][data-state="called"]', { timeout: 15_000 });
    const call = await page.textContent("[data-testid=queue-call]");
    assert.match(call, new RegExp(`${label}.*C2|Giliran Anda`));
    assert.equal(await page.getAttribute("[data-testid=queue-call]", "aria-live"), "assertive");
    await assertAxe(page, "queue called");
    await screenshot(page, "public-queue-called");

    // An unknown ticket: said plainly, no position.
    await page.fill("#ticket", "W-999");
    await page.getByRole("button", { name: "Lihat giliran" }).click();
    await page.getByText(/tidak ada dalam antrean hari ini|Terlalu banyak/).waitFor({ timeout: 15_000 });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("every public page at 360 px and at 200 % zoom: no axe violation, no sideways scrolling", async () => {
  for (const [width, height, tag, lang] of [[360, 740, "360"], [640, 450, "zoom200"], [1100, 900, "en", "en"]]) {
    const { context, page, base } = await newPage({ width, height, lang });
    try {
      for (const [route, ready, name] of [
        ["/#/public", ".home-links", "public-home"],
        ["/#/book", 'input[name="service"]', "public-book"],
        ["/#/visit", "#visit-code", "public-visit"],
        ["/#/track", "#tracking-code", "public-track"],
        ["/#/queue", "#ticket", "public-queue"],
        ["/#/verify", "#permit-number", "public-verify"],
      ]) {
        await page.goto(`${base}${route}`);
        await page.waitForSelector(ready, { timeout: 15_000 });
        if (lang === "en") assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
        await assertAxe(page, `${route} ${tag}`);
        await noSideScroll(page, `${route} ${tag}`);
        if (tag === "360" && name !== "public-home" && name !== "public-track") await screenshot(page, `${name}-360`);
      }
      if (lang === "en") {
        assert.match(await page.textContent("main"), /Verify a permit|Check a permit/);
        continue;
      }
      // The booking's later steps at this width too.
      const who = person();
      await bookUntilCode(page, base, who);
      await assertAxe(page, `book code ${tag}`);
      await noSideScroll(page, `book code ${tag}`);
      if (tag === "360") await screenshot(page, "public-book-code-360");
    } finally {
      await context.close();
    }
  }
});

test("the public pages' first load is under 100 kB of JS and CSS, gzipped", async () => {
  for (const route of ["/#/", "/#/book", "/#/queue"]) {
    const { context, page, base } = await newPage();
    const bodies = [];
    page.on("response", async (r) => {
      const url = r.url();
      if (/\.(js|css)(\?|$)/.test(url)) bodies.push(r.body().then((b) => ({ url, gz: gzipSync(b).length })));
    });
    try {
      await page.goto(`${base}${route}`);
      await page.waitForSelector("main h1", { timeout: 15_000 });
      await page.waitForLoadState("networkidle");
      const files = await Promise.all(bodies);
      const total = files.reduce((n, f) => n + f.gz, 0);
      assert.ok(total < 100 * 1024, `${route}: ${total} bytes gzipped (${files.map((f) => `${f.url.split("/").pop()} ${f.gz}`).join(", ")})`);
    } finally {
      await context.close();
    }
  }
});

/** HH:MM office time (WITA) of an RFC 3339 instant. */
function officeHHMM(rfc3339) {
  const d = new Date(Date.parse(rfc3339) + 8 * 3600_000);
  return `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
}
