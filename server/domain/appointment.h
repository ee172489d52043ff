// Spontan appointment rules that need no database: preferred windows, which slots they name, and
// the visit code. Pure functions, safe from any thread.
#ifndef LOKET_SERVER_DOMAIN_APPOINTMENT_H_
#define LOKET_SERVER_DOMAIN_APPOINTMENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace loket::domain {

inline constexpr int kMaxWindows = 5;

struct TimeWindow {
  absl::Time starts_at;
  absl::Time ends_at;
};

struct SlotTimes {
  int64_t id = 0;
  absl::Time starts_at;
  absl::Time ends_at;
};

// Checks 1..kMaxWindows windows (start before end, all after `now`, all within one office day)
// and returns that office-local day. INVALID_ARGUMENT naming "windows" or "windows[i]".
absl::StatusOr<absl::CivilDay> ValidateWindows(const std::vector<TimeWindow>& windows,
                                               absl::Time now, int utc_offset_minutes);

// The slots a request would take, best first: the slots lying inside windows[0], then those
// inside windows[1] not yet listed, and so on, each window's slots by start time. When
// `flexible`, every other slot follows, nearest to the first window's start first. `rank_of`
// (same length as the result) tells which window each came from (-1 for the flexible tail).
std::vector<int64_t> PreferredSlots(const std::vector<TimeWindow>& windows,
                                    const std::vector<SlotTimes>& slots, bool flexible,
                                    std::vector<int>* rank_of = nullptr);

// A six-character visit code from `random` ("K7M4QX"): letters and digits a clerk cannot
// confuse (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
std::string AppointmentCode(uint64_t random);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_APPOINTMENT_H_
