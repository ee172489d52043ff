#include "server/domain/validation.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/ids.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "server/domain/case.h"

namespace loket::domain {
namespace {

// Debian's abseil keeps absl::string_view distinct from std::string_view, so StrCat and the strip
// helpers do not take our std::string_view arguments; StrFormat does.
absl::Status FieldError(std::string_view field, std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrFormat("%s: %s", field, problem));
}

bool AllDigits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isdigit(c); });
}

int TwoDigits(std::string_view s, size_t pos) { return (s[pos] - '0') * 10 + (s[pos + 1] - '0'); }

// Kemendagri province codes (Kepmendagri 2025: 38 provinces). NIKs carry these, not the BPS codes,
// which differ for Papua (BPS 94 is Papua; Kemendagri 94 is Papua Tengah).
bool IsKnownProvince(int code) {
  return (code >= 11 && code <= 19) || code == 21 || (code >= 31 && code <= 36) ||
         (code >= 51 && code <= 53) || (code >= 61 && code <= 65) || (code >= 71 && code <= 76) ||
         code == 81 || code == 82 || (code >= 91 && code <= 96);
}

// Decodes one UTF-8 sequence at `s[i]`, advancing `i`. Rejects overlong forms, surrogates and
// code points above U+10FFFF, so "valid UTF-8" means what PostgreSQL will also accept.
bool DecodeUtf8(std::string_view s, size_t& i, char32_t& cp) {
  const auto lead = static_cast<unsigned char>(s[i]);
  int extra;
  char32_t min;
  if (lead < 0x80) {
    cp = lead;
    ++i;
    return true;
  } else if ((lead & 0xe0) == 0xc0) {
    extra = 1;
    cp = lead & 0x1f;
    min = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    extra = 2;
    cp = lead & 0x0f;
    min = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    extra = 3;
    cp = lead & 0x07;
    min = 0x10000;
  } else {
    return false;
  }
  if (i + extra >= s.size()) return false;  // truncated sequence
  for (int k = 1; k <= extra; ++k) {
    const auto cont = static_cast<unsigned char>(s[i + k]);
    if ((cont & 0xc0) != 0x80) return false;
    cp = (cp << 6) | (cont & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
  i += extra + 1;
  return true;
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    char32_t cp;
    if (!DecodeUtf8(s, i, cp)) return false;
  }
  return true;
}

// C0 and C1 controls and DEL. Tab and line breaks are allowed: notes come from multi-line text
// boxes.
bool IsForbiddenControl(char32_t cp) {
  if (cp == '\t' || cp == '\n' || cp == '\r') return false;
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

// Without ICU we cannot ask "is this a letter", so non-ASCII code points count as letters unless
// they fall in a block that holds only punctuation, symbols, or invisible characters. Good enough
// to stop digits, emoji and stray symbols while letting "Ñ", "é" or Arabic-script names through.
bool IsNonAsciiNonLetter(char32_t cp) {
  return (cp >= 0x80 && cp <= 0xbf) || cp == 0xd7 || cp == 0xf7 ||  // Latin-1 symbols, x, /
         (cp >= 0x2000 && cp <= 0x2bff) ||    // punctuation, symbols, arrows, math, shapes
         (cp >= 0x3000 && cp <= 0x303f) ||    // CJK punctuation
         (cp >= 0xe000 && cp <= 0xf8ff) ||    // private use
         (cp >= 0xfe00 && cp <= 0xfe0f) ||    // variation selectors
         (cp >= 0xff00 && cp <= 0xff20) ||    // full-width digits and punctuation
         (cp >= 0xfff0 && cp <= 0xffff) ||    // specials
         (cp >= 0x1f000 && cp <= 0x1faff) ||  // emoji and pictographs
         cp >= 0xf0000;                       // supplementary private use
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

bool IsHexDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isxdigit(c); });
}

bool IsValidEmailLocalChar(char c) {
  static constexpr std::string_view kSpecials = "!#$%&'*+/=?^_`{|}~.-";
  return absl::ascii_isalnum(c) || kSpecials.find(c) != std::string_view::npos;
}

