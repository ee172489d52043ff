// What the pages must refuse or neutralise, in Chromium against a real stack: another clinic's case
// by address (its page, its document's bytes, its courier stops), a role's session calling another role's RPC, an applicant name that is markup,
// the sign-in page's wrong-password and lockout messages (last: it locks this address).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { axeCheck, screenshot } from "./harness.mjs";
import { assertNoAxe, fillApplication, hashGo, nextNik, session, stackAndBrowserForFile, waitState } from "./pages-helpers.mjs";

let stack;
let browser;
stackAndBrowserForFile({ workers: false }, (s, b) => ([stack, browser] = [s, b]));

async function submitAs(role, name) {
  const out = await stack.cli(role, [
    "clinic", "submit", "--permit-type", "SIP_PERAWAT", "--nik", nextNik(), "--name", name,
    "--phone", "081234567890", "--str-number", "STR-1", "--practice-place", "Puskesmas",
  ]);
  return /Case (\d+)/.exec(out)[1];
}

const XSS = "<img src=x onerror=alert(1)>";

describe("security in the pages", () => {
  test("a clinic that edits the address to another clinic's case gets not found", async () => {
    const theirs = await submitAs("clinic2", "Budi Santoso");
    const mine = await submitAs("clinic", "Ani Suryani");
    const dir = mkdtempSync(join(tmpdir(), "loket-sec-"));
    writeFileSync(join(dir, "str.pdf"), "%PDF-1.4 rahasia klinik lain\n");
    await stack.cli("clinic2", ["clinic", "attach", theirs, "--code", "STR", "--file", join(dir, "str.pdf")]);
    const theirDoc = await stack.sql(`select id from documents where case_id=${theirs}`);
    const { context, page } = await session(browser, stack.webUrl, stack.users.clinic);
    try {
      await hashGo(page, `#/clinic/case/${mine}`);
      await waitState(page, "SUBMITTED");
      await page.goto(`${stack.webUrl}/#/clinic/case/${theirs}`);
      await page.waitForSelector("[data-testid=not-found]", { timeout: 15_000 });
      assert.match(await page.locator("[data-testid=not-found]").textContent(), /tidak ditemukan/);
      assert.equal(await page.locator("text=Budi Santoso").count(), 0);
      // Asking the API directly for their document's bytes, or their courier stops: nothing.
      const call = (path, body) =>
        page.evaluate(
          async ([p, b]) => {
            const res = await fetch(p, {
              method: "POST",
              headers: { "content-type": "application/json", "connect-protocol-version": "1" },
              body: JSON.stringify(b),
            });
            return { status: res.status, body: await res.text() };
          },
          [path, body],
        );
      const doc = await call("/loket.v1.CaseService/GetDocument", { caseId: theirs, documentId: theirDoc });
      assert.equal(doc.status, 404, doc.body);
      assert.doesNotMatch(doc.body, /rahasia|content/);
      const stops = await call("/loket.v1.CourierService/ListStops", { caseId: theirs });
      assert.doesNotMatch(stops.body, /"kind"|Budi Santoso/, stops.body);
      await screenshot(page, "clinic-case-not-found");
      assertNoAxe(await axeCheck(page), "clinic not found");
      // The printable permit page of their case: not found either.
      await hashGo(page, `#/permit/${theirs}`);
      await page.waitForSelector("main [role=alert]");
      assert.match(await page.locator("main [role=alert]").textContent(), /tidak ditemukan/);
      // The desk is not for clinics: the page says so, and the API refuses anyway.
      await hashGo(page, "#/desk");
      await page.waitForSelector("text=Halaman ini bukan untuk peran Anda.");
      const r = await page.evaluate(async (id) => {
        const res = await fetch("/loket.v1.CaseService/Approve", {
          method: "POST",
          headers: { "content-type": "application/json", "connect-protocol-version": "1" },
          body: JSON.stringify({ caseId: id, requestId: crypto.randomUUID() }),
        });
        return { status: res.status, body: await res.text() };
      }, mine);
      assert.equal(r.status, 403, r.body);
      assert.match(r.body, /permission_denied/);
      assert.equal(await stack.sql(`select state from cases where id=${mine}`), "SUBMITTED");
    } finally {
      await context.close();
    }
  });

  test("an applicant name that is markup is shown as text: no dialog, no img element", async () => {
    const id = await submitAs("clinic", "Placeholder Name");
    // loketd refuses such a name on input (letters only), so it is planted in the database the
    // way an older import or another client might have left it.
    await stack.sql(`update cases set applicant_name='${XSS}' where id=${id}`);
    const dialogs = [];
    const check = async (page, where) => {
      await page.waitForSelector(`text=${XSS}`, { timeout: 15_000 });
      assert.equal(await page.locator("main img").count(), 0, `${where}: an img element`);
      assert.equal(await page.evaluate(() => document.querySelectorAll("img[src=x]").length), 0);
    };
    const clinic = await session(browser, stack.webUrl, stack.users.clinic);
    const officer = await session(browser, stack.webUrl, stack.users.officer);
    for (const s of [clinic, officer]) s.page.on("dialog", (d) => (dialogs.push(d.message()), d.dismiss()));
    try {
      await check(clinic.page, "clinic list");
      await hashGo(clinic.page, `#/clinic/case/${id}`);
      await check(clinic.page, "clinic case");
      assert.equal((await clinic.page.locator("[data-testid=applicant-name]").textContent()).trim(), XSS);
      await check(officer.page, "desk worklist");
      await hashGo(officer.page, `#/desk/case/${id}`);
      await check(officer.page, "desk case");
      await screenshot(officer.page, "desk-case-markup-name");

      // Typed into the form it stays text, and loketd's refusal is shown beside the name field.
      await hashGo(clinic.page, "#/clinic/new");
      await fillApplication(clinic.page, { nik: nextNik(), name: XSS });
      await clinic.page.click("form button[type=submit]");
      await clinic.page.waitForSelector("#name-error", { timeout: 15_000 });
      assert.match(await clinic.page.locator("#name-error").textContent(), /hanya boleh berisi huruf/);
      assert.equal(await clinic.page.locator("#name").inputValue(), XSS);
      assert.equal(await clinic.page.locator("main img").count(), 0);
      await clinic.page.waitForTimeout(500);
      assert.deepEqual(dialogs, []);
    } finally {
      await clinic.context.close();
      await officer.context.close();
    }
  });

  test("sign-in: a wrong password is said plainly; five lock sign-in and the page says until when", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${stack.webUrl}/#/signin`);
      await page.waitForSelector("#username");
      assertNoAxe(await axeCheck(page), "sign-in");
      await screenshot(page, "signin");
      const status = page.locator("#signin-status");
      let text = "";
      // Failures 1-3 answer "wrong"; then each try waits a little longer (the page says how
      // long), and the fifth failure locks the account for minutes.
      let wrong = 0;
      for (let attempt = 0; attempt < 20 && !/dikunci/.test(text); attempt++) {
        await page.fill("#username", stack.users.counter.username);
        await page.fill("#password", `wrong-password-${attempt}`);
        await page.click("form button[type=submit]");
        await page.waitForFunction(() => document.querySelector("#signin-status")?.textContent?.trim(), null, { timeout: 60_000 });
        await page.waitForFunction(() => !document.querySelector("form button[type=submit]")?.disabled, null, { timeout: 60_000 });
        text = (await status.textContent()).trim();
        const slow = /Tunggu (\d+) detik/.exec(text);
        if (slow) {
          await page.waitForTimeout(Number(slow[1]) * 1000 + 300);
        } else if (/salah/.test(text)) {
          wrong++;
        }
      }
      assert.ok(wrong >= 3 && wrong <= 5, `wrong-password answers before the lock: ${wrong}`);
      assert.match(text, /Terlalu banyak percobaan gagal/);
      assert.doesNotMatch(text, /\b0 (menit|detik)\b/, "no part of the wait that is zero");
      assert.equal(await status.getAttribute("role"), "alert");
      await screenshot(page, "signin-locked");
      // Even the right password is refused while locked.
      await page.fill("#username", stack.users.counter.username);
      await page.fill("#password", stack.users.counter.password);
      await page.click("form button[type=submit]");
      await page.waitForFunction(() => !document.querySelector("form button[type=submit]")?.disabled, null, { timeout: 60_000 });
      assert.match(await page.url(), /#\/signin/);
      assert.match((await status.textContent()).trim(), /Terlalu banyak|dikunci/);
      assertNoAxe(await axeCheck(page), "sign-in locked");
    } finally {
      await context.close();
    }
  });
});
