#include "server/store/siber_repository.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "server/domain/siber_stop_rules.h"
#include "server/domain/validation.h"
#include "server/store/columns.h"
#include "server/store/fetch.h"
#include "server/store/idempotency.h"
#include "server/store/pg.h"
#include "server/store/siber_stops.h"
#include "server/store/stop_rows.h"
#include "server/store/task_enqueue.h"

namespace loket::store {
namespace {

using domain::StopKind;
using domain::StopState;

constexpr Statement kStopForUpdate{
    "siber_stop_for_update", kSelectSql<"SELECT ", kStopColumns,
                                        LOKET_STOP_FROM " WHERE s.id = $1 AND s.office_id = $2"
                                                        " FOR UPDATE OF s">};
constexpr Statement kStopsOfDay{
    "siber_stops_of_day",
    kSelectSql<"SELECT ", kStopColumns,
               LOKET_STOP_FROM
               " WHERE s.office_id = $1 AND s.day = $2::date AND ($3 = '' OR s.state = $3)"
               " AND ($4 = 0 OR s.case_id = $4)"
               " ORDER BY s.courier_id NULLS LAST, s.sequence NULLS LAST, s.id">};
constexpr Statement kInsertProof{
    "siber_insert_proof",
    "INSERT INTO stop_proofs (stop_id, office_id, sha256, media_type, content)"
    " VALUES ($1, $2, decode($3, 'hex'), $4, $5)"};
constexpr Statement kStopsOfCase{
    "siber_stops_of_case",
    kSelectSql<
        "SELECT ", kStopColumns,
        LOKET_STOP_FROM
        " WHERE s.office_id = $1 AND s.case_id = $2 AND ($3 = '' OR s.state = $3) ORDER BY s.id">};
constexpr Statement kRouteOf{
    "siber_route_of",
    kSelectSql<"SELECT ", kStopColumns,
               LOKET_STOP_FROM " WHERE s.office_id = $1 AND s.day = $2::date AND s.courier_id = $3"
                               " AND s.state <> 'cancelled' ORDER BY s.sequence NULLS LAST, s.id">};
constexpr Statement kNextOnRoute{
    "siber_next_on_route",
    kSelectSql<
        "SELECT ", kStopColumns,
        LOKET_STOP_FROM
        " WHERE s.office_id = $1 AND s.day = $2::date AND s.courier_id = $3 AND s.state = 'planned'"
        " ORDER BY s.sequence NULLS LAST, s.id LIMIT 1 FOR UPDATE OF s">};
constexpr Statement kArrive{
    "siber_arrive",
    "UPDATE stops SET state = 'arrived', arrived_at = $2::timestamptz, version = version + 1,"
    " updated_at = now() WHERE id = $1"};
constexpr Statement kComplete{
    "siber_complete",
    "UPDATE stops SET state = 'done', arrived_at = coalesce(arrived_at, $2::timestamptz),"
    " completed_at = $2::timestamptz, receiver_name = $3, proof_sha256 = $4,"
    " version = version + 1, updated_at = now() WHERE id = $1"};
constexpr Statement kFail{
    "siber_fail",
    "UPDATE stops SET state = 'failed', completed_at = $2::timestamptz, failure_reason = $3,"
    " version = version + 1, updated_at = now() WHERE id = $1"};
constexpr Statement kCancelStop{
    "siber_cancel_stop",
    "UPDATE stops SET state = 'cancelled', version = version + 1, updated_at = now()"
    " WHERE id = $1 AND state IN ('pending', 'planned')"};
constexpr Statement kCancelByOfficer{
    "siber_cancel_by_officer",
    "UPDATE stops SET state = 'cancelled', cancel_reason = $2, version = version + 1,"
    " updated_at = now() WHERE id = $1 AND state IN ('pending', 'planned', 'arrived')"};
// A failed stop's item back to the office (domain::FailedStopFollowUp::ReturnToOffice).
constexpr Statement kReturnToOffice{
    "siber_return_to_office",
    "INSERT INTO stops (office_id, case_id, day, kind, item, place, address, latitude, longitude,"
    " window_start, window_end, service_minutes, bundles, state, courier_id, sequence)"
    " SELECT s.office_id, s.case_id, s.day, 'handin', s.item, 'office', o.address, o.latitude,"
    " o.longitude, $2::timestamptz, $3::timestamptz, $4::int, s.bundles, 'planned', s.courier_id,"
    " $5::int FROM stops s JOIN offices o ON o.id = s.office_id WHERE s.id = $1"
    " ON CONFLICT DO NOTHING"};
constexpr Statement kMarkNear{"siber_mark_near", "UPDATE stops SET near_sent = true WHERE id = $1"};
constexpr Statement kCustodyInsert{
    "siber_custody_insert",
    "INSERT INTO custody_events (office_id, case_id, stop_id, item, from_holder, to_holder,"
    " receiver_name, proof_sha256, actor_id, at, document_sha256)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::timestamptz,"
    // A permit's hand-over names the signed document handed over (issue 13).
    "  CASE WHEN $4::text = 'permit' THEN coalesce((SELECT d.sha256_hex FROM permit_documents d"
    "  WHERE d.case_id = $2::bigint), '') ELSE '' END)"};
// A custody event (CustodyFromRow), with the name of who recorded it.
constexpr auto kCustodyColumns = MakeColumns({{"id", "e.id"},
                                              {"stop_id", "coalesce(e.stop_id, 0)"},
                                              {"item", "e.item"},
                                              {"from_holder", "e.from_holder"},
                                              {"to_holder", "e.to_holder"},
                                              {"receiver_name", "e.receiver_name"},
                                              {"proof_sha256", "e.proof_sha256"},
                                              {"actor", "p.name"},
                                              {"at", "e.at::text"},
                                              {"document_sha256", "e.document_sha256"}});
constexpr Statement kCustodyOfCase{
    "siber_custody_of_case",
    kSelectSql<"SELECT ", kCustodyColumns,
               " FROM custody_events e"
               " JOIN principals p ON p.id = e.actor_id WHERE e.office_id = $1 AND e.case_id = $2"
               " ORDER BY e.at, e.id">};
constexpr auto kCaseStateColumns =
    MakeColumns({{"state"}, {"clinic_id", "coalesce(clinic_id, '')"}});
constexpr Statement kCaseState{"siber_case_state",
                               kSelectSql<"SELECT ", kCaseStateColumns,
                                          " FROM cases WHERE id = $1 AND office_id = $2"
                                          // a revoke waits until this hand-over or failure commits
                                          " FOR SHARE">};
// A day's plan (LoadDayPlan).
constexpr auto kDayPlanColumns = MakeColumns({{"input_version"},
                                              {"planned_version"},
                                              {"planned_at", "planned_at::text"},
                                              {"distance_m"},
                                              {"unassigned"}});
constexpr Statement kDayPlan{
    "siber_day_plan", kSelectSql<"SELECT ", kDayPlanColumns,
                                 " FROM siber_days WHERE office_id = $1 AND day = $2::date">};
constexpr Statement kDayForUpdate{
    "siber_day_for_update",
    "SELECT input_version FROM siber_days WHERE office_id = $1 AND day = $2::date FOR UPDATE"};
constexpr Statement kDayPlanned{
    "siber_day_planned",
    "UPDATE siber_days SET planned_version = $3, planned_at = now(), distance_m = $4,"
    " unassigned = $5 WHERE office_id = $1 AND day = $2::date"};
constexpr Statement kPlanStop{
    "siber_plan_stop",
    "UPDATE stops SET state = 'planned', courier_id = $2, sequence = $3,"
    " planned_at = $4::timestamptz, version = version + 1, updated_at = now()"
    " WHERE id = $1 AND state IN ('pending', 'planned')"};
constexpr Statement kUnplanStop{
    "siber_unplan_stop",
    "UPDATE stops SET state = 'pending', sequence = NULL, planned_at = NULL,"
    " courier_id = CASE WHEN $2 THEN courier_id ELSE NULL END, version = version + 1,"
    " updated_at = now() WHERE id = $1 AND state IN ('pending', 'planned')"};
constexpr Statement kBumpInput{"siber_bump_input",
                               "UPDATE siber_days SET input_version = input_version + 1 WHERE "
                               "office_id = $1 AND day = $2::date"};
constexpr auto kOfficeLocationColumns = MakeColumns({{"latitude"}, {"longitude"}});
constexpr Statement kOfficeLocation{
    "siber_office_location",
    kSelectSql<"SELECT ", kOfficeLocationColumns, " FROM offices WHERE id = $1">};
// Couriers on shift on a day: their own row for the day, else their usual hours on a working day.
constexpr auto kOnShiftColumns =
    MakeColumns({{"id", "c.principal_id"},
                 {"name", "c.name"},
                 {"capacity", "c.capacity"},
                 {"starts", "to_char(coalesce(sh.starts, c.shift_starts), 'HH24:MI')"},
                 {"ends", "to_char(coalesce(sh.ends, c.shift_ends), 'HH24:MI')"},
                 {"hours_for_the_day", "sh.day IS NOT NULL"}});
constexpr Statement kCouriersOnShift{
    "siber_couriers_on_shift",
    kSelectSql<"SELECT ", kOnShiftColumns,
               " FROM couriers c LEFT JOIN courier_shifts sh ON sh.courier_id = c.principal_id"
               "   AND sh.day = $2::date"
               " WHERE c.office_id = $1 AND c.active AND NOT coalesce(sh.off, false)"
               " ORDER BY c.principal_id">};
// A courier (CourierFromRow).
constexpr auto kCourierColumns = MakeColumns({{"id", "principal_id"},
                                              {"name"},
                                              {"phone"},
                                              {"capacity"},
                                              {"shift_starts", "to_char(shift_starts, 'HH24:MI')"},
                                              {"shift_ends", "to_char(shift_ends, 'HH24:MI')"},
                                              {"active"}});
constexpr Statement kCourier{
    "siber_courier", kSelectSql<"SELECT ", kCourierColumns,
                                " FROM couriers WHERE office_id = $1"
                                " AND ($2 = 0 OR principal_id = $2) ORDER BY principal_id">};
constexpr Statement kPrincipalRole{"siber_principal_role",
                                   "SELECT role FROM principals WHERE id = $1 AND office_id = $2"};
constexpr Statement kInsertCourier{
    "siber_insert_courier",
    "INSERT INTO couriers (principal_id, office_id, name, phone, capacity, shift_starts,"
    " shift_ends) VALUES ($1, $2, $3, $4, $5, $6::time, $7::time)"
    " ON CONFLICT (principal_id) DO NOTHING RETURNING principal_id"};
constexpr Statement kUpsertShift{
    "siber_upsert_shift",
    "INSERT INTO courier_shifts (office_id, courier_id, day, off, starts, ends)"
    " VALUES ($1, $2, $3::date, $4, $5::time, $6::time) ON CONFLICT (courier_id, day)"
    " DO UPDATE SET off = EXCLUDED.off, starts = EXCLUDED.starts, ends = EXCLUDED.ends"};

// What a viewer may read of a stop (domain::ApplicantNameFor).
StopRecord ForViewer(const domain::Principal& viewer, StopRecord s) {
  s.applicant_name = domain::ApplicantNameFor(viewer, s.applicant_name);
  return s;
}

// A stop again after a change, as the actor may read it.
StopRecord ReloadStop(Tx& tx, const domain::Principal& actor, int64_t stop_id) {
  return ForViewer(actor, StopFromRow(tx.Exec(kStopForUpdate, stop_id, actor.office_id)[0]).r);
}

// A row of kCourier.
CourierRecord CourierFromRow(const pqxx::row& c) {
  constexpr const auto& k = kCourierColumns;
  return {c[k["id"]].as<int64_t>(),
          c[k["name"]].as<std::string>(),
          c[k["phone"]].as<std::string>(),
          c[k["capacity"]].as<int>(),
          c[k["shift_starts"]].as<std::string>(),
          c[k["shift_ends"]].as<std::string>(),
          c[k["active"]].as<bool>()};
}

// A row of kCustodyOfCase.
CustodyRecord CustodyFromRow(const pqxx::row& row) {
  constexpr const auto& k = kCustodyColumns;
  CustodyRecord e;
  e.id = row[k["id"]].as<int64_t>();
  e.stop_id = row[k["stop_id"]].as<int64_t>();
  e.item = row[k["item"]].as<std::string>();
  e.from_holder = row[k["from_holder"]].as<std::string>();
  e.to_holder = row[k["to_holder"]].as<std::string>();
  e.receiver_name = row[k["receiver_name"]].as<std::string>();
  e.proof_sha256 = row[k["proof_sha256"]].as<std::string>();
  e.actor = row[k["actor"]].as<std::string>();
  e.at = ParseTimestamp(row[k["at"]].as<std::string>());
  e.document_sha256 = row[k["document_sha256"]].as<std::string>();
  return e;
}

// A stop of the office, locked; nullopt for id 0 (no partner) or a stop that is not there.
std::optional<StopRow> FindStop(Tx& tx, int64_t stop_id, const std::string& office_id) {
  if (stop_id == 0) return std::nullopt;
  pqxx::result r = tx.Exec(kStopForUpdate, stop_id, office_id);
  if (r.empty()) return std::nullopt;
  return StopFromRow(r[0]);
}

// Loads a stop for a report, locked; one the actor may not reach (domain::StopReachableBy) is
// NOT_FOUND, as a missing one.
absl::StatusOr<StopRow> LoadOwnStop(Tx& tx, const domain::Principal& actor, int64_t stop_id) {
  LOKET_RETURN_IF_ERROR(domain::ValidateId(stop_id, "stop_id"));
  std::optional<StopRow> s = FindStop(tx, stop_id, actor.office_id);
  if (!s || !domain::StopReachableBy(actor, s->r.courier_id)) {
    return absl::NotFoundError(absl::StrCat("stop ", stop_id, " not found"));
  }
  return *std::move(s);
}

// The taking end of a stop's bundle, locked; nullopt without a partner or when it is not there.
std::optional<domain::PlanStop> LoadPartner(Tx& tx, const StopRecord& stop,
                                            const std::string& office_id) {
  std::optional<StopRow> p = FindStop(tx, stop.partner_id, office_id);
  if (!p) return std::nullopt;
  return ForPlanner(*p);
}

DayPlanRecord LoadDayPlan(Tx& tx, const std::string& office_id, absl::CivilDay day,
                          int utc_offset_minutes) {
  DayPlanRecord p;
  p.utc_offset_minutes = utc_offset_minutes;
  p.day = absl::FormatCivilTime(day);
  pqxx::result r = tx.Exec(kDayPlan, office_id, p.day);
  if (r.empty()) return p;
  constexpr const auto& k = kDayPlanColumns;
  p.input_version = r[0][k["input_version"]].as<int64_t>();
  p.planned_version = r[0][k["planned_version"]].as<int64_t>();
  p.planned_at = OptionalTs(r[0][k["planned_at"]]);
  p.distance_m = r[0][k["distance_m"]].as<double>();
  p.unassigned = r[0][k["unassigned"]].as<int>();
  return p;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Notifications to the clinic (or, for a place that is not a clinic, the applicant).

namespace {

// Who is told about a visit and what they were told last: the clinic's contacts, the courier's
// name and phone (the courier who will come: `courier_id`), the window last announced.
constexpr auto kVisitColumns =
    MakeColumns({{"clinic_name", "coalesce(cl.name, s.place)"},
                 {"clinic_phone", "coalesce(cl.phone, '')"},
                 {"clinic_email", "coalesce(cl.email, '')"},
                 {"courier_name", "coalesce(co.name, '')"},
                 {"courier_phone", "coalesce(co.phone, '')"},
                 {"announced_end", "coalesce(s.announced_end::text, '')"}});
constexpr Statement kVisitContacts{
    "siber_visit_contacts",
    kSelectSql<"SELECT ", kVisitColumns,
               " FROM stops s LEFT JOIN clinics cl ON cl.office_id = s.office_id"
               " AND cl.id = s.clinic_id"
               " LEFT JOIN couriers co ON co.principal_id = $2 WHERE s.id = $1">};
constexpr Statement kAnnounceVisit{
    "siber_announce_visit",
    "UPDATE stops SET announced_start = $2::timestamptz, announced_end = $3::timestamptz"
    " WHERE id = $1"};

struct VisitFacts {
  domain::VisitContacts to;
  std::string courier_name;
  std::string courier_phone;
  std::optional<absl::Time> announced_end;
};

VisitFacts LoadVisitFacts(Tx& tx, const StopRow& s, int64_t courier_id) {
  VisitFacts f;
  f.to.clinic_id = s.r.clinic_id;
  f.to.applicant_name = s.r.applicant_name;
  f.to.applicant_phone = s.applicant_phone;
  f.to.applicant_language = s.applicant_language;
  pqxx::result r = tx.Exec(kVisitContacts, s.r.id, courier_id);
  if (r.empty()) return f;
  constexpr const auto& k = kVisitColumns;
  f.to.clinic_name = r[0][k["clinic_name"]].as<std::string>();
  f.to.clinic_phone = r[0][k["clinic_phone"]].as<std::string>();
  f.to.clinic_email = r[0][k["clinic_email"]].as<std::string>();
  f.courier_name = r[0][k["courier_name"]].as<std::string>();
  f.courier_phone = r[0][k["courier_phone"]].as<std::string>();
  std::string end = r[0][k["announced_end"]].as<std::string>();
  if (!end.empty()) f.announced_end = ParseTimestamp(end);
  return f;
}

void SendVisitMessages(Tx& tx, const NotificationEncoder& encode,
                       const domain::NotificationPolicy& policy, const OfficeContext& office,
                       absl::Time now, const StopRow& s, const domain::VisitContacts& to,
                       const std::string& template_id, std::map<std::string, std::string> params,
                       absl::Time send_by = absl::InfiniteFuture()) {
  params["case_id"] = absl::StrCat(s.r.case_id);
  params["permit_name"] = s.r.permit_name;
  for (domain::Notification& n :
       domain::CourierVisitNotifications(to, s.r.case_id, template_id, std::move(params))) {
    n.send_by = send_by;
    EnqueueNotificationInTx(tx, encode, policy, OutboxOf(s.office_id, office), now, std::move(n));
  }
}

// Messages about a stop to the clinic at it (never the health worker whose papers they are) or,
// for a place that is not a clinic, the applicant.
void NotifyPlace(Tx& tx, const NotificationEncoder& encode,
                 const domain::NotificationPolicy& policy, const OfficeContext& office,
                 absl::Time now, const StopRow& s, const std::string& template_id,
                 std::map<std::string, std::string> params, absl::Time send_by) {
  VisitFacts f = LoadVisitFacts(tx, s, s.r.courier_id);
  SendVisitMessages(tx, encode, policy, office, now, s, f.to, template_id, std::move(params),
                    send_by);
}

// A planned visit (pickup or delivery) in `w` by `courier_id`: the clinic hears the day, the
// window and the courier once, and again only when the window moved by more than the margin
// (domain::ShouldAnnounceVisit); what it was told is kept on the stop.
void AnnounceVisit(Tx& tx, const NotificationEncoder& encode,
                   const domain::NotificationPolicy& policy, const OfficeContext& office,
                   absl::Time now, const StopRow& s, int64_t courier_id,
                   const domain::VisitWindow& w, const std::string& template_id) {
  VisitFacts f = LoadVisitFacts(tx, s, courier_id);
  if (!domain::ShouldAnnounceVisit(domain::ToldWindow(s.announced_start, f.announced_end), w)) {
    return;
  }
  // Not sent once the window has passed (a notifier back after an outage).
  SendVisitMessages(
      tx, encode, policy, office, now, s, f.to, template_id,
      domain::VisitParams(s.r.day, w, office.utc_offset_minutes, f.courier_name, f.courier_phone),
      w.end);
  tx.Exec(kAnnounceVisit, s.r.id, Ts(w.start), Ts(w.end));
}

// After a courier finishes a stop: the next clinic on the route hears that the courier is near.
void NotifyNextStop(Tx& tx, const NotificationEncoder& encode,
                    const domain::NotificationPolicy& policy, const OfficeContext& office,
                    absl::Time now, const StopRow& done) {
  pqxx::result r = tx.Exec(kNextOnRoute, done.office_id, done.r.day, done.r.courier_id);
  if (r.empty()) return;
  StopRow next = StopFromRow(r[0]);
  if (!domain::ShouldSendNear(next.r.kind, next.near_sent)) return;
  NotifyPlace(tx, encode, policy, office, now, next, "courier.near", {},
              now + domain::kNearNoticeUseful);
  tx.Exec(kMarkNear, next.r.id);
}

}  // namespace

absl::StatusOr<RouteRecord> SiberRepository::GetRoute(const domain::Principal& viewer,
                                                      std::optional<absl::CivilDay> day,
                                                      int64_t courier_id) {
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<RouteRecord> {
    LOKET_ASSIGN_OR_RETURN(OfficeContext office,
                           LoadOffice(tx, viewer.office_id, clock_.Now(), offices_));
    absl::CivilDay d = day.value_or(office.today);
    LOKET_ASSIGN_OR_RETURN(courier_id, domain::RouteCourierFor(viewer, courier_id));
    pqxx::result c = tx.Exec(kCourier, viewer.office_id, courier_id);
    if (c.empty()) return absl::NotFoundError(absl::StrCat("courier ", courier_id, " not found"));
    RouteRecord out;
    out.courier = CourierFromRow(c[0]);
    out.stops =
        MapRows(tx.Exec(kRouteOf, viewer.office_id, absl::FormatCivilTime(d), courier_id),
                [&](const pqxx::row& row) { return ForViewer(viewer, StopFromRow(row).r); });
    out.plan = LoadDayPlan(tx, viewer.office_id, d, office.utc_offset_minutes);
    return out;
  });
}

absl::StatusOr<std::string> SiberRepository::Arrive(const Mutation& m, int64_t stop_id,
                                                    const StopEncoder& encode) {
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    LOKET_ASSIGN_OR_RETURN(StopRow s, LoadOwnStop(tx, m.actor, stop_id));
    LOKET_RETURN_IF_ERROR(
        domain::CheckStopState(stop_id, s.r.state, {StopState::kPlanned}, "arrive at"));
    LOKET_ASSIGN_OR_RETURN(OfficeContext office,
                           LoadOffice(tx, m.actor.office_id, clock_.Now(), offices_));
    LOKET_RETURN_IF_ERROR(domain::CheckCourierReport(stop_id, s.r.kind, s.r.state,
                                                     ParseDay(s.r.day), office.today,
                                                     /*confirming=*/false));
    absl::Time now = clock_.Now();
    tx.Exec(kArrive, stop_id, Ts(now));
    // Where the courier is changed: a plan computed before this is not applied.
    ReplanDayInTx(tx, m.actor.office_id, ParseDay(s.r.day));
    return encode(ReloadStop(tx, m.actor, stop_id));
  });
}