bool IsValidDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  int labels = 0;
  std::string_view last;
  for (std::string_view rest = domain;;) {
    const size_t dot = rest.find('.');
    const std::string_view label = rest.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!absl::ascii_isalnum(c) && c != '-') return false;
    }
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  return labels >= 2 && last.size() >= 2 &&
         std::all_of(last.begin(), last.end(), [](char c) { return absl::ascii_isalpha(c); });
}

}  // namespace

bool ContentMatchesMediaType(std::string_view media_type, std::string_view content) {
  if (media_type == "application/pdf") return content.starts_with("%PDF-");
  if (media_type == "image/jpeg") return content.starts_with("\xff\xd8\xff");
  if (media_type == "image/png") return content.starts_with("\x89PNG\r\n\x1a\n");
  return false;
}

namespace {

std::string_view MediaTypeLabel(std::string_view media_type) {
  if (media_type == "application/pdf") return "PDF";
  if (media_type == "image/jpeg") return "JPEG";
  return "PNG";
}

}  // namespace

absl::Status ValidateNik(std::string_view nik, std::string_view field, absl::CivilDay today) {
  if (nik.size() != 16 || !AllDigits(nik)) return FieldError(field, "must be 16 digits");
  const int province = TwoDigits(nik, 0);
  if (!IsKnownProvince(province)) {
    return FieldError(field, absl::StrFormat("province code %02d is unknown", province));
  }
  if (TwoDigits(nik, 2) == 0) return FieldError(field, "kabupaten/kota code 00 is invalid");
  if (TwoDigits(nik, 4) == 0) return FieldError(field, "kecamatan code 00 is invalid");

  if (!BirthDateFromNik(nik, today)) {
    return FieldError(field, absl::StrFormat("birth date %s is not a date", nik.substr(6, 6)));
  }
  if (nik.substr(12) == "0000") return FieldError(field, "serial 0000 is invalid");
  return absl::OkStatus();
}

std::optional<absl::CivilDay> BirthDateFromNik(std::string_view nik, absl::CivilDay today) {
  if (nik.size() != 16 || !AllDigits(nik)) return std::nullopt;
  int day = TwoDigits(nik, 6);
  if (day > 40) day -= 40;  // women's NIKs carry day + 40
  const int month = TwoDigits(nik, 8);
  const int yy = TwoDigits(nik, 10);
  // CivilDay normalises (31 April becomes 1 May), so a date is real when its fields survive.
  auto is_date = [&](int y) {
    const absl::CivilDay d(y, month, day);
    return d.year() == y && d.month() == month && d.day() == day;
  };
  // The NIK does not say the century: take 20YY unless that date lies after today. The fallback
  // 19YY is always in the past, so "not after today" holds by construction.
  int year = 2000 + yy;
  if (!is_date(year) || absl::CivilDay(year, month, day) > today) year = 1900 + yy;
  if (!is_date(year)) return std::nullopt;
  return absl::CivilDay(year, month, day);
}

absl::StatusOr<std::string> NormalizePhone(std::string_view phone, std::string_view field) {
  std::string compact;
  for (char c : phone) {
    if (c != ' ' && c != '-') compact.push_back(c);
  }
  if (compact.empty()) return FieldError(field, "required");
  std::string_view subscriber = compact;
  if (subscriber.starts_with("+62")) {
    subscriber.remove_prefix(3);
  } else if (subscriber.starts_with("62")) {
    subscriber.remove_prefix(2);
  } else if (subscriber.starts_with("0")) {
    subscriber.remove_prefix(1);
  } else {
    return FieldError(field, "must start with +62, 62 or 0");
  }
  if (!AllDigits(subscriber)) return FieldError(field, "must contain only digits after the prefix");
  if (subscriber.size() < 8 || subscriber.size() > 12) {
    return FieldError(field, "must have 8 to 12 digits after +62");
  }
  if (subscriber.front() == '0') return FieldError(field, "must not have 0 right after +62");
  return absl::StrFormat("+62%s", subscriber);
}

