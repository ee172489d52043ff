#include "server/store/siber_stops.h"

#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/domain/siber_stop_rules.h"
#include "server/domain/validation.h"
#include "server/store/columns.h"
#include "server/store/stop_rows.h"
#include "server/store/task_enqueue.h"

namespace loket::store {
namespace {

constexpr Statement kEnsureDay{
    "siber_ensure_day",
    "INSERT INTO siber_days (office_id, day) VALUES ($1, $2::date) ON CONFLICT DO NOTHING"};
constexpr Statement kBumpDay{
    "siber_bump_day",
    "INSERT INTO siber_days (office_id, day) VALUES ($1, $2::date) ON CONFLICT (office_id, day)"
    " DO UPDATE SET input_version = siber_days.input_version + 1"};
// What kInsertPair answers (PairOutcome): the new taking end (NULL when nothing was inserted), the
// case's live one, whether the day is closed, whether the day's plan task is ready.
constexpr auto kPairColumns =
    MakeColumns({{"taking_id", "(SELECT a FROM ids WHERE EXISTS (SELECT 1 FROM ins))"},
                 {"live_id", "(SELECT id FROM live LIMIT 1)"},
                 {"day_closed", "EXISTS (SELECT 1 FROM closed)"},
                 {"plan_ready", "EXISTS (SELECT 1 FROM plan)"}});
// The pair and its day in one round trip. Both ids are drawn first, so each end names the other;
// the foreign keys (partner, day) are checked at the end of the statement. Nothing is inserted on
// a day closed for couriers, or when the case already has a live taking end (returned instead).
constexpr Statement kInsertPair{
    "siber_insert_pair",
    kSelectSql<
        "WITH d AS (INSERT INTO siber_days (office_id, day) VALUES ($1, $3::date)"
        "   ON CONFLICT DO NOTHING),"
        " closed AS (SELECT 1 FROM siber_days WHERE office_id = $1 AND day = $3::date"
        "   AND closed_reason IS NOT NULL),"
        " live AS (SELECT id FROM stops WHERE case_id = $2 AND kind = $4 AND item = $5"
        "   AND state IN ('pending', 'planned', 'arrived')),"
        " ids AS MATERIALIZED (SELECT nextval(pg_get_serial_sequence('stops', 'id')) AS a,"
        "   nextval(pg_get_serial_sequence('stops', 'id')) AS b"
        "   WHERE NOT EXISTS (SELECT 1 FROM closed) AND NOT EXISTS (SELECT 1 FROM live)),"
        " ins AS (INSERT INTO stops (id, partner_id, office_id, case_id, day, kind, item,"
        "   clinic_id, place, address, latitude, longitude, window_start, window_end,"
        "   service_minutes, bundles)"
        "   SELECT a, b, $1::text, $2::bigint, $3::date, $4::text, $5::text, $6::text, $7::text,"
        " $8::text, $9::float8, $10::float8, $11::timestamptz,"
        "   $12::timestamptz, 5, 1 FROM ids"
        "   UNION ALL SELECT b, a, $1::text, $2::bigint, $3::date, $13::text, $5::text, $14::text,"
        " $15::text, $16::text, $17::float8, $18::float8,"
        "   $19::timestamptz, $20::timestamptz, 5, 1 FROM ids RETURNING id)"
        // The day's plan task when ready, share-locked to commit (EnqueuePlanInTx says why).
        " , plan AS (SELECT id FROM tasks WHERE office_id = $1 AND queue = 'route.plan'"
        "   AND dedupe_key = $3::text AND state = 'ready' FOR SHARE)"
        " SELECT ",
        kPairColumns, "">};
// The day's plan task, when it is ready (not leased), share-locked until commit.
constexpr Statement kReadyPlan{
    "siber_ready_plan",
    "SELECT id FROM tasks WHERE office_id = $1 AND queue = 'route.plan' AND dedupe_key = $2"
    " AND state = 'ready' FOR SHARE"};
// Open stops of the office on days $2..$3, of one case when $4 is not 0, locked in id order.
constexpr Statement kOpenStops{
    "siber_open_stops",
    kSelectSql<"SELECT ", kStopColumns,
               LOKET_STOP_FROM
               " WHERE s.office_id = $1 AND s.day BETWEEN $2::date AND $3::date"
               " AND ($4 = 0 OR s.case_id = $4) AND s.state IN ('pending', 'planned')"
               " ORDER BY s.id FOR UPDATE OF s">};
constexpr Statement kCancelOpen{
    "siber_cancel_open",
    "UPDATE stops SET state = 'cancelled', version = version + 1, updated_at = now()"
    " WHERE id = $1"};
// A stop moved to another day (domain::StopMove), to be planned afresh there.
constexpr Statement kMoveStop{
    "siber_move_stop",
    "UPDATE stops SET day = $2::date, window_start = $3::timestamptz,"
    " window_end = $4::timestamptz, courier_id = $5, state = 'pending', sequence = NULL,"
    " planned_at = NULL, announced_start = NULL, announced_end = NULL, near_sent = false,"
    " version = version + 1, updated_at = now() WHERE id = $1"};

constexpr Statement kCloseDay{
    "siber_close_day",
    "INSERT INTO siber_days (office_id, day, closed_reason) VALUES ($1, $2::date, $3)"
    " ON CONFLICT (office_id, day) DO UPDATE SET closed_reason = $3,"
    " input_version = siber_days.input_version + 1"};
constexpr auto kClinicContactColumns = MakeColumns({{"name"}, {"phone"}, {"email"}});
constexpr Statement kClinicContacts{
    "siber_clinic_contacts",
    kSelectSql<"SELECT ", kClinicContactColumns, " FROM clinics WHERE office_id = $1 AND id = $2">};

using domain::RoutePlace;

// The office as a place on the route (the whole day), from the cached office snapshot.
absl::StatusOr<RoutePlace> OfficePlace(const OfficeContext& office, const std::string& office_id) {
  return domain::PlaceOnRoute(office.snapshot->office, absl::StrCat("office ", office_id));
}

// A clinic of the office as a place on the route.
absl::StatusOr<RoutePlace> LoadClinic(Tx& tx, const OfficeContext& office,
                                      const std::string& office_id, const std::string& clinic_id) {
  std::optional<domain::CourierPlace> c = FindClinic(tx, office, office_id, clinic_id);
  if (!c) {
    return absl::InvalidArgumentError("clinic_id: unknown clinic " + domain::QuoteValue(clinic_id));
  }
  return domain::PlaceOnRoute(*c, absl::StrCat("clinic ", clinic_id));
}

// The day's route.plan task (coalesced: a plan running now runs again after it).
void EnqueueRoutePlanInTx(Tx& tx, const std::string& office_id, absl::CivilDay day) {
  EnqueueInTx(tx, NewTask{office_id, kRoutePlanQueue, absl::FormatCivilTime(day), "",
                          absl::InfinitePast(), 8});
}

struct PairOutcome {
  int64_t taking_id = 0;  // the new taking end, or the case's live one
  bool day_closed = false;
};

// Inserts the pair (taking end at `from`, handing end at `to`, in the windows `w`) and its day in
// one statement, unless the day is closed for couriers or the case already has a live taking end
// (then returned). A plan leased meanwhile either sees the new stops or runs again
// (ReplanDayInTx): a new stop needs no version bump.
PairOutcome InsertPair(Tx& tx, const std::string& office_id, int64_t case_id,
                       const domain::PairWindows& w, const std::string& item,
                       const RoutePlace& from, const RoutePlace& to) {
  pqxx::result r = tx.Exec(
      kInsertPair, office_id, case_id, absl::FormatCivilTime(w.day),
      std::string(domain::StopKindName(w.take_kind)), item, NullIfEmpty(from.clinic_id), from.name,
      from.address, from.latitude, from.longitude, Ts(w.take_start), Ts(w.take_end),
      std::string(domain::StopKindName(w.give_kind)), NullIfEmpty(to.clinic_id), to.name,
      to.address, to.latitude, to.longitude, Ts(w.give_start), Ts(w.give_end));
  constexpr const auto& k = kPairColumns;
  const pqxx::row row = r[0];
  PairOutcome out;
  if (!row[k["taking_id"]].is_null()) {
    out.taking_id = row[k["taking_id"]].as<int64_t>();
    // A ready plan task, share-locked by the statement, will see the new stops; else enqueue.
    if (!row[k["plan_ready"]].as<bool>()) EnqueueRoutePlanInTx(tx, office_id, w.day);
  } else if (!row[k["live_id"]].is_null()) {
    out.taking_id = row[k["live_id"]].as<int64_t>();
  }
  out.day_closed = row[k["day_closed"]].as<bool>();
  return out;
}

// Inserts the pair for a visit at `place` (domain::DecidePairWindows) on the first day open for
// couriers; a day closed since the office snapshot was taken is skipped or, when asked for,
// refused (domain::OnCourierDayClosed).
absl::StatusOr<int64_t> PlacePair(Tx& tx, absl::Time now, const OfficeContext& office,
                                  const std::string& office_id, int64_t case_id,
                                  domain::StopKind visit, const std::string& item,
                                  const RoutePlace& place, const RoutePlace& office_place,
                                  const domain::VisitPreference& pref) {
  auto at = [&](domain::StopKind k) -> const RoutePlace& {
    return domain::AtOffice(k) ? office_place : place;
  };
  std::set<absl::CivilDay> closed_since;
  for (int attempt = 0; attempt < domain::kClosedDaySkips; ++attempt) {
    const domain::WorkingCalendar calendar =
        closed_since.empty()
            ? office.courier_calendar
            : domain::CourierCalendar(office.snapshot->holidays, office.snapshot->courier_closed,
                                      closed_since);
    LOKET_ASSIGN_OR_RETURN(domain::PairWindows w,
                           domain::DecidePairWindows(visit, now, office.utc_offset_minutes,
                                                     calendar, place.hours, pref));
    PairOutcome p = InsertPair(tx, office_id, case_id, w, item, at(w.take_kind), at(w.give_kind));
    if (!p.day_closed) return p.taking_id;
    LOKET_RETURN_IF_ERROR(domain::OnCourierDayClosed(pref, w.day));
    closed_since.insert(w.day);
  }
  return absl::UnavailableError("no open day for couriers found; try again");
}

}  // namespace

void ReplanDayInTx(Tx& tx, const std::string& office_id, absl::CivilDay day, bool bump) {
  tx.Exec(bump ? kBumpDay : kEnsureDay, office_id, absl::FormatCivilTime(day));
  if (bump) {
    EnqueueRoutePlanInTx(tx, office_id, day);
  } else {
    EnqueuePlanInTx(tx, office_id, day);
  }
}

void EnqueuePlanInTx(Tx& tx, const std::string& office_id, absl::CivilDay day) {
  // A ready plan task will read the new stops when it is leased; its share lock (held to commit)
  // keeps a router from leasing it before they are visible (leases skip locked rows). Only a
  // missing or leased task needs EnqueueInTx, whose row lock serialises its callers.
  pqxx::result live = tx.Exec(kReadyPlan, office_id, absl::FormatCivilTime(day));
  if (!live.empty()) return;
  EnqueueRoutePlanInTx(tx, office_id, day);
}

absl::StatusOr<int64_t> RequestPickupInTx(Tx& tx, absl::Time now, const OfficeContext& office,
                                          const PickupRequest& r) {
  LOKET_ASSIGN_OR_RETURN(RoutePlace office_place, OfficePlace(office, r.office_id));
  RoutePlace from;
  if (!r.clinic_id.empty()) {
    LOKET_ASSIGN_OR_RETURN(from, LoadClinic(tx, office, r.office_id, r.clinic_id));
  } else {
    LOKET_RETURN_IF_ERROR(domain::CheckPickupPlace(r.place, r.address, r.latitude, r.longitude));
    from = RoutePlace{"", r.place, r.address, r.latitude, r.longitude, {}};
  }
  return PlacePair(tx, now, office, r.office_id, r.case_id, domain::StopKind::kPickup, "documents",
                   from, office_place, r.preference);
}

absl::StatusOr<int64_t> RequestDeliveryInTx(Tx& tx, absl::Time now, const OfficeContext& office,
                                            const std::string& office_id, int64_t case_id,
                                            const std::string& clinic_id,
                                            const domain::VisitPreference& pref,
                                            const std::string& item) {
  LOKET_ASSIGN_OR_RETURN(RoutePlace office_place, OfficePlace(office, office_id));
  LOKET_ASSIGN_OR_RETURN(RoutePlace to, LoadClinic(tx, office, office_id, clinic_id));
  return PlacePair(tx, now, office, office_id, case_id, domain::StopKind::kDelivery, item, to,
                   office_place, pref);
}

CourierDayClosure CloseCourierDayInTx(Tx& tx, absl::Time now, const OfficeContext& office,
                                      const std::string& office_id, absl::CivilDay day,
                                      const std::string& reason, const NotificationEncoder& encode,
                                      const domain::NotificationPolicy& policy) {
  CourierDayClosure out;
  tx.Exec(kCloseDay, office_id, absl::FormatCivilTime(day), reason);
  const absl::CivilDay next = domain::NextCourierDay(day, office.courier_calendar);
  out.moved_to = absl::FormatCivilTime(next);
  tx.Exec(kEnsureDay, office_id, out.moved_to);
  std::map<int64_t, std::string> clinic_of;
  const std::vector<domain::PlanStop> open = OpenStops(tx, office_id, day, day, 0, &clinic_of);
  std::set<std::string> clinics;
  for (const domain::StopMove& m : domain::DecideMoveOffClosedDay(open, next)) {
    MoveStop(tx, m);
    ++out.stops_moved;
    if (!clinic_of[m.stop_id].empty()) clinics.insert(clinic_of[m.stop_id]);
  }
  ReplanDayInTx(tx, office_id, day, /*bump=*/false);  // kCloseDay bumped it
  if (out.stops_moved > 0) ReplanDayInTx(tx, office_id, next);
  if (!encode) return out;
  const OutboxOffice outbox = OutboxOf(office_id, office);
  for (const std::string& clinic : clinics) {
    pqxx::result c = tx.Exec(kClinicContacts, office_id, clinic);
    if (c.empty()) continue;
    domain::VisitContacts to;
    to.clinic_id = clinic;
    constexpr const auto& k = kClinicContactColumns;
    to.clinic_name = c[0][k["name"]].as<std::string>();
    to.clinic_phone = c[0][k["phone"]].as<std::string>();
    to.clinic_email = c[0][k["email"]].as<std::string>();
    std::vector<domain::Notification> told =
        domain::CourierDayClosedNotifications(to, day, next, reason);
    for (domain::Notification& n : told) {
      EnqueueNotificationInTx(tx, encode, policy, outbox, now, std::move(n));
    }
    out.clinics_told += told.empty() ? 0 : 1;
  }
  return out;
}

absl::Status CancelOpenStopsInTx(Tx& tx, const std::string& office_id, int64_t case_id) {
  const std::vector<domain::PlanStop> open =
      OpenStops(tx, office_id, absl::CivilDay(1970), absl::CivilDay(9999, 12, 31), case_id);
  std::map<int64_t, absl::CivilDay> day_of;
  for (const domain::PlanStop& s : open) day_of[s.id] = s.day;
  std::set<absl::CivilDay> days;
  for (int64_t id : domain::DecideCancelWithCase(open)) {
    tx.Exec(kCancelOpen, id);
    days.insert(day_of[id]);
  }
  for (absl::CivilDay d : days) ReplanDayInTx(tx, office_id, d);
  return absl::OkStatus();
}

std::vector<domain::PlanStop> OpenStops(Tx& tx, const std::string& office_id, absl::CivilDay first,
                                        absl::CivilDay last, int64_t case_id,
                                        std::map<int64_t, std::string>* clinic_of) {
  std::vector<domain::PlanStop> out;
  for (const auto& row : tx.Exec(kOpenStops, office_id, absl::FormatCivilTime(first),
                                 absl::FormatCivilTime(last), case_id)) {
    const StopRow r = StopFromRow(row);
    if (clinic_of) (*clinic_of)[r.r.id] = r.r.clinic_id;
    out.push_back(ForPlanner(r));
  }
  return out;
}

void MoveStop(Tx& tx, const domain::StopMove& m) {
  tx.Exec(kMoveStop, m.stop_id, absl::FormatCivilTime(m.day), Ts(m.window_start), Ts(m.window_end),
          m.courier_id == 0 ? std::nullopt : std::optional(m.courier_id));
}

}  // namespace loket::store
