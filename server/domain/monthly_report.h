// The rules behind the monthly report's figures (issue 13, "Reports") that are more than counting:
// which month is meant, whether a permit was issued on time against its service level, working
// days to issue, and percentiles. Pure functions, safe from any thread.
#ifndef LOKET_SERVER_DOMAIN_MONTHLY_REPORT_H_
#define LOKET_SERVER_DOMAIN_MONTHLY_REPORT_H_

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "server/domain/sla.h"

namespace loket::domain {

// "2026-12" -> December 2026. INVALID_ARGUMENT "month: ..." for anything else than YYYY-MM with
// a month 01-12 and a year 2000-2100.
absl::StatusOr<absl::CivilMonth> ParseReportMonth(std::string_view text);

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

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_MONTHLY_REPORT_H_
