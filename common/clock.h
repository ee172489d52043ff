// Time is injected (DESIGN.md section 2): production code reads a Clock, tests use FakeClock
// (common/testing/fake_clock.h, test-only).
#ifndef LOKET_COMMON_CLOCK_H_
#define LOKET_COMMON_CLOCK_H_

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace loket {

// Thread-safe source of the current time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The wall clock.
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
  static SystemClock* Get();
};

// The wall clock moved to start at a chosen instant (loketd --clock_start): system tests and demos
// live a fixed office day, whatever the hour they run at, while time still passes.
class ShiftedClock final : public Clock {
 public:
  explicit ShiftedClock(absl::Time start) : shift_(start - absl::Now()) {}
  absl::Time Now() const override { return absl::Now() + shift_; }

 private:
  const absl::Duration shift_;
};

}  // namespace loket

#endif  // LOKET_COMMON_CLOCK_H_
