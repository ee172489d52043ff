// The counter clerk's page and the kiosk: walk-in tickets, a failed screening redirected online,
// call next / skip / no-show / transfer / done by keyboard and buttons, and the kiosk issuing and
// printing a ticket (window.print recorded) on the 80 mm layout.
import { test } from "node:test";
import assert from "node:assert/strict";
import { signIn, axeCheck, screenshot } from "./harness.mjs";
import { stackAndBrowserForFile } from "./pages-helpers.mjs";

let stack;
let browser;

// Office time is a fixed working morning (Tuesday 17 March 2026, 09:00 WITA): tickets are numbered
// per office day, so on the wall clock a run across 00:00 WITA (16:00 UTC) lost its tickets halfway.
const OFFICE_MORNING = "--clock_start=2026-03-17T09:00:00+08:00";
stackAndBrowserForFile({ workers: false, loketdArgs: [OFFICE_MORNING] }, (s, b) => ([stack, browser] = [s, b]));

function recordPrint() {
  window.__prints = [];
  window.print = () => {
    const copy = document.getElementById("ticket-print");
    window.__prints.push({ printing: document.documentElement.classList.contains("printing-ticket"), ticket: copy ? copy.getAttribute("data-ticket") : null });
  };
}

async function walkIn(page, { name, priority, temp = "36.6", caseId = "", nik = "" }) {
  await page.getByLabel(/Tanpa janji/).check();
  await page.fill('input[name="name"]', name);
  await page.selectOption('select[name="service"]', "SIP_PERAWAT");
  if (priority) await page.selectOption('select[name="priority"]', { label: priority });
  await page.fill('input[name="case_id"]', caseId);
  // A visit is linked to a case only for its applicant: the clerk types the NIK from the KTP.
  if (caseId) await page.fill('input[name="nik"]', nik);
  await page.fill('input[name="temperature"]', temp);
  await page.check('.counter-checkin input[name="mask"][value="yes"]');
  await page.click('.counter-checkin button[type="submit"]');
}

async function current(page) {
  return page.locator("[data-current-ticket]").getAttribute("data-current-ticket");
}

