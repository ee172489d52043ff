#include "server/store/office_context.h"

#include "server/store/pg.h"

namespace loket::store {
namespace {

constexpr Statement kOffice{"office_context",
                            "SELECT utc_offset_minutes, name FROM offices WHERE id = $1"};
constexpr Statement kHolidays{"office_holidays",
                              "SELECT day::text FROM holidays WHERE office_id = $1"};

}  // namespace

absl::StatusOr<OfficeContext> LoadOffice(Tx& tx, const std::string& office_id, absl::Time now,
                                         OfficeCache& cache) {
  std::optional<OfficeSnapshot> snap = cache.Get(office_id);
  if (!snap) {
    pqxx::result o = tx.Exec(kOffice, office_id);
    if (o.empty()) return absl::FailedPreconditionError("office " + office_id + " is not set up");
    snap.emplace();
    snap->name = o[0][1].as<std::string>();
    snap->utc_offset_minutes = o[0][0].as<int>();
    for (const auto& row : tx.Exec(kHolidays, office_id)) {
      snap->holidays.insert(ParseDay(row[0].as<std::string>()));
    }
    cache.Put(office_id, *snap);
  }
  return OfficeContext{snap->name, snap->utc_offset_minutes,
                       domain::WorkingCalendar(snap->holidays),
                       LocalDay(now, snap->utc_offset_minutes)};
}

}  // namespace loket::store
