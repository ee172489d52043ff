#include "server/store/report_repository.h"

#include "common/status_macros.h"
#include "server/store/columns.h"
#include "server/store/fetch.h"
#include "server/store/pg.h"

namespace loket::store {
namespace {

// $1 office, $2/$3 the month's first day and the next month's (dates), $4/$5 the same instants as
// timestamps (the office's midnights). Every statement reads an index that starts with office_id.
// Each row's columns (server/store/columns.h) build its statement and name its reads.
constexpr auto kApplicationColumns = MakeColumns({{"permit_type"}, {"channel"}, {"n", "count(*)"}});
constexpr Statement kApplications{
    "report_applications",
    kSelectSql<"SELECT ", kApplicationColumns,
               " FROM cases WHERE office_id = $1"
               " AND sla_started_on >= $2::date AND sla_started_on < $3::date"
               " GROUP BY permit_type, channel ORDER BY permit_type, channel">};
constexpr auto kIssuedColumns = MakeColumns({{"id"},
                                             {"sla_days"},
                                             {"sla_started_on", "sla_started_on::text"},
                                             {"sla_paused_days"},
                                             {"issued_on", "issued_on::text"}});
constexpr Statement kIssued{
    "report_issued",
    kSelectSql<"SELECT ", kIssuedColumns,
               " FROM cases"
               " WHERE office_id = $1 AND issued_on >= $2::date AND issued_on < $3::date"
               " AND sla_started_on IS NOT NULL">};
// A revision request is the event that moved a case into REVISION_REQUESTED (a document attached
// while the case waits there is an event too, from and to that state).
constexpr auto kRevisionColumns =
    MakeColumns({{"requests", "count(*)"}, {"cases", "count(DISTINCT case_id)"}});
constexpr Statement kRevisions{
    "report_revisions",
    kSelectSql<"SELECT ", kRevisionColumns,
               " FROM case_events WHERE office_id = $1"
               " AND to_state = 'REVISION_REQUESTED' AND from_state IS DISTINCT FROM to_state"
               " AND at >= $2::timestamptz AND at < $3::timestamptz">};
constexpr Statement kRevisionsOfIssued{
    "report_revisions_of_issued",
    "SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id"
    " WHERE c.office_id = $1 AND c.issued_on >= $2::date AND c.issued_on < $3::date"
    " AND e.to_state = 'REVISION_REQUESTED' AND e.from_state IS DISTINCT FROM e.to_state"};
constexpr auto kStopColumns = MakeColumns({{"kind"}, {"state"}, {"n", "count(*)"}});
constexpr Statement kStops{
    "report_stops",
    kSelectSql<"SELECT ", kStopColumns,
               " FROM stops WHERE office_id = $1 AND day >= $2::date"
               " AND day < $3::date AND kind IN ('pickup', 'delivery') GROUP BY kind, state">};
constexpr Statement kCourierDistance{
    "report_courier_distance",
    "SELECT coalesce(sum(distance_m), 0) FROM siber_days WHERE office_id = $1"
    " AND day >= $2::date AND day < $3::date"};
constexpr auto kAppointmentColumns = MakeColumns({{"state", "a.state"}, {"n", "count(*)"}});
constexpr Statement kAppointments{
    "report_appointments",
    kSelectSql<"SELECT ", kAppointmentColumns,
               " FROM appointments a JOIN slots s ON s.id = a.slot_id"
               " WHERE s.office_id = $1 AND s.day >= $2::date AND s.day < $3::date"
               " GROUP BY a.state">};
// Wait: check-in (the ticket's creation) to its call, over the tickets that were called.
constexpr auto kLaneColumns =
    MakeColumns({{"lane"},
                 {"tickets", "count(*)"},
                 {"served", "count(*) FILTER (WHERE state = 'done')"},
                 {"no_show", "count(*) FILTER (WHERE state = 'no_show')"},
                 {"wait_p50",
                  "coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM"
                  " called_at - created_at) / 60) FILTER (WHERE called_at IS NOT NULL), 0)"},
                 {"wait_p90",
                  "coalesce(percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM"
                  " called_at - created_at) / 60) FILTER (WHERE called_at IS NOT NULL), 0)"}});
constexpr Statement kLanes{"report_lanes",
                           kSelectSql<"SELECT ", kLaneColumns,
                                      " FROM tickets WHERE office_id = $1 AND day >= $2::date"
                                      " AND day < $3::date GROUP BY lane">};
constexpr auto kScreeningColumns =
    MakeColumns({{"screened", "count(*)"},
                 {"redirected", "count(*) FILTER (WHERE NOT screening_passed)"},
                 {"online", "count(*) FILTER (WHERE outcome = 'online')"},
                 {"siber", "count(*) FILTER (WHERE outcome = 'siber_pickup')"},
                 {"pending", "count(*) FILTER (WHERE outcome = 'redirect_pending')"}});
constexpr Statement kScreening{
    "report_screening",
    kSelectSql<"SELECT ", kScreeningColumns,
               " FROM visits WHERE office_id = $1 AND day >= $2::date AND day < $3::date">};

}  // namespace

absl::StatusOr<MonthlyFigures> ReportRepository::Monthly(const std::string& office_id,
                                                         absl::CivilMonth month) {
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<MonthlyFigures> {
    LOKET_ASSIGN_OR_RETURN(OfficeContext office, LoadOffice(tx, office_id, clock_.Now(), offices_));
    MonthlyFigures out;
    out.office_id = office_id;
    out.office_name = office.name;
    out.month = month;
    const domain::ReportPeriod period = domain::ReportPeriodOf(month, office.utc_offset_minutes);
    const std::string from = FormatDay(period.from), to = FormatDay(period.to);
    const std::string from_ts = FormatTimestamp(period.from_at);
    const std::string to_ts = FormatTimestamp(period.to_at);

    for (const auto& row : tx.Exec(kApplications, office_id, from, to)) {
      constexpr const auto& k = kApplicationColumns;
      out.applications.push_back({row[k["permit_type"]].as<std::string>(),
                                  row[k["channel"]].as<std::string>(), row[k["n"]].as<int64_t>()});
    }
    std::vector<domain::IssuedCase> issued;
    for (const auto& row : tx.Exec(kIssued, office_id, from, to)) {
      constexpr const auto& k = kIssuedColumns;
      domain::IssuedCase c;
      c.clock.service_level_days = row[k["sla_days"]].as<int>();
      c.clock.started_on = ParseDay(row[k["sla_started_on"]].as<std::string>());
      c.clock.paused_working_days = row[k["sla_paused_days"]].as<int>();
      c.issued_on = ParseDay(row[k["issued_on"]].as<std::string>());
      issued.push_back(c);
    }
    out.issued = domain::SummariseIssues(issued, office.calendar);

    pqxx::result r = tx.Exec(kRevisions, office_id, from_ts, to_ts);
    out.revision_requests = r[0][kRevisionColumns["requests"]].as<int64_t>();
    out.cases_with_revision = r[0][kRevisionColumns["cases"]].as<int64_t>();
    const int64_t revisions_of_issued =  // no query when nothing was issued
        issued.empty() ? 0 : tx.Exec(kRevisionsOfIssued, office_id, from, to)[0][0].as<int64_t>();
    out.revisions_per_issued_case = domain::RevisionsPerIssued(revisions_of_issued, issued.size());

    out.stops =
        domain::TallyStops(MapRows(tx.Exec(kStops, office_id, from, to), [](const pqxx::row& row) {
          constexpr const auto& k = kStopColumns;
          return domain::KindStateCount{row[k["kind"]].as<std::string>(),
                                        row[k["state"]].as<std::string>(),
                                        row[k["n"]].as<int64_t>()};
        }));
    out.courier_km = tx.Exec(kCourierDistance, office_id, from, to)[0][0].as<double>() / 1000.0;

    out.appointments = domain::TallyAppointments(
        MapRows(tx.Exec(kAppointments, office_id, from, to), [](const pqxx::row& row) {
          constexpr const auto& k = kAppointmentColumns;
          return domain::StateCount{row[k["state"]].as<std::string>(), row[k["n"]].as<int64_t>()};
        }));

    out.lanes = domain::LaneFiguresOf(
        MapRows(tx.Exec(kLanes, office_id, from, to), [](const pqxx::row& row) {
          constexpr const auto& k = kLaneColumns;
          return domain::LaneFigures{
              row[k["lane"]].as<std::string>(), row[k["tickets"]].as<int64_t>(),
              row[k["served"]].as<int64_t>(),   row[k["no_show"]].as<int64_t>(),
              row[k["wait_p50"]].as<double>(),  row[k["wait_p90"]].as<double>()};
        }));

    r = tx.Exec(kScreening, office_id, from, to);
    constexpr const auto& k = kScreeningColumns;
    out.screened = r[0][k["screened"]].as<int64_t>();
    out.redirected = r[0][k["redirected"]].as<int64_t>();
    out.redirected_online = r[0][k["online"]].as<int64_t>();
    out.redirected_siber = r[0][k["siber"]].as<int64_t>();
    out.redirect_pending = r[0][k["pending"]].as<int64_t>();
    return out;
  });
}

}  // namespace loket::store
