#include "server/domain/case_search.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "server/domain/public_booking.h"
#include "server/domain/validation.h"

namespace loket::domain {
namespace {

absl::Status FieldError(std::string_view field, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(field), ": ", std::string(what)));
}

std::string Trim(const std::string& s) {
  return std::string(absl::StripAsciiWhitespace(absl::string_view(s)));
}

// Letters and digits in a word that the name fold keeps (loket_fold_name, migrations 0017 and
// 0026): ASCII letters and digits, the accented Latin letters U+00C0..U+017F and those of Latin
// Extended Additional (U+1E00..U+1EFF: "Ḍ", "ễ") but the few there that are no letter with an
// accent, each counted once. Anything else (combining accents, Greek, symbols, apostrophes) folds
// away, and a word of only those would match every name.
int CountLettersAndDigits(std::string_view word) {
  int n = 0;
  for (size_t i = 0; i < word.size(); ++i) {
    unsigned char c = word[i];
    if (c < 0x80) {
      if (absl::ascii_isalnum(c)) ++n;
      continue;
    }
    auto next = [&](size_t k) { return static_cast<unsigned char>(word[i + k]) & 0x3fu; };
    if ((c & 0xe0) == 0xc0 && i + 1 < word.size()) {
      unsigned cp = ((c & 0x1fu) << 6) | next(1);
      if (cp >= 0xc0 && cp <= 0x17f && cp != 0xd7 && cp != 0xf7 && cp != 0xdf) ++n;
    } else if ((c & 0xf0) == 0xe0 && i + 2 < word.size()) {
      unsigned cp = ((c & 0x0fu) << 12) | (next(1) << 6) | next(2);
      if (cp >= 0x1e00 && cp <= 0x1ef9 && !(cp >= 0x1e9b && cp <= 0x1e9f)) ++n;
    }
  }
  return n;
}

absl::StatusOr<std::optional<absl::CivilDay>> ParseDay(const std::string& text,
                                                       std::string_view field) {
  std::string t = Trim(text);
  if (t.empty()) return std::optional<absl::CivilDay>();
  absl::CivilDay day;
  if (t.size() != 10 || !absl::ParseCivilTime(t, &day)) {
    return FieldError(field, "not a date (YYYY-MM-DD)");
  }
  return std::optional<absl::CivilDay>(day);
}

}  // namespace

absl::StatusOr<CaseSearch> CheckCaseSearch(const CaseSearchInput& in) {
  CaseSearch out;
  bool any = false;

  std::string nik = Trim(in.nik);
  if (!nik.empty()) {
    if (nik.size() != 16 || !std::all_of(nik.begin(), nik.end(), absl::ascii_isdigit)) {
      return FieldError("nik", "must be 16 digits");
    }
    out.nik = nik;
    any = true;
  }

  if (!Trim(in.name).empty()) {
    if (in.name.size() > 100) return FieldError("name", "longer than 100 characters");
    bool long_enough = false;
    for (absl::string_view w : absl::StrSplit(in.name, ' ', absl::SkipWhitespace())) {
      std::string word = Trim(std::string(w));
      if (CountLettersAndDigits(word) == 0) continue;
      long_enough = long_enough || CountLettersAndDigits(word) >= 3;
      out.name_words.push_back(word);
    }
    if (!long_enough) return FieldError("name", "give at least one word of 3 or more letters");
    if (out.name_words.size() > 6) return FieldError("name", "at most 6 words");
    any = true;
  }

  if (!Trim(in.phone).empty()) {
    if (in.phone.size() > 32) return FieldError("phone", "longer than 32 characters");
    LOKET_ASSIGN_OR_RETURN(std::string phone, NormalizePhone(Trim(in.phone), "phone"));
    out.phone = std::move(phone);
    any = true;
  }

  // Permit numbers are issued in upper case (FormatPermitNumber); people type them as they come.
  out.permit_number = absl::AsciiStrToUpper(Trim(in.permit_number));
  if (out.permit_number.size() > 64) {
    return FieldError("permit_number", "longer than 64 characters");
  }
  any = any || !out.permit_number.empty();

  if (!Trim(in.tracking_code).empty()) {
    out.tracking_code = NormalizePublicCode(in.tracking_code, 16);
    if (out.tracking_code.empty()) {
      return FieldError("tracking_code", "letters and digits only, at most 16");
    }
    any = true;
  }

  out.clinic_id = Trim(in.clinic_id);
  if (out.clinic_id.size() > 64) return FieldError("clinic_id", "longer than 64 characters");
  any = any || !out.clinic_id.empty();

  LOKET_ASSIGN_OR_RETURN(auto from, ParseDay(in.submitted_from, "submitted_from"));
  LOKET_ASSIGN_OR_RETURN(auto to, ParseDay(in.submitted_to, "submitted_to"));
  out.submitted_from = from;
  out.submitted_to = to;
  if (out.submitted_from && out.submitted_to && *out.submitted_to < *out.submitted_from) {
    return FieldError("submitted_to", "before submitted_from");
  }
  any = any || out.submitted_from || out.submitted_to;

  if (!any) {
    return FieldError("criteria",
                      "give at least one of nik, name, phone, permit_number, tracking_code, "
                      "clinic_id, submitted_from, submitted_to");
  }
  return out;
}

SubmissionWindow SubmissionWindowOf(const CaseSearch& q, int utc_offset_minutes) {
  // Submission days are the office's days: its midnight, in UTC.
  const absl::TimeZone tz = absl::FixedTimeZone(utc_offset_minutes * 60);
  SubmissionWindow w;
  if (q.submitted_from) w.from = absl::FromCivil(*q.submitted_from, tz);
  if (q.submitted_to) w.until = absl::FromCivil(*q.submitted_to + 1, tz);
  return w;
}

}  // namespace loket::domain