absl::StatusOr<std::string> SiberRepository::Confirm(const Mutation& m, int64_t stop_id,
                                                     bool taking, const std::string& receiver_name,
                                                     const std::string& proof_sha256,
                                                     const StopEncoder& encode,
                                                     const std::string& proof_media_type,
                                                     const std::string& proof_content) {
  LOKET_ASSIGN_OR_RETURN(std::string receiver,
                         domain::NormalizeHandoverName(receiver_name, "receiver_name"));
  LOKET_ASSIGN_OR_RETURN(std::string proof, domain::NormalizeProofSha256(proof_sha256));
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    LOKET_ASSIGN_OR_RETURN(StopRow s, LoadOwnStop(tx, m.actor, stop_id));
    const StopRecord& stop = s.r;
    // What domain::DecideHandover needs: the office's day, the taking end when handing over and,
    // for a permit, its case's state; then what it decided is written.
    LOKET_ASSIGN_OR_RETURN(OfficeContext office,
                           LoadOffice(tx, m.actor.office_id, clock_.Now(), offices_));
    std::optional<domain::PlanStop> partner;
    if (!taking) partner = LoadPartner(tx, stop, m.actor.office_id);
    std::optional<domain::CaseState> case_state;
    if (stop.item == "permit") {
      pqxx::result c = tx.Exec(kCaseState, stop.case_id, m.actor.office_id);
      if (!c.empty()) {
        case_state = domain::CaseStateFromName(c[0][kCaseStateColumns["state"]].as<std::string>());
      }
    }
    LOKET_ASSIGN_OR_RETURN(
        const domain::Handover h,
        domain::DecideHandover({ForPlanner(s), stop.case_id, stop.item, stop.clinic_id,
                                ParseDay(stop.day), taking, receiver},
                               partner ? &*partner : nullptr, case_state, office.today));
    absl::Time now = clock_.Now();
    tx.Exec(kComplete, stop_id, Ts(now), receiver, proof);
    if (!proof_content.empty()) {
      tx.Exec(kInsertProof, stop_id, m.actor.office_id, proof, proof_media_type,
              pqxx::binarystring(proof_content));
    }
    tx.Exec(kCustodyInsert, m.actor.office_id, stop.case_id, stop_id, stop.item, h.from_holder,
            h.to_holder, receiver, proof, m.actor.id, Ts(now));
    if (h.delivered_note) {
      LOKET_RETURN_IF_ERROR(cases_
                                .TransitionInTx(tx, m, stop.case_id, std::nullopt,
                                                domain::Transition::kMarkDelivered,
                                                *h.delivered_note)
                                .status());
    }
    if (h.announce_delivery) {
      // The permit is on its way: tell the clinic when it comes.
      if (std::optional<StopRow> delivery = FindStop(tx, stop.partner_id, m.actor.office_id)) {
        const domain::AnnouncedDelivery a = domain::DeliveryToAnnounce(
            delivery->r.planned_at, delivery->r.window_start, delivery->r.window_end,
            delivery->r.courier_id, stop.courier_id);
        AnnounceVisit(tx, encode_notification_, policy_, office, now, *delivery, a.courier_id,
                      a.window, "courier.delivery_planned");
      }
    }
    NotifyNextStop(tx, encode_notification_, policy_, office, now, s);
    ReplanDayInTx(tx, m.actor.office_id, ParseDay(stop.day));
    return encode(ReloadStop(tx, m.actor, stop_id));
  });
}