absl::Status ValidateEmail(std::string_view email, std::string_view field, bool required) {
  if (email.empty()) return required ? FieldError(field, "required") : absl::OkStatus();
  if (email.size() > 254) return FieldError(field, "longer than 254 characters");
  const size_t at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) {
    return FieldError(field, "not an e-mail address (local@domain.tld)");
  }
  const std::string_view local = email.substr(0, at);
  const std::string_view domain = email.substr(at + 1);
  const bool local_ok = !local.empty() && local.size() <= 64 && local.front() != '.' &&
                        local.back() != '.' && local.find("..") == std::string_view::npos &&
                        std::all_of(local.begin(), local.end(), IsValidEmailLocalChar);
  if (!local_ok || !IsValidDomain(domain)) {
    return FieldError(field, "not an e-mail address (local@domain.tld)");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> NormalizePersonName(std::string_view name, std::string_view field) {
  const std::string_view trimmed = TrimSpaces(name);
  if (!IsValidUtf8(trimmed)) return FieldError(field, "not valid UTF-8");
  std::string out;
  size_t characters = 0;
  bool has_letter = false;
  bool pending_space = false;
  for (size_t i = 0; i < trimmed.size();) {
    const size_t start = i;
    char32_t cp;
    DecodeUtf8(trimmed, i, cp);
    if (cp == ' ' || cp == '\t') {
      pending_space = true;  // runs of blanks inside the name collapse to one space
      continue;
    }
    if (pending_space) {
      out.push_back(' ');
      ++characters;
      pending_space = false;
    }
    if (cp == 0x2019) {
      // Phone keyboards turn ' into a typographic apostrophe; both mean the same name.
      out.push_back('\'');
    } else if (cp < 0x80) {
      const char c = static_cast<char>(cp);
      if (absl::ascii_isalpha(c)) {
        has_letter = true;
      } else if (c != '.' && c != ',' && c != '\'' && c != '-') {
        return FieldError(field, "may contain only letters, spaces and . , ' -");
      }
      out.push_back(c);
    } else {
      if (IsForbiddenControl(cp) || IsNonAsciiNonLetter(cp)) {
        return FieldError(field, "may contain only letters, spaces and . , ' -");
      }
      has_letter = true;
      out.append(trimmed.substr(start, i - start));
    }
    ++characters;
  }
  if (characters < 2 || characters > 100) return FieldError(field, "must be 2 to 100 characters");
  if (!has_letter) return FieldError(field, "must contain a letter");
  return out;
}

absl::Status ValidateId(int64_t id, std::string_view field) {
  if (id <= 0)
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), ": required (a positive number)"));
  return absl::OkStatus();
}

absl::Status ValidateText(std::string_view text, std::string_view field, size_t max_len,
                          bool required) {
  if (required && TrimSpaces(text).empty()) return FieldError(field, "required");
  if (text.size() > max_len) {
    return FieldError(field,
                      absl::StrFormat("%d bytes is over the %d-byte limit", text.size(), max_len));
  }
  for (size_t i = 0; i < text.size();) {
    char32_t cp;
    if (!DecodeUtf8(text, i, cp)) return FieldError(field, "not valid UTF-8");
    if (IsForbiddenControl(cp)) return FieldError(field, "contains a control character");
  }
  return absl::OkStatus();
}

absl::Status ValidateLine(std::string_view text, std::string_view field, size_t max_len,
                          bool required) {
  LOKET_RETURN_IF_ERROR(ValidateText(text, field, max_len, required));
  for (size_t i = 0; i < text.size();) {
    char32_t cp;
    DecodeUtf8(text, i, cp);  // ValidateText saw valid UTF-8
    if (cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029) {
      return FieldError(field, "must be one line (no line break)");
    }
    if (cp == '\t') return FieldError(field, "contains a control character");
  }
  return absl::OkStatus();
}

