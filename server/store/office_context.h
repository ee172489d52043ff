// An office's name, time zone and working calendar, cached for a few seconds per repository
// (read on every call, changed by hand rarely). LoadOffice is for store/ only.
#ifndef LOKET_SERVER_STORE_OFFICE_CONTEXT_H_
#define LOKET_SERVER_STORE_OFFICE_CONTEXT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/ttl_cache.h"
#include "server/domain/sla.h"

namespace loket::store {

class Tx;  // pg.h; this header stays free of pqxx because the api layer includes it

// Where a courier goes: the office itself or a partner clinic, with its hours (minutes after local
// midnight on working days).
struct CourierPlace {
  std::string clinic_id;  // empty for the office
  std::string name;
  std::string address;
  std::optional<double> latitude;  // unset until an administrator sets the location
  std::optional<double> longitude;
  int opens = 8 * 60;
  int closes = 16 * 60;
};

struct OfficeSnapshot {
  int64_t refdata_version = 0;  // offices.refdata_version it was read at
  std::string name;
  int utc_offset_minutes = 480;
  std::set<absl::CivilDay> holidays;
  std::set<absl::CivilDay> courier_closed;  // days the office closed for couriers (a flood)
  CourierPlace office;
  std::map<std::string, CourierPlace> clinics;  // by id; a clinic added since is looked up
};
// Shared, immutable snapshots: a request copies a pointer, not the clinics.
using OfficeCache = TtlCache<std::string, std::shared_ptr<const OfficeSnapshot>>;

struct OfficeContext {
  std::string name;
  int utc_offset_minutes = 480;
  domain::WorkingCalendar calendar;
  domain::WorkingCalendar courier_calendar;  // also skips days closed for couriers
  absl::CivilDay today;                      // in the office's time zone, at `now`
  std::shared_ptr<const OfficeSnapshot> snapshot;
};

// The office's snapshot from `cache` while it is younger than the cache's TTL and the office's
// reference data has not changed since (offices.refdata_version, one primary-key read per call:
// an administrator's change through any replica is used by every replica from its next call on);
// read afresh otherwise. FAILED_PRECONDITION when the office does not exist.
absl::StatusOr<OfficeContext> LoadOffice(Tx& tx, const std::string& office_id, absl::Time now,
                                         OfficeCache& cache);

// offices.refdata_version (0 when the office does not exist): bumped by every change of an
// office's reference data, for caches of it (CatalogRepository's changes bump it). Read once per
// transaction: later calls in it return that reading, or the version on the office row LoadOffice
// read since.
int64_t RefdataVersion(Tx& tx, const std::string& office_id);

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_OFFICE_CONTEXT_H_
