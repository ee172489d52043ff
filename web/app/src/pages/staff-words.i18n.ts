// Words for what loketd says at the counter, the kiosk and on the courier's route
// (web/app/src/server-text.ts maps the messages to these keys). Registered for every page once one
// of those pages' modules loads, so the public pages' first load does not carry them.
import { registerCatalog, type Catalog } from "../i18n";
import { registerProblems, registerField } from "../server-text";

registerProblems([
  [/^counter (\S+) is closed$/, "sv.counterClosed", ["counter"]],
  [/^(\S+) is out of service$/, "sv.outOfService", ["counter"]],
  [/^(\S+) is already closed on ([\d-]+)$/, "sv.counterClosedOn", ["counter", "date:day"]],
  [/^(\S+) is the last open counter on ([\d-]+); close the day instead$/, "sv.lastCounter", ["counter", "date:day"]],
  [/^counter (\S+) has (\S+) called: /, "sv.counterBusy", ["counter", "ticket"]],
  [/^cannot (.+) ticket (\S+): it is (\w+)$/, "sv.ticketState", ["doing", "ticket", "state"]],
  [/^appointment (\S+) is checked_in: /, "sv.apptCheckedIn", ["code"]],
  [/^appointment (\S+) is no_show: /, "sv.apptNoShow", ["code"]],
  [/^appointment (\S+) is for ([\d-]+) ([\d:]+), not today$/, "sv.apptNotToday", ["code", "date:day", "time"]],
  [/^appointment (\S+) is at (\S+): check-in opens at (\S+)$/, "sv.apptEarly", ["code", "at", "opens"]],
  [/^walk-in tickets are issued during opening hours: today (\S+) (\S+);/, "sv.walkInHours", ["hours", "zone"]],
  [/^walk-in tickets are issued during opening hours: the office is closed today \(([\d-]+)\)/, "sv.walkInClosed", ["date:day"]],
  [/^not the NIK of case (\d+)'s applicant/, "sv.walkInNik", ["id"]],
  [/^visit (\d+) is (\w+): only a visit that failed its screening/, "sv.redirectOnce", ["id", "outcome"]],
  [/^stop (\d+) is on ([\d-]+), not today \([\d-]+\); report it on its day$/, "sv.stopNotToday", ["id", "date:day"]],
  [/^stop (\d+) is (\w+): say you are there first/, "sv.stopArriveFirst", ["id", "state"]],
  [/^cannot (.+) stop (\d+): it is (\w+)$/, "sv.stopState", ["doing", "id", "state"]],
  [/^stop (\d+): the bundle was not taken yet \(stop (\d+) comes first\)$/, "sv.stopBundleFirst", ["id", "first"]],
  [/^case (\d+): the permit was revoked; do not hand it over/, "sv.stopRevoked", ["id"]],
  [/^the office is closed for couriers on ([\d-]+)$/, "sv.courierClosed", ["date:day"]],
  [/^no working day in the next 30 for a visit$/, "sv.noWorkingDay30"],
  [/^temperature ([\d.]+) °C \(fever from ([\d.]+) °C\)$/, "sv.fever", ["decimal:temp", "decimal:from"]],
  [/^no mask$/, "sv.noMask"],
  [/^the measured body temperature in °C, between 30 and 45$/, "sv.tempRange"],
  // The photo's bytes changed between the phone and loketd (a flaky upload): send it again.
  [/^does not match the SHA-256 of proof_content$/, "sv.proofChanged"],
]);
registerField("counter_id", "sv.f.counter");
registerField("walk_in.name", "sv.f.name");
registerField("walk_in.phone", "sv.f.phone");
registerField("screening.temperature_c", "sv.f.temperature");
registerField("proof_sha256", "sv.f.proof");

export const staffWords: Catalog = {
  id: {
    "screening.tempHint": "Suhu yang diukur, mis. 36,5 atau 38,4",
    "sv.counterClosed": "loket {counter} tutup",
    "sv.outOfService": "{counter} sedang tidak melayani",
    "sv.counterClosedOn": "{counter} sudah ditutup pada {day}",
    "sv.lastCounter": "{counter} adalah loket terakhir yang buka pada {day}; tutup harinya saja",
    "sv.counterBusy": "loket {counter} masih memanggil {ticket}: selesaikan, lewati, alihkan, atau tandai tidak hadir dulu",
    "sv.ticketState": "tiket {ticket} tidak dapat diproses ({doing}): statusnya {state}",
    "sv.apptCheckedIn": "kedatangan janji temu {code} sudah dicatat: tiketnya sudah terbit",
    "sv.apptNoShow": "janji temu {code} tercatat tidak hadir: daftarkan pengunjung sebagai datang langsung",
    "sv.apptNotToday": "janji temu {code} untuk {day} pukul {time}, bukan hari ini",
    "sv.apptEarly": "janji temu {code} pukul {at}: kedatangan dicatat mulai pukul {opens}",
    "sv.walkInHours": "tiket datang langsung hanya terbit pada jam buka: hari ini {hours} {zone}",
    "sv.walkInClosed": "tiket datang langsung hanya terbit pada jam buka: kantor tutup hari ini ({day})",
    "sv.walkInNik": "bukan NIK pemohon kasus {id}; periksa KTP, atau daftarkan pengunjung tanpa kasus",
    "sv.redirectOnce": "kunjungan {id} berstatus {outcome}: hanya kunjungan yang gagal skrining yang dialihkan, sekali saja",
    "sv.f.counter": "Loket",
    "sv.f.temperature": "Suhu tubuh",
    "sv.tempRange": "isi suhu yang diukur dalam °C, antara 30 dan 45 (mis. 36,5)",
    "sv.fever": "suhu {temp} °C (demam mulai {from} °C)",
    "sv.decimalSep": ",",
    "sv.noMask": "tidak memakai masker",
    "sv.f.proof": "Foto bukti",
    "sv.proofChanged": "rusak di perjalanan ke server (isinya berubah); kirim foto itu sekali lagi",
    "sv.stopNotToday": "perhentian {id} dijadwalkan {day}, bukan hari ini; laporkan pada harinya",
    "sv.stopArriveFirst": "perhentian {id} berstatus {state}: tandai tiba dulu, lalu konfirmasi",
    "sv.stopState": "perhentian {id} tidak dapat diproses ({doing}): statusnya {state}",
    "sv.stopBundleFirst": "perhentian {id}: berkas belum diambil (perhentian {first} lebih dulu)",
    "sv.stopRevoked": "kasus {id}: izin telah dicabut; jangan diserahkan: laporkan perhentian ini gagal (alasan lain) dan bawa izin kembali ke kantor",
    "sv.courierClosed": "kantor tidak melayani kurir pada {day}",
    "sv.noWorkingDay30": "tidak ada hari kerja dalam 30 hari ke depan untuk kunjungan",
  },
  en: {
    "screening.tempHint": "The temperature measured, e.g. 36.5 or 38.4",
    "sv.counterClosed": "counter {counter} is closed",
    "sv.outOfService": "{counter} is out of service",
    "sv.counterClosedOn": "{counter} is already closed on {day}",
    "sv.lastCounter": "{counter} is the last open counter on {day}; close the day instead",
    "sv.counterBusy": "counter {counter} still has {ticket} called: finish, skip, transfer it or mark a no-show first",
    "sv.ticketState": "cannot {doing} ticket {ticket}: it is {state}",
    "sv.apptCheckedIn": "appointment {code} has checked in: its ticket was issued already",
    "sv.apptNoShow": "appointment {code} was a no-show: check the visitor in as a walk-in",
    "sv.apptNotToday": "appointment {code} is for {day} at {time}, not today",
    "sv.apptEarly": "appointment {code} is at {at}: check-in opens at {opens}",
    "sv.walkInHours": "walk-in tickets are issued during opening hours: today {hours} {zone}",
    "sv.walkInClosed": "walk-in tickets are issued during opening hours: the office is closed today ({day})",
    "sv.walkInNik": "not the NIK of case {id}'s applicant; check the ID card, or check the visitor in without the case",
    "sv.redirectOnce": "visit {id} is {outcome}: only a visit that failed its screening is redirected, once",
    "sv.f.counter": "Counter",
    "sv.f.temperature": "Body temperature",
    "sv.tempRange": "enter the measured temperature in °C, between 30 and 45 (e.g. 36.5)",
    "sv.fever": "temperature {temp} °C (fever from {from} °C)",
    "sv.decimalSep": ".",
    "sv.noMask": "no mask",
    "sv.f.proof": "Proof photo",
    "sv.proofChanged": "damaged on its way to the server (its content changed); send the photo again",
    "sv.stopNotToday": "stop {id} is on {day}, not today; report it on its day",
    "sv.stopArriveFirst": "stop {id} is {state}: mark your arrival first, then confirm",
    "sv.stopState": "cannot {doing} stop {id}: it is {state}",
    "sv.stopBundleFirst": "stop {id}: the bundle was not taken yet (stop {first} comes first)",
    "sv.stopRevoked": "case {id}: the permit was revoked; do not hand it over: report this stop failed (reason other) and bring the permit back to the office",
    "sv.courierClosed": "the office is closed for couriers on {day}",
    "sv.noWorkingDay30": "no working day in the next 30 for a visit",
  },
};

registerCatalog(staffWords);
