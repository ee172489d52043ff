// How long a refused caller is asked to wait (issue 12). A fixed "try again in 1 s" brings 2,048
// callers back 2,048 times a second, and refusing them costs loketd's gRPC threads most of a core
// (docs/benchmarks.md, "Where the rest goes"). The hint follows the refusals instead: once a
// second it is multiplied by (refused / admitted) / kRefusalsPerAdmission over the second just
// gone, within 0.5x..2x per step, so that callers who wait as asked come back a little more often
// than there is room for (enough to keep the pool full, few enough that refusing them costs
// little); each second without a refusal halves it, down to its floor. Each refused call gets the
// hint spread by +-25 %, so callers refused together do not all come back together.
#ifndef LOKET_SERVER_API_RETRY_HINT_H_
#define LOKET_SERVER_API_RETRY_HINT_H_

#include <atomic>
#include <cstdint>
#include <random>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace loket::api {

class RetryHint {
 public:
  // The refusals per admitted call the hint aims for. At 1 (one refusal per admission) 2,048
  // callers still cost loketd about 800 refusals a second and 0.84 of its goodput
  // (docs/benchmarks.md, "The wait loketd asks for"); at a quarter, over 30 s steps, loketd
  // refused about half as often ("Aiming at one refusal per four admissions").
  static constexpr double kRefusalsPerAdmission = 0.25;

  // The hint stays within [floor, ceiling]; `seed` makes the spread repeatable (0: random).
  explicit RetryHint(absl::Duration floor = absl::Seconds(1),
                     absl::Duration ceiling = absl::Seconds(30), uint64_t seed = 0);

  // A call was let in.
  void Admitted() { admitted_.fetch_add(1, std::memory_order_relaxed); }
  // A call was refused at `now`: how long to ask its caller to wait, spread +-25 % around the hint.
  absl::Duration Refused(absl::Time now);
  // A refusal at `now` as its caller reads it: `why` and "; try again in N s" for a person, and the
  // same wait in milliseconds for gRPC's retry pushback (common/grpc_status.h, kRetryPushbackKey).
  struct Answer {
    std::string message;
    std::string pushback_ms;
  };
  Answer Refuse(absl::string_view why, absl::Time now);
  // The hint as it stands at `now` (before the spread), closing the window if a second has passed.
  absl::Duration Current(absl::Time now);

 private:
  // Closes the window once a second has passed since it opened.
  void Step(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const absl::Duration floor_;
  const absl::Duration ceiling_;
  std::atomic<int64_t> admitted_{0};
  absl::Mutex mu_;
  int64_t refused_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time window_start_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Duration hint_ ABSL_GUARDED_BY(mu_);
  std::mt19937_64 rng_ ABSL_GUARDED_BY(mu_);
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_RETRY_HINT_H_
