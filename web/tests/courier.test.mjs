// The courier's phone: a clinic's submission asks for a SIBER pickup, the router plans it, and
// the courier (360x740) arrives and confirms the pickup with a photo file, uploaded with the
// confirmation (stop_proofs keeps it; the custody chain shows its SHA-256). The hand-in at the
// office is confirmed with a drawn signature, stored as PNG. A photo that is not PNG/JPEG (a BMP
// here; HEIC on some phones) is redrawn as JPEG in the browser and that JPEG is what is hashed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";
import { signIn, axeCheck, screenshot } from "./harness.mjs";
import { stackAndBrowserForFile } from "./pages-helpers.mjs";

let stack;
let browser;

// Office time is a fixed working morning, so a pickup falls on "today" whatever hour the test runs
// at: loketd lets a courier report only on a stop's own day.
stackAndBrowserForFile({ loketdArgs: ["--clock_start=2026-03-17T09:00:00+08:00"] }, (s, b) => ([stack, browser] = [s, b]));

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

// A 24-bit BMP of w x h (a gradient): neither PNG nor JPEG, and large.
function bmp(w, h) {
  const row = Math.ceil((w * 3) / 4) * 4;
  const buf = Buffer.alloc(54 + row * h);
  buf.write("BM", 0, "ascii");
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(54, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(w, 18);
  buf.writeInt32LE(h, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(24, 28);
  buf.writeUInt32LE(row * h, 34);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = 54 + y * row + x * 3;
      buf[o] = (x * 255) / w;
      buf[o + 1] = (y * 255) / h;
      buf[o + 2] = 120;
    }
  }
  return buf;
}

// A clinic's submission whose pickup the router has planned: [caseId, stopId, courierId, day].
async function plannedPickup(role, args) {
  const sub = JSON.parse(await stack.cli(role, ["--json", "clinic", "submit", ...args]));
  const caseId = String(sub.case?.id ?? sub.id);
  assert.match(caseId, /^\d+$/);
  await stack.cli("officer", ["office", "plan"]).catch(() => "");
  const [stopId, courierId, day] = await waitFor("the pickup to be planned", 90, async () => {
    const r = await stack.sql(`SELECT id, courier_id, day FROM stops WHERE case_id = ${caseId} AND kind = 'pickup' AND state = 'planned' AND courier_id IS NOT NULL`);
    return r ? r.split("|") : undefined;
  });
  return [caseId, stopId, courierId, day];
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
    // The route's length with a decimal comma, as Indonesian writes it.
    assert.match(await page.getByText(/^Direncanakan /).textContent(), /^Direncanakan \d{2}:\d{2} · \d+(\.\d{3})*,\d km$/);
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
    // A file this device cannot read (HEIC on a desktop browser): said beside the field.
    await file.setInputFiles({ name: "IMG_0001.heic", mimeType: "image/heic", buffer: Buffer.from("not really an image, only bytes") });
    await card.locator('[data-proof-phase="failed"] [role="alert"]').waitFor({ timeout: 10_000 });
    assert.match(await card.locator('[data-proof-phase="failed"]').textContent(), /tidak dapat dibaca|cannot be read/);
    assert.equal(await file.getAttribute("aria-invalid"), "true");
    await file.setInputFiles({ name: "bukti.png", mimeType: "image/png", buffer: photo });
    await card.locator(`[data-proof-sha256="${sha}"]`).waitFor({ timeout: 10_000 });
    assert.equal(await card.locator("[data-proof-media]").getAttribute("data-proof-media"), "image/png");
    // The button and the file's name side by side with a gap, not run together as one word.
    assert.equal(await card.locator(".file-input").evaluate((e) => getComputedStyle(e).display), "flex");
    assert.deepEqual(await axeCheck(page), []);
    await noSideScroll(page);
    await screenshot(page, "courier-proof");
    // One bad upload first (a byte of the file changed on the way): loketd's complaint about the
    // proof is shown beside the proof field, and nothing is stored.
    const confirmUrl = "**/loket.v1.CourierService/ConfirmStop";
    await page.route(confirmUrl, (route) => {
      const body = Buffer.from(route.request().postDataBuffer());
      body[body.length - 1] ^= 0xff; // the last byte of proof_content (field 6 comes last)
      return route.continue({ postData: body });
    });
    await card.getByRole("button", { name: /Konfirmasi ambil|Confirm pickup/ }).click();
    const proofErr = card.locator(".courier-proofstate .courier-prooferr[role='alert']");
    await proofErr.waitFor({ timeout: 10_000 });
    // In the courier's words, not loketd's field name: "Foto bukti: rusak di perjalanan …".
    assert.match(await proofErr.textContent(), /Foto bukti: rusak di perjalanan|Proof photo: damaged on its way/);
    assert.doesNotMatch(await proofErr.textContent(), /proof_sha256|SHA-256|Data tidak valid|Invalid data/);
    assert.equal(await card.getByText(/Foto bukti: rusak|Proof photo: damaged/).count(), 1, "the proof error is said once, beside the field");
    assert.equal(await file.getAttribute("aria-invalid"), "true");
    assert.equal(await card.getAttribute("data-stop-state"), "ARRIVED");
    assert.equal(await stack.sql(`SELECT count(*) FROM stop_proofs WHERE stop_id = ${stopId}`), "0");
    await screenshot(page, "courier-proof-error");
    await page.unroute(confirmUrl);
    await card.getByRole("button", { name: /Konfirmasi ambil|Confirm pickup/ }).click();
    await page.waitForSelector(`[data-stop-id="${stopId}"][data-stop-state="DONE"]`, { timeout: 10_000 });
    // The card shows the proof's fingerprint short, the whole one as its title.
    assert.match(await page.locator(`[data-stop-id="${stopId}"]`).textContent(), new RegExp(`Sidik jari bukti: ${sha.slice(0, 16)}…`));
    assert.equal(await page.locator(`[data-stop-id="${stopId}"] .courier-hash`).getAttribute("title"), sha);

    const stored = await stack.sql(`SELECT proof_sha256, receiver_name FROM stops WHERE id = ${stopId}`);
    assert.equal(stored, `${sha}|Ns. Dewi Lestari`);
    // The photo itself is kept: the very bytes chosen, their SHA-256, PNG.
    const kept = await stack.sql(
      `SELECT encode(sha256, 'hex'), media_type, encode(sha256(content), 'hex'), encode(content, 'hex') FROM stop_proofs WHERE stop_id = ${stopId}`,
    );
    assert.equal(kept, `${sha}|image/png|${sha}|${photo.toString("hex")}`);
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
        // The drawn signature is stored as a PNG whose SHA-256 is the one on the stop.
        const sigKept = await stack.sql(
          `SELECT encode(sha256, 'hex'), media_type, encode(sha256(content), 'hex'), encode(substr(content, 1, 8), 'hex') FROM stop_proofs WHERE stop_id = ${handinId}`,
        );
        assert.equal(sigKept, `${signed}|image/png|${signed}|89504e470d0a1a0a`);
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
    // The failed stop says why in words, with the courier's note: no stored code on screen.
    const failed = card.locator(".courier-stop__failed");
    await failed.waitFor({ timeout: 10_000 });
    assert.equal((await failed.textContent()).trim(), "Gagal: Klinik tutup: Puskesmas tutup karena pelatihan");
  } finally {
    await ctx.close();
  }
});

