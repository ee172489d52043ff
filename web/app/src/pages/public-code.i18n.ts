import type { Catalog } from "../i18n";

// The phone code of a booking not yet confirmed (the booking page's fourth step, and "manage my
// booking" for one left at that step). Bahasa Indonesia first, English on the switch.
export const publicCodeStrings: Catalog = {
  id: {
    "pub.code.codeSent": "Kami telah mengirim kode 6 angka ke {phone}.",
    "pub.code.codeExpires": "Kode berlaku sampai {time}. Anda punya 5 kali percobaan.",
    "pub.code.code": "Kode 6 angka dari SMS",
    "pub.code.codeHint": "Ketik 6 angka yang kami kirim ke HP Anda.",
    "pub.code.confirm": "Konfirmasi",
    "pub.code.confirming": "Memeriksa kode…",
    "pub.code.resend": "Kirim kode baru",
    "pub.code.resent": "Kode baru dikirim ke {phone}; berlaku sampai pukul {time} WITA. Kode lama tidak berlaku lagi.",
    "pub.code.wrongCode": "Kode salah. Periksa SMS lalu coba lagi.",
    "pub.code.wrongCodeLeft": "Kode salah. Sisa {n} kali percobaan.",
    "pub.code.codeExpired": "Kode sudah kedaluwarsa. Minta kode baru.",
    "pub.code.v.code": "Kode terdiri dari 6 angka.",
    "pub.code.sentEarlier": "Ketik kode 6 angka dari SMS kami. Bila SMS tidak datang atau kodenya sudah lewat 10 menit, minta kode baru. Janji ini baru dibuat setelah kodenya benar.",
  },
  en: {
    "pub.code.codeSent": "We have sent a 6-digit code to {phone}.",
    "pub.code.codeExpires": "The code is valid until {time}. You have 5 tries.",
    "pub.code.code": "6-digit code from the SMS",
    "pub.code.codeHint": "Type the 6 digits we sent to your phone.",
    "pub.code.confirm": "Confirm",
    "pub.code.confirming": "Checking the code…",
    "pub.code.resend": "Send a new code",
    "pub.code.resent": "A new code was sent to {phone}; valid until {time} WITA. The old code no longer works.",
    "pub.code.wrongCode": "Wrong code. Check the SMS and try again.",
    "pub.code.wrongCodeLeft": "Wrong code. {n} tries left.",
    "pub.code.codeExpired": "The code has expired. Ask for a new one.",
    "pub.code.v.code": "The code has 6 digits.",
    "pub.code.sentEarlier": "Type the 6-digit code from our SMS. If no SMS came or the code is older than 10 minutes, ask for a new one. The visit is booked only once the code is right.",
  },
};
