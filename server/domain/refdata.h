// The reference data an office's administrator keeps (issue 13): holidays, permit types and their
// documents, partner clinics, counters, and the office itself. Validation here is pure: every
// function returns InvalidArgumentError whose message starts with the field to fix
// ("clinic.opens: ..."); what needs the database (does this permit type exist?) is checked by the
// store. Safe from any thread.
#ifndef LOKET_SERVER_DOMAIN_REFDATA_H_
#define LOKET_SERVER_DOMAIN_REFDATA_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "server/domain/case.h"
#include "server/domain/sla.h"

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

// ---- Decisions the store carries out on a change (issue 14: the domain decides, the store
// executes). The store locks the office's reference data, loads what a rule needs, asks it and
// writes its answer in the same transaction.

// An edit that names the etag it read (`expected`; empty: no check) is refused with ABORTED when
// the record has another etag now (`current`; nullopt: the record was removed). `field` names the
// etag ("clinic.etag").
absl::Status CheckEtag(std::string_view field, std::string_view expected,
                       const std::optional<std::string>& current);

// A record's etag (its version as an admin read it): the MD5, in hex, of the JSON the audit keeps
// of it. The same text PostgreSQL's md5() gave when the store asked it, so etags read before stay
// valid while libpq hands loketd the JSON in UTF-8, i.e. client_encoding = the database's UTF8 (all
// deploy/ scripts create UTF8 databases and set no PGCLIENTENCODING; another client encoding would
// change the etags of records with non-ASCII text).
std::string RecordEtag(std::string_view audit_json);
// CheckEtag against the record as the edit read it (`before`: its audit JSON; nullopt: none). The
// etag is computed only when the edit names one.
absl::Status CheckEtagOf(std::string_view field, std::string_view expected,
                         const std::optional<std::string>& before);
// An edit is audited only when it changed the record (saving the same values is not an edit);
// nullopt: the record did not exist before, or no longer does.
bool IsAuditedChange(const std::optional<std::string>& before,
                     const std::optional<std::string>& after);

// A counter serves permit types of its office only (`known`: the office's codes): INVALID_ARGUMENT
// naming the first that is not ("counter.services[1]: X is not a permit type of the office").
absl::Status CheckCounterServices(const CounterInfo& c, const std::set<std::string>& known);

// What is booked on a day that is to become a holiday (CheckHolidayDaysFree).
struct BookedOnDay {
  absl::CivilDay day;
  int visits = 0;         // appointments booked and not yet checked in
  int requests = 0;       // appointment requests still waiting for a seat that day
  int courier_stops = 0;  // SIBER pick-ups and deliveries not done
};

// A holiday falls only on a day nothing is booked for: the office would be shut on people it gave
// a time. Days before `today` are history and pass. Otherwise FAILED_PRECONDITION, starting with
// `field`, naming each such day and what it holds, and asking for the day to be closed first
// (CloseDay moves its bookings to the next open day and tells the applicants).
absl::Status CheckHolidayDaysFree(absl::CivilDay today, const std::vector<BookedOnDay>& days,
                                  std::string_view field);

// A year's holidays imported over those it has (`existing`): every entry is written, in the file's
// order, counted as added when its day had no holiday before the import and updated otherwise;
// with `replace`, the existing ones the file does not list are removed, in day order.
struct HolidayImportPlan {
  std::vector<HolidayEntry> write;
  std::vector<absl::CivilDay> remove;
  int added = 0;
  int updated = 0;
};
HolidayImportPlan PlanHolidayImport(const std::set<absl::CivilDay>& existing,
                                    const std::vector<HolidayEntry>& entries, bool replace);

// A running (not paused) SLA clock and the due date stored for it (`office overdue` filters on
// it), and where a holiday change moves it.
struct StoredDueDate {
  int64_t case_id = 0;
  SlaClock clock;  // started; not paused
  absl::CivilDay due;
};
struct DueDateMove {
  int64_t case_id = 0;
  absl::CivilDay from;  // the stored one: written only if still stored (a transition may move it)
  absl::CivilDay to;
};
// The due dates `calendar` (the office's holidays after the change) moves: each clock is counted
// again from its start; unchanged ones are left out.
std::vector<DueDateMove> MovedDueDates(const std::vector<StoredDueDate>& running,
                                       const WorkingCalendar& calendar);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_REFDATA_H_