absl::StatusOr<std::string> SiberRepository::Fail(const Mutation& m, int64_t stop_id,
                                                  const std::string& reason,
                                                  const std::string& note,
                                                  const StopEncoder& encode) {
  LOKET_RETURN_IF_ERROR(domain::CheckFailReport(reason, note));
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    LOKET_ASSIGN_OR_RETURN(StopRow s, LoadOwnStop(tx, m.actor, stop_id));
    const StopRecord& stop = s.r;
    LOKET_ASSIGN_OR_RETURN(OfficeContext office,
                           LoadOffice(tx, m.actor.office_id, clock_.Now(), offices_));
    // A delivery's collect (was the bundle taken?) is read, and locked, only when asked for.
    LOKET_RETURN_IF_ERROR(domain::CheckCanFail(
        ForPlanner(s), [&] { return LoadPartner(tx, stop, m.actor.office_id); }, ParseDay(stop.day),
        office.today));
    absl::Time now = clock_.Now();
    pqxx::result c = tx.Exec(kCaseState, stop.case_id, m.actor.office_id);
    constexpr const auto& k = kCaseStateColumns;
    std::string clinic = c.empty() ? "" : c[0][k["clinic_id"]].as<std::string>();
    const bool permit_revoked = domain::PermitRevoked(
        stop.item,
        c.empty() ? std::nullopt : domain::CaseStateFromName(c[0][k["state"]].as<std::string>()));
    // What follows is domain::DecideFailedStop's; this carries it out, in its order.
    const domain::FailedStopFollowUp f = domain::DecideFailedStop(
        stop.kind, stop.partner_id != 0, reason, note, office.courier_calendar, now,
        office.utc_offset_minutes, permit_revoked);
    tx.Exec(kFail, stop_id, Ts(now), f.failure_reason);
    if (f.cancel_partner) tx.Exec(kCancelStop, stop.partner_id);
    if (const auto& back = f.return_to_office) {
      tx.Exec(kReturnToOffice, stop_id, Ts(back->start), Ts(back->end), back->service_minutes,
              back->sequence);
    }
    absl::StatusOr<int64_t> again = int64_t{0};  // Retry::kNone plans nothing
    if (f.retry == domain::FailedStopFollowUp::Retry::kPickup) {
      PickupRequest r;
      r.office_id = m.actor.office_id;
      r.case_id = stop.case_id;
      r.clinic_id = stop.clinic_id;
      r.place = stop.place;
      r.address = stop.address;
      r.latitude = stop.latitude;
      r.longitude = stop.longitude;
      r.preference = f.retry_on;
      again = RequestPickupInTx(tx, now, office, r);
    } else if (f.retry == domain::FailedStopFollowUp::Retry::kDelivery) {
      again = RequestDeliveryInTx(tx, now, office, m.actor.office_id, stop.case_id, clinic,
                                  f.retry_on, stop.item);
    }
    if (!again.ok()) return again.status();
    ReplanDayInTx(tx, m.actor.office_id, ParseDay(stop.day));
    NotifyNextStop(tx, encode_notification_, policy_, office, now, s);
    return encode(ReloadStop(tx, m.actor, stop_id));
  });
}