test("counter: walk-ins, a failed screening redirected online, call / skip / no-show / transfer / done", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  try {
    await signIn(page, stack.webUrl, stack.users.counter);
    await page.waitForURL(/#\/counter/);
    await page.waitForSelector('select[name="counter"] option[value="C2"]', { state: "attached", timeout: 15_000 });
    await page.selectOption('select[name="counter"]', "C2");

    // Fever: no ticket; the clerk sends the case on online.
    const sub = JSON.parse(await stack.cli("clinic", [
      "--json", "clinic", "submit", "--permit-type", "SIP_PERAWAT", "--nik", "6471065708900002",
      "--name", "Rudi Hartono", "--phone", "081234567891", "--str-number", "STR-9",
      "--practice-place", "Puskesmas Klandasan Ilir", "--priority", "HEALTH_WORKER",
    ]));
    const caseId = String(sub.case?.id ?? sub.id);
    // Fahrenheit by mistake: loketd's range, said in the clerk's words beside no field name.
    await walkIn(page, { name: "Rudi Hartono", temp: "98.6" });
    await page.getByText(/Suhu tubuh: isi suhu yang diukur dalam °C, antara 30 dan 45/).first().waitFor({ timeout: 10_000 });
    // Typed the Indonesian way, with a comma (a number field used to drop it: 384); the NIK as
    // printed on the KTP, in groups (the field keeps its digits, not the first 16 characters).
    await walkIn(page, { name: "Rudi Hartono", temp: "38,4", caseId, nik: "6471 0657 0890 0002" });
    await page.locator(".counter-redirect").waitFor({ timeout: 10_000 });
    assert.match(await page.locator(".counter-checkin [role=status]").first().textContent(), /Skrining tidak lolos: suhu 38,4 °C \(demam mulai 37,5 °C\)/);
    assert.match(await page.locator(".counter-redirect__why").textContent(), /^suhu 38,4 °C/);
    // Each way on is explained before the clerk picks one.
    assert.match(await page.locator(".counter-redirect__help").textContent(), /Lanjut daring: pemohon melanjutkan dari rumah/);
    assert.deepEqual(await axeCheck(page), []);
    await screenshot(page, "counter-redirect");
    await page.getByRole("button", { name: "Lanjut daring" }).click();
    await page.getByText(/Kunjungan dialihkan: daring/).waitFor({ timeout: 10_000 });
    assert.equal(await stack.sql(`SELECT outcome FROM visits WHERE case_id = ${caseId}`), "online");

    // Another fever: a SIBER courier fetches the documents from the clinic instead.
    const sub2 = JSON.parse(await stack.cli("clinic", [
      "--json", "clinic", "submit", "--permit-type", "SIP_PERAWAT", "--nik", "6471065708900004",
      "--name", "Nur Aini", "--phone", "081234567893", "--str-number", "STR-10",
      "--practice-place", "Puskesmas Klandasan Ilir", "--priority", "HEALTH_WORKER",
    ]));
    const case2 = String(sub2.case?.id ?? sub2.id);
    await walkIn(page, { name: "Nur Aini", temp: "38.9", caseId: case2, nik: "6471065708900004" });
    await page.getByRole("button", { name: "Jemput berkas (SIBER)" }).click();
    await page.getByLabel("Isi alamat dari klinik").selectOption({ label: "Puskesmas Klandasan Ilir" });
    assert.match(await page.getByLabel("Alamat penjemputan").inputValue(), /Klandasan Ilir/);
    await page.locator(".counter-redirect form button[type=submit]").click();
    await page.getByText(/Kunjungan dialihkan: jemput berkas/).waitFor({ timeout: 10_000 });
    assert.equal(await stack.sql(`SELECT outcome FROM visits WHERE case_id = ${case2}`), "siber_pickup");
    assert.equal(await stack.sql(`SELECT pickup_stop_id IS NOT NULL FROM visits WHERE case_id = ${case2}`), "t");

    // Three walk-ins, one of them elderly (priority lane).
    await walkIn(page, { name: "Oma Lestari", priority: "Lansia" });
    await page.locator(".counter-checkin .ticket-slip").waitFor({ timeout: 10_000 });
    const p1 = await page.locator(".counter-checkin .ticket-slip").getAttribute("data-ticket");
    assert.match(p1, /^P-/);
    for (const name of ["Andi Pratama", "Budi Hartono"]) {
      await walkIn(page, { name });
      await page.getByText(/Tiket W-\d+ diterbitkan/).waitFor({ timeout: 10_000 });
    }
    await page.waitForFunction(() => document.querySelectorAll("tbody tr[data-ticket]").length === 3, null, { timeout: 10_000 });

    // The call button, then keyboard shortcuts (focus outside the fields).
    await page.getByRole("button", { name: /Panggil berikutnya/ }).click();
    await page.waitForSelector(`[data-current-ticket="${p1}"]`, { timeout: 10_000 });
    await page.locator("h1").click();
    // Each key is its button's first letter in the page's language: L lewati, H tidak hadir, A
    // alihkan, S selesai (not the English S of "skip").
    await page.keyboard.press("l"); // lewati: back to the end of its lane
    await page.getByText(`Nomor ${p1} dilewati`, { exact: false }).waitFor({ timeout: 10_000 });
    await page.keyboard.press("b");
    await page.waitForFunction(() => document.querySelector("[data-current-ticket]"), null, { timeout: 10_000 });
    const second = await current(page);
    await page.keyboard.press("h"); // tidak hadir
    await page.getByText(`Nomor ${second} dicatat tidak hadir`).waitFor({ timeout: 10_000 });
    assert.equal(await stack.sql(`SELECT state FROM tickets WHERE label = '${second}'`), "no_show");
    await page.keyboard.press("b");
    await page.waitForFunction(() => document.querySelector("[data-current-ticket]"), null, { timeout: 10_000 });
    const third = await current(page);
    await page.keyboard.press("a"); // alihkan: the counter list gets the focus
    await page.keyboard.press("Escape");
    await page.selectOption(".counter-transfer select", "C3");
    await page.getByRole("button", { name: "Alihkan sekarang" }).click();
    await page.getByText(new RegExp(`Nomor ${third} dialihkan ke Loket 3`)).waitFor({ timeout: 10_000 });
    assert.equal(await stack.sql(`SELECT counter_id FROM tickets WHERE label = '${third}'`), "C3");
    await page.locator("h1").click();
    await page.keyboard.press("b");
    await page.waitForFunction(() => document.querySelector("[data-current-ticket]"), null, { timeout: 10_000 });
    const fourth = await current(page);
    await page.keyboard.press("s"); // selesai
    await page.getByText(`Layanan nomor ${fourth} selesai.`).waitFor({ timeout: 10_000 });
    assert.equal(await stack.sql(`SELECT state FROM tickets WHERE label = '${fourth}'`), "done");
    const shortcuts = () =>
      page.$$eval("button[aria-keyshortcuts]", (bs) => bs.map((b) => `${b.getAttribute("aria-keyshortcuts")} ${b.firstChild.textContent.trim()}`));
    assert.deepEqual(await shortcuts(), ["B Panggil berikutnya", "U Panggil ulang", "L Lewati", "H Tidak hadir", "S Selesai", "A Alihkan"]);
    assert.equal((await page.textContent(".counter-hint")).trim(), "Pintasan papan ketik: B panggil berikutnya, U panggil ulang, L lewati, H tidak hadir, S selesai, A alihkan. Tidak aktif saat mengetik di kolom isian.");
    assert.deepEqual(await axeCheck(page), []);

    // English on the switch.
    await page.getByRole("button", { name: "Switch to English" }).click();
    await page.getByRole("heading", { name: "Service counter" }).waitFor();
    assert.deepEqual(await shortcuts(), ["N Call next", "R Recall", "S Skip", "X No-show", "D Done", "T Transfer"]);
    assert.equal((await page.textContent(".counter-hint")).trim(), "Keyboard shortcuts: N call next, R recall, S skip, X no-show, D done, T transfer. Off while typing in a field.");
    await page.getByRole("button", { name: "Ganti ke Bahasa Indonesia" }).click();
  } finally {
    await ctx.close();
  }
});

