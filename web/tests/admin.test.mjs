// The admin page: a new principal gets a password on the page and can then sign in with it; a
// token is shown once; the account's tokens and sign-ins are listed, one revoked, the account
// disabled (its sign-in ends) and enabled again; couriers and a shift; the calendar; dead tasks retried and
// dropped. axe finds no serious or critical violation on any of its tabs.
import { readFileSync } from "node:fs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { signIn, axeCheck, screenshot } from "./harness.mjs";
import { stackAndBrowserForFile } from "./pages-helpers.mjs";

let stack;
let browser;

stackAndBrowserForFile({ workers: false }, (s, b) => ([stack, browser] = [s, b]));

test("admin creates a user, sets a password and that user signs in; tokens, couriers, calendar, dead tasks", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, permissions: ["clipboard-read", "clipboard-write"] });
  const page = await ctx.newPage();
  try {
    await signIn(page, stack.webUrl, stack.users.admin);
    await page.waitForURL(/#\/admin/);
    await page.waitForSelector(`tr[data-principal-id="${stack.users.officer.id}"]`, { timeout: 15_000 });
    assert.deepEqual(await axeCheck(page), []);

    // A new officer, then a password for them.
    const form = page.locator("form", { has: page.locator("#admin-create-h") });
    await form.locator('input[name="name"]').fill("Petugas Baru");
    await form.locator('select[name="role"]').selectOption("2"); // Role.OFFICER
    await form.locator('button[type="submit"]').click();
    const row = page.locator("tr", { hasText: "Petugas Baru" });
    await row.waitFor({ timeout: 10_000 });
    const id = await row.getAttribute("data-principal-id");
    await row.getByRole("button", { name: /Kata sandi/ }).click();
    const pw = page.locator("form", { has: page.locator("#admin-pw-h") });
    await pw.locator('input[name="username"]').fill("petugas.baru");
    await pw.locator('input[name="password"]').fill("rahasia-sekali-123");
    await pw.locator('input[name="password2"]').fill("rahasia-sekali-123");
    await pw.locator('button[type="submit"]').click();
    await pw.getByText(/petugas\.baru disimpan/).waitFor({ timeout: 10_000 });
    await row.getByText("petugas.baru").waitFor();
    await screenshot(page, "admin");

    // The new officer signs in; the browser stays signed in until the admin disables the account.
    const other = await browser.newContext();
    const p2 = await other.newPage();
    await signIn(p2, stack.webUrl, { username: "petugas.baru", password: "rahasia-sekali-123" });
    await p2.waitForURL(/#\/desk/);

    // A token: shown once with a copy button.
    await row.getByRole("button", { name: /Token baru/ }).click();
    const shown = page.locator(".admin-token__value");
    await shown.waitFor({ timeout: 10_000 });
    const token = await shown.inputValue();
    assert.match(token, /^[0-9a-f]{64}$/);
    await page.getByRole("button", { name: "Salin" }).click();
    await page.getByText(/Token disalin|Tidak dapat menyalin/).waitFor();
    const tokenId = /ID token (\d+)/.exec(await page.locator("#admin-token-h").textContent())[1];
    await page.getByRole("button", { name: "Sudah saya simpan" }).click();
    await shown.waitFor({ state: "detached", timeout: 10_000 });

    // Access: the token and the browser sign-in are listed; the token is revoked from its row.
    await row.getByRole("button", { name: "Akses: Petugas Baru" }).click();
    const access = page.locator("section.admin-access");
    const tokenRow = access.locator(`tr[data-token-id="${tokenId}"]`);
    await tokenRow.waitFor({ timeout: 10_000 });
    assert.match(await tokenRow.textContent(), /Token API/);
    await access.getByRole("cell", { name: "Masuk di peramban", exact: true }).waitFor();
    assert.deepEqual(await axeCheck(page), []);
    await screenshot(page, "admin-access");
    await tokenRow.getByRole("button", { name: "Cabut" }).click();
    await tokenRow.getByRole("button", { name: "Klik lagi untuk memastikan" }).click();
    await access.getByText(`Token ${tokenId} dicabut.`).waitFor({ timeout: 10_000 });
    await tokenRow.waitFor({ state: "detached", timeout: 10_000 });
    assert.equal(await stack.sql(`SELECT revoked_at IS NOT NULL FROM tokens WHERE id = ${tokenId}`), "t");

    // Disabling the account ends the sign-in at once; enabling it again lets the password in.
    await access.getByRole("button", { name: /Nonaktifkan akun/ }).click();
    await access.getByRole("button", { name: "Klik lagi untuk memastikan" }).click();
    await access.getByText("Akun Petugas Baru dinonaktifkan; semua token dan sesinya dicabut.").waitFor({ timeout: 10_000 });
    await access.getByText("Tidak ada token atau sesi masuk yang berlaku.").waitFor({ timeout: 10_000 });
    await row.getByText("nonaktif").waitFor();
    await p2.reload();
    await p2.waitForURL(/#\/signin/, { timeout: 15_000 });
    await p2.fill("#username", "petugas.baru");
    await p2.fill("#password", "rahasia-sekali-123");
    await p2.click('form button[type="submit"]');
    // The right password learns why; a wrong one hears what any wrong password hears.
    await p2.getByText("Akun ini dinonaktifkan. Minta admin kantor untuk mengaktifkannya lagi.").waitFor({ timeout: 10_000 });
    await p2.fill("#password", "bukan-sandinya-123");
    await p2.click('form button[type="submit"]');
    await p2.getByText("Nama pengguna atau kata sandi salah.").waitFor({ timeout: 10_000 });
    await access.getByRole("button", { name: "Aktifkan akun lagi" }).click();
    await access.getByText(/Akun Petugas Baru aktif lagi/).waitFor({ timeout: 10_000 });
    await signIn(p2, stack.webUrl, { username: "petugas.baru", password: "rahasia-sekali-123" });
    await p2.waitForURL(/#\/desk/);
    await other.close();
    await access.getByRole("button", { name: "Tutup" }).click();

    // The change log names each account change.
    const actions = await stack.sql(
      `SELECT string_agg(action, ',' ORDER BY id) FROM admin_audit
       WHERE (action LIKE 'principal.%' AND entity = '${id}') OR (action LIKE 'token.%' AND entity = '${tokenId}')`,
    );
    assert.equal(actions, "principal.create,principal.password,token.create,token.revoke,principal.disable,principal.enable");

    // Couriers and a shift.
    await page.getByRole("button", { name: "Kurir & shift" }).click();
    await page.getByRole("rowheader", { name: "Budi Santoso" }).waitFor({ timeout: 10_000 });
    const shift = page.locator("form", { has: page.locator("#admin-shift-h") });
    await shift.locator("select").selectOption({ label: "Budi Santoso" });
    await shift.locator('input[type="date"]').fill("2026-12-01");
    await shift.getByLabel("Libur hari itu").check();
    await shift.locator('button[type="submit"]').click();
    await shift.getByText(/Shift Budi Santoso tanggal 1 Des 2026 disimpan/).waitFor({ timeout: 10_000 });
    assert.deepEqual(await axeCheck(page), []);
    await screenshot(page, "admin-couriers");

    // The calendar: the hours form shows the week as saved (Monday until 14:30 here, not the
    // suggestion's 15:00); then slots are generated from the seeded week.
    await stack.sql(`UPDATE office_hours SET closes = '14:30' WHERE office_id = 'bpp' AND weekday = 1`);
    await page.getByRole("button", { name: "Kalender" }).click();
    const week = page.locator('form[data-hours="saved"]');
    await week.waitFor({ timeout: 10_000 });
    assert.equal(await week.getByLabel("Tutup pukul: Senin", { exact: true }).inputValue(), "14:30");
    assert.equal(await week.getByLabel("Buka: Sabtu", { exact: true }).isChecked(), false);
    await week.getByText("Isian ini jam yang tersimpan sekarang.").waitFor();
    // A closing time may be midnight ("24" reads as 24:00, which a browser's time control cannot
    // show); an opening time may not. Not saved, and the form says so.
    const hoursForm = page.locator("form[data-hours]");
    const mondayCloses = hoursForm.getByLabel("Tutup pukul: Senin", { exact: true });
    await mondayCloses.fill("24");
    await mondayCloses.blur();
    assert.equal(await mondayCloses.inputValue(), "24:00");
    await page.locator('form[data-hours="edited"]').getByText("Ada perubahan yang belum disimpan.").waitFor();
    const mondayOpens = hoursForm.getByLabel("Buka pukul: Senin", { exact: true });
    await mondayOpens.fill("24");
    await mondayOpens.blur();
    assert.equal(await mondayOpens.inputValue(), "24");
    await mondayOpens.fill("08:00");
    await mondayCloses.fill("14.30");
    await stack.sql(`UPDATE office_hours SET closes = '15:00' WHERE office_id = 'bpp' AND weekday = 1`);
    const gen = page.locator("form", { has: page.locator("#admin-gen-h") });
    // The dates in words below the browser's date controls, whatever language it draws them in.
    const fromDay = await gen.getByLabel("Dari tanggal").inputValue();
    const words = new Date(`${fromDay}T12:00:00Z`).toLocaleDateString("id-ID", { timeZone: "UTC", weekday: "long", day: "numeric", month: "long", year: "numeric" });
    assert.equal((await gen.locator("[data-testid=day-echo]").first().textContent()).trim(), words);
    await gen.locator('button[type="submit"]').click();
    await gen.getByText(/slot baru dibuat/).waitFor({ timeout: 10_000 });
    assert.deepEqual(await axeCheck(page), []);
    await screenshot(page, "admin-calendar");

    // Closing: one counter on a day, then the whole office on another (nothing booked there yet).
    const inDays = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    const closeCounter = page.locator("form", { has: page.locator("#admin-cc-h") });
    await closeCounter.locator("select option:nth-child(2)").waitFor({ state: "attached", timeout: 15_000 });
    await closeCounter.locator("select").selectOption({ index: 1 });
    await closeCounter.getByLabel("Tanggal").fill(inDays(20));
    await closeCounter.getByLabel("Alasan").fill("pelatihan petugas");
    await closeCounter.getByRole("checkbox").check();
    await closeCounter.locator('button[type="submit"]').click();
    await closeCounter.getByText(/janji temu dipindahkan/).waitFor({ timeout: 10_000 });
    const closeDay = page.locator("form", { has: page.locator("#admin-cd-h") });
    await closeDay.getByLabel("Tanggal").fill(inDays(21));
    await closeDay.getByLabel("Alasan").fill("hari libur daerah");
    await closeDay.getByRole("checkbox").check();
    await closeDay.locator('button[type="submit"]').click();
    await closeDay.getByText(/janji temu dipindahkan/).waitFor({ timeout: 10_000 });

    // Dead tasks: one retried, one dropped.
    const dead = (await stack.sql(
      `INSERT INTO tasks (office_id, queue, state, attempt, max_attempts, last_error)
       VALUES ('bpp', 'demo.export', 'dead', 8, 8, 'gateway answered 503'),
              ('bpp', 'notify.send', 'dead', 8, 8, 'address refused')
       RETURNING id`,
    )).split("\n");
    await page.getByRole("button", { name: "Tugas gagal" }).click();
    await page.locator(`tr[data-task-id="${dead[0]}"]`).waitFor({ timeout: 10_000 });
    // A queue the page knows is named in words, with its name for the logs; another by its name.
    assert.match(await page.locator(`tr[data-task-id="${dead[1]}"]`).textContent(), /Kirim pemberitahuan \(notify\.send\)/);
    assert.match(await page.locator(`tr[data-task-id="${dead[0]}"]`).textContent(), /demo\.export/);
    assert.deepEqual(await axeCheck(page), []);
    await screenshot(page, "admin-tasks");
    await page.locator(`tr[data-task-id="${dead[0]}"]`).getByRole("button", { name: /Coba lagi/ }).click();
    await page.getByText(`Tugas ${dead[0]} dijadwalkan ulang.`).waitFor({ timeout: 10_000 });
    assert.equal(await stack.sql(`SELECT state FROM tasks WHERE id = ${dead[0]}`), "ready");
    const drop = page.locator(`tr[data-task-id="${dead[1]}"]`).getByRole("button", { name: "Buang" });
    await drop.click();
    await page.locator(`tr[data-task-id="${dead[1]}"]`).getByRole("button", { name: "Klik lagi untuk memastikan" }).click();
    await page.getByText(`Tugas ${dead[1]} dibuang.`).waitFor({ timeout: 10_000 });
    assert.notEqual(await stack.sql(`SELECT coalesce((SELECT state FROM tasks WHERE id = ${dead[1]}), 'gone')`), "dead");
  } finally {
    await ctx.close();
  }
});

test("reference data: a holiday added and a year imported from CSV, a clinic added and edited, the change log names who did it; the monthly report", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  try {
    await signIn(page, stack.webUrl, stack.users.admin);
    await page.waitForURL(/#\/admin/);

    // Holidays: one added by hand, then next year's list imported from the government's CSV.
    await page.getByRole("button", { name: "Hari libur" }).click();
    const add = page.locator("form", { has: page.locator("#ref-holiday-add-h") });
    await add.getByLabel("Tanggal").fill("2027-06-10");
    await add.getByLabel("Nama").fill("Hari jadi kantor");
    await add.locator('button[type="submit"]').click();
    await page.locator('tr[data-date="2027-06-10"]').waitFor({ timeout: 10_000 });
    await page.getByLabel("Tahun").fill("2027");
    await page.getByLabel("Tahun").press("Tab");
    const imp = page.locator("form", { has: page.locator("#ref-import-h") });
    await imp.locator('input[type="file"]').setInputFiles({
      name: "libur-2027.csv",
      mimeType: "text/csv",
      buffer: Buffer.from("date,name,kind\n2027-03-10,Hari Suci Nyepi,national\n2027-03-20,Idulfitri 1448 H,national\n"),
    });
    await imp.locator('button[type="submit"]').click();
    await page.getByText(/Impor selesai: 2 ditambah/).waitFor({ timeout: 10_000 });
    await page.locator('tr[data-date="2027-03-20"]').waitFor();
    assert.equal(await stack.sql("SELECT name FROM holidays WHERE day = '2027-03-20'"), "Idulfitri 1448 H");
    assert.deepEqual(await axeCheck(page), []);
    await screenshot(page, "admin-holidays");

    // A partner clinic: added, then its hours changed.
    await page.getByRole("button", { name: "Klinik mitra" }).click();
    const form = page.locator("form", { has: page.locator("#ref-clinic-form-h") });
    await form.getByLabel("ID").fill("klinik-sehat-baru");
    await form.getByLabel("Nama").fill("Klinik Sehat Baru");
    await form.getByLabel("Alamat").fill("Jl. Jenderal Sudirman No. 1, Balikpapan");
    await form.getByLabel("Lintang (latitude)").fill("-1.2654");
    await form.getByLabel("Bujur (longitude)").fill("116.8312");
    await form.locator('button[type="submit"]').click();
    const row = page.locator('tr[data-clinic="klinik-sehat-baru"]');
    await row.waitFor({ timeout: 10_000 });
    await row.getByRole("button", { name: "Ubah Klinik Sehat Baru" }).click();
    // Typed as Indonesian writes a time ("14.00"): the field is text on the 24-hour clock, not the
    // browser's time control (which an English Windows draws as "02:00 PM").
    await form.getByLabel("Tutup").fill("14.00");
    await form.locator('button[type="submit"]').click();
    await row.getByText("08:00–14:00").waitFor({ timeout: 10_000 });
    // Its kind in words, and the save said once by its name ("Klinik Sehat Baru", not "Klinik Klinik …").
    assert.equal(await row.locator("td").nth(1).textContent(), "Klinik");
    await page.getByText("Klinik Sehat Baru disimpan.").waitFor({ timeout: 10_000 });
    assert.deepEqual(await axeCheck(page), []);
    await screenshot(page, "admin-clinics");

    // A permit type's number code: what its permit numbers carry, set from the page.
    await page.getByRole("button", { name: "Jenis izin" }).click();
    const bidan = page.locator('[data-testid="permit-types"] tr[data-code="SIP_BIDAN"]');
    await bidan.waitFor({ timeout: 10_000 });
    assert.equal(await bidan.locator("td").nth(1).textContent(), "SIPB"); // the seed's
    await bidan.getByRole("button", { name: /^Ubah / }).click();
    const ptForm = page.locator("form", { has: page.locator("#ref-ptype-h") });
    await ptForm.getByLabel(/Kode di nomor izin/).fill("sipb.bpp");
    await ptForm.locator('button[type="submit"]').click();
    await page.getByText(/Jenis izin .* disimpan\./).waitFor({ timeout: 10_000 });
    await bidan.locator("td", { hasText: "SIPB.BPP" }).waitFor({ timeout: 10_000 });
    assert.equal(await stack.sql("SELECT number_code FROM permit_types WHERE code = 'SIP_BIDAN'"), "SIPB.BPP");
    // The document list it did not show stays as it was.
    assert.equal(await stack.sql("SELECT count(*) > 0 FROM permit_type_documents WHERE permit_type = 'SIP_BIDAN'"), "t");
    assert.deepEqual(await axeCheck(page), []);

    // The change log: who changed what, before and after.
    await page.getByRole("button", { name: "Jejak perubahan" }).click();
    const log = page.locator('[data-testid="audit"]');
    await log.waitFor({ timeout: 10_000 });
    assert.match(await log.textContent(), /klinik-sehat-baru/);
    assert.match(await log.textContent(), /2027-03-20/);
    assert.deepEqual(await axeCheck(page), []);

    // The monthly report for this month: the page and its CSV.
    await page.goto(`${stack.webUrl}/#/report`);
    await page.locator('[data-testid="report"]').waitFor({ timeout: 15_000 });
    // The month is chosen from months in words ("Desember 2026"), not the browser's month control.
    const thisMonth = await page.locator("#report-month").inputValue();
    const monthWords = await page.locator("#report-month option:checked").textContent();
    assert.match(monthWords, /^(Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember) \d{4}$/);
    assert.equal(await page.locator('[data-testid="report"]').getAttribute("data-month"), thisMonth);
    // Averages with a decimal comma ("0,0"), never a point, in the Indonesian page.
    const reportText = await page.locator('[data-testid="report"]').textContent();
    assert.match(reportText, /\d,\d/);
    assert.doesNotMatch(reportText, /\b\d+\.\d\b/);
    assert.deepEqual(await axeCheck(page), []);
    await screenshot(page, "report");
    const [dl] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Unduh CSV" }).click()]);
    assert.match(dl.suggestedFilename(), /^laporan-\d{4}-\d{2}\.csv$/);
    // The CSV's figures are numbers a spreadsheet in any language reads: a decimal point, unquoted.
    const csv = readFileSync(await dl.path(), "utf8");
    assert.match(csv, /,\d+\.\d\r\n/);
    assert.doesNotMatch(csv, /"\d+,\d+"/);
    // The month before, chosen from the list.
    const before = await page.locator("#report-month option").nth(1).getAttribute("value");
    await page.selectOption("#report-month", before);
    await page.getByRole("button", { name: "Tampilkan" }).click();
    await page.locator(`[data-testid="report"][data-month="${before}"]`).waitFor({ timeout: 15_000 });
  } finally {
    await ctx.close();
  }
});