absl::StatusOr<std::string> SiberRepository::Cancel(const Mutation& m, int64_t stop_id,
                                                    const std::string& reason,
                                                    const StopEncoder& encode) {
  LOKET_ASSIGN_OR_RETURN(const std::string why, domain::NormalizeCancelReason(reason));
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    LOKET_ASSIGN_OR_RETURN(StopRow s, LoadOwnStop(tx, m.actor, stop_id));
    const StopRecord& stop = s.r;
    LOKET_RETURN_IF_ERROR(domain::CheckStopState(
        stop_id, stop.state, {StopState::kPending, StopState::kPlanned, StopState::kArrived},
        "cancel"));
    std::optional<StopRow> partner = FindStop(tx, stop.partner_id, m.actor.office_id);
    // The handing end of a bundle a courier holds is not cancelled (domain::CheckOfficerCancel).
    std::optional<StopState> partner_state;
    if (partner) partner_state = partner->r.state;
    LOKET_RETURN_IF_ERROR(domain::CheckOfficerCancel(stop_id, stop.kind, stop.partner_id,
                                                     partner_state, stop.courier_name, stop.item));
    std::optional<domain::StopOnDay> other;
    if (partner) other = domain::StopOnDay{partner->r.id, ParseDay(partner->r.day)};
    const domain::OfficerCancel c = domain::PlanOfficerCancel({stop_id, ParseDay(stop.day)}, other);
    for (int64_t id : c.cancel) tx.Exec(kCancelByOfficer, id, why);
    cases_.RecordEventInTx(tx, m, stop.case_id, "CancelStop",
                           domain::CancelStopNote(stop_id, stop.kind, stop.item, stop.day, why));
    for (absl::CivilDay d : c.replan) ReplanDayInTx(tx, m.actor.office_id, d);
    return encode(ReloadStop(tx, m.actor, stop_id));
  });
}

