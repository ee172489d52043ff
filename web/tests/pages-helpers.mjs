// Helpers for the clinic-portal and office-desk browser tests (clinic, desk, security).
import assert from "node:assert/strict";
import { signIn } from "./harness.mjs";

export const PDF = (label) => Buffer.from(`%PDF-1.4 ${label}\n%%EOF\n`);

// Synthetic NIKs with a valid structure (64 Kalimantan Timur, 71 Balikpapan, birth 17-08-90).
let serial = 100;
export function nextNik() {
  serial += 1;
  return `6471065708900${String(serial).padStart(3, "0")}`;
}

/** A browser context + page signed in as `user`; `viewport` defaults to a desktop. */
export async function session(browser, webUrl, user, { viewport = { width: 1100, height: 900 }, errors } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  if (errors) {
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("dialog", (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
  }
  await signIn(page, webUrl, user);
  return { context, page };
}

/** Goes to a hash route inside the already loaded app (no reload: works offline too). */
export async function hashGo(page, route) {
  await page.evaluate((r) => {
    location.hash = r;
  }, route);
}

/** Fills the new-application form; `docs` is [{ code, name, buffer, mimeType }]. */
export async function fillApplication(page, { permitType = "SIP_PERAWAT", nik, name, phone = "081234567890", email = "", str = "STR-123", place = "Puskesmas Klandasan Ilir", docs = [] }) {
  await page.waitForSelector("#permitType option[value='SIP_PERAWAT']", { state: "attached", timeout: 15_000 });
  await page.selectOption("#permitType", permitType);
  await page.fill("#nik", nik);
  await page.fill("#name", name);
  await page.fill("#phone", phone);
  if (email) await page.fill("#email", email);
  await page.fill("#strNumber", str);
  await page.fill("#practicePlace", place);
  for (const d of docs) {
    await page.setInputFiles(`#doc-${d.code}`, { name: d.name, mimeType: d.mimeType ?? "application/pdf", buffer: d.buffer });
  }
}

/** Waits until the state badge on a case page shows `state` (e.g. "VERIFYING"). */
export async function waitState(page, state, timeout = 15_000) {
  await page.waitForSelector(`main .badge[data-state="${state}"]`, { timeout });
}

export function assertNoAxe(violations, where) {
  assert.deepEqual(
    violations.map((v) => `${v.id} (${v.impact}): ${v.help} @ ${v.nodes.map((n) => n.target).join(", ")}`),
    [],
    `axe on ${where}`,
  );
}
