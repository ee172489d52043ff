#include "server/domain/monthly_report.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace loket::domain {

absl::StatusOr<absl::CivilMonth> ParseReportMonth(std::string_view text) {
  auto bad = [] { return absl::InvalidArgumentError("month: expected YYYY-MM, e.g. 2026-12"); };
  if (text.size() != 7 || text[4] != '-') return bad();
  int year = 0, month = 0;
  if (!absl::SimpleAtoi(std::string(text.substr(0, 4)), &year) ||
      !absl::SimpleAtoi(std::string(text.substr(5, 2)), &month)) {
    return bad();
  }
  for (char c : text.substr(0, 4)) {
    if (c < '0' || c > '9') return bad();
  }
  for (char c : text.substr(5, 2)) {
    if (c < '0' || c > '9') return bad();
  }
  if (month < 1 || month > 12) return absl::InvalidArgumentError("month: month must be 01 to 12");
  if (year < 2000 || year > 2100) {
    return absl::InvalidArgumentError("month: year must be 2000 to 2100");
  }
  return absl::CivilMonth(year, month);
}

int WorkingDaysToIssue(const IssuedCase& c, const WorkingCalendar& cal) {
  if (!c.clock.started_on) return 0;
  return std::max(
      0, cal.CountWorkingDays(*c.clock.started_on, c.issued_on) - c.clock.paused_working_days);
}

IssueSummary SummariseIssues(const std::vector<IssuedCase>& cases, const WorkingCalendar& cal) {
  IssueSummary s;
  std::vector<double> days;
  days.reserve(cases.size());
  double total = 0;
  for (const IssuedCase& c : cases) {
    ++s.issued;
    const int d = WorkingDaysToIssue(c, cal);
    days.push_back(d);
    total += d;
    bool on_time = true;
    if (c.clock.started_on) {
      const absl::CivilDay due = cal.AddWorkingDays(
          *c.clock.started_on, c.clock.service_level_days + c.clock.paused_working_days);
      on_time = c.issued_on <= due;
    }
    ++(on_time ? s.on_time : s.late);
  }
  if (s.issued > 0) s.average_working_days = total / s.issued;
  s.p90_working_days = NearestRankPercentile(std::move(days), 90);
  return s;
}

double NearestRankPercentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double rank = std::ceil(p / 100.0 * static_cast<double>(values.size()));
  const size_t index = static_cast<size_t>(std::clamp(rank, 1.0, double(values.size()))) - 1;
  return values[index];
}

}  // namespace loket::domain
