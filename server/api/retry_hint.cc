#include "server/api/retry_hint.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace loket::api {

RetryHint::RetryHint(absl::Duration floor, absl::Duration ceiling, uint64_t seed)
    : floor_(floor),
      ceiling_(std::max(floor, ceiling)),
      rng_(seed != 0 ? seed : std::random_device{}()) {}

void RetryHint::Step(absl::Time now) {
  if (window_start_ == absl::InfinitePast()) {
    window_start_ = now;
    return;
  }
  const absl::Duration open = now - window_start_;
  if (open < absl::Seconds(1)) return;
  // A window open longer than a second saw no call in its later seconds: its rate is the mean.
  const double admitted = static_cast<double>(admitted_) / absl::ToDoubleSeconds(open);
  most_admitted_ = std::max(most_admitted_, admitted);
  // Refused callers come back at `pace_` a second: refusals above the aim mean they are refused
  // again (callers who keep calling hold the room), so slow down; fewer, they get in, so speed up.
  const double factor =
      refused_ == 0
          ? 2.0
          : std::clamp(kRefusalsPerAdmission * admitted / static_cast<double>(refused_), 0.5, 2.0);
  pace_ = std::clamp(pace_ * factor, 1.0, std::max(most_admitted_, kFirstPace));
  admitted_ = 0;
  refused_ = 0;
  window_start_ = now;
}

absl::Time RetryHint::NextReturn(absl::Time now) const {
  return std::min(std::max(next_return_, now + floor_), now + ceiling_);
}

void RetryHint::Admitted(absl::Time now) {
  absl::MutexLock l(&mu_);
  Step(now);
  ++admitted_;
}

absl::Duration RetryHint::Current(absl::Time now) {
  absl::MutexLock l(&mu_);
  Step(now);
  return NextReturn(now) - now;
}

absl::Duration RetryHint::Refused(absl::Time now) {
  absl::MutexLock l(&mu_);
  Step(now);
  ++refused_;
  if (next_return_ <= now) {
    // Every time given has come: a busy spell begins, at the most loketd has let in. (While any is
    // still to come the spell goes on, so the pace it learnt holds: a few hundred callers who keep
    // calling would otherwise start it afresh at each refusal and come back every second.)
    pace_ = std::max(most_admitted_, kFirstPace);
  }
  const absl::Time back = NextReturn(now);
  next_return_ = back + absl::Seconds(1 / pace_);
  return (back - now) * std::uniform_real_distribution<double>(0.9, 1.1)(rng_);
}

RetryHint::Answer RetryHint::Refuse(absl::string_view why, absl::Time now) {
  // Whole milliseconds, as the trailer carries it, so that the seconds in the message are the
  // trailer's rounded up (1000.4 ms would read "2 s" beside a trailer of 1000).
  const absl::Duration wait = absl::Floor(Refused(now), absl::Milliseconds(1));
  return {absl::StrCat(why, "; try again in ",
                       absl::ToInt64Seconds(absl::Ceil(wait, absl::Seconds(1))), " s"),
          absl::StrCat(absl::ToInt64Milliseconds(wait))};
}

}  // namespace loket::api
