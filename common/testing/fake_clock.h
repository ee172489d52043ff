// A Clock that moves only when told, for tests (DESIGN.md section 2: time is injected). Test-only:
// it lives in the loket::testing target, which production targets do not link.
#ifndef LOKET_COMMON_TESTING_FAKE_CLOCK_H_
#define LOKET_COMMON_TESTING_FAKE_CLOCK_H_

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace loket {

// A clock that moves only when told; thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Set(absl::Time t) {
    absl::MutexLock lock(&mu_);
    now_ = t;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_;
};

}  // namespace loket

#endif  // LOKET_COMMON_TESTING_FAKE_CLOCK_H_
