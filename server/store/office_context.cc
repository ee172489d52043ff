#include "server/store/office_context.h"

#include "server/store/pg.h"

namespace loket::store {
namespace {

constexpr Statement kOffice{
    "office_context",
    "SELECT utc_offset_minutes, name, latitude, longitude, address, refdata_version FROM offices"
    " WHERE id = $1"};
constexpr Statement kVersion{"office_refdata_version",
                             "SELECT refdata_version FROM offices WHERE id = $1"};
constexpr Statement kClinics{
    "office_clinics",
    "SELECT id, name, address, latitude, longitude,"
    " extract(hour FROM opens)::int * 60 + extract(minute FROM opens)::int,"
    " extract(hour FROM closes)::int * 60 + extract(minute FROM closes)::int"
    " FROM clinics WHERE office_id = $1"};
constexpr Statement kHolidays{"office_holidays",
                              "SELECT day::text FROM holidays WHERE office_id = $1"};
constexpr Statement kCourierClosed{
    "office_courier_closed",
    "SELECT day::text FROM siber_days WHERE office_id = $1 AND closed_reason IS NOT NULL"};

std::optional<double> OptionalDouble(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<double>();
}

CourierPlace ClinicPlaceFromRow(const pqxx::row& row) {
  return CourierPlace{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                      OptionalDouble(row[3]),   OptionalDouble(row[4]),   row[5].as<int>(),
                      row[6].as<int>()};
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
    fresh->name = o[0][1].as<std::string>();
    fresh->utc_offset_minutes = o[0][0].as<int>();
    fresh->refdata_version = o[0][5].as<int64_t>();
    fresh->office = CourierPlace{"", "office", o[0][4].is_null() ? "" : o[0][4].as<std::string>(),
                                 OptionalDouble(o[0][2]), OptionalDouble(o[0][3])};
    for (const auto& row : tx.Exec(kHolidays, office_id)) {
      fresh->holidays.insert(ParseDay(row[0].as<std::string>()));
    }
    for (const auto& row : tx.Exec(kCourierClosed, office_id)) {
      fresh->courier_closed.insert(ParseDay(row[0].as<std::string>()));
    }
    for (const auto& row : tx.Exec(kClinics, office_id)) {
      CourierPlace c = ClinicPlaceFromRow(row);
      fresh->clinics.emplace(c.clinic_id, std::move(c));
    }
    snap = std::move(fresh);
    cache.Put(office_id, snap);
  }
  std::set<absl::CivilDay> closed = snap->holidays;
  closed.insert(snap->courier_closed.begin(), snap->courier_closed.end());
  return OfficeContext{snap->name,
                       snap->utc_offset_minutes,
                       domain::WorkingCalendar(snap->holidays),
                       domain::WorkingCalendar(closed),
                       LocalDay(now, snap->utc_offset_minutes),
                       snap};
}

int64_t RefdataVersion(Tx& tx, const std::string& office_id) {
  pqxx::result r = tx.Exec(kVersion, office_id);
  return r.empty() ? 0 : r[0][0].as<int64_t>();
}

}  // namespace loket::store
