// The courier's phone: a clinic's submission asks for a SIBER pickup, the router plans it, and
// the courier (360x740) arrives and confirms the pickup with a photo file; the custody chain
// shows the photo's SHA-256. The hand-in at the office is confirmed with a drawn signature.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";
import { startStack, openBrowser, signIn, axeCheck, screenshot } from "./harness.mjs";

let stack;
let browser;

before(async () => {
  stack = await startStack();
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

// A small valid PNG (16x16, a coloured square), made here.
function png() {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const w = 16;
  const h = 16;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = [];
  for (let y = 0; y < h; y++) {
    rows.push(Buffer.from([0]));
    for (let x = 0; x < w; x++) rows.push(Buffer.from([x * 16, y * 16, 160]));
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

// Usable at 360 px: nothing wider than the screen.
async function noSideScroll(page) {
  const wide = await page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    return [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > w + 1 && ![...e.children].some((c) => c.getBoundingClientRect().right > w + 1))
      .map((e) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)
      .slice(0, 10);
  });
  assert.deepEqual(wide, [], `wider than the screen: ${wide.join(", ")}`);
}

async function waitFor(what, seconds, fn) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

test("the courier confirms a pickup with a photo; the custody chain shows its SHA-256", async () => {
  const out = await stack.cli("clinic", [
    "--json", "clinic", "submit", "--permit-type", "SIP_PERAWAT", "--nik", "6471065708900001",
    "--name", "Siti Rahmawati", "--phone", "081234567890", "--str-number", "STR-123",
    "--practice-place", "Puskesmas Klandasan Ilir", "--priority", "HEALTH_WORKER",
  ]);
  const sub = JSON.parse(out);
  const caseId = String(sub.case?.id ?? sub.id);
  assert.match(caseId, /^\d+$/);
  await stack.cli("officer", ["office", "plan"]).catch(() => "");
  const row = await waitFor("the pickup to be planned", 90, async () => {
    const r = await stack.sql(`SELECT id, courier_id, day FROM stops WHERE case_id = ${caseId} AND kind = 'pickup' AND state = 'planned' AND courier_id IS NOT NULL`);
    return r ? r.split("|") : undefined;
  });
  const [stopId, courierId, day] = row;
  const handinId = await stack.sql(`SELECT id FROM stops WHERE case_id = ${caseId} AND kind = 'handin'`);
  const user = String(stack.users.courier.id) === courierId ? stack.users.courier : stack.users.courier2;

  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  try {
    await signIn(page, stack.webUrl, user);
    await page.waitForURL(/#\/courier/);
    await page.goto(`${stack.webUrl}/#/courier?day=${day}`);
    const card = page.locator(`[data-stop-id="${stopId}"]`);
    await card.waitFor({ timeout: 15_000 });
    assert.equal(await card.getAttribute("data-stop-state"), "PLANNED");
    const map = card.locator('a[href^="https://www.openstreetmap.org/?mlat="]');
    assert.equal(await map.count(), 1);
    assert.deepEqual(await axeCheck(page), []);
    await screenshot(page, "courier");

    // Arrive, then take the documents with a photo as proof.
    await card.getByRole("button", { name: /Saya sudah tiba|I have arrived/ }).click();
    await page.waitForSelector(`[data-stop-id="${stopId}"][data-stop-state="ARRIVED"]`, { timeout: 10_000 });
    const photo = png();
    const sha = createHash("sha256").update(photo).digest("hex");
    await card.locator('input[name="receiver"]').fill("Ns. Dewi Lestari");
    const file = card.locator('input[type="file"][name="proof_photo"]');
    assert.equal(await file.getAttribute("capture"), "environment");
    assert.equal(await file.getAttribute("accept"), "image/*");
    await file.setInputFiles({ name: "bukti.png", mimeType: "image/png", buffer: photo });
    await card.locator(`[data-proof-sha256="${sha}"]`).waitFor({ timeout: 10_000 });
    assert.deepEqual(await axeCheck(page), []);
    await noSideScroll(page);
    await screenshot(page, "courier-proof");
    await card.getByRole("button", { name: /Konfirmasi ambil|Confirm pickup/ }).click();
    await page.waitForSelector(`[data-stop-id="${stopId}"][data-stop-state="DONE"]`, { timeout: 10_000 });
    assert.match(await page.locator(`[data-stop-id="${stopId}"]`).textContent(), new RegExp(sha));

    const stored = await stack.sql(`SELECT proof_sha256, receiver_name FROM stops WHERE id = ${stopId}`);
    assert.equal(stored, `${sha}|Ns. Dewi Lestari`);
    const custody = await stack.cli("officer", ["--json", "office", "custody", caseId]);
    assert.ok(custody.includes(sha), `custody chain without the photo's SHA-256: ${custody}`);

    // The hand-in at the office, with a signature drawn on the screen.
    if (handinId) {
      const h = page.locator(`[data-stop-id="${handinId}"]`);
      await h.waitFor({ timeout: 10_000 });
      if ((await h.getAttribute("data-stop-state")) === "PLANNED") {
        await h.getByRole("button", { name: /Saya sudah tiba|I have arrived/ }).click();
        await page.waitForSelector(`[data-stop-id="${handinId}"][data-stop-state="ARRIVED"]`, { timeout: 10_000 });
        await h.locator('input[name="receiver"]').fill("Andi Pratama");
        await h.getByLabel(/Tanda tangan di layar|Signature on the screen/).check();
        const pad = h.locator("canvas");
        await pad.scrollIntoViewIfNeeded();
        const box = await pad.boundingBox();
        await page.mouse.move(box.x + 20, box.y + 40);
        await page.mouse.down();
        for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + 20 + i * 20, box.y + 40 + (i % 2 ? 50 : 0));
        await page.mouse.up();
        await screenshot(page, "courier-signature");
        await h.getByRole("button", { name: /Konfirmasi serah|Confirm hand-over/ }).click();
        await page.waitForSelector(`[data-stop-id="${handinId}"][data-stop-state="DONE"]`, { timeout: 10_000 });
        const signed = await stack.sql(`SELECT proof_sha256 FROM stops WHERE id = ${handinId}`);
        assert.match(signed, /^[0-9a-f]{64}$/);
        assert.notEqual(signed, sha);
      }
    }
  } finally {
    await ctx.close();
  }
});

test("the courier records a failed pickup with a reason and a note", async () => {
  const sub = JSON.parse(await stack.cli("clinic2", [
    "--json", "clinic", "submit", "--permit-type", "SIP_BIDAN", "--nik", "6471065708900003",
    "--name", "Wulan Sari", "--phone", "081234567892", "--str-number", "STR-77",
    "--practice-place", "Puskesmas Damai", "--priority", "HEALTH_WORKER",
  ]));
  const caseId = String(sub.case?.id ?? sub.id);
  await stack.cli("officer", ["office", "plan"]).catch(() => "");
  const [stopId, courierId, day] = await waitFor("the pickup to be planned", 90, async () => {
    const r = await stack.sql(`SELECT id, courier_id, day FROM stops WHERE case_id = ${caseId} AND kind = 'pickup' AND state = 'planned' AND courier_id IS NOT NULL`);
    return r ? r.split("|") : undefined;
  });
  const user = String(stack.users.courier.id) === courierId ? stack.users.courier : stack.users.courier2;
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  try {
    await signIn(page, stack.webUrl, user);
    await page.goto(`${stack.webUrl}/#/courier?day=${day}`);
    const card = page.locator(`[data-stop-id="${stopId}"]`);
    await card.waitFor({ timeout: 15_000 });
    await card.getByRole("button", { name: /Tidak berhasil/ }).click();
    await card.getByLabel("Alasan").selectOption({ label: "Klinik tutup" });
    await card.getByLabel("Catatan").fill("Puskesmas tutup karena pelatihan");
    assert.deepEqual(await axeCheck(page), []);
    await card.getByRole("button", { name: "Catat gagal" }).click();
    await page.getByText(/Kegagalan di .* tercatat/).waitFor({ timeout: 10_000 });
    const [state, reason] = (await stack.sql(`SELECT state, failure_reason FROM stops WHERE id = ${stopId}`)).split("|");
    assert.equal(state, "failed");
    assert.match(reason, /clinic.closed|CLINIC_CLOSED/i);
  } finally {
    await ctx.close();
  }
});
