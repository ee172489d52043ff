// The monthly report of one office (issue 13, "Reports"): counts and durations read from cases,
// case_events, stops, siber_days, appointments, tickets and visits for one calendar month in the
// office's time zone. Read-only; one transaction, so the figures are of one moment. Thread-safe.
#ifndef LOKET_SERVER_STORE_REPORT_REPOSITORY_H_
#define LOKET_SERVER_STORE_REPORT_REPOSITORY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/clock.h"
#include "server/domain/monthly_report.h"
#include "server/store/database.h"
#include "server/store/office_context.h"

namespace loket::store {

struct MonthlyFigures {
  std::string office_id;
  std::string office_name;
  absl::CivilMonth month;
  struct Applications {
    std::string permit_type;
    std::string channel;  // ONLINE | CLINIC | COUNTER | APPOINTMENT
    int64_t count = 0;
  };
  std::vector<Applications> applications;  // by permit type, then channel
  domain::IssueSummary issued;
  int64_t revision_requests = 0;
  int64_t cases_with_revision = 0;
  double revisions_per_issued_case = 0;
  domain::StopTally stops;  // the courier stops (domain::TallyStops)
  double courier_km = 0;
  domain::AppointmentTally appointments;  // domain::TallyAppointments
  using Lane = domain::LaneFigures;
  std::vector<Lane> lanes;  // always the three lanes, in order (domain::LaneFiguresOf)
  int64_t screened = 0, redirected = 0, redirected_online = 0, redirected_siber = 0,
          redirect_pending = 0;
};

class ReportRepository {
 public:
  ReportRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // The figures of `office_id` for `month`. FAILED_PRECONDITION for an unknown office,
  // UNAVAILABLE when the database is.
  absl::StatusOr<MonthlyFigures> Monthly(const std::string& office_id, absl::CivilMonth month);

 private:
  Database& db_;
  const Clock& clock_;
  OfficeCache offices_{clock_, absl::Seconds(10)};
};

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_REPORT_REPOSITORY_H_
