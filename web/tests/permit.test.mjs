// The issued permit in Chromium against a real stack (issue 13): its validity on the case pages,
// the signed PDF downloaded and checked on the public page, an approver revoking the permit and
// the public check saying so, finding people by part of a name, axe,
// screenshots.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { axeCheck, screenshot } from "./harness.mjs";
import { assertNoAxe, hashGo, nextNik, realPdf, session, stackAndBrowserForFile, waitState } from "./pages-helpers.mjs";

let stack;
let browser;
let files;
stackAndBrowserForFile({}, (s, b) => ([stack, browser] = [s, b]));
before(() => {
  files = mkdtempSync(join(tmpdir(), "loket-permit-"));
  for (const f of ["str", "tempat", "ktp"]) writeFileSync(join(files, `${f}.pdf`), realPdf(`${f} dokumen`));
});

/** A clinic case with its three documents, taken through to `until` ("submitted" or "issued"). */
async function clinicCase(name, { nik = nextNik(), until = "issued", strValidUntil = "" } = {}) {
  const args = [
    "clinic", "submit", "--permit-type", "SIP_PERAWAT", "--nik", nik, "--name", name,
    "--phone", "081234567890", "--str-number", "STR-77", "--practice-place", "Puskesmas Klandasan Ilir",
  ];
  if (strValidUntil) args.push("--str-valid-until", strValidUntil);
  const out = await stack.cli("clinic", args);
  const id = /Case (\d+)/.exec(out)[1];
  for (const [code, f] of [["STR", "str"], ["SURAT_TEMPAT_PRAKTIK", "tempat"], ["KTP", "ktp"]]) {
    await stack.cli("clinic", ["clinic", "attach", id, "--code", code, "--file", join(files, `${f}.pdf`)]);
  }
  if (until === "issued") {
    await stack.cli("officer", ["office", "verify", id]);
    await stack.cli("approver", ["office", "approve", id]);
    await stack.cli("officer", ["office", "issue", id]);
  }
  return id;
}

describe("the issued permit", () => {
  test("an approver revokes an issued permit and the public check says it is revoked", async () => {
    // An STR that ends in under five years, counted from the year the test runs (a fixed 2029-03-31
    // would be in the past from April 2029, and an STR ended before the issue day is refused).
    const strEnd = String(new Date().getUTCFullYear() + 3);
    const id = await clinicCase("Ratna Sari Dewi", { strValidUntil: `${strEnd}-03-31` });
    const app = await session(browser, stack.webUrl, stack.users.approver);
    const pub = await browser.newContext({ viewport: { width: 390, height: 800 } });
    try {
      await hashGo(app.page, `#/desk/case/${id}`);
      await waitState(app.page, "ISSUED");
      // The SIP ends with its STR (before five years are up).
      assert.equal((await app.page.getByTestId("valid-until").textContent()).trim().length > 0, true);
      assert.match(await app.page.getByTestId("case-facts").textContent(), new RegExp(strEnd));
      const number = (await app.page.getByTestId("permit-number").textContent()).trim();
      const code = (await app.page.locator("[data-testid=case-facts] dd.mono").textContent()).trim();

      // Before: the public check says valid, with its end date.
      const page = await pub.newPage();
      await page.goto(`${stack.webUrl}/#/verify?number=${encodeURIComponent(number)}&code=${encodeURIComponent(code)}`);
      await page.waitForSelector("[data-testid=verify-result][data-status=VALID]");
      assert.match(await page.getByTestId("verify-valid-until").textContent(), new RegExp(strEnd));
      // Another link opened in the same tab (the code's last character changed): the page checks
      // the new address and never keeps the earlier permit's VALID.
      const wrong = code.slice(0, -1) + (code.endsWith("X") ? "Y" : "X");
      await page.evaluate((h) => (location.hash = h), `#/verify?number=${encodeURIComponent(number)}&code=${encodeURIComponent(wrong)}`);
      await page.waitForSelector("[data-testid=verify-result][data-status=UNSPECIFIED]");
      assert.equal(await page.inputValue("#permit-code"), wrong);
      await page.evaluate((h) => (location.hash = h), `#/verify?number=${encodeURIComponent(number)}&code=${encodeURIComponent(code)}`);
      await page.waitForSelector("[data-testid=verify-result][data-status=VALID]");

      // The signed PDF: downloaded from the case page, then checked on the public page byte for byte
      // (a single changed byte is not the office's document).
      const [dl] = await Promise.all([app.page.waitForEvent("download"), app.page.getByRole("button", { name: /Unduh izin/ }).click()]);
      const pdf = readFileSync(await dl.path());
      assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
      assert.ok(pdf.includes("/ByteRange"), "the PDF carries a signature");
      await page.setInputFiles("#permit-file", { name: dl.suggestedFilename(), mimeType: "application/pdf", buffer: pdf });
      await page.waitForSelector("[data-testid=verify-document][data-matches='1']");
      await screenshot(page, "verify-document");
      const altered = Buffer.from(pdf);
      altered[Math.floor(altered.length / 3)] ^= 0x01;
      await page.setInputFiles("#permit-file", { name: "diubah.pdf", mimeType: "application/pdf", buffer: altered });
      await page.waitForSelector("[data-testid=verify-document][data-matches='0']");

      // The reason is asked for before anything happens.
      await app.page.getByRole("button", { name: "Cabut izin" }).click();
      await app.page.getByRole("button", { name: "Konfirmasi pencabutan izin" }).click();
      await app.page.waitForSelector("#decision-note-error");
      await app.page.fill("#decision-note", "STR dicabut oleh konsil; izin praktik tidak lagi berdasar");
      await app.page.getByRole("button", { name: "Konfirmasi pencabutan izin" }).click();
      await waitState(app.page, "REVOKED");
      await app.page.waitForSelector("[data-testid=revoked-at]");
      assert.equal(await app.page.getByRole("button", { name: /Unduh izin/ }).count(), 0, "a revoked permit is not handed out again");
      assertNoAxe(await axeCheck(app.page), "desk case, revoked");
      await screenshot(app.page, "desk-case-revoked");

      await page.reload();
      await page.waitForSelector("[data-testid=verify-result][data-status=REVOKED]");
      assert.equal((await page.getByTestId("verify-result").textContent()).trim(), "DICABUT");
      assert.match(await page.locator("body").textContent(), /STR dicabut oleh konsil/);
      assertNoAxe(await axeCheck(page), "verify, revoked");
      await screenshot(page, "verify-revoked");
    } finally {
      await app.context.close();
      await pub.close();
    }
  });

  test("finding people by part of a name, accents and case ignored; a bad NIK is named at its field", async () => {
    const id = await clinicCase("Sútrisno Wibowo", { until: "submitted" });
    const { context, page } = await session(browser, stack.webUrl, stack.users.officer);
    try {
      await hashGo(page, "#/desk/search");
      await page.waitForSelector("#s-name");
      await page.fill("#s-name", "SUTRIS");
      await page.getByRole("button", { name: "Cari", exact: true }).click();
      await page.waitForSelector(`tr[data-case-id="${id}"]`);
      assert.match(page.url(), /name=SUTRIS/);
      assertNoAxe(await axeCheck(page), "desk search");
      await screenshot(page, "desk-search");

      await page.fill("#s-name", "");
      await page.fill("#s-nik", "12345");
      await page.getByRole("button", { name: "Cari", exact: true }).click();
      await page.waitForSelector("#s-nik-error");
      assert.equal(await page.getAttribute("#s-nik", "aria-invalid"), "true");
    } finally {
      await context.close();
    }
  });
});
