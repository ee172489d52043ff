// The office desk in Chromium against a real stack: the worklist's filters, actions shown by role
// and state, a refused approval explained, two approvers deciding one case (the second is refused
// and told who changed it and its new state), the desk on a phone (a document open too), axe,
// screenshots.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { axeCheck, screenshot } from "./harness.mjs";
import { assertNoAxe, closeDocument, hashGo, nextNik, realPdf, session, stackAndBrowserForFile, viewDocument, waitState } from "./pages-helpers.mjs";

let stack;
let browser;
let files;
stackAndBrowserForFile({}, (s, b) => ([stack, browser] = [s, b]));
before(() => {
  files = mkdtempSync(join(tmpdir(), "loket-desk-"));
  for (const f of ["str", "tempat", "ktp"]) writeFileSync(join(files, `${f}.pdf`), realPdf(`${f} dokumen`));
});

/** A clinic case through the CLI; `docs` "all" attaches the three mandatory documents. */
async function clinicCase(name, { role = "clinic", docs = "all", verify = false } = {}) {
  const out = await stack.cli(role, [
    "clinic", "submit", "--permit-type", "SIP_PERAWAT", "--nik", nextNik(), "--name", name,
    "--phone", "081234567890", "--str-number", "STR-77", "--practice-place", "Puskesmas Klandasan Ilir",
  ]);
  const id = /Case (\d+)/.exec(out)[1];
  if (docs === "all") {
    for (const [code, f] of [["STR", "str"], ["SURAT_TEMPAT_PRAKTIK", "tempat"], ["KTP", "ktp"]]) {
      await stack.cli(role, ["clinic", "attach", id, "--code", code, "--file", join(files, `${f}.pdf`)]);
    }
  }
  if (verify) await stack.cli("officer", ["office", "verify", id]);
  return id;
}

