// Spontan appointment rules that need no database: preferred windows, which slots they name, and
// the visit code. Pure functions, safe from any thread.
#ifndef LOKET_SERVER_DOMAIN_APPOINTMENT_H_
#define LOKET_SERVER_DOMAIN_APPOINTMENT_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
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

// Applying a round of the allocator (issue 14: the rule, apart from the store that locks and
// writes). The store locks each request the round assigned, in order, and hands over the open ones;
// the answer is the seats to try to take, in order, and the requests to waitlist.
struct OpenRequest {
  bool priority = false;  // a Temankubela class: may take reserved seats before the cut-off
  bool flexible = false;
  std::vector<TimeWindow> windows;
};
struct SeatToTake {
  int64_t request_id = 0;
  int64_t slot_id = 0;
  int rank = 0;  // which of its windows the slot lies in (-1: the flexible tail)
  bool priority = false;
};
struct AllocationApply {
  std::vector<SeatToTake> seats;
  std::vector<int64_t> waitlist;
};
// A request is handled once, by its first assignment. It gets a seat only while still open (in
// `open`) and only in a slot it asked for (PreferredSlots); otherwise it stays pending for the next
// round. A waitlisted request the round also assigned is not waitlisted.
AllocationApply DecideAllocation(const std::vector<std::pair<int64_t, int64_t>>& assigned,
                                 const std::vector<int64_t>& waitlisted,
                                 const std::map<int64_t, OpenRequest>& open,
                                 const std::vector<SlotTimes>& slots);

// A six-character visit code from `random` ("K7M4QX"): letters and digits a clerk cannot
// confuse (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
std::string AppointmentCode(uint64_t random);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_APPOINTMENT_H_