absl::Status ValidateApplicant(Applicant& a, absl::CivilDay today) {
  // Work on a copy so that a failure leaves the caller's applicant as it was.
  Applicant out = a;
  out.nik = std::string(TrimSpaces(out.nik));
  LOKET_RETURN_IF_ERROR(ValidateNik(out.nik, "applicant.nik", today));

  LOKET_ASSIGN_OR_RETURN(std::string name, NormalizePersonName(out.name, "applicant.name"));
  out.name = std::move(name);

  LOKET_ASSIGN_OR_RETURN(std::string phone, NormalizePhone(out.phone, "applicant.phone"));
  out.phone = std::move(phone);

  out.email = std::string(TrimSpaces(out.email));
  if (absl::Status s = ValidateEmail(out.email, "applicant.email", /*required=*/false); !s.ok()) {
    return s;
  }
  // Domains are case-insensitive; the local part, strictly speaking, is not.
  if (const size_t at = out.email.find('@'); at != std::string::npos) {
    const std::string domain = absl::AsciiStrToLower(out.email.substr(at + 1));
    out.email.replace(at + 1, std::string::npos, domain);
  }

  // Enums arrive as integers from the wire; an out-of-range value must not reach the database.
  if (!PriorityClassFromName(PriorityClassName(out.priority)).has_value()) {
    return FieldError("applicant.priority",
                      absl::StrCat("unknown value ", static_cast<int>(out.priority)));
  }
  for (AccessibilityNeed n : out.needs) {
    if (!AccessibilityNeedFromName(AccessibilityNeedName(n)).has_value()) {
      return FieldError("applicant.needs", absl::StrCat("unknown value ", static_cast<int>(n)));
    }
  }
  std::sort(out.needs.begin(), out.needs.end());
  out.needs.erase(std::unique(out.needs.begin(), out.needs.end()), out.needs.end());

  a = std::move(out);
  return absl::OkStatus();
}