describe("office desk", () => {
  test("the worklist filters like the CLI and opens a case", async () => {
    const a = await clinicCase("Lina Marlina");
    const b = await clinicCase("Taufik Hidayat", { verify: true });
    const { context, page } = await session(browser, stack.webUrl, stack.users.officer);
    try {
      await page.waitForSelector(`tr[data-case-id="${a}"]`);
      await page.waitForSelector(`tr[data-case-id="${b}"]`);
      assertNoAxe(await axeCheck(page), "desk worklist");
      await page.selectOption("#f-state", "VERIFYING");
      await page.click("form[aria-label] button[type=submit]");
      await page.waitForFunction(() => location.hash.includes("state=VERIFYING"));
      // The filtered list has b and not a (CI once counted a's row in the old list, shown until
      // the new one came; the page now says "loading" in between).
      await page.waitForSelector(`tr[data-case-id="${b}"]`);
      assert.equal(await page.locator(`tr[data-case-id="${a}"]`).count(), 0);
      await page.selectOption("#f-clinic", stack.clinics.clinic2);
      await page.click("form[aria-label] button[type=submit]");
      await page.waitForSelector("text=Tidak ada kasus yang cocok.");
      // Filters live in the address: a reload keeps them.
      await hashGo(page, "#/desk?state=SUBMITTED&channel=CLINIC&type=SIP_PERAWAT");
      await page.waitForSelector(`tr[data-case-id="${a}"]`);
      assert.equal(await page.locator("#f-state").inputValue(), "SUBMITTED");
      await hashGo(page, "#/desk?overdue=1");
      await page.waitForSelector("text=Tidak ada kasus yang cocok.");
      await hashGo(page, "#/desk");
      await page.waitForSelector(`tr[data-case-id="${a}"]`);
      await screenshot(page, "desk-worklist-filters");
      await page.click(`tr[data-case-id="${a}"] a`);
      await waitState(page, "SUBMITTED");
      await page.waitForSelector("[data-doc-code=KTP]");
      const docs = await page.locator("[data-doc-code=KTP]").textContent();
      assert.match(docs, /[0-9a-f]{64}/);
      // The messages to the applicant: channels in words, no gateway receipt, a due time said so.
      const messages = page.locator("[data-testid=notifications]");
      await messages.getByText("SMS/WhatsApp").first().waitFor({ timeout: 10_000 });
      const said = await messages.textContent();
      assert.doesNotMatch(said, /webhook|\(written\)/);
      for (const row of await messages.locator("tbody tr").all()) {
        const [status, when] = [await row.locator("td").nth(2).textContent(), await row.locator("td").nth(3).textContent()];
        if (/menunggu/.test(status)) assert.match(when, /^dijadwalkan /);
      }
      assertNoAxe(await axeCheck(page), "desk case");
      await screenshot(page, "desk-case");
    } finally {
      await context.close();
    }
  });

  test("actions follow the role: an officer cannot approve, an approver cannot issue", async () => {
    const id = await clinicCase("Hendra Gunawan", { verify: true });
    const off = await session(browser, stack.webUrl, stack.users.officer);
    const app = await session(browser, stack.webUrl, stack.users.approver);
    try {
      await hashGo(off.page, `#/desk/case/${id}`);
      await waitState(off.page, "VERIFYING");
      const offButtons = await off.page.locator("section.actions button").allTextContents();
      assert.deepEqual(offButtons, ["Minta perbaikan"]);
      await hashGo(app.page, `#/desk/case/${id}`);
      await waitState(app.page, "VERIFYING");
      const appButtons = await app.page.locator("section.actions button").allTextContents();
      assert.deepEqual(appButtons, ["Setujui", "Minta perbaikan", "Tolak"]);
      await screenshot(app.page, "desk-case-approver");
      // A rejection needs its reason, asked beside the field.
      await app.page.getByRole("button", { name: "Tolak" }).click();
      await app.page.getByRole("button", { name: "Konfirmasi penolakan" }).click();
      await app.page.waitForSelector("#decision-note-error");
      assert.equal(await app.page.evaluate(() => document.activeElement?.id), "decision-note");
      // And a reason past loketd's 1000 bytes, said beside the field too, with nothing sent.
      await app.page.fill("#decision-note", "Berkas tidak sesuai persyaratan. ".repeat(40));
      await app.page.getByRole("button", { name: "Konfirmasi penolakan" }).click();
      await app.page.getByText(/Catatan terlalu panjang: 13\d\d byte/).waitFor({ timeout: 5_000 });
      assert.equal(await app.page.evaluate(() => document.activeElement?.id), "decision-note");
      assert.equal(await app.page.locator("[data-testid=action-status] .notice.bad").count(), 0);
      await app.page.getByRole("button", { name: "Batal" }).click();
    } finally {
      await off.context.close();
      await app.context.close();
    }
  });

  test("an approval the server refuses (mandatory document missing) says why", async () => {
    const id = await clinicCase("Maya Sari", { docs: "none", verify: true });
    const { context, page } = await session(browser, stack.webUrl, stack.users.approver);
    try {
      await hashGo(page, `#/desk/case/${id}`);
      await waitState(page, "VERIFYING");
      await page.waitForSelector("[data-testid=missing-docs]");
      await page.getByRole("button", { name: "Setujui" }).click();
      await page.getByRole("button", { name: "Konfirmasi persetujuan" }).click();
      await page.waitForSelector("[data-testid=action-status] .notice.bad");
      const text = await page.locator("[data-testid=action-status]").textContent();
      assert.match(text, /Ditolak:/);
      // loketd's rule in the page's words (web/app/src/server-text.ts), not "missing mandatory documents".
      assert.match(text, /dokumen wajib belum ada: /);
      assert.doesNotMatch(text, /diubah oleh orang lain/);
      await waitState(page, "VERIFYING");
    } finally {
      await context.close();
    }
  });

  test("two approvers on one case: the second approval is refused and the page says why", async () => {
    // A second approver with a browser sign-in.
    await stack.cli("admin", ["admin", "principal", "create", "--name", "Approver Dua", "--role", "approver"]);
    const pid = await stack.sql("select id from principals where name='Approver Dua'");
    const approver2 = { username: "approver2", password: "approver2-secret-pw" };
    await stack.cli("admin", ["admin", "principal", "set-password", pid, "--username", approver2.username, "--password-file", "-"], { input: approver2.password });

    const id = await clinicCase("Rudi Hartono", { verify: true });
    const one = await session(browser, stack.webUrl, stack.users.approver);
    const two = await session(browser, stack.webUrl, approver2);
    try {
      for (const s of [one, two]) {
        await hashGo(s.page, `#/desk/case/${id}`);
        await waitState(s.page, "VERIFYING");
        // Each opens the decision on the version they reviewed.
        await s.page.getByRole("button", { name: "Setujui" }).click();
        await s.page.fill("#decision-note", "Dokumen lengkap");
      }
      await one.page.getByRole("button", { name: "Konfirmasi persetujuan" }).click();
      await waitState(one.page, "APPROVED");
      // The second one's page may already show the new state (live), its decision still holds
      // the old version: confirming it is refused, never applied on top.
      await two.page.getByRole("button", { name: "Konfirmasi persetujuan" }).click();
      await two.page.waitForSelector("[data-conflict='1']", { timeout: 15_000 });
      const text = await two.page.locator("[data-testid=action-status]").textContent();
      assert.match(text, /Kasus ini telah diubah oleh orang lain/);
      assert.match(text, /Status sekarang: Disetujui/);
      assert.match(text, /Disetujui oleh/);
      await waitState(two.page, "APPROVED");
      await screenshot(two.page, "desk-conflict");
      assertNoAxe(await axeCheck(two.page), "desk conflict");
      // English too.
      await two.page.getByRole("button", { name: "English" }).click();
      assert.match(await two.page.locator("[data-testid=action-status]").textContent(), /This case was changed by someone else/);
      await two.page.getByRole("button", { name: "Bahasa Indonesia" }).click();
      assert.equal(await stack.sql(`select count(*) from case_events where case_id=${id} and action='Approve'`), "1");
    } finally {
      await one.context.close();
      await two.context.close();
    }
  });

  test("the desk on a 360 px phone", async () => {
    const id = await clinicCase("Nur Aini");
    const { context, page } = await session(browser, stack.webUrl, stack.users.officer, { viewport: { width: 360, height: 740 } });
    try {
      await page.waitForSelector(`tr[data-case-id="${id}"]`);
      let overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `worklist ${overflow}px too wide`);
      await screenshot(page, "desk-worklist-360");
      await hashGo(page, `#/desk/case/${id}`);
      await waitState(page, "SUBMITTED");
      overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `case page ${overflow}px too wide`);
      // A document opened on the phone stays within the width.
      const shown = await viewDocument(page, "KTP");
      overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `case page with a PDF open ${overflow}px too wide`);
      await screenshot(page, "desk-case-document-360");
      await closeDocument(page, "KTP", shown);
      await screenshot(page, "desk-case-360");
      assertNoAxe(await axeCheck(page), "desk case 360");
    } finally {
      await context.close();
    }
  });
});