absl::StatusOr<std::pair<std::vector<StopRecord>, DayPlanRecord>> SiberRepository::ListStops(
    const domain::Principal& viewer, std::optional<absl::CivilDay> day,
    std::optional<domain::StopState> state, int64_t case_id) {
  using Listed = std::pair<std::vector<StopRecord>, DayPlanRecord>;
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<Listed> {
    LOKET_ASSIGN_OR_RETURN(OfficeContext office,
                           LoadOffice(tx, viewer.office_id, clock_.Now(), offices_));
    Listed out;
    std::string st = state ? std::string(domain::StopStateName(*state)) : "";
    pqxx::result r;
    if (case_id > 0 && !day) {
      r = tx.Exec(kStopsOfCase, viewer.office_id, case_id, st);
    } else {
      r = tx.Exec(kStopsOfDay, viewer.office_id, absl::FormatCivilTime(day.value_or(office.today)),
                  st, case_id);
    }
    for (const auto& row : r) {
      StopRecord stop = StopFromRow(row).r;
      if (!domain::StopListedFor(viewer, stop.clinic_id)) continue;
      out.first.push_back(ForViewer(viewer, std::move(stop)));
    }
    out.second =
        LoadDayPlan(tx, viewer.office_id, day.value_or(office.today), office.utc_offset_minutes);
    return out;
  });
}

