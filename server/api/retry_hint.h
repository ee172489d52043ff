// How long a refused caller is asked to wait (issue 12). A fixed "try again in 1 s" brings 2,048
// callers back 2,048 times a second, and refusing them costs loketd's gRPC threads most of a core
// (docs/benchmarks.md, "Where the rest goes").
//
// Refused callers are given return times one after another, as tickets, `pace` a second: the first
// is asked for the floor, each next one a little later, so 2,048 callers refused together come
// back spread over the following seconds in the order they were refused, and one refused first is
// not asked to wait longer than one refused after them. No wait is longer than the ceiling; each
// is spread by +-10 %, so callers given the ceiling together do not all return together.
//
// The pace: a crowd of people who each want one call (a flash crowd at a booking's opening) is
// served soonest when they come back as fast as loketd lets calls in; callers who keep calling
// (a program, or the bench's closed loop) hold the room, so those who come back are refused again,
// and each such refusal costs CPU. So the first tickets of a busy spell go at the most calls loketd
// has let in a second (at least kFirstPace), and once a second the pace is multiplied by
// (kRefusalsPerAdmission x admitted) / refused, within 0.5x..2x: while returning callers get in,
// refusals are few and the pace stays high; while they are refused, it falls until they come back
// at a quarter of the admissions. Once every time given has come, the spell is over and the next
// refusal asks the floor again. docs/benchmarks.md, "Tickets".
#ifndef LOKET_SERVER_API_RETRY_HINT_H_
#define LOKET_SERVER_API_RETRY_HINT_H_

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
  // Refusals per admission the pace aims at while returning callers are refused. At 1, 2,048
  // callers who keep calling cost loketd about 800 refusals a second and 0.84 of its goodput
  // (docs/benchmarks.md, "The wait loketd asks for").
  static constexpr double kRefusalsPerAdmission = 0.25;
  // The least pace a busy spell starts at (returns a second), when loketd has not yet let in as
  // many calls in one second: too fast costs a round of refusals, too slow keeps people waiting.
  static constexpr double kFirstPace = 400;

  // Waits stay within [floor, ceiling]; `seed` makes the spread repeatable (0: random).
  explicit RetryHint(absl::Duration floor = absl::Seconds(1),
                     absl::Duration ceiling = absl::Seconds(30), uint64_t seed = 0);

  // A call was let in at `now`.
  void Admitted(absl::Time now);
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
  // Closes the window that began at window_start_ once a second has passed: the most admissions
  // a second so far, and the pace for the refusals that follow.
  void Step(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The return time the next refusal at `now` gets: the next free one, within the bounds.
  absl::Time NextReturn(absl::Time now) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const absl::Duration floor_;
  const absl::Duration ceiling_;
  absl::Mutex mu_;
  absl::Time window_start_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  int64_t admitted_ ABSL_GUARDED_BY(mu_) = 0;      // in the window
  int64_t refused_ ABSL_GUARDED_BY(mu_) = 0;       // in the window
  double most_admitted_ ABSL_GUARDED_BY(mu_) = 0;  // the most calls let in in one second
  double pace_ ABSL_GUARDED_BY(mu_) = kFirstPace;  // returns a second
  absl::Time next_return_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  std::mt19937_64 rng_ ABSL_GUARDED_BY(mu_);
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_RETRY_HINT_H_
