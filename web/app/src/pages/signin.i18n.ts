import type { Catalog } from "../i18n";

export const signinStrings: Catalog = {
  id: {
    "signin.title": "Masuk",
    "signin.intro": "Masuk dengan nama pengguna dan kata sandi yang diberikan admin kantor.",
    "signin.username": "Nama pengguna",
    "signin.password": "Kata sandi",
    "signin.submit": "Masuk",
    "signin.busy": "Sedang masuk…",
    "signin.wrong": "Nama pengguna atau kata sandi salah.",
    "signin.locked": "Terlalu banyak percobaan gagal. Masuk dikunci sementara; coba lagi dalam {minutes} menit {seconds} detik.",
    "signin.lockedNoTime": "Terlalu banyak percobaan gagal. Masuk dikunci sementara; coba lagi nanti.",
    "signin.missing": "Isi nama pengguna dan kata sandi.",
    "signin.slow": "Terlalu banyak percobaan. Tunggu {seconds} detik lalu coba lagi.",
    "signin.tryNow": "Silakan coba masuk lagi sekarang.",
    "signin.verifyLink": "Periksa keaslian izin",
  },
  en: {
    "signin.title": "Sign in",
    "signin.intro": "Sign in with the user name and password the office admin gave you.",
    "signin.username": "User name",
    "signin.password": "Password",
    "signin.submit": "Sign in",
    "signin.busy": "Signing in…",
    "signin.wrong": "Wrong user name or password.",
    "signin.locked": "Too many failed attempts. Sign-in is locked for a while; try again in {minutes} min {seconds} s.",
    "signin.lockedNoTime": "Too many failed attempts. Sign-in is locked for a while; try again later.",
    "signin.missing": "Enter your user name and password.",
    "signin.slow": "Too many attempts. Wait {seconds} seconds, then try again.",
    "signin.tryNow": "You can try to sign in again now.",
    "signin.verifyLink": "Check a permit",
  },
};
