#include "server/store/siber_stops.h"

#include "absl/strings/str_cat.h"
#include "server/domain/validation.h"
#include "server/store/task_enqueue.h"

namespace loket::store {
namespace {

constexpr Statement kOfficePlace{"siber_office_place",
                                 "SELECT latitude, longitude, address FROM offices WHERE id = $1"};
constexpr Statement kClinicPlace{
    "siber_clinic_place",
    "SELECT name, address, latitude, longitude,"
    " extract(hour FROM opens)::int * 60 + extract(minute FROM opens)::int,"
    " extract(hour FROM closes)::int * 60 + extract(minute FROM closes)::int"
    " FROM clinics WHERE office_id = $1 AND id = $2"};
constexpr Statement kEnsureDay{
    "siber_ensure_day",
    "INSERT INTO siber_days (office_id, day) VALUES ($1, $2::date) ON CONFLICT DO NOTHING"};
constexpr Statement kBumpDay{
    "siber_bump_day",
    "INSERT INTO siber_days (office_id, day) VALUES ($1, $2::date) ON CONFLICT (office_id, day)"
    " DO UPDATE SET input_version = siber_days.input_version + 1"};
// The taking end first, then its partner; ON CONFLICT on the live-stop index makes a repeat a
// no-op that returns nothing.
constexpr Statement kInsertStop{
    "siber_insert_stop",
    "INSERT INTO stops (office_id, case_id, day, kind, item, partner_id, clinic_id, place, address,"
    " latitude, longitude, window_start, window_end, service_minutes, bundles)"
    " VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8, $9, $10, $11, $12::timestamptz,"
    " $13::timestamptz, $14, 1)"
    " ON CONFLICT (case_id, kind, item) WHERE state IN ('pending', 'planned', 'arrived')"
    " DO NOTHING"
    " RETURNING id"};
constexpr Statement kLiveStop{"siber_live_stop",
                              "SELECT id FROM stops WHERE case_id = $1 AND kind = $2 AND item = $3"
                              " AND state IN ('pending', 'planned', 'arrived')"};
constexpr Statement kLinkPartner{"siber_link_partner",
                                 "UPDATE stops SET partner_id = $2 WHERE id = $1"};
constexpr Statement kCancelOpen{
    "siber_cancel_open",
    "UPDATE stops SET state = 'cancelled', version = version + 1, updated_at = now()"
    " WHERE office_id = $1 AND case_id = $2 AND state IN ('pending', 'planned')"
    " AND NOT (kind = 'handin' AND partner_id IS NULL AND courier_id IS NOT NULL)"
    " AND NOT EXISTS (SELECT 1 FROM stops p WHERE p.id = stops.partner_id"
    "   AND p.state IN ('arrived', 'done'))"
    " RETURNING day::text"};

std::string Ts(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6S+00:00", t, absl::UTCTimeZone());
}

struct Place {
  std::string clinic_id;
  std::string name;
  std::string address;
  double latitude = 0;
  double longitude = 0;
  domain::DailyHours hours;
};

struct OfficePlace {
  double latitude = 0;
  double longitude = 0;
  std::string address;
};

absl::StatusOr<OfficePlace> LoadOfficePlace(Tx& tx, const std::string& office_id) {
  pqxx::result r = tx.Exec(kOfficePlace, office_id);
  if (r.empty() || r[0][0].is_null() || r[0][1].is_null()) {
    return absl::FailedPreconditionError(
        absl::StrCat("office ", office_id,
                     " has no location; an administrator must set it before SIBER can plan"));
  }
  return OfficePlace{r[0][0].as<double>(), r[0][1].as<double>(), r[0][2].as<std::string>()};
}

absl::StatusOr<Place> LoadClinic(Tx& tx, const std::string& office_id,
                                 const std::string& clinic_id) {
  pqxx::result r = tx.Exec(kClinicPlace, office_id, clinic_id);
  if (r.empty()) return absl::InvalidArgumentError("clinic_id: unknown clinic " + domain::QuoteValue(clinic_id));
  if (r[0][2].is_null() || r[0][3].is_null()) {
    return absl::FailedPreconditionError(
        absl::StrCat("clinic ", clinic_id, " has no location; an administrator must set it"));
  }
  return Place{clinic_id,
               r[0][0].as<std::string>(),
               r[0][1].as<std::string>(),
               r[0][2].as<double>(),
               r[0][3].as<double>(),
               {r[0][4].as<int>(), r[0][5].as<int>()}};
}

// Inserts the pair (taking end at `from`, handing end at `to`), or returns the live taking end.
int64_t InsertPair(Tx& tx, const std::string& office_id, int64_t case_id,
                   const domain::StopWindow& w, domain::StopKind take, domain::StopKind give,
                   const std::string& item, const Place& from, const Place& to,
                   absl::Time give_start, absl::Time give_end) {
  auto insert = [&](domain::StopKind kind, const Place& p, std::optional<int64_t> partner,
                    absl::Time start, absl::Time end) -> std::optional<int64_t> {
    pqxx::result r = tx.Exec(kInsertStop, office_id, case_id, absl::FormatCivilTime(w.day),
                             std::string(domain::StopKindName(kind)), item, partner,
                             p.clinic_id.empty() ? std::optional<std::string>() : p.clinic_id,
                             p.name, p.address, p.latitude, p.longitude, Ts(start), Ts(end), 5);
    if (r.empty()) return std::nullopt;
    return r[0][0].as<int64_t>();
  };
  // Creates the day first (stops refer to it). A plan leased meanwhile either sees these stops or,
  // coalesced, runs again: a new stop needs no version bump.
  ReplanDayInTx(tx, office_id, w.day, /*bump=*/false);
  std::optional<int64_t> first = insert(take, from, std::nullopt, w.start, w.end);
  if (!first) {
    pqxx::result live = tx.Exec(kLiveStop, case_id, std::string(domain::StopKindName(take)), item);
    return live.empty() ? 0 : live[0][0].as<int64_t>();
  }
  std::optional<int64_t> second = insert(give, to, *first, give_start, give_end);
  if (second) tx.Exec(kLinkPartner, *first, *second);
  return *first;
}

// The office as a place on the route: the whole day, in the office's time zone.
Place OfficeAsPlace(const OfficePlace& o) {
  return Place{"", "office", o.address, o.latitude, o.longitude, {}};
}

}  // namespace

void ReplanDayInTx(Tx& tx, const std::string& office_id, absl::CivilDay day, bool bump) {
  tx.Exec(bump ? kBumpDay : kEnsureDay, office_id, absl::FormatCivilTime(day));
  EnqueueInTx(tx, NewTask{office_id, "route.plan", absl::FormatCivilTime(day), "",
                          absl::InfinitePast(), 8});
}

absl::StatusOr<int64_t> RequestPickupInTx(Tx& tx, absl::Time now, const OfficeContext& office,
                                          const PickupRequest& r) {
  absl::StatusOr<OfficePlace> op = LoadOfficePlace(tx, r.office_id);
  if (!op.ok()) return op.status();
  Place from;
  if (!r.clinic_id.empty()) {
    absl::StatusOr<Place> clinic = LoadClinic(tx, r.office_id, r.clinic_id);
    if (!clinic.ok()) return clinic.status();
    from = *clinic;
  } else {
    if (r.place.empty()) return absl::InvalidArgumentError("pickup.place: required");
    if (r.address.empty()) return absl::InvalidArgumentError("pickup.address: required");
    if (!(r.latitude >= -90 && r.latitude <= 90) || !(r.longitude >= -180 && r.longitude <= 180) ||
        (r.latitude == 0 && r.longitude == 0)) {
      return absl::InvalidArgumentError("pickup.latitude/longitude: the place's coordinates");
    }
    from = Place{"", r.place, r.address, r.latitude, r.longitude, {}};
  }
  absl::StatusOr<domain::StopWindow> w = domain::NextStopWindow(
      now, office.utc_offset_minutes, office.calendar, from.hours, r.preference);
  if (!w.ok()) return w.status();
  absl::TimeZone tz = absl::FixedTimeZone(office.utc_offset_minutes * 60);
  absl::Time day_end = absl::FromCivil(w->day + 1, tz);
  return InsertPair(tx, r.office_id, r.case_id, *w, domain::StopKind::kPickup,
                    domain::StopKind::kHandin, "documents", from, OfficeAsPlace(*op), w->start,
                    day_end);
}

absl::StatusOr<int64_t> RequestDeliveryInTx(Tx& tx, absl::Time now, const OfficeContext& office,
                                            const std::string& office_id, int64_t case_id,
                                            const std::string& clinic_id,
                                            const domain::VisitPreference& pref,
                                            const std::string& item) {
  absl::StatusOr<OfficePlace> op = LoadOfficePlace(tx, office_id);
  if (!op.ok()) return op.status();
  absl::StatusOr<Place> to = LoadClinic(tx, office_id, clinic_id);
  if (!to.ok()) return to.status();
  absl::StatusOr<domain::StopWindow> w =
      domain::NextStopWindow(now, office.utc_offset_minutes, office.calendar, to->hours, pref);
  if (!w.ok()) return w.status();
  absl::TimeZone tz = absl::FixedTimeZone(office.utc_offset_minutes * 60);
  absl::Time day_start = absl::FromCivil(w->day, tz);
  // The collect end is the taking end: its window is the day up to the delivery window's end.
  domain::StopWindow collect{w->day, day_start, w->end};
  absl::StatusOr<int64_t> first =
      InsertPair(tx, office_id, case_id, collect, domain::StopKind::kCollect,
                 domain::StopKind::kDelivery, item, OfficeAsPlace(*op), *to, w->start, w->end);
  return first;
}

absl::Status CancelOpenStopsInTx(Tx& tx, const std::string& office_id, int64_t case_id) {
  std::set<std::string> days;
  for (const auto& row : tx.Exec(kCancelOpen, office_id, case_id)) {
    days.insert(row[0].as<std::string>());
  }
  for (const std::string& d : days) ReplanDayInTx(tx, office_id, ParseDay(d));
  return absl::OkStatus();
}

}  // namespace loket::store
