// An office's name, time zone and working calendar, cached for a few seconds per repository
// (read on every call, changed by hand rarely). LoadOffice is for store/ only.
#ifndef LOKET_SERVER_STORE_OFFICE_CONTEXT_H_
#define LOKET_SERVER_STORE_OFFICE_CONTEXT_H_

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/ttl_cache.h"
#include "server/domain/sla.h"

namespace loket::store {

class Tx;  // pg.h; this header stays free of pqxx because the api layer includes it

struct OfficeSnapshot {
  std::string name;
  int utc_offset_minutes = 480;
  std::set<absl::CivilDay> holidays;
};
using OfficeCache = TtlCache<std::string, OfficeSnapshot>;

struct OfficeContext {
  std::string name;
  int utc_offset_minutes = 480;
  domain::WorkingCalendar calendar;
  absl::CivilDay today;  // in the office's time zone, at `now`
};

// FAILED_PRECONDITION when the office does not exist.
absl::StatusOr<OfficeContext> LoadOffice(Tx& tx, const std::string& office_id, absl::Time now,
                                         OfficeCache& cache);

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_OFFICE_CONTEXT_H_
