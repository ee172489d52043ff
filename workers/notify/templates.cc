#include "workers/notify/templates.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"

namespace loket::notify {
namespace {

struct Text {
  const char* subject;
  const char* body;
};

struct Template {
  const char* id;
  Text id_text;  // Bahasa Indonesia
  Text en_text;  // English
};

// The office writes in the polite register (Yth. ..., Anda, mohon) and signs every message, because
// an SMS from an unknown sender number is otherwise easily taken for spam. Bodies stay short: a
// gateway splits anything over 160 characters into several SMS parts and bills each.
constexpr Template kTemplates[] = {
    {"case.submitted",
     {"Permohonan {permit_name} No. {case_id} telah diterima",
      "Yth. {name}, permohonan {permit_name} Anda (No. {case_id}) telah kami terima pada {date}. "
      "Perkiraan selesai: {due_date}. Kode lacak: {tracking_code} (lihat status di laman kami). "
      "DPMPTSP Kota Balikpapan"},
     {"Your {permit_name} application No. {case_id} has been received",
      "Dear {name}, we received your {permit_name} application (No. {case_id}) on {date}. "
      "Expected completion: {due_date}. Tracking code: {tracking_code} (follow it on our web "
      "pages). DPMPTSP Kota Balikpapan"}},
    {"case.verification_started",
     {"Permohonan No. {case_id} sedang diverifikasi",
      "Yth. {name}, berkas permohonan {permit_name} Anda (No. {case_id}) sedang kami verifikasi. "
      "Kami akan menghubungi Anda bila ada berkas yang perlu dilengkapi. DPMPTSP Kota Balikpapan"},
     {"Application No. {case_id} is being verified",
      "Dear {name}, we are verifying the documents of your {permit_name} application "
      "(No. {case_id}). We will contact you if anything needs to be completed. "
      "DPMPTSP Kota Balikpapan"}},
    {"case.revision_requested",
     {"Mohon lengkapi berkas permohonan No. {case_id}",
      "Yth. {name}, permohonan {permit_name} Anda (No. {case_id}) perlu diperbaiki: {reason}. "
      "Mohon lengkapi berkas agar permohonan dapat kami proses kembali. DPMPTSP Kota Balikpapan"},
     {"Please complete the documents of application No. {case_id}",
      "Dear {name}, your {permit_name} application (No. {case_id}) needs a correction: {reason}. "
      "Please complete the documents so that we can continue processing it. "
      "DPMPTSP Kota Balikpapan"}},
    {"case.revision_received",
     {"Perbaikan berkas No. {case_id} telah diterima",
      "Yth. {name}, perbaikan berkas permohonan {permit_name} Anda (No. {case_id}) telah kami "
      "terima dan permohonan kembali kami proses. Terima kasih. DPMPTSP Kota Balikpapan"},
     {"Corrected documents for application No. {case_id} received",
      "Dear {name}, we have received the corrected documents for your {permit_name} application "
      "(No. {case_id}) and resumed processing it. Thank you. DPMPTSP Kota Balikpapan"}},
    {"case.approved",
     {"Permohonan No. {case_id} telah disetujui",
      "Yth. {name}, permohonan {permit_name} Anda (No. {case_id}) telah disetujui. Dokumen izin "
      "sedang kami siapkan dan Anda akan kami kabari setelah terbit. DPMPTSP Kota Balikpapan"},
     {"Application No. {case_id} has been approved",
      "Dear {name}, your {permit_name} application (No. {case_id}) has been approved. We are "
      "preparing the permit document and will let you know once it is issued. "
      "DPMPTSP Kota Balikpapan"}},
    {"case.rejected",
     {"Permohonan No. {case_id} tidak dapat disetujui",
      "Yth. {name}, mohon maaf, permohonan {permit_name} Anda (No. {case_id}) tidak dapat kami "
      "setujui. Alasan: {reason}. Silakan hubungi kami untuk informasi lebih lanjut. "
      "DPMPTSP Kota Balikpapan"},
     {"Application No. {case_id} could not be approved",
      "Dear {name}, we regret that your {permit_name} application (No. {case_id}) could not be "
      "approved. Reason: {reason}. Please contact us for further information. "
      "DPMPTSP Kota Balikpapan"}},
    {"case.issued",
     {"Izin {permit_name} Anda telah terbit",
      "Yth. {name}, izin {permit_name} Anda (permohonan No. {case_id}) telah terbit dengan nomor "
      "{permit_number}. Kode verifikasi: {verification_code}. DPMPTSP Kota Balikpapan"},
     {"Your {permit_name} permit has been issued",
      "Dear {name}, your {permit_name} permit (application No. {case_id}) has been issued under "
      "number {permit_number}. Verification code: {verification_code}. DPMPTSP Kota Balikpapan"}},
    // Collection and delivery name the case, not the permit number, and ask the applicant to speak
    // up: a document handed to the wrong person is the one mistake the applicant can catch.
    {"case.collected",
     {"Dokumen izin No. {case_id} telah diambil",
      "Yth. {name}, dokumen izin {permit_name} Anda (No. {case_id}) telah diambil di loket kami. "
      "Bila Anda tidak merasa mengambilnya, segera hubungi kami. DPMPTSP Kota Balikpapan"},
     {"Permit document No. {case_id} has been collected",
      "Dear {name}, the permit document for your {permit_name} application (No. {case_id}) has "
      "been collected at our counter. If this was not you, please contact us immediately. "
      "DPMPTSP Kota Balikpapan"}},
    {"case.delivered",
     {"Dokumen izin No. {case_id} telah diantar",
      "Yth. {name}, dokumen izin {permit_name} Anda (No. {case_id}) telah diantar oleh kurir "
      "kami. Bila belum Anda terima, segera hubungi kami. DPMPTSP Kota Balikpapan"},
     {"Permit document No. {case_id} has been delivered",
      "Dear {name}, our courier has delivered the permit document for your {permit_name} "
      "application (No. {case_id}). If you have not received it, please contact us immediately. "
      "DPMPTSP Kota Balikpapan"}},
    {"case.withdrawn",
     {"Permohonan No. {case_id} telah dibatalkan",
      "Yth. {name}, permohonan {permit_name} Anda (No. {case_id}) telah dibatalkan. Anda dapat "
      "mengajukan permohonan baru kapan saja. DPMPTSP Kota Balikpapan"},
     {"Application No. {case_id} has been withdrawn",
      "Dear {name}, your {permit_name} application (No. {case_id}) has been withdrawn. You are "
      "welcome to submit a new application at any time. DPMPTSP Kota Balikpapan"}},
    {"case.revoked",
     {"Izin {permit_name} Anda dicabut",
      "Yth. {name}, izin {permit_name} Anda nomor {permit_number} (permohonan No. {case_id}) "
      "telah dicabut dan tidak berlaku lagi. Alasan: {reason}. Silakan hubungi kami untuk "
      "informasi lebih lanjut. DPMPTSP Kota Balikpapan"},
     {"Your {permit_name} permit has been revoked",
      "Dear {name}, your {permit_name} permit No. {permit_number} (application No. {case_id}) "
      "has been revoked and is no longer valid. Reason: {reason}. Please contact us for further "
      "information. DPMPTSP Kota Balikpapan"}},
    {"permit.expiry_reminder",
     {"Izin {permit_name} Anda berakhir {valid_until_date}",
      "Yth. {name}, izin {permit_name} Anda nomor {permit_number} berlaku sampai "
      "{valid_until_date} "
      "({days} hari lagi). Ajukan perpanjangan sebelum tanggal tersebut agar Anda tetap dapat "
      "berpraktik. DPMPTSP Kota Balikpapan"},
     {"Your {permit_name} permit ends on {valid_until_date}",
      "Dear {name}, your {permit_name} permit No. {permit_number} is valid until "
      "{valid_until_date} "
      "({days} days from now). Apply for its renewal before that day to keep practising. "
      "DPMPTSP Kota Balikpapan"}},
    {"booking.code",
     {"Kode verifikasi {code}",
      "Yth. {name}, kode verifikasi kunjungan Anda: {code}. Berlaku {minutes} menit. Jangan "
      "berikan kode ini kepada siapa pun. DPMPTSP Kota Balikpapan"},
     {"Verification code {code}",
      "Dear {name}, your visit verification code: {code}. Valid for {minutes} minutes. Do not "
      "share this code with anyone. DPMPTSP Kota Balikpapan"}},
    {"appointment.confirmed",
     {"Jadwal kunjungan {date} pukul {time} telah dikonfirmasi",
      "Yth. {name}, jadwal kunjungan Anda ke kantor kami pada {date} pukul {time} telah "
      "dikonfirmasi. Kode kunjungan: {code}. Mohon tunjukkan kode ini kepada petugas. "
      "DPMPTSP Kota Balikpapan"},
     {"Your visit on {date} at {time} is confirmed",
      "Dear {name}, your visit to our office on {date} at {time} is confirmed. Visit code: "
      "{code}. Please show this code to our staff. DPMPTSP Kota Balikpapan"}},
    {"appointment.reminder",
     {"Pengingat jadwal kunjungan {date} pukul {time}",
      "Yth. {name}, kami mengingatkan jadwal kunjungan Anda ke kantor kami pada {date} pukul "
      "{time}. Kode kunjungan: {code}. DPMPTSP Kota Balikpapan"},
     {"Reminder: your visit on {date} at {time}",
      "Dear {name}, this is a reminder of your visit to our office on {date} at {time}. Visit "
      "code: {code}. DPMPTSP Kota Balikpapan"}},
    {"appointment.cancelled",
     {"Jadwal kunjungan {date} pukul {time} dibatalkan",
      "Yth. {name}, jadwal kunjungan Anda pada {date} pukul {time} (kode {code}) telah "
      "dibatalkan. Silakan buat jadwal baru bila masih diperlukan. DPMPTSP Kota Balikpapan"},
     {"Your visit on {date} at {time} has been cancelled",
      "Dear {name}, your visit on {date} at {time} (code {code}) has been cancelled. Please book "
      "a new time if you still need one. DPMPTSP Kota Balikpapan"}},
    // Courier visits go to the clinic's front desk: the day, the window in office time and who
    // comes, so the desk can call the courier if the papers are not ready.
    {"courier.pickup_planned",
     {"Penjemputan berkas No. {case_id}: {date} {window}",
      "Yth. {name}, kurir kami akan menjemput berkas permohonan No. {case_id} pada {date} pukul "
      "{window}. Kurir: {courier}, telp. {courier_phone}. Mohon siapkan berkasnya. "
      "DPMPTSP Kota Balikpapan"},
     {"Document pickup for application No. {case_id}: {date} {window}",
      "Dear {name}, our courier will pick up the documents for application No. {case_id} on "
      "{date}, {window}. Courier: {courier}, phone {courier_phone}. Please have them ready. "
      "DPMPTSP Kota Balikpapan"}},
    {"courier.near",
     {"Kurir kami segera tiba (No. {case_id})",
      "Yth. {name}, kurir kami akan tiba dalam beberapa menit untuk permohonan No. {case_id}. "
      "Mohon bersiap. DPMPTSP Kota Balikpapan"},
     {"Our courier is almost there (No. {case_id})",
      "Dear {name}, our courier will arrive in a few minutes for application No. {case_id}. "
      "Please be ready. DPMPTSP Kota Balikpapan"}},
    {"courier.delivery_planned",
     {"Pengantaran dokumen izin No. {case_id}: {date} {window}",
      "Yth. {name}, dokumen izin {permit_name} (No. {case_id}) akan diantar kurir kami pada "
      "{date} pukul {window}. Kurir: {courier}, telp. {courier_phone}. Mohon pastikan ada yang "
      "menerima. DPMPTSP Kota Balikpapan"},
     {"Permit document delivery for application No. {case_id}: {date} {window}",
      "Dear {name}, our courier will deliver the {permit_name} permit document (No. {case_id}) "
      "on {date}, {window}. Courier: {courier}, phone {courier_phone}. Please make sure someone "
      "is there to receive it. DPMPTSP Kota Balikpapan"}},
    // The office closed a day (a flood): no courier comes; the visits move to the next working day.
    {"courier.day_closed",
     {"Kurir tidak datang {date}; dijadwalkan ulang {new_date}",
      "Yth. {name}, kantor kami tutup pada {date} ({reason}), sehingga kurir tidak datang hari "
      "itu. Penjemputan/pengantaran dijadwalkan ulang pada {new_date}; jam kunjungan menyusul. "
      "DPMPTSP Kota Balikpapan"},
     {"No courier on {date}; moved to {new_date}",
      "Dear {name}, our office is closed on {date} ({reason}), so no courier comes that day. "
      "Pickups and deliveries move to {new_date}; the visiting time follows. "
      "DPMPTSP Kota Balikpapan"}},
    // The live queue: a visitor who failed the health screening at the door is served online.
    {"visit.online",
     {"Permohonan Anda dilanjutkan secara daring",
      "Yth. {name}, demi kesehatan bersama kunjungan Anda hari ini tidak dapat dilayani di "
      "loket. Permohonan Anda (No. {case_id}) kami lanjutkan secara daring; petugas akan "
      "menghubungi Anda. DPMPTSP Kota Balikpapan"},
     {"Your application continues online",
      "Dear {name}, for everyone's health your visit today could not be served at the counter. "
      "We continue your application (No. {case_id}) online; an officer will contact you. "
      "DPMPTSP Kota Balikpapan"}},
};

constexpr const char* kMonthsId[] = {"Januari",   "Februari", "Maret",    "April",
                                     "Mei",       "Juni",     "Juli",     "Agustus",
                                     "September", "Oktober",  "November", "Desember"};
constexpr const char* kMonthsEn[] = {"January",   "February", "March",    "April",
                                     "May",       "June",     "July",     "August",
                                     "September", "October",  "November", "December"};

bool IsDateKey(std::string_view key) { return key == "date" || key.ends_with("_date"); }

// "2026-03-17" -> "17 Maret 2026". Anything that is not exactly an ISO day stays as given, so a
// caller that already wrote the date out (or "-") is not second-guessed.
std::string FormatValue(std::string_view key, const std::string& value, bool english) {
  if (!IsDateKey(key) || value.size() != 10) return value;
  absl::CivilDay day;
  if (!absl::ParseCivilTime(value, &day) || absl::FormatCivilTime(day) != value) return value;
  const char* month = (english ? kMonthsEn : kMonthsId)[day.month() - 1];
  return absl::StrFormat("%d %s %d", day.day(), month, day.year());
}

// Appends `text` with its placeholders filled to `out`; records missing keys (once each).
void Fill(std::string_view text, const std::map<std::string, std::string>& params, bool english,
          std::string& out, std::vector<std::string>& missing) {
  while (!text.empty()) {
    const size_t open = text.find('{');
    const size_t close = open == std::string_view::npos ? open : text.find('}', open);
    if (close == std::string_view::npos) {
      out.append(text);
      return;
    }
    out.append(text.substr(0, open));
    const std::string key(text.substr(open + 1, close - open - 1));
    if (auto it = params.find(key); it != params.end()) {
      out.append(FormatValue(key, it->second, english));
    } else if (std::find(missing.begin(), missing.end(), key) == missing.end()) {
      missing.push_back(key);
    }
    text.remove_prefix(close + 1);
  }
}

}  // namespace

absl::StatusOr<RenderedMessage> RenderTemplate(std::string_view template_id,
                                               std::string_view language,
                                               const std::map<std::string, std::string>& params) {
  const Template* t = nullptr;
  for (const Template& candidate : kTemplates) {
    if (template_id == candidate.id) t = &candidate;
  }
  if (t == nullptr) {
    return absl::NotFoundError(absl::StrFormat("template_id: unknown template %s", template_id));
  }
  // "en", "EN", "en-US" and "en_GB" all mean English; whatever else the applicant's record says,
  // the office's own language is the safe fallback.
  std::string primary(language.substr(0, language.find_first_of("-_")));
  absl::AsciiStrToLower(&primary);
  const bool english = primary == "en";
  const Text& text = english ? t->en_text : t->id_text;

  RenderedMessage out;
  std::vector<std::string> missing;
  Fill(text.subject, params, english, out.subject, missing);
  Fill(text.body, params, english, out.body, missing);
  if (!missing.empty()) {
    for (std::string& key : missing) key = "params." + key;
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: missing for %s", absl::StrJoin(missing, ", "), t->id));
  }
  return out;
}

std::vector<std::string> TemplateIds() {
  std::vector<std::string> ids;
  for (const Template& t : kTemplates) ids.push_back(t.id);
  return ids;
}

}  // namespace loket::notify
