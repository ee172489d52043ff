// Field validation for everything a caller can type. Each function returns InvalidArgumentError
// whose message starts with the field name given by the caller ("applicant.nik: must be 16
// digits"), so the person at the terminal knows what to fix. Pure functions, safe from any thread.
#ifndef LOKET_SERVER_DOMAIN_VALIDATION_H_
#define LOKET_SERVER_DOMAIN_VALIDATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "server/domain/case.h"

namespace loket::domain {

// NIK: 16 digits; a known province code (digits 1-2) and non-zero kabupaten/kota and kecamatan
// codes; digits 7-12 a real birth date (women: day + 40) not after `today`; serial not 0000.
absl::Status ValidateNik(std::string_view nik, std::string_view field, absl::CivilDay today);
// The birth date digits 7-12 encode (20YY unless that lies after `today`, else 19YY); nullopt for
// a NIK that is not 16 digits or whose date is not a date.
std::optional<absl::CivilDay> BirthDateFromNik(std::string_view nik, absl::CivilDay today);

// Accepts "+628123456789", "628123456789" or "08123456789" (spaces and dashes ignored) and returns
// the E.164 form "+628123456789": +62 then 8 to 12 digits, the first not 0.
absl::StatusOr<std::string> NormalizePhone(std::string_view phone, std::string_view field);

// A plain address check (local@domain.tld, at most 254 characters); empty is allowed when
// !required.
absl::Status ValidateEmail(std::string_view email, std::string_view field, bool required);

// Trims surrounding spaces; 2..100 characters; letters, spaces and . , ' - only.
absl::StatusOr<std::string> NormalizePersonName(std::string_view name, std::string_view field);

// A row id named by a request (`field`): required, a positive number. INVALID_ARGUMENT naming it.
absl::Status ValidateId(int64_t id, std::string_view field);

// Free text (notes, places): at most `max_len` bytes, valid UTF-8, no control characters.
absl::Status ValidateText(std::string_view text, std::string_view field, size_t max_len,
                          bool required);

// A one-line field (a principal's name, an STR number, a place): like ValidateText, but no control
// character at all: no tab, no line break (CR, LF, U+2028, U+2029). Such values end up in logs,
// CSV exports and single-line labels, where a line break forges a new line.
absl::Status ValidateLine(std::string_view text, std::string_view field, size_t max_len,
                          bool required);

// Validates and normalises every field of `a` in place; field names are prefixed "applicant.".
absl::Status ValidateApplicant(Applicant& a, absl::CivilDay today);

// Whether `content` starts with the signature of `media_type`: PDF "%PDF-", JPEG FF D8 FF, PNG
// 89 50 4E 47 0D 0A 1A 0A; false for any other media type.
bool ContentMatchesMediaType(std::string_view media_type, std::string_view content);

// Document upload: media type one of application/pdf, image/jpeg, image/png;
// size 1..kMaxDocumentBytes; the content starts with that type's signature; `sha256_hex` (64 hex
// digits, any case) must equal the SHA-256 of `content`.
inline constexpr int64_t kMaxDocumentBytes = 5 * 1024 * 1024;
absl::Status ValidateDocument(std::string_view file_name, std::string_view media_type,
                              std::string_view content, std::string_view sha256_hex);

// A caller's value as an error message may quote it: in double quotes, at most kQuoteChars
// characters (cut on a character boundary), then "…" and the whole length in bytes; control
// characters and bytes that are not UTF-8 are shown as \xNN. `"image/gif"`,
// `"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA…" (7168 bytes)`. Every message that echoes a value goes
// through here, so a 9 kB value cannot make the message itself too big for gRPC's headers.
inline constexpr size_t kQuoteChars = 32;
std::string QuoteValue(std::string_view value);

// A time of day, "HH:MM" on the 24-hour clock, as minutes after midnight: 00:00 to 23:59, or to
// 24:00 for the `end_of_day` of a span that runs to midnight. Surrounding white space is ignored.
// INVALID_ARGUMENT: `field: "7.30" is not a time (HH:MM, 00:00 to 23:59)`.
absl::StatusOr<int> ParseClockMinutes(std::string_view text, std::string_view field,
                                      bool end_of_day = false);
// "08:05" for 485; "24:00" for 1440.
std::string FormatClockMinutes(int minutes);

// The language a person is written to in: "id" (Bahasa Indonesia) when none is given, or "en".
// Anything else is INVALID_ARGUMENT naming `field`: "applicant.language: id or en".
absl::StatusOr<std::string> LanguageOrDefault(std::string_view language, std::string_view field);

// A mutation's request_id: present and a UUID ("request_id: required", "request_id: must be a
// UUID").
absl::Status ValidateRequestId(std::string_view request_id);
// Whether a call recorded under a request_id may be replayed to this caller: only to the principal
// who made it (the response may hold personal data) and only for the same method.
absl::Status CheckReplay(int64_t recorded_principal_id, std::string_view recorded_method,
                         int64_t principal_id, std::string_view method);

// Log-safe forms: "6471**********01", "+62812*****789", "s***@example.com".
std::string MaskNik(std::string_view nik);
std::string MaskPhone(std::string_view phone);
std::string MaskEmail(std::string_view email);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_VALIDATION_H_