absl::StatusOr<std::string> SiberRepository::PlanDay(const Mutation& m,
                                                     std::optional<absl::CivilDay> day,
                                                     const DayPlanEncoder& encode) {
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    LOKET_ASSIGN_OR_RETURN(OfficeContext office,
                           LoadOffice(tx, m.actor.office_id, clock_.Now(), offices_));
    absl::CivilDay d = day.value_or(office.today);
    LOKET_RETURN_IF_ERROR(domain::CheckPlanDay(d, office.today));
    ReplanDayInTx(tx, m.actor.office_id, d);
    return encode(LoadDayPlan(tx, m.actor.office_id, d, office.utc_offset_minutes));
  });
}

absl::StatusOr<CustodyView> SiberRepository::Custody(const domain::Principal& viewer,
                                                     int64_t case_id) {
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<CustodyView> {
    LOKET_ASSIGN_OR_RETURN(CaseView c, cases_.GetInTx(tx, viewer, case_id));
    CustodyView out;
    std::vector<domain::CustodyEvent> events;
    for (const auto& row : tx.Exec(kCustodyOfCase, viewer.office_id, case_id)) {
      CustodyRecord e = CustodyFromRow(row);
      events.push_back({e.item, e.from_holder, e.to_holder, e.at, e.receiver_name});
      out.events.push_back(std::move(e));
    }
    out.chain = domain::BuildCustodyChain(events);
    return out;
  });
}

