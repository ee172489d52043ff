// The reference data an office's administrator keeps (issue 13): holidays, permit types and their
// documents, partner clinics, counters, and the office itself. Validation here is pure: every
// function returns InvalidArgumentError whose message starts with the field to fix
// ("clinic.opens: ..."); what needs the database (does this permit type exist?) is checked by the
// store. Safe from any thread.
#ifndef LOKET_SERVER_DOMAIN_REFDATA_H_
#define LOKET_SERVER_DOMAIN_REFDATA_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "server/domain/case.h"

namespace loket::domain {

struct HolidayEntry {
  absl::CivilDay day;
  std::string name;
};

// A partner clinic of SIBER. Hours in minutes after local midnight.
struct ClinicInfo {
  std::string id;  // e.g. "pkm-klandasan-ilir": lower case letters, digits, '-'
  std::string name;
  std::string kind;  // hospital, puskesmas or clinic
  std::string address;
  std::optional<double> latitude;  // both or neither
  std::optional<double> longitude;
  int opens = 8 * 60;
  int closes = 16 * 60;
  std::string phone;  // E.164 after validation; may be empty
  std::string etag;   // its version as read; given with a change: refused if it moved on since
};

struct CounterInfo {
  std::string id;  // e.g. "C3"
  std::string name;
  std::vector<std::string> services;  // permit type codes; empty = every service
  bool seated = false;
  bool open = true;
  std::string etag;  // as ClinicInfo::etag
};

struct OfficeInfo {
  std::string id;
  std::string name;
  std::string address;
  std::optional<double> latitude;
  std::optional<double> longitude;
  int utc_offset_minutes = 480;
  std::string etag;  // as ClinicInfo::etag
};

// "YYYY-MM-DD", a real date between 2000 and 2100.
absl::StatusOr<absl::CivilDay> ParseRefDate(std::string_view text, std::string_view field);
// "HH:MM" (00:00..23:59) as minutes after midnight.
absl::StatusOr<int> ParseClockMinutes(std::string_view text, std::string_view field);
std::string FormatClockMinutes(int minutes);  // "08:05"

// A holiday's name: one line, 1..100 bytes (trimmed in place).
absl::Status ValidateHolidayName(std::string& name, std::string_view field);

// A year's holidays from CSV: a header line naming at least `date` and `name` (any order; other
// columns such as kind and source are ignored), then one holiday per line. Fields may be quoted
// ("a, b" and "" for a quote). Every date must be in `year` and appear once. At most 400 rows and
// 1 MiB. Errors name the line: `csv: line 4: date: "2026-02-30" is not a date`.
absl::StatusOr<std::vector<HolidayEntry>> ParseHolidayCsv(std::string_view csv, int year);

// Permit type: code ^[A-Z][A-Z0-9_]{1,31}$, name 1..200, fee 0..10^12 rupiah, service level 1..365
// working days, validity 1..600 months; documents 0..50, each with a code ^[A-Z][A-Z0-9_]{0,31}$
// (unique) and a name. Trims names in place. Fields are named "permit_type.*".
absl::Status ValidatePermitType(PermitType& p);

// Clinic: id, name 1..200, kind, address <= 300, latitude -90..90 and longitude -180..180 (both or
// neither), opens < closes, phone (normalised to E.164 in place). Fields are named "clinic.*".
absl::Status ValidateClinic(ClinicInfo& c);

// Counter: id ^[A-Z][A-Z0-9_-]{0,15}$, name 1..100, services unique permit type codes (at most 50).
// Fields are named "counter.*".
absl::Status ValidateCounter(CounterInfo& c);

// Office: name 1..200, address <= 300, location as for clinics, UTC offset -720..840 in steps of
// 15 minutes. Fields are named "office.*".
absl::Status ValidateOffice(OfficeInfo& o);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_REFDATA_H_
