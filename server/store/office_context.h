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
#include "server/domain/siber.h"
#include "server/domain/sla.h"
#include "server/store/notification_outbox.h"

namespace loket::store {

class Tx;  // pg.h; this header stays free of pqxx because the api layer includes it

struct OfficeSnapshot {
  int64_t refdata_version = 0;  // offices.refdata_version it was read at
  std::string name;
  int utc_offset_minutes = 480;
  std::set<absl::CivilDay> holidays;
  std::set<absl::CivilDay> courier_closed;  // days the office closed for couriers (a flood)
  domain::CourierPlace office;
  std::map<std::string, domain::CourierPlace> clinics;  // by id; one added since: FindClinic
  domain::WorkingCalendar calendar;                     // of `holidays`
  domain::WorkingCalendar courier_calendar;             // domain::CourierCalendar of both
};
// Shared, immutable snapshots: a request copies a pointer, not the clinics.
using OfficeCache = TtlCache<std::string, std::shared_ptr<const OfficeSnapshot>>;

struct OfficeContext {
  std::string name;
  int utc_offset_minutes = 480;
  domain::WorkingCalendar calendar;          // the snapshot's, shared
  domain::WorkingCalendar courier_calendar;  // the snapshot's, shared
  absl::CivilDay today;                      // in the office's time zone, at `now`
  std::shared_ptr<const OfficeSnapshot> snapshot;
};

// The office's snapshot from `cache` while it is younger than the cache's TTL and the office's
// reference data has not changed since (offices.refdata_version, one primary-key read per call:
// an administrator's change through any replica is used by every replica from its next call on);
// read afresh otherwise. FAILED_PRECONDITION when the office does not exist.
absl::StatusOr<OfficeContext> LoadOffice(Tx& tx, const std::string& office_id, absl::Time now,
                                         OfficeCache& cache);

// The office as the outbox sends for it: its name fills {office_name}, its time zone places
// quiet hours.
OutboxOffice OutboxOf(const std::string& office_id, const OfficeContext& office);

// A clinic of the office as a courier's place: from the office's snapshot, or, for one added
// since, read from the database. nullopt when the office has no such clinic.
std::optional<domain::CourierPlace> FindClinic(Tx& tx, const OfficeContext& office,
                                               const std::string& office_id,
                                               const std::string& clinic_id);

// offices.refdata_version (0 when the office does not exist): bumped by every change of an
// office's reference data, for caches of it (CatalogRepository's changes bump it). Read once per
// transaction: later calls in it return that reading, or the version on the office row LoadOffice
// read since.
int64_t RefdataVersion(Tx& tx, const std::string& office_id);

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_OFFICE_CONTEXT_H_