test("a photo that is not PNG or JPEG (or too large) is sent as a JPEG of at most 1600 px, hashed as sent", async () => {
  const [, stopId, courierId, day] = await plannedPickup("clinic", [
    "--permit-type", "SIP_PERAWAT", "--nik", "6471065708900005", "--name", "Rina Kartika", "--phone", "081234567895",
    "--str-number", "STR-555", "--practice-place", "Puskesmas Klandasan Ulu", "--priority", "HEALTH_WORKER",
  ]);
  const user = String(stack.users.courier.id) === courierId ? stack.users.courier : stack.users.courier2;
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  try {
    await signIn(page, stack.webUrl, user);
    await page.goto(`${stack.webUrl}/#/courier?day=${day}`);
    const card = page.locator(`[data-stop-id="${stopId}"]`);
    await card.waitFor({ timeout: 15_000 });
    await card.getByRole("button", { name: /Saya sudah tiba|I have arrived/ }).click();
    await page.waitForSelector(`[data-stop-id="${stopId}"][data-stop-state="ARRIVED"]`, { timeout: 10_000 });
    await card.locator('input[name="receiver"]').fill("dr. Hendra");
    const big = bmp(2000, 1000); // 6 MB, and a BMP
    assert.ok(big.length > 5 * 1024 * 1024);
    await card.locator('input[type="file"][name="proof_photo"]').setInputFiles({ name: "bukti.bmp", mimeType: "image/bmp", buffer: big });
    const hashEl = card.locator("[data-proof-sha256]");
    await hashEl.waitFor({ timeout: 15_000 });
    const sha = await hashEl.getAttribute("data-proof-sha256");
    assert.match(sha, /^[0-9a-f]{64}$/);
    assert.equal(await card.locator("[data-proof-media]").getAttribute("data-proof-media"), "image/jpeg");
    assert.match(await card.locator("[data-proof-media]").textContent(), /BMP.*JPEG 1600×800/);
    assert.deepEqual(await axeCheck(page), []);
    await noSideScroll(page);
    await screenshot(page, "courier-proof-converted");
    // On a slow line the upload's progress is on screen while it goes.
    const cdp = await ctx.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 300, downloadThroughput: 64 * 1024, uploadThroughput: 32 * 1024 });
    await card.getByRole("button", { name: /Konfirmasi ambil|Confirm pickup/ }).click();
    const sending = card.locator('[data-proof-phase="sending"] progress');
    await sending.waitFor({ timeout: 10_000 });
    assert.match(await card.locator(".courier-upload label").textContent(), /Mengirim bukti: \d+% \(.* dari .*\)|Sending the proof/);
    await screenshot(page, "courier-proof-sending");
    await page.waitForSelector(`[data-stop-id="${stopId}"][data-stop-state="DONE"]`, { timeout: 60_000 });
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const [storedSha, media, contentSha, len, magic] = (
      await stack.sql(
        `SELECT encode(sha256, 'hex'), media_type, encode(sha256(content), 'hex'), length(content), encode(substr(content, 1, 3), 'hex') FROM stop_proofs WHERE stop_id = ${stopId}`,
      )
    ).split("|");
    assert.equal(storedSha, sha);
    assert.equal(contentSha, sha);
    assert.equal(media, "image/jpeg");
    assert.equal(magic, "ffd8ff");
    assert.ok(Number(len) > 0 && Number(len) <= 5 * 1024 * 1024, `stored ${len} bytes`);
    assert.equal(await stack.sql(`SELECT proof_sha256 FROM stops WHERE id = ${stopId}`), sha);
  } finally {
    await ctx.close();
  }
});
