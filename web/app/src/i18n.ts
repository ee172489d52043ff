// Strings a person sees: Bahasa Indonesia by default, English on the switch (kept in
// localStorage "loket.lang"). Each page keeps its own Catalog in <page>.i18n.ts.
import { useEffect, useState } from "preact/hooks";

export type Lang = "id" | "en";
export type Catalog = { id: Record<string, string>; en: Record<string, string> };

const KEY = "loket.lang";
const EVENT = "loket-lang";

function readLang(): Lang {
  try {
    return localStorage.getItem(KEY) === "en" ? "en" : "id";
  } catch {
    return "id";
  }
}

let current: Lang = readLang();
if (typeof document !== "undefined") document.documentElement.lang = current;

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  current = lang;
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    /* private mode: the choice lasts for this page */
  }
  document.documentElement.lang = lang;
  window.dispatchEvent(new Event(EVENT));
}

function fill(s: string, vars?: Record<string, string | number>): string {
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

export function translate(lang: Lang, catalogs: Catalog[], key: string, vars?: Record<string, string | number>): string {
  for (const c of catalogs) {
    const s = c[lang][key];
    if (s !== undefined) return fill(s, vars);
  }
  for (const c of catalogs) {
    const s = c.id[key];
    if (s !== undefined) return fill(s, vars);
  }
  return key;
}

/** The catalogs' text for `key`, or `fallback` (a value as loketd sent it) where they have none. */
export function textOr(
  t: (key: string, vars?: Record<string, string | number>) => string,
  key: string,
  fallback: string,
  vars?: Record<string, string | number>,
): string {
  const s = t(key, vars);
  return s === key ? fallback : s;
}

// Catalogs a lazily loaded page module adds for every page once it has loaded (registerCatalog):
// the staff pages' words for loketd's messages (pages/staff-words.i18n.ts) stay out of the bundle
// the public pages load first.
const registered: Catalog[] = [];
export function registerCatalog(c: Catalog): void {
  registered.push(c); // once: a module runs once
}

/** A translator over the given catalogs (then `common`, then any registered); re-renders on a
 * language switch. */
export function useT(...catalogs: Catalog[]): (key: string, vars?: Record<string, string | number>) => string {
  const [lang, setL] = useState<Lang>(current);
  useEffect(() => {
    const h = () => setL(current);
    window.addEventListener(EVENT, h);
    return () => window.removeEventListener(EVENT, h);
  }, []);
  const all = [...catalogs, common, ...registered];
  return (key, vars) => translate(lang, all, key, vars);
}

export function useLang(): Lang {
  const [lang, setL] = useState<Lang>(current);
  useEffect(() => {
    const h = () => setL(current);
    window.addEventListener(EVENT, h);
    return () => window.removeEventListener(EVENT, h);
  }, []);
  return lang;
}

/** The office's zone: Balikpapan keeps WITA (UTC+8, no daylight saving). */
export const OFFICE_TIME_ZONE = "Asia/Makassar";
export const OFFICE_ZONE_NAME = "WITA";
export const OFFICE_OFFSET_MIN = 8 * 60; // WITA, UTC+8, no daylight saving

/** An RFC 3339 instant as HH:MM office time, 24-hour ("" for ""; the text itself when unreadable). */
export function officeClock(rfc3339: string): string {
  const ms = Date.parse(rfc3339);
  if (isNaN(ms)) return rfc3339;
  const d = new Date(ms + OFFICE_OFFSET_MIN * 60000);
  return `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
}

/**
 * A typed time of day as "HH:MM" on the 24-hour clock, or null when it is not one: "8.30", "08:30",
 * "08,30", "0830" and "8" are all understood. 24:00 only for an `end` (the end of a day).
 */
export function normalizeClock(text: string, end = false): string | null {
  const m = /^(\d{1,2})(?:[:.,]?(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = m[2] === undefined ? 0 : Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && (!end || min > 0))) return null;
  return `${String(h).padStart(2, "0")}:${String(min).padStart(2, "0")}`;
}

/** Whether `value` is a time of day as the pages send it, "HH:MM" (24:00 only for an `end`). */
export function isClock(value: string, end = false): boolean {
  return normalizeClock(value, end) === value;
}

/** Today in the office's calendar (WITA), YYYY-MM-DD. */
export function officeToday(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: OFFICE_TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

/**
 * An instant in office time, the zone named, in the user's language: "30 Nov 2026 14:05 WITA"
 * ("30 Des 2026 14:05 WITA"). Never the browser's zone, never UTC: the office's clock is the one
 * people compare with.
 */
export function formatDateTime(rfc3339: string, lang: Lang = current): string {
  if (!rfc3339) return "";
  const d = new Date(rfc3339);
  if (isNaN(d.getTime())) return rfc3339;
  const parts = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "id-ID", {
    timeZone: OFFICE_TIME_ZONE,
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(d);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("day")} ${part("month").replace(/\.$/, "")} ${part("year")} ${part("hour")}:${part("minute")} ${OFFICE_ZONE_NAME}`;
}

/** A number with `digits` decimals as the language writes it: "17,4" in Indonesian, "17.4" in English. */
export function formatDecimal(n: number, digits: number, lang: Lang = current): string {
  if (!Number.isFinite(n)) return "—";
  return new Intl.NumberFormat(lang === "en" ? "en-GB" : "id-ID", { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
}

/** A file's size as people read it: "586 B", "24,3 KB", "6,0 MB" (a decimal comma in Indonesian). */
export function byteSize(n: number | bigint): string {
  const v = Number(n);
  if (v < 1024) return `${v} B`;
  if (v < 1024 * 1024) return `${formatDecimal(v / 1024, 1)} KB`;
  return `${formatDecimal(v / 1024 / 1024, 1)} MB`;
}

// A day ("2026-12-07") written in the page's language with `style`; undefined when not a day.
function writeDay(ymd: string, lang: Lang, style: Intl.DateTimeFormatOptions): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12));
  return d.toLocaleDateString(lang === "en" ? "en-GB" : "id-ID", { timeZone: "UTC", ...style });
}

