// Helpers for the browser tests: the stack and Chromium a test file shares, and (for the clinic,
// desk and security tests) sessions, forms and documents.
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { deflateSync } from "node:zlib";
import { openBrowser, signIn, startStack } from "./harness.mjs";

/**
 * One Loket stack (startStack(opts)) and one Chromium for all the tests of a file: started in a
 * `before` hook, which hands them to `ready(stack, browser)`, and closed in an `after` hook.
 */
export function stackAndBrowserForFile(opts, ready) {
  let stack;
  let browser;
  before(async () => {
    stack = await startStack(opts);
    browser = await openBrowser();
    ready(stack, browser);
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });
}

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

/** A one-page PDF that a viewer can actually render (a line of text). */
export function realPdf(text) {
  const stream = `BT /F1 24 Tf 40 120 Td (${text.replace(/[()\\]/g, "")}) Tj ET`;
  const objs = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A real PNG of width x height in one colour (RGB), for documents shown as images. */
export function png(width = 48, height = 32, [r, g, b] = [30, 90, 160]) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set([r, g, b], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

/** Opens the document of kind `code` on a case page (desk or clinic) and waits until it shows:
 * an image decoded from a blob: URL, or a PDF frame on a blob: URL that Chromium loaded. Returns
 * what was shown. */
export async function viewDocument(page, code) {
  const card = page.locator(`[data-doc-code="${code}"]`);
  await card.locator("[data-testid=doc-view]").click();
  await card.locator("[data-testid=doc-content]").waitFor({ timeout: 15_000 });
  assert.match(await card.locator("[data-testid=doc-hash]").textContent(), /cocok dengan SHA-256|match the recorded SHA-256/);
  const type = await card.locator("[data-testid=doc-content]").getAttribute("data-type");
  if (type.startsWith("image/")) {
    const img = card.locator("img.doc-image");
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle(), { timeout: 10_000 });
    const { src, w, h } = await img.evaluate((el) => ({ src: el.src, w: el.naturalWidth, h: el.naturalHeight }));
    assert.ok(src.startsWith("blob:"), src);
    return { type, src, width: w, height: h };
  }
  const frame = card.locator("iframe.doc-frame");
  const src = await frame.getAttribute("src");
  assert.ok(src.startsWith("blob:"), src);
  // The frame navigated to the blob (a CSP refusal would leave chrome-error://).
  await page.waitForFunction(
    (s) => [...document.querySelectorAll("iframe.doc-frame")].some((f) => f.src === s),
    src,
  );
  const deadline = Date.now() + 10_000;
  while (!page.frames().some((f) => f.url() === src)) {
    if (Date.now() > deadline) throw new Error(`PDF frame never loaded ${src}: ${page.frames().map((f) => f.url())}`);
    await page.waitForTimeout(100);
  }
  assert.ok(!page.frames().some((f) => f.url().startsWith("chrome-error:")), "a frame was refused");
  // Chromium's PDF viewer draws in a frame of its own, a moment later (for the screenshots).
  const viewerBy = Date.now() + 5_000;
  while (!page.frames().some((f) => f.url().startsWith("chrome-extension:")) && Date.now() < viewerBy) await page.waitForTimeout(100);
  await frame.scrollIntoViewIfNeeded();
  await page.waitForTimeout(3000);
  return { type, src };
}

/** Closes the viewer of `code`; for an image, checks its blob: URL was revoked (loading it again
 * as an image fails; fetch() could not tell, the CSP keeps connect-src to 'self'). */
export async function closeDocument(page, code, shown) {
  const card = page.locator(`[data-doc-code="${code}"]`);
  await card.locator("[data-testid=doc-view]").click();
  await card.locator("[data-testid=doc-content]").waitFor({ state: "detached" });
  if (shown.type.startsWith("image/")) {
    const loads = await page.evaluate(
      (u) =>
        new Promise((resolve) => {
          const i = new Image();
          i.onload = () => resolve(true);
          i.onerror = () => resolve(false);
          i.src = u;
        }),
      shown.src,
    );
    assert.equal(loads, false, "the blob: URL was revoked on close");
  }
}
