#include "server/domain/sla.h"

#include <set>
#include <utility>

#include "absl/time/civil_time.h"

namespace loket::domain {

WorkingCalendar::WorkingCalendar(std::set<absl::CivilDay> holidays)
    : holidays_(std::make_shared<const std::set<absl::CivilDay>>(std::move(holidays))) {}

bool WorkingCalendar::IsWorkingDay(absl::CivilDay d) const {
  const absl::Weekday w = absl::GetWeekday(d);
  if (w == absl::Weekday::saturday || w == absl::Weekday::sunday) return false;
  return !holidays_->contains(d);
}

absl::CivilDay WorkingCalendar::AddWorkingDays(absl::CivilDay from, int n) const {
  // Day by day: service levels are a few weeks at most, and a holiday list makes any closed form
  // harder to trust than this loop.
  absl::CivilDay d = from;
  for (int found = 0; found < n;) {
    ++d;
    if (IsWorkingDay(d)) ++found;
  }
  return d;
}

int WorkingCalendar::CountWorkingDays(absl::CivilDay from, absl::CivilDay to) const {
  int count = 0;
  for (absl::CivilDay d = from; d < to; ++d) {
    if (IsWorkingDay(d)) ++count;
  }
  return count;
}

SlaStatus ComputeSla(const SlaClock& clock, const WorkingCalendar& cal, absl::CivilDay today,
                     bool running) {
  SlaStatus status;
  if (!running || !clock.started_on.has_value()) return status;
  if (clock.paused_since.has_value()) {
    // The applicant holds the case; how long that takes is not known, so neither is the due date.
    status.paused = true;
    return status;
  }
  const absl::CivilDay due =
      cal.AddWorkingDays(*clock.started_on, clock.service_level_days + clock.paused_working_days);
  status.due = due;
  status.overdue = today > due;
  status.working_days_left =
      today <= due ? cal.CountWorkingDays(today, due) : -cal.CountWorkingDays(due, today);
  return status;
}

void PauseSla(SlaClock& clock, absl::CivilDay today) {
  if (clock.paused_since.has_value()) return;
  clock.paused_since = today;
}

void ResumeSla(SlaClock& clock, const WorkingCalendar& cal, absl::CivilDay today) {
  if (!clock.paused_since.has_value()) return;
  // Working days in [paused_since, today): the day of the request is lost to the office, the day
  // the revision comes back is not (the officer can still act on it).
  clock.paused_working_days += cal.CountWorkingDays(*clock.paused_since, today);
  clock.paused_since.reset();
}

}  // namespace loket::domain