absl::StatusOr<std::string> SiberRepository::CreateCourier(const Mutation& m, int64_t principal_id,
                                                           CourierRecord c,
                                                           const CourierEncoder& encode) {
  LOKET_RETURN_IF_ERROR(domain::ValidateCourierPrincipalId(principal_id));
  domain::CourierProfile profile{c.name, c.phone, c.capacity, c.shift_starts, c.shift_ends};
  LOKET_RETURN_IF_ERROR(domain::NormalizeCourierProfile(profile));
  c.name = profile.name;
  c.phone = profile.phone;
  c.shift_starts = profile.shift_starts;
  c.shift_ends = profile.shift_ends;
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    pqxx::result p = tx.Exec(kPrincipalRole, principal_id, m.actor.office_id);
    LOKET_RETURN_IF_ERROR(domain::CheckCourierPrincipal(
        principal_id, p.empty() ? std::nullopt : std::optional(p[0][0].as<std::string>())));
    if (tx.Exec(kInsertCourier, principal_id, m.actor.office_id, c.name, c.phone, c.capacity,
                c.shift_starts, c.shift_ends)
            .empty()) {
      return absl::AlreadyExistsError(absl::StrCat("courier ", principal_id, " already exists"));
    }
    c.id = principal_id;
    c.active = true;
    LOKET_ASSIGN_OR_RETURN(OfficeContext office,
                           LoadOffice(tx, m.actor.office_id, clock_.Now(), offices_));
    ReplanDayInTx(tx, m.actor.office_id, office.today);
    return encode(c);
  });
}

absl::StatusOr<std::string> SiberRepository::SetShift(const Mutation& m, const ShiftChange& sc,
                                                      const CourierEncoder& encode) {
  LOKET_ASSIGN_OR_RETURN(const domain::ShiftHours hours,
                         domain::DecideShiftHours(sc.off, sc.starts, sc.ends));
  const int starts = hours.starts, ends = hours.ends;
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    pqxx::result c = tx.Exec(kCourier, m.actor.office_id, sc.courier_id);
    LOKET_RETURN_IF_ERROR(domain::CheckShiftCourier(sc.courier_id, !c.empty()));
    tx.Exec(kUpsertShift, m.actor.office_id, sc.courier_id, absl::FormatCivilTime(sc.day), sc.off,
            domain::FormatClockMinutes(starts), domain::FormatClockMinutes(ends));
    ReplanDayInTx(tx, m.actor.office_id, sc.day);
    return encode(CourierFromRow(c[0]));
  });
}