test("counter: a fever found at the kiosk waits in the clerk's list until it is redirected", async () => {
  // The kiosk's check-in (the same RPC, from another terminal) fails the screening.
  await stack.cli("counter", ["office", "walk-in", "--name", "Sari Demam", "--service", "SIP_BIDAN", "--temp", "38.6", "--mask", "yes"]);
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  try {
    await signIn(page, stack.webUrl, stack.users.counter);
    const item = page.locator(".counter-pending li", { hasText: "Sari Demam" });
    await item.waitFor({ timeout: 15_000 });
    assert.match(await item.textContent(), /suhu 38,6 °C/);
    // No counter chosen yet: the greyed buttons say why.
    assert.equal((await page.getByTestId("counter-pick-first").textContent()).trim(), "Pilih loket Anda dulu.");
    assert.equal(await page.getByRole("button", { name: /Panggil berikutnya/ }).getAttribute("aria-describedby"), "counter-pick-first");
    assert.deepEqual(await axeCheck(page), []);
    await screenshot(page, "counter-pending");
    await item.getByRole("button", { name: "Tangani: Sari Demam" }).click();
    const panel = page.locator(".counter-redirect");
    await panel.getByText("Penanganan lanjutan: Sari Demam").waitFor();
    // No case linked: online is the only way on.
    assert.equal(await panel.getByRole("button", { name: /SIBER/ }).count(), 0);
    await panel.getByRole("button", { name: "Lanjut daring" }).click();
    await page.getByText(/Kunjungan dialihkan: daring/).waitFor({ timeout: 10_000 });
    await item.waitFor({ state: "detached", timeout: 10_000 });
    assert.equal(await stack.sql("SELECT outcome FROM visits WHERE name = 'Sari Demam'"), "online");
  } finally {
    await ctx.close();
  }
});

