#include "server/store/office_context.h"

#include "server/store/columns.h"
#include "server/store/pg.h"

namespace loket::store {
namespace {

// Each row's columns (server/store/columns.h) build its statement and name its reads.
constexpr auto kOfficeColumns = MakeColumns({{"utc_offset_minutes"},
                                             {"name"},
                                             {"latitude"},
                                             {"longitude"},
                                             {"address"},
                                             {"refdata_version"}});
constexpr Statement kOffice{"office_context",
                            kSelectSql<"SELECT ", kOfficeColumns, " FROM offices WHERE id = $1">};
constexpr Statement kVersion{"office_refdata_version",
                             "SELECT refdata_version FROM offices WHERE id = $1"};
// A clinic as a courier's place (ClinicPlaceFromRow): all of the office's ($2 empty) or one.
constexpr auto kClinicPlaceColumns = MakeColumns(
    {{"id"},
     {"name"},
     {"address"},
     {"latitude"},
     {"longitude"},
     {"opens", "extract(hour FROM opens)::int * 60 + extract(minute FROM opens)::int"},
     {"closes", "extract(hour FROM closes)::int * 60 + extract(minute FROM closes)::int"}});
constexpr Statement kClinics{
    "office_clinics", kSelectSql<"SELECT ", kClinicPlaceColumns,
                                 " FROM clinics WHERE office_id = $1 AND ($2 = '' OR id = $2)">};
constexpr Statement kHolidays{"office_holidays",
                              "SELECT day::text FROM holidays WHERE office_id = $1"};
constexpr Statement kCourierClosed{
    "office_courier_closed",
    "SELECT day::text FROM siber_days WHERE office_id = $1 AND closed_reason IS NOT NULL"};

domain::CourierPlace ClinicPlaceFromRow(const pqxx::row& row) {
  constexpr const auto& k = kClinicPlaceColumns;
  return domain::CourierPlace{
      row[k["id"]].as<std::string>(),      row[k["name"]].as<std::string>(),
      row[k["address"]].as<std::string>(), OptionalDouble(row[k["latitude"]]),
      OptionalDouble(row[k["longitude"]]), row[k["opens"]].as<int>(),
      row[k["closes"]].as<int>()};
}

}  // namespace

absl::StatusOr<OfficeContext> LoadOffice(Tx& tx, const std::string& office_id, absl::Time now,
                                         OfficeCache& cache) {
  std::optional<std::shared_ptr<const OfficeSnapshot>> cached = cache.Get(office_id);
  std::shared_ptr<const OfficeSnapshot> snap;
  if (cached && (*cached)->refdata_version == RefdataVersion(tx, office_id)) {
    snap = *std::move(cached);
  } else {
    pqxx::result o = tx.Exec(kOffice, office_id);
    if (o.empty()) return absl::FailedPreconditionError("office " + office_id + " is not set up");
    auto fresh = std::make_shared<OfficeSnapshot>();
    constexpr const auto& k = kOfficeColumns;
    const auto& row = o[0];
    fresh->name = row[k["name"]].as<std::string>();
    fresh->utc_offset_minutes = row[k["utc_offset_minutes"]].as<int>();
    fresh->refdata_version = row[k["refdata_version"]].as<int64_t>();
    tx.refdata_versions()[office_id] = fresh->refdata_version;  // permit types follow this reading
    fresh->office = domain::CourierPlace{
        "", "office", row[k["address"]].is_null() ? "" : row[k["address"]].as<std::string>(),
        OptionalDouble(row[k["latitude"]]), OptionalDouble(row[k["longitude"]])};
    fresh->holidays = DaysOf(tx.Exec(kHolidays, office_id));
    fresh->courier_closed = DaysOf(tx.Exec(kCourierClosed, office_id));
    fresh->calendar = domain::WorkingCalendar(fresh->holidays);
    fresh->courier_calendar = domain::CourierCalendar(fresh->holidays, fresh->courier_closed);
    for (const auto& row : tx.Exec(kClinics, office_id, std::string())) {
      domain::CourierPlace c = ClinicPlaceFromRow(row);
      fresh->clinics.emplace(c.clinic_id, std::move(c));
    }
    snap = std::move(fresh);
    cache.Put(office_id, snap);
  }
  return OfficeContext{snap->name,
                       snap->utc_offset_minutes,
                       snap->calendar,
                       snap->courier_calendar,
                       LocalDay(now, snap->utc_offset_minutes),
                       snap};
}

OutboxOffice OutboxOf(const std::string& office_id, const OfficeContext& office) {
  return {office_id, office.name, office.utc_offset_minutes};
}

std::optional<domain::CourierPlace> FindClinic(Tx& tx, const OfficeContext& office,
                                               const std::string& office_id,
                                               const std::string& clinic_id) {
  if (clinic_id.empty()) return std::nullopt;  // kClinics would read every clinic
  if (auto it = office.snapshot->clinics.find(clinic_id); it != office.snapshot->clinics.end()) {
    return it->second;
  }
  pqxx::result r = tx.Exec(kClinics, office_id, clinic_id);
  if (r.empty()) return std::nullopt;
  return ClinicPlaceFromRow(r[0]);
}

int64_t RefdataVersion(Tx& tx, const std::string& office_id) {
  auto [it, fresh] = tx.refdata_versions().emplace(office_id, 0);
  if (fresh) {
    pqxx::result r = tx.Exec(kVersion, office_id);
    if (!r.empty()) it->second = r[0][0].as<int64_t>();
  }
  return it->second;
}

}  // namespace loket::store