absl::StatusOr<std::vector<CourierRecord>> SiberRepository::ListCouriers(
    const domain::Principal& viewer) {
  return Fetch(db_.impl(), [&](Tx& tx) {
    return MapRows(tx.Exec(kCourier, viewer.office_id, 0), CourierFromRow);
  });
}

absl::StatusOr<domain::RouterInput> SiberRepository::LoadRouterInput(const std::string& office_id,
                                                                     const std::string& day) {
  LOKET_ASSIGN_OR_RETURN(const absl::CivilDay d, domain::RoutePlanDay(day));
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<domain::RouterInput> {
    absl::Time now = clock_.Now();
    LOKET_ASSIGN_OR_RETURN(OfficeContext office, LoadOffice(tx, office_id, now, offices_));
    if (domain::CarriesOverInto(d, office.today)) {
      const std::vector<domain::StopMove> moves =
          domain::DecideCarryOver(OpenStops(tx, office_id, absl::CivilDay(1970), d - 1, 0), d);
      for (const domain::StopMove& m : moves) MoveStop(tx, m);
      if (!moves.empty()) tx.Exec(kBumpInput, office_id, day);
    }
    DayPlanRecord plan = LoadDayPlan(tx, office_id, d, office.utc_offset_minutes);
    pqxx::result o = tx.Exec(kOfficeLocation, office_id);
    domain::CourierPlace at_office;
    if (!o.empty()) {
      at_office.latitude = OptionalDouble(o[0][kOfficeLocationColumns["latitude"]]);
      at_office.longitude = OptionalDouble(o[0][kOfficeLocationColumns["longitude"]]);
    }
    LOKET_ASSIGN_OR_RETURN(const domain::RoutePlace base,
                           domain::PlaceOnRoute(at_office, "office " + office_id));
    std::vector<domain::PlanStop> stops;
    for (const auto& row : tx.Exec(kStopsOfDay, office_id, day, std::string(), 0)) {
      stops.push_back(ForPlanner(StopFromRow(row)));
    }
    std::vector<domain::PlanCourier> couriers;
    constexpr const auto& k = kOnShiftColumns;
    for (const auto& row : tx.Exec(kCouriersOnShift, office_id, day)) {
      std::optional<domain::PlanCourier> c = domain::CourierOnShift(
          row[k["id"]].as<int64_t>(), row[k["name"]].as<std::string>(),
          row[k["capacity"]].as<int>(), row[k["starts"]].as<std::string>(),
          row[k["ends"]].as<std::string>(), row[k["hours_for_the_day"]].as<bool>(), d,
          office.calendar, office.utc_offset_minutes);
      if (c) couriers.push_back(std::move(*c));
    }
    return domain::BuildRouterInput(day, plan.input_version, now, office.utc_offset_minutes,
                                    base.latitude, base.longitude, stops, couriers);
  });
}

absl::Status SiberRepository::ApplyRoutePlan(const std::string& office_id, int64_t task_id,
                                             int attempt, const RoutePlanOutcome& plan) {
  LOKET_ASSIGN_OR_RETURN(const absl::CivilDay d, domain::RoutePlanResultDay(plan.day));
  return db_.impl().RunTx([&](Tx& tx) -> absl::Status {
    LOKET_RETURN_IF_ERROR(FinishLeasedInTx(tx, office_id, task_id, attempt, kRoutePlanQueue));
    absl::Time now = clock_.Now();
    LOKET_ASSIGN_OR_RETURN(OfficeContext office, LoadOffice(tx, office_id, now, offices_));
    pqxx::result v = tx.Exec(kDayForUpdate, office_id, plan.day);
    if (!domain::PlanStillCurrent(v.empty() ? std::nullopt : std::optional(v[0][0].as<int64_t>()),
                                  plan.version)) {
      ReplanDayInTx(tx, office_id, d);
      return absl::OkStatus();
    }
    std::map<int64_t, StopRow> stops;
    std::vector<domain::PlanStop> plan_stops;
    for (const auto& row : tx.Exec(kStopsOfDay, office_id, plan.day, std::string(), 0)) {
      StopRow s = StopFromRow(row);
      plan_stops.push_back(ForPlanner(s));
      stops.emplace(s.r.id, std::move(s));
    }
    LOKET_ASSIGN_OR_RETURN(
        std::vector<domain::StopWrite> writes,
        domain::DecideRoutePlan(d, office.utc_offset_minutes, plan_stops, plan.routes));
    for (const domain::StopWrite& w : writes) {
      if (w.kind == domain::StopWrite::Kind::kUnplan) {
        tx.Exec(kUnplanStop, w.stop_id, w.keep_courier);
        continue;
      }
      tx.Exec(kPlanStop, w.stop_id, w.courier_id, w.sequence, Ts(w.at));
      if (w.announce) {
        StopRow& s = stops.at(w.stop_id);
        auto [from, until] = domain::AnnouncedWindow(s.r.window_start, s.r.window_end, w.at);
        AnnounceVisit(tx, encode_notification_, policy_, office, now, s, w.courier_id,
                      {from, until},
                      s.r.kind == StopKind::kDelivery ? "courier.delivery_planned"
                                                      : "courier.pickup_planned");
      }
    }
    tx.Exec(kDayPlanned, office_id, plan.day, plan.version, plan.distance_m,
            static_cast<int>(plan.unassigned.size()));
    return absl::OkStatus();
  });
}

}  // namespace loket::store
