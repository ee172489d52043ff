import type { Catalog } from "../i18n";

// The public home. Bahasa Indonesia first, English on the switch.
export const publicHomeStrings: Catalog = {
  id: {
    "pub.home.title": "Layanan mandiri DPMPTSP Kota Balikpapan",
    "pub.home.intro": "Tanpa akun dan tanpa antre di pintu: buat janji kunjungan, kelola janji Anda, lacak permohonan izin, dan lihat giliran antrean Anda.",
    "pub.home.book": "Buat janji kunjungan",
    "pub.home.bookText": "Pilih layanan, hari dan jam. Kami kirim kode 6 angka ke HP Anda.",
    "pub.home.visit": "Kelola janji saya",
    "pub.home.visitText": "Lihat, pindahkan atau batalkan janji dengan kode janji dan 4 angka terakhir HP.",
    "pub.home.track": "Lacak permohonan",
    "pub.home.trackText": "Lihat status berkas dengan kode lacak yang Anda terima saat mengajukan.",
    "pub.home.queue": "Giliran antrean saya",
    "pub.home.queueText": "Ketik nomor tiket Anda (misalnya P‑002) dan lihat berapa panggilan lagi.",
    "pub.home.verify": "Periksa keaslian izin",
    "pub.home.verifyText": "Cocokkan nomor izin dan kode verifikasi, atau pindai kode QR pada izin.",
    "pub.home.staffTitle": "Untuk petugas",
    "pub.home.staff": "Masuk petugas / Staff sign-in",
  },
  en: {
    "pub.home.title": "Self-service, DPMPTSP Balikpapan",
    "pub.home.intro": "No account and no queue at the door: book a visit, manage your booking, follow your application and see your place in the queue.",
    "pub.home.book": "Book a visit",
    "pub.home.bookText": "Choose the service, day and time. We send a 6-digit code to your phone.",
    "pub.home.visit": "Manage my booking",
    "pub.home.visitText": "See, move or cancel it with your booking code and your phone's last 4 digits.",
    "pub.home.track": "Follow my case",
    "pub.home.trackText": "See where your application stands with the tracking code you got when applying.",
    "pub.home.queue": "My place in the queue",
    "pub.home.queueText": "Type your ticket number (e.g. P‑002) and see how many calls are ahead.",
    "pub.home.verify": "Verify a permit",
    "pub.home.verifyText": "Check a permit number and verification code, or scan the permit's QR code.",
    "pub.home.staffTitle": "For staff",
    "pub.home.staff": "Masuk petugas / Staff sign-in",
  },
};