test("kiosk: a walk-in takes a number and the ticket is printed on the 80 mm slip", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1080, height: 1920 } });
  await ctx.addInitScript(recordPrint);
  const page = await ctx.newPage();
  try {
    await signIn(page, stack.webUrl, stack.users.counter);
    await page.goto(`${stack.webUrl}/#/kiosk`);
    await page.getByRole("button", { name: "Saya datang tanpa janji" }).click();
    await page.fill('input[name="name"]', "Ibu Sumarni");
    await page.selectOption('select[name="service"]', "SIP_BIDAN");
    await page.getByLabel("Penyandang disabilitas").check();
    await page.getByLabel("Saya perlu dilayani sambil duduk").check();
    // The screening starts empty: nobody passes unmeasured.
    assert.equal(await page.inputValue('input[name="temperature"]'), "");
    assert.equal(await page.locator('input[name="mask"]:checked').count(), 0);
    await page.getByRole("button", { name: "Ambil nomor" }).click();
    assert.equal(await page.locator(".kiosk-result .ticket-slip").count(), 0);
    await page.fill('input[name="temperature"]', "36,6");
    await page.check('input[name="mask"][value="yes"]');
    assert.deepEqual(await axeCheck(page), []);
    await screenshot(page, "kiosk-form");
    await page.getByRole("button", { name: "Ambil nomor" }).click();
    const slip = page.locator(".kiosk-result .ticket-slip");
    await slip.waitFor({ timeout: 10_000 });
    const label = await slip.getAttribute("data-ticket");
    assert.match(label, /^P-/);
    await page.waitForFunction(() => window.__prints.length > 0, null, { timeout: 5_000 });
    const prints = await page.evaluate(() => window.__prints);
    assert.deepEqual(prints[0], { printing: true, ticket: label });
    assert.deepEqual(await axeCheck(page), []);
    await screenshot(page, "kiosk");

    // A wrong appointment code says so.
    await page.getByRole("button", { name: "Selesai" }).click();
    await page.getByRole("button", { name: "Saya punya kode kunjungan" }).click();
    await page.fill('input[name="appointment_code"]', "ZZZ-999");
    await page.fill('input[name="temperature"]', "36.5");
    await page.check('input[name="mask"][value="yes"]');
    await page.getByRole("button", { name: "Ambil nomor" }).click();
    await page.locator(".kiosk [role=alert]").filter({ hasText: /\S/ }).waitFor({ timeout: 10_000 });
    // Focus is back on the code to fix (the button was disabled while the call ran), marked invalid.
    await page.waitForFunction(() => document.activeElement?.getAttribute("name") === "appointment_code");
    assert.equal(await page.getAttribute('input[name="appointment_code"]', "aria-invalid"), "true");

    // The print layout: only the slip, 80 mm wide.
    await page.getByRole("button", { name: "Kembali" }).click();
    await page.setViewportSize({ width: 302, height: 420 });
    await page.emulateMedia({ media: "print" });
    await page.evaluate((l) => {
      const d = document.createElement("div");
      d.id = "ticket-print";
      d.className = "ticket-slip";
      d.innerHTML = `<p class="ticket-slip__office">DPMPTSP Kota Balikpapan</p><p class="ticket-slip__caption">Nomor antrean</p><p class="ticket-slip__label"></p><p class="ticket-slip__note">Harap menunggu sampai nomor Anda dipanggil.</p>`;
      d.querySelector(".ticket-slip__label").textContent = l;
      document.body.appendChild(d);
      document.documentElement.classList.add("printing-ticket");
    }, label);
    assert.equal(await page.locator("#app").isVisible(), false);
    await screenshot(page, "kiosk-ticket-print");

    // Back, or an address typed, does not lead from the kiosk to the clerk's counter behind it.
    await page.emulateMedia({ media: "screen" });
    await page.evaluate(() => document.getElementById("ticket-print")?.remove());
    await page.evaluate(() => document.documentElement.classList.remove("printing-ticket"));
    await page.goBack();
    await page.waitForFunction(() => location.hash === "#/kiosk");
    await page.getByRole("button", { name: "Saya datang tanpa janji" }).waitFor();
    await page.evaluate(() => (location.hash = "#/counter"));
    await page.waitForFunction(() => location.hash === "#/kiosk");
    assert.equal(await page.getByRole("button", { name: "Panggil berikutnya" }).count(), 0);
    // Staff leave kiosk mode on purpose.
    await page.evaluate(() => (location.hash = "#/kiosk?exit=1"));
    await page.waitForFunction(() => location.hash === "#/counter");
  } finally {
    await ctx.close();
  }
});

test("a walk-in whose answer was lost on the way is retried with the same request_id and filed once", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const ids = [];
  let dropNext = true;
  try {
    await signIn(page, stack.webUrl, stack.users.counter);
    await page.waitForURL(/#\/counter/);
    await page.route("**/loket.v1.QueueService/CheckIn", async (route) => {
      const body = route.request().postDataBuffer() ?? Buffer.alloc(0);
      ids.push(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(body.toString("latin1"))?.[0]);
      if (dropNext) {
        dropNext = false;
        await route.fetch(); // loketd files it ...
        await route.abort("connectionreset"); // ... but the answer never arrives
        return;
      }
      await route.continue();
    });
    await walkIn(page, { name: "Yusuf Retry" });
    await page.locator(".counter-checkin [role=alert]").filter({ hasText: /\S/ }).waitFor({ timeout: 10_000 });
    await page.click('.counter-checkin button[type="submit"]'); // the same press again
    await page.locator(".counter-checkin .ticket-slip").waitFor({ timeout: 10_000 });
    assert.equal(ids.length, 2);
    assert.ok(ids[0]);
    assert.equal(ids[1], ids[0], "the retry carries the first press's request_id");
    assert.equal(await stack.sql(`SELECT count(*) FROM visits WHERE name LIKE 'Yusuf%'`), "1");

    // A new press for another visitor gets a new request_id.
    const firstLabel = await page.locator(".counter-checkin .ticket-slip").getAttribute("data-ticket");
    await walkIn(page, { name: "Zainal Baru" });
    await page.waitForFunction((l) => { const s = document.querySelector(".counter-checkin .ticket-slip"); return s && s.getAttribute("data-ticket") !== l; }, firstLabel, { timeout: 10_000 });
    assert.equal(ids.length, 3);
    assert.notEqual(ids[2], ids[0]);
  } finally {
    await ctx.close();
  }
});
