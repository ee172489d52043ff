// The clinic portal in Chromium against a real stack: the README walkthrough through the pages
// (clinic submits with uploads, officer verifies and asks for the KTP, clinic attaches it and
// revises, approver approves, officer issues, the permit's QR address verifies), uploads checked
// in the browser, field-named server errors, offline submissions sent exactly once, documents shown
// in the desk's and the clinic's pages, the tracking code, the courier's pickup window, axe, screenshots.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { axeCheck, screenshot } from "./harness.mjs";
import { assertNoAxe, closeDocument, fillApplication, hashGo, nextNik, PDF, png, realPdf, session, stackAndBrowserForFile, viewDocument, waitState } from "./pages-helpers.mjs";

let stack;
let browser;
stackAndBrowserForFile({}, (s, b) => ([stack, browser] = [s, b]));

describe("clinic portal", () => {
  test("README walkthrough through the pages, ending with the QR address showing VALID", async () => {
    const errors = [];
    const clinic = await session(browser, stack.webUrl, stack.users.clinic, { errors });
    const officer = await session(browser, stack.webUrl, stack.users.officer, { errors });
    const approver = await session(browser, stack.webUrl, stack.users.approver, { errors });
    try {
      // 1-3. The clinic submits with two documents; the KTP is missing.
      const cp = clinic.page;
      assert.match(cp.url(), /#\/clinic$/);
      await screenshot(cp, "clinic-list-empty");
      await hashGo(cp, "#/clinic/new");
      await fillApplication(cp, {
        nik: "6471065708900001",
        name: "Siti Rahmawati",
        email: "siti@example.com",
        docs: [
          { code: "STR", name: "str.pdf", buffer: realPdf("STR Siti Rahmawati") },
          { code: "SURAT_TEMPAT_PRAKTIK", name: "tempat-praktik.pdf", buffer: PDF("tempat") },
        ],
      });
      const required = await cp.locator("[data-testid=required-docs] li").allTextContents();
      assert.ok(required.some((r) => /KTP/.test(r) && /wajib/.test(r)), `required docs listed: ${required}`);
      await screenshot(cp, "clinic-new");
      assertNoAxe(await axeCheck(cp), "clinic/new");
      await cp.click("form button[type=submit]");
      await cp.waitForFunction(() => /#\/clinic\/case\/\d+\?sent=1$/.test(location.hash), null, { timeout: 20_000 });
      const caseId = /case\/(\d+)/.exec(cp.url())[1];
      await waitState(cp, "SUBMITTED");
      // The confirmation gives the tracking code for the applicant, with where to use it.
      const code = await stack.sql(`select tracking_code from cases where id=${caseId}`);
      assert.ok(code, "the case has a tracking code");
      const confirmation = cp.locator("[data-testid=sent-confirmation]");
      await confirmation.waitFor();
      assert.match(await confirmation.textContent(), new RegExp(`Kode lacak ${code}.*mengikuti permohonan`));
      assert.equal(await confirmation.locator("a").getAttribute("href"), `#/track?code=${encodeURIComponent(code)}`);
      assert.match(await cp.locator("[data-testid=tracking-code]").textContent(), new RegExp(code));
      await screenshot(cp, "clinic-case-sent");
      await cp.waitForSelector("[data-doc-code=STR]");
      await cp.waitForSelector("[data-doc-code=SURAT_TEMPAT_PRAKTIK]");
      assert.match(await cp.locator("[data-testid=missing-docs]").textContent(), /KTP/);
      assert.equal(await stack.sql(`select count(*) from cases where id=${caseId} and clinic_id='${stack.clinics.clinic}'`), "1");
      await cp.waitForSelector("[data-live=live]", { timeout: 10_000 });

      // 4. The officer finds it in the worklist (SUBMITTED, CLINIC), verifies, asks for the KTP.
      const op = officer.page;
      assert.match(op.url(), /#\/desk$/);
      await op.selectOption("#f-state", "SUBMITTED");
      await op.selectOption("#f-channel", "CLINIC");
      await op.click("form[aria-label] button[type=submit]");
      await op.waitForSelector(`tr[data-case-id="${caseId}"]`, { timeout: 10_000 });
      await screenshot(op, "desk-worklist");
      await op.click(`tr[data-case-id="${caseId}"] a`);
      await waitState(op, "SUBMITTED");
      assert.match(await op.locator("[data-testid=tracking-code]").textContent(), new RegExp(`${code}.*Lacak permohonan`));
      // The officer reads the STR itself in the page (a PDF from GetDocument in a frame).
      const strShown = await viewDocument(op, "STR");
      assert.equal(strShown.type, "application/pdf");
      await screenshot(op, "desk-case-document-pdf");
      assertNoAxe(await axeCheck(op, { iframes: false }), "desk case with a PDF open");
      await closeDocument(op, "STR", strShown);
      await op.getByRole("button", { name: "Mulai verifikasi" }).click();
      await waitState(op, "VERIFYING");
      await op.getByRole("button", { name: "Minta perbaikan" }).click();
      await op.fill("#decision-note", "Mohon lampirkan KTP");
      await op.getByRole("button", { name: "Kirim permintaan perbaikan" }).click();
      await waitState(op, "REVISION_REQUESTED");

      // 5. The clinic's open case page follows live (WatchCase), then it attaches the KTP and revises.
      await waitState(cp, "REVISION_REQUESTED", 15_000);
      assert.match(await cp.locator("#revision-title").locator("..").textContent(), /Mohon lampirkan KTP/);
      // The KTP is still missing: sending asks once more instead of going at the first click.
      assert.match(await cp.locator("[data-testid=revision-missing]").textContent(), /Dokumen wajib yang belum ada: .*e-KTP/);
      await cp.getByRole("button", { name: "Kirim perbaikan" }).first().click();
      await cp.getByRole("button", { name: "Tetap kirim tanpa dokumen itu" }).waitFor({ timeout: 5_000 });
      assert.equal(await cp.locator("[data-testid=sent-confirmation]").count(), 0, "the 'sent' notice is gone once the office asks for a revision");
      await screenshot(cp, "clinic-case-revision");
      assertNoAxe(await axeCheck(cp), "clinic/case (revision)");
      await cp.selectOption("#attach-code", "KTP");
      await cp.setInputFiles("#attach-file", { name: "ktp.png", mimeType: "image/png", buffer: png(64, 40) });
      await cp.getByRole("button", { name: "Unggah" }).click();
      await cp.waitForSelector("[data-doc-code=KTP]", { timeout: 15_000 });
      // A clearer STR scan too: it replaces the first one, which stays on record marked as such.
      await cp.selectOption("#attach-code", "STR");
      await cp.setInputFiles("#attach-file", { name: "str-jelas.pdf", mimeType: "application/pdf", buffer: PDF("str jelas") });
      await cp.getByRole("button", { name: "Unggah" }).click();
      await cp.waitForSelector("[data-doc-code=STR][data-replaced=true]", { timeout: 15_000 });
      await cp.getByRole("button", { name: "Kirim perbaikan" }).first().click();
      await waitState(cp, "VERIFYING");

      // 6. The approver approves.
      const ap = approver.page;
      await hashGo(ap, `#/desk/case/${caseId}`);
      await waitState(ap, "VERIFYING");
      // The approver looks at the KTP photo before deciding: the PNG decodes from its blob: URL.
      await ap.waitForSelector("[data-doc-code=KTP]");
      assert.equal(await ap.locator("[data-doc-code=STR]").count(), 2);
      assert.match(await ap.locator("[data-doc-code=STR][data-replaced=true] h3").textContent(), /versi lama, diganti/);
      assert.match(await ap.locator("[data-doc-code=STR]:not([data-replaced]) h3").textContent(), /terbaru/);
      const ktpShown = await viewDocument(ap, "KTP");
      assert.deepEqual([ktpShown.type, ktpShown.width, ktpShown.height], ["image/png", 64, 40]);
      await screenshot(ap, "desk-case-document-image");
      assertNoAxe(await axeCheck(ap), "desk case with an image open");
      await closeDocument(ap, "KTP", ktpShown);
      await ap.getByRole("button", { name: "Setujui" }).click();
      await ap.fill("#decision-note", "Dokumen lengkap");
      await ap.getByRole("button", { name: "Konfirmasi persetujuan" }).click();
      await waitState(ap, "APPROVED");

      // 7. The officer issues (its page is live too) and opens the printable permit.
      await waitState(op, "APPROVED");
      await op.getByRole("button", { name: "Terbitkan izin" }).click();
      // Issuing cannot be undone: the page asks once more.
      await op.getByRole("button", { name: "Konfirmasi penerbitan izin" }).click();
      await waitState(op, "ISSUED");
      const number = (await op.locator("[data-testid=permit-number]").textContent()).trim();
      // The number carries the type's short code (the seed's SIPP), not its internal code.
      assert.match(number, /^\d{4}\/SIPP\/DPMPTSP-BPP\/\d{4}$/);
      // The answered revision is named as history, not as a request still open.
      assert.match(await op.getByTestId("case-facts").textContent(), /Perbaikan terakhir yang pernah diminta/);
      await screenshot(op, "desk-case-issued");
      await op.click(`a[href="#/permit/${caseId}"]`);
      await op.waitForSelector("[data-testid=permit-sheet] svg[role=img]");
      const href = await op.locator("[data-testid=verify-link]").getAttribute("href");
      const qrText = await op.locator("[data-testid=permit-sheet] svg[data-qr-text]").getAttribute("data-qr-text");
      assert.equal(qrText, href);
      // loketd's address for the check (--permit_verify_url, as in the signed PDF's QR code).
      assert.equal(href, (await stack.cli("officer", ["--get", "verify_url", "office", "show", caseId])).trim());
      assert.ok(href.startsWith(`${stack.webUrl}/#/verify?number=`), href);
      assert.equal(new URL(href.replace("/#/verify", "/verify")).searchParams.get("number"), number);
      // Printed, the address is one a person can type; the number and code are on the sheet.
      assert.equal((await op.locator("[data-testid=verify-link]").textContent()).trim(), `${stack.webUrl}/#/verify`);
      assert.match(await op.locator("[data-testid=permit-valid-until]").textContent(), /^\d{1,2} [A-Z][a-z]{2} \d{4}$/);
      await screenshot(op, "permit");
      assertNoAxe(await axeCheck(op), "permit");
      // What the printer gets: the sheet alone, no header, buttons or page title.
      await op.emulateMedia({ media: "print" });
      assert.equal(await op.locator("header.site-header").isVisible(), false);
      assert.equal(await op.getByRole("button", { name: "Cetak" }).isVisible(), false);
      await screenshot(op, "permit-print");
      await op.emulateMedia({ media: "screen" });

      // 8. Anyone (no session) opens the QR address: VALID.
      const anon = await browser.newContext();
      const vp = await anon.newPage();
      await vp.goto(href);
      await vp.waitForSelector("[data-testid=verify-result]", { timeout: 15_000 });
      assert.equal((await vp.locator("[data-testid=verify-result]").textContent()).trim(), "SAH");
      // The office's other public pages are one link away.
      assert.equal(await vp.getByRole("link", { name: "Layanan publik" }).getAttribute("href"), "#/public");
      await vp.getByRole("button", { name: "English" }).click();
      assert.equal((await vp.locator("[data-testid=verify-result]").textContent()).trim(), "VALID");
      await screenshot(vp, "verify-valid");
      assertNoAxe(await axeCheck(vp), "verify");
      await vp.goto(href.replace(/code=[^&]+/, "code=WRONG123"));
      await vp.reload();
      await vp.waitForSelector("[data-testid=verify-result]");
      assert.equal((await vp.locator("[data-testid=verify-result]").textContent()).trim(), "NOT VALID");
      await anon.close();

      // The clinic sees the history, with every step.
      await waitState(cp, "ISSUED");
      const history = await cp.locator("[data-testid=history]").textContent();
      for (const a of ["Verifikasi dimulai", "Perbaikan diminta", "Perbaikan dikirim", "Disetujui", "Izin diterbitkan"]) assert.match(history, new RegExp(a));
      // loketd's own notes in the page's words; no caller address where no terminal was named.
      assert.match(history, /Catatan: izin \S+, berlaku sampai \d{1,2} [A-Z][a-z]{2} \d{4}/);
      // The clinic's "revision sent" went when the office moved the case on without the clinic.
      assert.equal(await cp.getByText(/Perbaikan terkirim/).count(), 0);
      // An attached document is named as the office names it, not by its code (SURAT_TEMPAT_PRAKTIK).
      assert.match(history, /Catatan: [A-Z][a-z][^:]*: \S+ \(\d+ B\)/);
      assert.doesNotMatch(history, /Catatan: [A-Z0-9_]{3,}:/);
      // The officer's own words stay as written: "KTP" in "Mohon lampirkan KTP" is not renamed.
      assert.match(history, /Catatan: Mohon lampirkan KTP/);
      assert.doesNotMatch(history, /Mohon lampirkan Kartu/);
      assert.doesNotMatch(history, /ipv4:|ipv6:|bytes\)/);
      // A step that moved no state reads as itself: no "Diajukan → Diajukan", no "— → Diajukan".
      for (const step of await cp.locator("[data-testid=history] li strong").allTextContents()) {
        const [from, to] = step.replace(/^[^:]*: /, "").split(" → ");
        if (to !== undefined) assert.ok(from.trim() !== to.trim() && from.trim() !== "—", step);
      }
      assert.match(history, /Dokumen dilampirkan/);
      assert.match(history, /Perbaikan diminta|Verifikasi dimulai/);
      // Its times are office time with the zone named ("30 Nov 2026 14:05 WITA"), whatever the
      // browser's zone: the last event's instant (its row) in office time, to the minute. (Not the
      // test's own clock: its office day was the next one when 00:00 WITA, 16:00 UTC, passed.)
      const stamps = [...history.matchAll(/(\d{1,2}) (\S+) (\d{4}) (\d{2}):(\d{2}) WITA/g)];
      assert.ok(stamps.length >= 5, `history times in WITA: ${history}`);
      const last = stamps[stamps.length - 1];
      const lastAt = await stack.sql(`SELECT to_char(at AT TIME ZONE 'Asia/Makassar', 'FMDD YYYY HH24:MI') FROM case_events WHERE case_id = ${caseId} ORDER BY id DESC LIMIT 1`);
      assert.equal(`${last[1]} ${last[3]} ${last[4]}:${last[5]}`, lastAt, `the last event at ${last[0]}; its row says ${lastAt} WITA`);
      await screenshot(cp, "clinic-case-issued");
      // The clinic's own page shows its documents too.
      const ownKtp = await viewDocument(cp, "KTP");
      assert.equal(ownKtp.width, 64);
      await closeDocument(cp, "KTP", ownKtp);
      await hashGo(cp, "#/clinic");
      await cp.waitForSelector(`[data-case-id="${caseId}"]`);
      await screenshot(cp, "clinic-list");
      assertNoAxe(await axeCheck(cp), "clinic list");

      // 9. The health worker collects the permit at the counter: the officer records who took it
      // and on which identity document; the page shows the number masked.
      await hashGo(op, `#/desk/case/${caseId}`);
      await waitState(op, "ISSUED");
      await op.getByRole("button", { name: "Tandai sudah diambil" }).click();
      await op.fill("#collector-name", "Ns. Herlina (TU RSUD)");
      await op.selectOption("#collector-id-type", "KTP");
      await op.fill("#collector-id-number", "12345");
      await op.locator("[data-testid=collect] button[type=submit]").click();
      await op.locator("[data-testid=action-status] .notice.bad").waitFor({ timeout: 10_000 });
      assert.match(await op.locator("[data-testid=action-status]").textContent(), /collector\.id_document_number/);
      await op.fill("#collector-id-number", "6471065708900003");
      assertNoAxe(await axeCheck(op), "collect form");
      await op.locator("[data-testid=collect] button[type=submit]").click();
      await waitState(op, "COLLECTED");
      assert.equal((await op.locator("[data-testid=collected-by]").textContent()).trim(), "Ns. Herlina (TU RSUD) · KTP \u2022\u2022\u2022\u20220003");
      // The history's note is in the page's words, not loketd's English.
      await op.locator("[data-testid=history]", { hasText: "diambil oleh Ns. Herlina (TU RSUD), KTP" }).waitFor();
      assert.doesNotMatch(await op.locator("[data-testid=history]").textContent(), /collected by/);
      await screenshot(op, "desk-case-collected");
      assert.deepEqual(errors, []);
    } finally {
      await clinic.context.close();
      await officer.context.close();
      await approver.context.close();
    }
  });

  test("files are checked in the browser; the server's field-named error lands beside its field", async () => {
    const { context, page } = await session(browser, stack.webUrl, stack.users.clinic);
    try {
      await hashGo(page, "#/clinic/new");
      let calls = 0;
      // What "sent" means here: a submission or an upload (the list page the session opened may
      // still be reading cases in the background, which is not this form sending anything).
      page.on("request", (r) => {
        if (/\/loket\.v1\.CaseService\/(SubmitApplication|AttachDocument)$/.test(r.url())) calls++;
      });
      await fillApplication(page, { nik: nextNik(), name: "Rina Wati" });
      // Too big (6 MiB), and not a PDF/JPEG/PNG: refused before anything is sent.
      await page.setInputFiles("#doc-STR", { name: "big.pdf", mimeType: "application/pdf", buffer: Buffer.concat([PDF("big"), Buffer.alloc(6 * 1024 * 1024)]) });
      await page.waitForSelector("#doc-STR-error");
      assert.match(await page.locator("#doc-STR-error").textContent(), /6,0 MB; batasnya 5 MB/);
      await page.setInputFiles("#doc-KTP", { name: "ktp.gif", mimeType: "image/gif", buffer: Buffer.from("GIF89a....") });
      await page.waitForSelector("#doc-KTP-error");
      assert.match(await page.locator("#doc-KTP-error").textContent(), /PDF, JPEG/);
      assert.equal(calls, 0);
      // Exactly 5 MiB is allowed: the error goes away.
      await page.setInputFiles("#doc-STR", { name: "max.pdf", mimeType: "application/pdf", buffer: Buffer.concat([PDF("max"), Buffer.alloc(5 * 1024 * 1024 - PDF("max").length)]) });
      await page.waitForSelector("#doc-STR-error", { state: "detached" });
      await page.waitForSelector("#doc-STR-chosen");
      // The file fields in the page's words, not the browser's ("Choose File / No file chosen"): the
      // chosen file named, and a refused one (the GIF) not kept.
      const fileName = (code) => page.locator(`[data-doc=${code}] .file-input__name`).textContent();
      // Named once, with its size after it (the page's detail, also the field's description).
      assert.equal(await fileName("STR"), "max.pdf · 5,0 MB");
      assert.equal(await page.getAttribute("#doc-STR", "aria-describedby"), "doc-STR-chosen");
      assert.equal(await fileName("KTP"), "Belum ada berkas dipilih");
      const pick = page.locator("[data-doc=KTP] .file-input .button");
      assert.equal(await pick.textContent(), "Pilih berkas");
      // A click where the button is drawn reaches the (transparent) input over it: the picker opens.
      await pick.scrollIntoViewIfNeeded();
      const box = await pick.boundingBox();
      const choosing = page.waitForEvent("filechooser", { timeout: 5_000 });
      await page.evaluate(() => 0); // a round trip: Playwright intercepts the picker from here on
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      const chooser = await choosing;
      assert.equal(await chooser.element().getAttribute("id"), "doc-KTP");
      await page.setInputFiles("#doc-STR", []);
      await page.setInputFiles("#doc-KTP", []);

      // What the browser can tell is told at once, all together: a health worker's STR number, an
      // STR already ended, a pickup window the wrong way round. Nothing is sent.
      await page.fill("#strNumber", "");
      await page.fill("#practicePlace", "");
      await page.fill("#strValidUntil", "2020-01-01");
      // Times as people type them: "11.00" and "9" are 11:00 and 09:00.
      await page.fill("#pickupAfter", "11.00");
      await page.fill("#pickupBefore", "9");
      await page.click("form button[type=submit]");
      await page.waitForSelector("#strNumber-error");
      assert.match(await page.locator("#strNumber-error").textContent(), /Wajib diisi/);
      assert.match(await page.locator("#strValidUntil-error").textContent(), /sudah berakhir/);
      assert.match(await page.locator("#pickupAfter-error").textContent(), /sebelum jam akhir/);
      assert.match(await page.locator("label[for=strNumber]").textContent(), /\*/);
      assert.match(await page.locator("#practicePlace-error").textContent(), /Wajib diisi/);
      assert.match(await page.locator("label[for=practicePlace]").textContent(), /\*/);
      assert.equal(calls, 0);
      // Not a time of day: said so in the field, nothing sent.
      await page.fill("#pickupBefore", "25:00");
      await page.click("form button[type=submit]");
      await page.locator("#pickupBefore-error", { hasText: /format 24 jam/ }).waitFor();
      assert.equal(await page.locator("#pickupBefore").getAttribute("aria-invalid"), "true");
      assert.equal(calls, 0);
      await page.fill("#strNumber", "STR-123");
      await page.fill("#practicePlace", "Puskesmas Klandasan Ilir");
      await page.fill("#strValidUntil", "");
      await page.fill("#pickupAfter", "");
      await page.fill("#pickupBefore", "");
      // A date field shows the day as the page writes dates ("17 Mei 2031"), or "Pilih tanggal"
      // when empty, over the browser's own text ("05/17/2031", "mm/dd/yyyy" on an English
      // Windows: hidden, transparent) until the person is in the field.
      const dayShown = (id) => page.evaluate((id) => {
        const input = document.getElementById(id);
        const shown = input.nextElementSibling;
        return { text: getComputedStyle(input).color, over: getComputedStyle(shown).display !== "none" ? shown.textContent : "" };
      }, id);
      assert.deepEqual(await dayShown("pickupDay"), { text: "rgba(0, 0, 0, 0)", over: "Pilih tanggal" });
      await page.focus("#pickupDay");
      assert.equal((await dayShown("pickupDay")).over, "");
      assert.notEqual((await dayShown("pickupDay")).text, "rgba(0, 0, 0, 0)");
      await page.fill("#strValidUntil", "2031-05-17");
      await page.focus("#nik");
      assert.deepEqual(await dayShown("strValidUntil"), { text: "rgba(0, 0, 0, 0)", over: "17 Mei 2031" });
      await page.fill("#strValidUntil", "");

      // A NIK of 16 digits with an unknown province passes the browser, not loketd.
      await page.fill("#nik", "9971065708900001");
      await page.click("form button[type=submit]");
      await page.waitForSelector("#nik-error", { timeout: 15_000 });
      // loketd's English problem in the page's words (web/app/src/server-text.ts).
      assert.match(await page.locator("#nik-error").textContent(), /angka ke-1 dan ke-2 \(99\) bukan kode provinsi yang dikenal/);
      assert.equal(await page.locator("#nik").getAttribute("aria-invalid"), "true");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "nik");
      await screenshot(page, "clinic-new-field-error");
      assertNoAxe(await axeCheck(page), "clinic/new with errors");
      // Nothing was kept in the outbox for a refused submission.
      assert.equal(await page.locator("[data-testid=outbox-waiting-count]").getAttribute("data-count"), "0");
    } finally {
      await context.close();
    }
  });

  test("offline: two applications wait in IndexedDB and are filed exactly once when the line returns", async () => {
    const { context, page } = await session(browser, stack.webUrl, stack.users.clinic);
    try {
      const named = () =>
        page.waitForFunction((id) => /\(.+\)/.test(document.querySelector("main > p")?.textContent ?? "") && !document.querySelector("main > p").textContent.includes(`(${id})`), stack.clinics.clinic, { timeout: 10_000 });
      // The clinics' list read once is kept: with loketd out of reach, a new page load names the
      // clinic from the kept copy.
      await hashGo(page, "#/clinic");
      await named();
      await page.route("**/ListClinics", (route) => route.abort());
      await page.reload();
      await named();
      // A page load with nothing kept and the list unreadable shows the id, and reads the list when
      // the line is back (below).
      await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("loket.kept.")).forEach((k) => localStorage.removeItem(k)));
      await page.reload();
      await page.locator("main > p", { hasText: `(${stack.clinics.clinic})` }).waitFor();
      await hashGo(page, "#/clinic/new");
      await page.waitForSelector("#permitType option[value='SIP_PERAWAT']", { state: "attached" });
      await context.setOffline(true);
      const names = ["Dewi Lestari", "Andi Pratama"];
      for (const name of names) {
        await fillApplication(page, { nik: nextNik(), name, docs: [{ code: "STR", name: "str.pdf", buffer: PDF(name) }] });
        await page.click("form button[type=submit]");
        await page.waitForFunction((n) => document.querySelector("[data-testid=form-status]")?.textContent?.includes(n), name, { timeout: 10_000 });
      }
      await hashGo(page, "#/clinic");
      await page.waitForSelector('[data-testid=outbox-waiting-count][data-count="2"]', { timeout: 10_000 });
      const waiting = await page.locator("[data-outbox-status=waiting]").allTextContents();
      assert.equal(waiting.length, 2);
      assert.ok(names.every((n) => waiting.some((w) => w.includes(n))), String(waiting));
      await screenshot(page, "clinic-offline-waiting");
      assertNoAxe(await axeCheck(page), "clinic list offline");
      for (const name of names) {
        assert.equal(await stack.sql(`select count(*) from cases where applicant_name='${name}'`), "0");
      }

      await page.unroute("**/ListClinics");
      await context.setOffline(false);
      await page.waitForSelector('[data-testid=outbox-waiting-count][data-count="0"]', { timeout: 30_000 });
      await page.waitForSelector('[data-testid=outbox-sent-count][data-count="2"]', { timeout: 10_000 });
      for (const name of names) {
        assert.equal(await stack.sql(`select count(*) from cases where applicant_name='${name}'`), "1", name);
        assert.equal(await stack.sql(`select count(*) from documents d join cases c on c.id=d.case_id where c.applicant_name='${name}'`), "1", `${name}'s STR`);
      }
      // The list shows them (reloaded once they went out).
      for (const name of names) await page.waitForSelector(`[data-testid=case-list] >> text=${name}`, { timeout: 10_000 });
      // The clinics' list, unread while the line was down, is read when it is back: the clinic is
      // named, not shown by its id.
      await named();
      await screenshot(page, "clinic-offline-sent");
    } finally {
      await context.close();
    }
  });

  test("a lost answer is retried with the same request_id: one case, not two", async () => {
    const { context, page } = await session(browser, stack.webUrl, stack.users.clinic);
    try {
      await hashGo(page, "#/clinic/new");
      let first = true;
      // The first SubmitApplication reaches loketd, but its answer never reaches the page.
      await page.route("**/loket.v1.CaseService/SubmitApplication", async (route) => {
        if (first) {
          first = false;
          await route.fetch();
          await route.abort("connectionreset");
        } else {
          await route.continue();
        }
      });
      const name = "Yusuf Hamdani";
      await fillApplication(page, { nik: nextNik(), name });
      await page.click("form button[type=submit]");
      await page.waitForFunction((n) => document.querySelector("[data-testid=form-status]")?.textContent?.includes(n), name, { timeout: 10_000 });
      assert.equal(await stack.sql(`select count(*) from cases where applicant_name='${name}'`), "1");
      await hashGo(page, "#/clinic");
      await page.waitForSelector('[data-testid=outbox-waiting-count][data-count="1"]');
      await page.getByRole("button", { name: "Kirim sekarang" }).click();
      await page.waitForSelector('[data-testid=outbox-waiting-count][data-count="0"]', { timeout: 15_000 });
      assert.equal(await stack.sql(`select count(*) from cases where applicant_name='${name}'`), "1");
    } finally {
      await context.close();
    }
  });

  test("booking an appointment for a health worker", async () => {
    const { context, page } = await session(browser, stack.webUrl, stack.users.clinic);
    try {
      await hashGo(page, "#/clinic/book");
      await page.waitForSelector("#service option[value='SIP_PERAWAT']", { state: "attached", timeout: 15_000 });
      await page.selectOption("#service", "SIP_PERAWAT");
      await page.fill("#nik", nextNik());
      await page.fill("#name", "Rina Wati");
      await page.fill("#phone", "081234567891");
      const day = await stack.sql("select min(day)::text from slots where day > (now() at time zone 'Asia/Makassar')::date and not closed");
      await page.fill("#day", day);
      // The day in words beside the browser's own date control, whatever its locale.
      const words = new Date(`${day}T12:00:00Z`).toLocaleDateString("id-ID", { timeZone: "UTC", weekday: "long", day: "numeric", month: "long", year: "numeric" });
      assert.equal((await page.locator("[data-field=day] [data-testid=day-echo]").textContent()).trim(), words);
      assert.match(words, /^\S+, \d{1,2} \S+ \d{4}$/, "weekday, day, month in words, year");
      // The window typed as people write times; each field shows HH:MM once left.
      await page.fill("#w0-from", "9.00");
      await page.fill("#w0-to", "1000");
      await page.locator("#w0-from").focus();
      assert.equal(await page.inputValue("#w0-to"), "10:00");
      await page.locator("#name").focus();
      assert.equal(await page.inputValue("#w0-from"), "09:00");
      await page.getByRole("button", { name: "Pesan janji temu" }).click();
      await page.waitForSelector("main .notice.ok", { timeout: 15_000 });
      assert.equal(
        await stack.sql(`SELECT to_char(w.starts_at AT TIME ZONE 'Asia/Makassar', 'HH24:MI') || '-' || to_char(w.ends_at AT TIME ZONE 'Asia/Makassar', 'HH24:MI') FROM appointment_windows w JOIN appointment_requests r ON r.id = w.request_id WHERE r.name = 'Rina Wati' ORDER BY r.id DESC, w.rank LIMIT 1`),
        "09:00-10:00",
      );
      await page.waitForSelector("[data-testid=appointments] >> text=Rina Wati", { timeout: 15_000 });
      await screenshot(page, "clinic-book");
      assertNoAxe(await axeCheck(page), "clinic/book");
    } finally {
      await context.close();
    }
  });

  test("the clinic sees the courier's pickup window and its state, on the list and the case page", async () => {
    const out = await stack.cli("clinic", [
      "clinic", "submit", "--permit-type", "SIP_PERAWAT", "--nik", nextNik(), "--name", "Fajar Nugroho",
      "--phone", "081234567890", "--str-number", "STR-88", "--practice-place", "Puskesmas Klandasan Ilir",
    ]);
    const id = /Case (\d+)/.exec(out)[1];
    const [day, from, to] = (await stack.sql(
      `select day::text, to_char(window_start at time zone 'Asia/Makassar', 'HH24:MI'), to_char(window_end at time zone 'Asia/Makassar', 'HH24:MI') from stops where case_id=${id} and kind='pickup'`,
    )).split("|");
    assert.ok(day, "the submission asked for a pickup");
    // An officer asks the router for the plan of that day now.
    await stack.cli("officer", ["office", "plan", "--day", day]);
    const { context, page } = await session(browser, stack.webUrl, stack.users.clinic);
    try {
      // The page shows the state the stop has (pending until the router's plan lands, then planned).
      const deadline = Date.now() + 30_000;
      let shown;
      let db;
      for (;;) {
        await hashGo(page, "#/clinic/new");
        await hashGo(page, "#/clinic");
        const line = page.locator(`[data-case-id="${id}"] [data-testid=case-stop]`);
        // A list that came without the line (a lookup refused under load) is read again below.
        const listed = await line.waitFor({ timeout: 15_000 }).then(() => true, () => false);
        if (!listed) {
          assert.ok(Date.now() < deadline, `case ${id}: no stop line on the clinic's list`);
          continue;
        }
        shown = await line.getAttribute("data-stop-state");
        db = (await stack.sql(`select state from stops where case_id=${id} and kind='pickup'`)).toUpperCase();
        if ((shown === db && db === "PLANNED") || Date.now() > deadline) break;
        await page.waitForTimeout(1000);
      }
      assert.ok(["PENDING", "PLANNED"].includes(shown), shown);
      assert.equal(shown, db);
      const text = await page.locator(`[data-case-id="${id}"] [data-testid=case-stop]`).textContent();
      assert.match(text, new RegExp(`Penjemputan berkas asli: .*${from}–${to} WITA`));
      if (shown === "PLANNED") assert.match(text, /terjadwal, perkiraan kurir tiba \d\d:\d\d WITA/);
      await screenshot(page, "clinic-list-pickup");
      assertNoAxe(await axeCheck(page), "clinic list with pickups");
      await page.click(`[data-case-id="${id}"] h3 a`);
      await waitState(page, "SUBMITTED");
      const stop = page.locator("[data-testid=courier-stops] li[data-stop-kind=PICKUP]");
      await stop.waitFor({ timeout: 10_000 });
      assert.equal(await stop.getAttribute("data-stop-state"), shown);
      assert.match(await stop.textContent(), new RegExp(`${from}–${to} WITA`));
      assert.ok(await page.locator("[data-testid=tracking-code]").isVisible());
      await screenshot(page, "clinic-case-pickup");
      // Another clinic never sees it.
      const other = await session(browser, stack.webUrl, stack.users.clinic2);
      try {
        const seen = await other.page.evaluate(async (caseId) => {
          const r = await fetch("/loket.v1.CourierService/ListStops", {
            method: "POST",
            headers: { "content-type": "application/json", "connect-protocol-version": "1" },
            body: JSON.stringify({ caseId }),
          });
          return { status: r.status, body: await r.text() };
        }, id);
        assert.doesNotMatch(seen.body, /"kind"/, seen.body);
      } finally {
        await other.context.close();
      }
    } finally {
      await context.close();
    }
  });

  test("on a 360 px phone the pages fit the width", async () => {
    const { context, page } = await session(browser, stack.webUrl, stack.users.clinic, { viewport: { width: 360, height: 740 } });
    try {
      // Measured once the route has loaded (nothing says "loading") and drawn its list (or "no
      // applications yet") or its form, with its fonts.
      for (const [route, name, drawn] of [
        ["#/clinic", "clinic-list-360", "[data-testid=case-list], [data-testid=no-cases]"],
        ["#/clinic/new", "clinic-new-360", "#permitType option[value='SIP_PERAWAT']"],
      ]) {
        await hashGo(page, route);
        await page.waitForFunction((sel) => !document.querySelector("main .loading") && document.querySelector(sel), drawn, { timeout: 15_000 });
        await page.evaluate(() => document.fonts.ready);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${route} is ${overflow}px wider than the phone`);
        await screenshot(page, name);
      }
    } finally {
      await context.close();
    }
  });
});
