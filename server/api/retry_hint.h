// How long a refused caller is asked to wait (issue 12). A fixed "try again in 1 s" brings 2,048
// callers back 2,048 times a second, and refusing them costs loketd's gRPC threads most of a core
// (docs/benchmarks.md, "Where the rest goes").
//
// Refused callers are given return times one after another, as tickets: the first is asked for
// the floor, each next one a little later, spaced so that they come back at
// kRefusalsPerAdmission x the calls loketd let in per second (enough to keep the pool full, few
// enough that refusing them again costs little). 2,048 callers refused together thus come back
// spread over the following seconds in the order they were refused, instead of all at once, and a
// person refused first is not asked to wait longer than one refused after them. Once no caller is
// waiting for its time, the next refusal asks the floor again. No wait is longer than the ceiling;
// each is spread by +-10 %, so callers given the ceiling together do not all return together.
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
  // Returns per second aimed at, per call let in a second. At 1 (one refusal per admission)
  // 2,048 callers still cost loketd about 800 refusals a second and 0.84 of its goodput
  // (docs/benchmarks.md, "The wait loketd asks for").
  static constexpr double kRefusalsPerAdmission = 0.25;

  // Waits stay within [floor, ceiling]; `seed` makes the spread repeatable (0: random).
  explicit RetryHint(absl::Duration floor = absl::Seconds(1),
                     absl::Duration ceiling = absl::Seconds(30), uint64_t seed = 0);

  // A call was let in.
  void Admitted() { admitted_.fetch_add(1, std::memory_order_relaxed); }
  // A call was refused at `now`: how long to ask its caller to wait (its return time, spread).
  absl::Duration Refused(absl::Time now);
  // A refusal at `now` as its caller reads it: `why` and "; try again in N s" for a person, and the
  // same wait in milliseconds for gRPC's retry pushback (common/grpc_status.h, kRetryPushbackKey).
  struct Answer {
    std::string message;
    std::string pushback_ms;
  };
  Answer Refuse(absl::string_view why, absl::Time now);
  // The wait the next refusal at `now` would ask, before the spread.
  absl::Duration Current(absl::Time now);

 private:
  // Counts the admissions of the second that began at window_start_, once it is over.
  void Step(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Calls let in per second: over the last whole second, or, while the current one shows more
  // (a burst after a quiet spell), over the current one so far.
  double AdmissionsPerSecond(absl::Time now) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The return time the next refusal at `now` gets: the next free one, within the bounds.
  absl::Time NextReturn(absl::Time now) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const absl::Duration floor_;
  const absl::Duration ceiling_;
  std::atomic<int64_t> admitted_{0};
  absl::Mutex mu_;
  absl::Time window_start_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  double last_second_ ABSL_GUARDED_BY(mu_) = 0;  // admissions in the last whole second
  absl::Time next_return_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  std::mt19937_64 rng_ ABSL_GUARDED_BY(mu_);
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_RETRY_HINT_H_
