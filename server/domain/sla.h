// Working days and the service-level clock of a case.
//
// A WorkingCalendar is immutable after construction and safe to share between threads; copies
// share its holidays, so a request can take one by value for the price of a pointer.
#ifndef LOKET_SERVER_DOMAIN_SLA_H_
#define LOKET_SERVER_DOMAIN_SLA_H_

#include <memory>
#include <optional>
#include <set>

#include "absl/time/civil_time.h"

namespace loket::domain {

// Monday to Friday are working days unless listed as a holiday (libur nasional or cuti bersama).
class WorkingCalendar {
 public:
  explicit WorkingCalendar(std::set<absl::CivilDay> holidays = {});

  bool IsWorkingDay(absl::CivilDay d) const;
  // The n-th working day strictly after `from` (n >= 0; n == 0 returns `from`).
  absl::CivilDay AddWorkingDays(absl::CivilDay from, int n) const;
  // Number of working days in [from, to); 0 when to <= from.
  int CountWorkingDays(absl::CivilDay from, absl::CivilDay to) const;

 private:
  std::shared_ptr<const std::set<absl::CivilDay>> holidays_;
};

// The persistent part of a case's SLA clock.
struct SlaClock {
  int service_level_days = 0;
  std::optional<absl::CivilDay> started_on;    // day of submission; nullopt while DRAFT
  int paused_working_days = 0;                 // accumulated over finished pauses
  std::optional<absl::CivilDay> paused_since;  // set while a revision is with the applicant
};

// What a screen shows about the clock on a given day.
struct SlaStatus {
  std::optional<absl::CivilDay> due;  // nullopt when not started or paused
  bool paused = false;
  bool overdue = false;
  int working_days_left = 0;  // negative when overdue; 0 when no due date
};

// Due date: the (service_level_days + paused_working_days)-th working day after started_on.
// `running` is false once the case is decided (issued, rejected, withdrawn, ...): then nothing is
// overdue.
SlaStatus ComputeSla(const SlaClock& clock, const WorkingCalendar& cal, absl::CivilDay today,
                     bool running);

// Pauses the clock on `today` (no-op if already paused).
void PauseSla(SlaClock& clock, absl::CivilDay today);
// Resumes the clock, adding the working days in [paused_since, today) to paused_working_days.
void ResumeSla(SlaClock& clock, const WorkingCalendar& cal, absl::CivilDay today);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_SLA_H_