absl::Status ValidateDocument(std::string_view file_name, std::string_view media_type,
                              std::string_view content, std::string_view sha256_hex) {
  if (absl::Status s = ValidateText(file_name, "document.file_name", 255, /*required=*/true);
      !s.ok()) {
    return s;
  }
  // The name is shown and offered on download; a path in it would be trouble in either place.
  if (file_name.find_first_of("/\\") != std::string_view::npos || file_name == "." ||
      file_name == ".." || file_name.find_first_of("\t\r\n") != std::string_view::npos) {
    return FieldError("document.file_name", "must be a plain file name");
  }
  if (media_type != "application/pdf" && media_type != "image/jpeg" && media_type != "image/png") {
    return FieldError("document.media_type",
                      absl::StrFormat("must be application/pdf, image/jpeg or image/png (got %s)",
                                      QuoteValue(media_type)));
  }
  if (content.empty()) return FieldError("document.content", "empty");
  if (static_cast<int64_t>(content.size()) > kMaxDocumentBytes) {
    return FieldError("document.content", absl::StrFormat("%d bytes is over the %d-byte limit",
                                                          content.size(), kMaxDocumentBytes));
  }
  // The bytes must be what the media type says: the desk opens a "PNG" in the browser, so an
  // executable renamed image/png must never be stored as one.
  if (!ContentMatchesMediaType(media_type, content)) {
    return FieldError(
        "document.content",
        absl::StrFormat("is not a %s file: its first bytes are not the %s signature "
                        "that document.media_type %s requires",
                        MediaTypeLabel(media_type), MediaTypeLabel(media_type), media_type));
  }
  if (sha256_hex.size() != 64 || !IsHexDigits(sha256_hex)) {
    return FieldError("document.sha256_hex", "must be 64 hex digits");
  }
  const std::string got = absl::AsciiStrToLower(std::string(sha256_hex));
  const std::string computed = Sha256Hex(content);
  if (got != computed) {
    return FieldError(
        "document.sha256_hex",
        absl::StrFormat("does not match the content (got %s, computed %s)", got, computed));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> LanguageOrDefault(std::string_view language, std::string_view field) {
  if (language.empty()) return std::string("id");
  if (language == "id" || language == "en") return std::string(language);
  return absl::InvalidArgumentError(absl::StrCat(std::string(field), ": id or en"));
}

std::string QuoteValue(std::string_view value) {
  std::string out = "\"";
  size_t characters = 0;
  size_t i = 0;
  while (i < value.size() && characters < kQuoteChars) {
    const size_t start = i;
    char32_t cp;
    if (!DecodeUtf8(value, i, cp)) {
      out += absl::StrFormat("\\x%02X", static_cast<unsigned char>(value[start]));
      i = start + 1;
    } else if (cp < 0x20 || cp == 0x7f || cp == '"' || cp == '\\') {
      out += cp == '"' || cp == '\\' ? absl::StrFormat("\\%c", static_cast<char>(cp))
                                     : absl::StrFormat("\\x%02X", static_cast<unsigned>(cp));
    } else if (cp >= 0x80 && cp <= 0x9f) {
      out += absl::StrFormat("\\u%04X", static_cast<unsigned>(cp));
    } else {
      out.append(value.substr(start, i - start));
    }
    ++characters;
  }
  out += "\"";
  if (i < value.size()) {
    out.insert(out.size() - 1, "\u2026");
    out += absl::StrFormat(" (%d bytes)", value.size());
  }
  return out;
}

absl::StatusOr<int> ParseClockMinutes(std::string_view text, std::string_view field,
                                      bool end_of_day) {
  std::string_view t = text;
  while (!t.empty() && absl::ascii_isspace(t.front())) t.remove_prefix(1);
  while (!t.empty() && absl::ascii_isspace(t.back())) t.remove_suffix(1);
  if (t.size() == 5 && t[2] == ':' && AllDigits(t.substr(0, 2)) && AllDigits(t.substr(3, 2))) {
    const int h = TwoDigits(t, 0), m = TwoDigits(t, 3);
    if (m <= 59 && (h <= 23 || (end_of_day && h == 24 && m == 0))) return h * 60 + m;
  }
  return FieldError(field, absl::StrFormat("%s is not a time (HH:MM, 00:00 to %s)",
                                           QuoteValue(text), end_of_day ? "24:00" : "23:59"));
}

std::string FormatClockMinutes(int minutes) {
  return absl::StrFormat("%02d:%02d", minutes / 60, minutes % 60);
}

std::string MaskNik(std::string_view nik) {
  // Keeps the kabupaten/kota (where the NIK was issued) and the last two digits: enough to tell two
  // applicants apart in a log, not enough to use the number.
  if (nik.size() < 8) return std::string(nik.size(), '*');
  return absl::StrFormat("%s%s%s", nik.substr(0, 4), std::string(nik.size() - 6, '*'),
                         nik.substr(nik.size() - 2));
}

std::string MaskPhone(std::string_view phone) {
  if (phone.size() < 10) return std::string(phone.size(), '*');
  return absl::StrFormat("%s%s%s", phone.substr(0, 6), std::string(phone.size() - 9, '*'),
                         phone.substr(phone.size() - 3));
}

absl::Status ValidateRequestId(std::string_view request_id) {
  if (request_id.empty()) return absl::InvalidArgumentError("request_id: required");
  if (!IsUuid(request_id)) return absl::InvalidArgumentError("request_id: must be a UUID");
  return absl::OkStatus();
}

absl::Status CheckReplay(int64_t recorded_principal_id, std::string_view recorded_method,
                         int64_t principal_id, std::string_view method) {
  if (recorded_principal_id != principal_id) {
    return absl::InvalidArgumentError("request_id: already used; use a new one");
  }
  if (recorded_method != method) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request_id: already used for ", std::string(recorded_method), "; use a new one"));
  }
  return absl::OkStatus();
}

std::string MaskEmail(std::string_view email) {
  const size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0) return email.empty() ? "" : "***";
  return absl::StrFormat("%s***%s", email.substr(0, 1), email.substr(at));
}

}  // namespace loket::domain
