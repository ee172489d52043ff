// The rules behind the monthly report's figures (issue 13, "Reports") that are more than counting:
// which month is meant and its bounds in office time, whether a permit was issued on time against
// its service level, working days to issue, percentiles, and which stop, appointment and lane
// states count as what. The store reads the month's rows and asks these (issue 14). Pure
// functions, safe from any thread.
#ifndef LOKET_SERVER_DOMAIN_MONTHLY_REPORT_H_
#define LOKET_SERVER_DOMAIN_MONTHLY_REPORT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/domain/sla.h"

namespace loket::domain {

// "2026-12" -> December 2026. INVALID_ARGUMENT "month: ..." for anything else than YYYY-MM with
// a month 01-12 and a year 2000-2100.
absl::StatusOr<absl::CivilMonth> ParseReportMonth(std::string_view text);

// A month in the office's time zone: its first day and the next month's (dates, the end left
// out), and the same bounds as instants, the office's midnights (for rows stamped with a time).
struct ReportPeriod {
  absl::CivilDay from, to;
  absl::Time from_at, to_at;
};
ReportPeriod ReportPeriodOf(absl::CivilMonth month, int utc_offset_minutes);

// A permit issued, with the SLA clock it ran on.
struct IssuedCase {
  SlaClock clock;  // started_on set; paused_working_days as at issue
  absl::CivilDay issued_on;
};

struct IssueSummary {
  int issued = 0;
  int on_time = 0;  // issued on or before the due date (pauses extend it, as on the case screen)
  int late = 0;
  double average_working_days = 0;  // working days from submission to issue, pauses taken off
  double p90_working_days = 0;
};

// Working days the office took: working days in [started_on, issued_on) less the paused ones
// (never below 0). A case without a start (never submitted) counts 0.
int WorkingDaysToIssue(const IssuedCase& c, const WorkingCalendar& cal);

IssueSummary SummariseIssues(const std::vector<IssuedCase>& cases, const WorkingCalendar& cal);

// The nearest-rank percentile (p in (0, 100]) of `values`: the smallest value with at least p% of
// the values at or below it. 0 for no values.
double NearestRankPercentile(std::vector<double> values, double p);

// Revision requests per permit issued in the month; 0 when none was issued.
double RevisionsPerIssued(int64_t revisions, size_t issued);

// The month's courier stops counted by kind and state ("pickup", "done", 3): a pickup is done,
// failed or cancelled; a delivery done or failed (a cancelled delivery is not counted). Other
// kinds and states count nothing.
struct KindStateCount {
  std::string kind;
  std::string state;
  int64_t n = 0;
};
struct StopTally {
  int64_t pickups_done = 0, pickups_failed = 0, pickups_cancelled = 0;
  int64_t deliveries_done = 0, deliveries_failed = 0;
};
StopTally TallyStops(const std::vector<KindStateCount>& rows);

// The month's appointments counted by state: every one was booked; checked_in and served ones
// were kept; no_show, cancelled and redirected are counted as such.
struct StateCount {
  std::string state;
  int64_t n = 0;
};
struct AppointmentTally {
  int64_t booked = 0, kept = 0, no_show = 0, cancelled = 0, redirected = 0;
};
AppointmentTally TallyAppointments(const std::vector<StateCount>& rows);

// One queue lane's month: tickets, served, no-shows, and the wait from check-in to call.
struct LaneFigures {
  std::string lane;  // priority | appointment | walk_in (LaneName)
  int64_t tickets = 0, served = 0, no_show = 0;
  double wait_p50_minutes = 0, wait_p90_minutes = 0;
};
// Always the three lanes, in the order priority, appointment, walk_in: each with its row of
// `rows`, or zeros when it had no ticket. Rows of other lanes are left out.
std::vector<LaneFigures> LaneFiguresOf(const std::vector<LaneFigures>& rows);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_MONTHLY_REPORT_H_