export function formatDate(ymd: string, lang: Lang = current): string {
  if (!ymd) return "";
  return writeDay(ymd, lang, { dateStyle: "medium" }) ?? ymd;
}

/** A month ("2026-12") in words: "Desember 2026"; "" when not a month. */
export function formatMonthLong(ym: string, lang: Lang = current): string {
  return writeDay(`${ym}-01`, lang, { month: "long", year: "numeric" }) ?? "";
}

/** A day ("2026-12-07") with its weekday, in words: "Senin, 7 Desember 2026"; "" when not a day. */
export function formatDayLong(ymd: string, lang: Lang = current): string {
  return writeDay(ymd, lang, { weekday: "long", day: "numeric", month: "long", year: "numeric" }) ?? "";
}

export const common: Catalog = {
  id: {
    "app.office": "DPMPTSP Kota Balikpapan",
    "app.name": "Loket",
    "layout.skip": "Langsung ke isi utama",
    "layout.signedInAs": "Masuk sebagai {name} ({role})",
    "layout.signOut": "Keluar",
    "layout.language": "Bahasa",
    "layout.switchTo": "English",
    "layout.switchLabel": "Switch to English",
    "layout.nav": "Navigasi utama",
    "common.loading": "Memuat…",
    "common.save": "Simpan",
    "common.cancel": "Batal",
    "common.back": "Kembali",
    "common.retry": "Coba lagi",
    "common.refresh": "Muat ulang",
    "common.close": "Tutup",
    "common.yes": "Ya",
    "common.no": "Tidak",
    "common.none": "—",
    "common.required": "wajib",
    "common.optional": "opsional",
    "common.notFound": "Halaman tidak ditemukan.",
    "common.home": "Ke beranda",
    "common.placeholder": "Halaman ini sedang disiapkan.",
    "common.offline": "Tidak ada koneksi internet.",
    "role.ADMIN": "admin",
    "role.OFFICER": "petugas",
    "role.APPROVER": "pejabat penyetuju",
    "role.COUNTER": "petugas loket",
    "role.CLINIC": "klinik",
    "role.COURIER": "kurir",
    "role.WORKER": "proses latar",
    "role.PUBLIC": "publik",
    "role.DISPLAY": "layar antrean",
    "state.DRAFT": "Draf",
    "state.SUBMITTED": "Diajukan",
    "state.VERIFYING": "Sedang diverifikasi",
    "state.REVISION_REQUESTED": "Perlu perbaikan",
    "state.APPROVED": "Disetujui",
    "state.REJECTED": "Ditolak",
    "state.ISSUED": "Izin terbit",
    "state.DELIVERED": "Diantar",
    "state.COLLECTED": "Diambil",
    "state.WITHDRAWN": "Dibatalkan",
    "state.REVOKED": "Izin dicabut",
    "state.UNSPECIFIED": "—",
    "channel.ONLINE": "Daring",
    "channel.CLINIC": "Klinik (SIBER)",
    "channel.COUNTER": "Loket",
    "channel.APPOINTMENT": "Janji temu",
    "channel.UNSPECIFIED": "—",
    "err.offline": "Tidak ada koneksi. Periksa jaringan lalu coba lagi.",
    "err.unauthenticated": "Sesi Anda berakhir. Silakan masuk lagi.",
    "err.permission": "Anda tidak berwenang melakukan ini.",
    "err.notFound": "Tidak ditemukan.",
    "err.conflict": "Kasus ini telah diubah oleh orang lain.",
    "err.precondition": "Tidak dapat dilakukan sekarang: {msg}",
    "err.invalid": "Data tidak valid: {msg}",
    "err.exists": "Sudah ada: {msg}",
    "err.throttled": "Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi.",
    "err.throttledFor": "Terlalu banyak percobaan. Coba lagi dalam {seconds} detik.",
    "err.busyFor": "Layanan sedang melayani banyak permintaan. Coba lagi dalam {seconds} detik.",
    "err.unavailable": "Layanan sedang tidak dapat dihubungi. Coba lagi sebentar lagi.",
    "err.unknown": "Terjadi kesalahan: {msg}",
    "sv.required": "wajib diisi",
    "sv.requiredNumber": "wajib diisi (bilangan positif)",
    "sv.nik16": "harus 16 angka",
    "sv.nikProvince": "angka ke-1 dan ke-2 ({code}) bukan kode provinsi yang dikenal",
    "sv.nikKabKota": "angka ke-3 dan ke-4 (kode kabupaten/kota) tidak boleh 00",
    "sv.nikKecamatan": "angka ke-5 dan ke-6 (kode kecamatan) tidak boleh 00",
    "sv.nikBirth": "angka ke-7 sampai ke-12 ({digits}) bukan tanggal lahir yang benar",
    "sv.nikSerial": "angka ke-13 sampai ke-16 (nomor urut) tidak boleh 0000",
    "sv.phonePrefix": "harus diawali +62, 62 atau 0",
    "sv.phoneDigits": "setelah awalan hanya boleh angka",
    "sv.phoneLength": "harus 8 sampai 12 angka setelah +62",
    "sv.phoneZero": "tidak boleh ada 0 tepat setelah +62",
    "sv.longer": "lebih dari {max} karakter",
    "sv.email": "bukan alamat e-mail (nama@domain.tld)",
    "sv.utf8": "bukan teks yang sah (UTF-8)",
    "sv.nameChars": "hanya boleh berisi huruf, spasi dan . , ' -",
    "sv.nameLength": "harus 2 sampai 100 karakter",
    "sv.nameLetter": "harus berisi huruf",
    "sv.control": "berisi karakter kendali",
    "sv.oneLine": "harus satu baris (tanpa ganti baris)",
    "sv.fileName": "harus nama berkas biasa (tanpa / atau \\)",
    "sv.mediaType": "harus PDF, JPEG atau PNG",
    "sv.empty": "kosong",
    "file.choose": "Pilih berkas",
    "date.choose": "Pilih tanggal",
    "clock.placeholder": "JJ:MM",
    "file.none": "Belum ada berkas dipilih",
    "sv.notClock": "“{text}” bukan jam (JJ:MM, format 24 jam, 00:00 sampai {last})",
    "sv.tooLong": "{size} bita melebihi batas {max} bita",
    "sv.notType": "bukan berkas {type} (isinya tidak sesuai jenisnya)",
    "sv.f.nik": "NIK",
    "sv.f.name": "Nama",
    "sv.f.phone": "Nomor HP",
    "sv.f.email": "E-mail",
    "sv.f.document": "Dokumen",
    "sv.f.fileName": "Nama berkas",
    "notif.channel.webhook": "SMS/WhatsApp",
    "notif.channel.email": "e-mail",
    "sv.caseState": "kasus {id} berstatus {state}; {step} hanya dapat dilakukan dari status {from}",
    "sv.missingDocs": "dokumen wajib belum ada: {docs}",
    "sv.attachState": "kasus {id} berstatus {state}; dokumen hanya dapat dilampirkan saat Draf, Diajukan, Sedang diverifikasi atau Perlu perbaikan",
    "sv.listSep": " / ",
    "sv.step.Submit": "pengajuan",
    "sv.step.StartVerification": "mulai verifikasi",
    "sv.step.RequestRevision": "permintaan perbaikan",
    "sv.step.SubmitRevision": "pengiriman perbaikan",
    "sv.step.Approve": "persetujuan",
    "sv.step.Reject": "penolakan",
    "sv.step.Issue": "penerbitan izin",
    "sv.step.Withdraw": "pembatalan",
    "sv.step.MarkCollected": "pengambilan",
    "sv.step.MarkDelivered": "pengantaran",
    "sv.step.Revoke": "pencabutan",
    "action.CreateDraft": "Draf dibuat",
    "action.Submit": "Diajukan",
    "action.AttachDocument": "Dokumen dilampirkan",
    "action.StartVerification": "Verifikasi dimulai",
    "action.RequestRevision": "Perbaikan diminta",
    "action.SubmitRevision": "Perbaikan dikirim",
    "action.Approve": "Disetujui",
    "action.Reject": "Ditolak",
    "action.Issue": "Izin diterbitkan",
    "action.Withdraw": "Dibatalkan",
    "action.MarkCollected": "Izin diambil",
    "action.MarkDelivered": "Izin diantar",
    "action.Revoke": "Izin dicabut",
    "action.CancelStop": "Jadwal kurir dibatalkan",
    "sv.strEnded": "STR berakhir pada {day}; perpanjang STR terlebih dahulu",
    "sv.pickupOrder": "harus lebih awal dari jam akhir penjemputan",
    "sv.f.window": "Rentang waktu",
    "sv.f.pickupAfter": "Jemput setelah jam",
    "sv.f.pickupDay": "Hari penjemputan",
    "sv.f.strValid": "STR berlaku sampai",
    "sv.requestCancelled": "permintaan janji temu {id} sudah dibatalkan",
    "sv.requestCheckedIn": "permintaan janji temu {id}: pengunjung sudah check-in",
    "sv.notWorkingDay": "{day} bukan hari kerja",
    "sv.windowOrder": "jam mulai harus sebelum jam selesai",
  },
  en: {
    "app.office": "DPMPTSP Balikpapan City",
    "app.name": "Loket",
    "layout.skip": "Skip to main content",
    "layout.signedInAs": "Signed in as {name} ({role})",
    "layout.signOut": "Sign out",
    "layout.language": "Language",
    "layout.switchTo": "Bahasa Indonesia",
    "layout.switchLabel": "Ganti ke Bahasa Indonesia",
    "layout.nav": "Main navigation",
    "common.loading": "Loading…",
    "common.save": "Save",
    "common.cancel": "Cancel",
    "common.back": "Back",
    "common.retry": "Try again",
    "common.refresh": "Reload",
    "common.close": "Close",
    "common.yes": "Yes",
    "common.no": "No",
    "common.none": "—",
    "common.required": "required",
    "common.optional": "optional",
    "common.notFound": "Page not found.",
    "common.home": "Go home",
    "common.placeholder": "This page is being prepared.",
    "common.offline": "No internet connection.",
    "role.ADMIN": "admin",
    "role.OFFICER": "officer",
    "role.APPROVER": "approver",
    "role.COUNTER": "counter clerk",
    "role.CLINIC": "clinic",
    "role.COURIER": "courier",
    "role.WORKER": "worker",
    "role.PUBLIC": "public",
    "role.DISPLAY": "queue display",
    "state.DRAFT": "Draft",
    "state.SUBMITTED": "Submitted",
    "state.VERIFYING": "Verifying",
    "state.REVISION_REQUESTED": "Revision requested",
    "state.APPROVED": "Approved",
    "state.REJECTED": "Rejected",
    "state.ISSUED": "Issued",
    "state.DELIVERED": "Delivered",
    "state.COLLECTED": "Collected",
    "state.WITHDRAWN": "Withdrawn",
    "state.REVOKED": "Revoked",
    "state.UNSPECIFIED": "—",
    "channel.ONLINE": "Online",
    "channel.CLINIC": "Clinic (SIBER)",
    "channel.COUNTER": "Counter",
    "channel.APPOINTMENT": "Appointment",
    "channel.UNSPECIFIED": "—",
    "err.offline": "No connection. Check the network and try again.",
    "err.unauthenticated": "Your session has ended. Please sign in again.",
    "err.permission": "You are not allowed to do this.",
    "err.notFound": "Not found.",
    "err.conflict": "This case was changed by someone else.",
    "err.precondition": "Not possible now: {msg}",
    "err.invalid": "Invalid data: {msg}",
    "err.exists": "Already exists: {msg}",
    "err.throttled": "Too many attempts. Wait a moment and try again.",
    "err.throttledFor": "Too many attempts. Try again in {seconds} seconds.",
    "err.busyFor": "The service is busy with many requests. Try again in {seconds} seconds.",
    "err.unavailable": "The service cannot be reached right now. Try again shortly.",
    "err.unknown": "Something went wrong: {msg}",
    "sv.required": "required",
    "sv.requiredNumber": "required (a positive number)",
    "sv.nik16": "must be 16 digits",
    "sv.nikProvince": "digits 1-2 ({code}) are no known province code",
    "sv.nikKabKota": "digits 3-4 (regency/city code) may not be 00",
    "sv.nikKecamatan": "digits 5-6 (district code) may not be 00",
    "sv.nikBirth": "digits 7-12 ({digits}) are not a birth date",
    "sv.nikSerial": "digits 13-16 (serial number) may not be 0000",
    "sv.phonePrefix": "must start with +62, 62 or 0",
    "sv.phoneDigits": "only digits after the prefix",
    "sv.phoneLength": "must have 8 to 12 digits after +62",
    "sv.phoneZero": "no 0 right after +62",
    "sv.longer": "longer than {max} characters",
    "sv.email": "not an e-mail address (name@domain.tld)",
    "sv.utf8": "not valid text (UTF-8)",
    "sv.nameChars": "may contain only letters, spaces and . , ' -",
    "sv.nameLength": "must be 2 to 100 characters",
    "sv.nameLetter": "must contain a letter",
    "sv.control": "contains a control character",
    "sv.oneLine": "must be one line (no line break)",
    "sv.fileName": "must be a plain file name (no / or \\)",
    "sv.mediaType": "must be a PDF, JPEG or PNG",
    "sv.empty": "empty",
    "file.choose": "Choose a file",
    "date.choose": "Choose a date",
    "clock.placeholder": "HH:MM",
    "file.none": "No file chosen",
    "sv.notClock": "“{text}” is not a time (HH:MM, 24-hour clock, 00:00 to {last})",
    "sv.tooLong": "{size} bytes is over the {max}-byte limit",
    "sv.notType": "not a {type} file (its content does not match its type)",
    "sv.f.nik": "NIK",
    "sv.f.name": "Name",
    "sv.f.phone": "Phone number",
    "sv.f.email": "E-mail",
    "sv.f.document": "Document",
    "sv.f.fileName": "File name",
    "notif.channel.webhook": "SMS/WhatsApp",
    "notif.channel.email": "e-mail",
    "sv.caseState": "case {id} is {state}; {step} needs {from}",
    "sv.missingDocs": "mandatory documents missing: {docs}",
    "sv.attachState": "case {id} is {state}; documents can be attached while Draft, Submitted, Verifying or Revision requested",
    "sv.listSep": " / ",
    "sv.step.Submit": "submitting",
    "sv.step.StartVerification": "starting verification",
    "sv.step.RequestRevision": "asking for a revision",
    "sv.step.SubmitRevision": "sending the revision",
    "sv.step.Approve": "approving",
    "sv.step.Reject": "rejecting",
    "sv.step.Issue": "issuing",
    "sv.step.Withdraw": "withdrawing",
    "sv.step.MarkCollected": "marking collected",
    "sv.step.MarkDelivered": "marking delivered",
    "sv.step.Revoke": "revoking",
    "action.CreateDraft": "Draft created",
    "action.Submit": "Submitted",
    "action.AttachDocument": "Document attached",
    "action.StartVerification": "Verification started",
    "action.RequestRevision": "Revision requested",
    "action.SubmitRevision": "Revision sent",
    "action.Approve": "Approved",
    "action.Reject": "Rejected",
    "action.Issue": "Permit issued",
    "action.Withdraw": "Withdrawn",
    "action.MarkCollected": "Permit collected",
    "action.MarkDelivered": "Permit delivered",
    "action.Revoke": "Permit revoked",
    "action.CancelStop": "Courier stop cancelled",
    "sv.strEnded": "the STR ended on {day}; renew the STR first",
    "sv.pickupOrder": "must be earlier than the pickup's latest time",
    "sv.f.window": "Time window",
    "sv.f.pickupAfter": "Pickup after",
    "sv.f.pickupDay": "Pickup day",
    "sv.f.strValid": "STR valid until",
    "sv.requestCancelled": "appointment request {id} is already cancelled",
    "sv.requestCheckedIn": "appointment request {id}: the visitor has already checked in",
    "sv.notWorkingDay": "{day} is not a working day",
    "sv.windowOrder": "the start must be before the end",
  },
};
