#include "server/domain/monthly_report.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/domain/queue.h"
#include "server/domain/siber.h"

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

ReportPeriod ReportPeriodOf(absl::CivilMonth month, int utc_offset_minutes) {
  const absl::TimeZone tz = absl::FixedTimeZone(utc_offset_minutes * 60);
  ReportPeriod p;
  p.from = absl::CivilDay(month);
  p.to = absl::CivilDay(month + 1);
  p.from_at = absl::FromCivil(p.from, tz);
  p.to_at = absl::FromCivil(p.to, tz);
  return p;
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

double RevisionsPerIssued(int64_t revisions, size_t issued) {
  if (issued == 0) return 0;
  return static_cast<double>(revisions) / static_cast<double>(issued);
}

StopTally TallyStops(const std::vector<KindStateCount>& rows) {
  StopTally t;
  for (const KindStateCount& r : rows) {
    const std::optional<StopKind> kind = StopKindFromName(r.kind);
    const std::optional<StopState> state = StopStateFromName(r.state);
    if (!kind || !state) continue;
    if (*kind == StopKind::kPickup) {
      if (*state == StopState::kDone) t.pickups_done += r.n;
      if (*state == StopState::kFailed) t.pickups_failed += r.n;
      if (*state == StopState::kCancelled) t.pickups_cancelled += r.n;
    } else if (*kind == StopKind::kDelivery) {
      if (*state == StopState::kDone) t.deliveries_done += r.n;
      if (*state == StopState::kFailed) t.deliveries_failed += r.n;
    }
  }
  return t;
}

AppointmentTally TallyAppointments(const std::vector<StateCount>& rows) {
  AppointmentTally t;
  for (const StateCount& r : rows) {
    t.booked += r.n;
    if (r.state == "checked_in" || r.state == "served") t.kept += r.n;
    if (r.state == "no_show") t.no_show += r.n;
    if (r.state == "cancelled") t.cancelled += r.n;
    if (r.state == "redirected") t.redirected += r.n;
  }
  return t;
}

std::vector<LaneFigures> LaneFiguresOf(const std::vector<LaneFigures>& rows) {
  std::vector<LaneFigures> out;
  for (Lane lane : {Lane::kPriority, Lane::kAppointment, Lane::kWalkIn}) {
    LaneFigures f;
    f.lane = std::string(LaneName(lane));
    for (const LaneFigures& r : rows) {
      if (r.lane == f.lane) f = r;
    }
    out.push_back(f);
  }
  return out;
}

}  // namespace loket::domain
