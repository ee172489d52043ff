// The office's catalog, calendar, partner clinics, counters and the office itself: read by every
// replica, changed by the office's administrator (issue 13) or the seed. Every change runs in one
// transaction that also records an admin_audit row (who, what, the row before and after), bumps
// offices.refdata_version (so every replica's caches reload on their next use, see
// office_context.h), and is replayed by request_id. Thread-safe (holds only a Database reference).
#ifndef LOKET_SERVER_STORE_CATALOG_REPOSITORY_H_
#define LOKET_SERVER_STORE_CATALOG_REPOSITORY_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/clock.h"
#include "server/domain/case.h"
#include "server/domain/refdata.h"
#include "server/store/database.h"
#include "server/store/mutation.h"

namespace loket::store {

using Holiday = domain::HolidayEntry;

struct Clinic {
  std::string id;
  std::string name;
  std::string kind;
  std::string address;
  double latitude = 0;
  double longitude = 0;
};

struct HolidayImport {
  int added = 0;
  int updated = 0;
  int removed = 0;
  std::vector<Holiday> holidays;  // the year's, after the import
};

struct AdminAuditRecord {
  int64_t id = 0;
  absl::Time at;
  int64_t actor_id = 0;
  std::string actor_name;
  std::string terminal;
  std::string action;
  std::string entity;
  std::string before_json;  // "" when created
  std::string after_json;   // "" when removed
};

class CatalogRepository {
 public:
  template <typename T>
  using Encode = std::function<std::string(const T&)>;

  // `clock` says which days are past (a holiday on a past day checks no bookings).
  CatalogRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Every permit type of the office with its required documents, by code.
  absl::StatusOr<std::vector<domain::PermitType>> ListPermitTypes(const std::string& office_id);
  // Each permit type's etag (its version, for SetPermitType), by code.
  absl::StatusOr<std::map<std::string, std::string>> PermitTypeEtags(const std::string& office_id);
  // Holidays of `year` (every year when 0), by day.
  absl::StatusOr<std::vector<Holiday>> ListHolidays(const std::string& office_id, int year);
  absl::StatusOr<std::vector<Clinic>> ListClinics(const std::string& office_id);
  // Clinics with hours and phone, by name.
  absl::StatusOr<std::vector<domain::ClinicInfo>> ListClinicDetails(const std::string& office_id);
  absl::StatusOr<std::vector<domain::CounterInfo>> ListCounters(const std::string& office_id);
  // NOT_FOUND when the office does not exist.
  absl::StatusOr<domain::OfficeInfo> GetOffice(const std::string& office_id);
  // Newest first; at most `limit` entries with id < before_id (all when before_id is 0).
  absl::StatusOr<std::vector<AdminAuditRecord>> ListAudit(const std::string& office_id, int limit,
                                                          int64_t before_id);

  // The changes below take validated values (domain/refdata.h) and return the encoded first
  // response (a repeat of the request_id replays it). A record given with an etag (as read) is
  // changed only if it is still at that version: ABORTED ("<record>.etag: changed since you read
  // it ...; re-read and retry") otherwise; an empty etag changes it whatever its version.
  // Errors as RunIdempotent's, and:
  // Adds the holiday, or renames the one already on that day. FAILED_PRECONDITION while that day,
  // from today on, has booked visits, appointment requests or courier stops
  // (domain::CheckHolidayDaysFree); its empty slots are closed. Removing a holiday opens them
  // again, unless the day was closed (AppointmentRepository::CloseDay).
  absl::StatusOr<std::string> AddHoliday(const Mutation& m, const Holiday& h,
                                         const Encode<Holiday>& encode);
  // NOT_FOUND when there is no holiday on `day`.
  absl::StatusOr<std::string> RemoveHoliday(const Mutation& m, absl::CivilDay day,
                                            const Encode<Holiday>& encode);
  // Adds or renames every holiday of `entries` (all in `year`); with `replace`, removes the
  // year's holidays not among them. One audit row per holiday changed. Each day written and
  // removed is checked, closed and opened as by AddHoliday and RemoveHoliday (field `csv`).
  absl::StatusOr<std::string> ImportHolidays(const Mutation& m, int year,
                                             const std::vector<Holiday>& entries, bool replace,
                                             const Encode<HolidayImport>& encode);
  // Creates or replaces the permit type and its document list. A document code dropped from the
  // list stays on cases that already have it.
  // `encode` also gets the type's new etag.
  absl::StatusOr<std::string> SetPermitType(
      const Mutation& m, const domain::PermitType& p, const std::string& etag,
      const std::function<std::string(const domain::PermitType&, const std::string&)>& encode);
  absl::StatusOr<std::string> SetClinic(const Mutation& m, const domain::ClinicInfo& c,
                                        const Encode<domain::ClinicInfo>& encode);
  // INVALID_ARGUMENT (counter.services[i]) when a service is not a permit type of the office.
  absl::StatusOr<std::string> SetCounter(const Mutation& m, const domain::CounterInfo& c,
                                         const Encode<domain::CounterInfo>& encode);
  // `o.id` is ignored: the caller's office is changed.
  absl::StatusOr<std::string> UpdateOffice(const Mutation& m, const domain::OfficeInfo& o,
                                           const Encode<domain::OfficeInfo>& encode);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_CATALOG_REPOSITORY_H_
