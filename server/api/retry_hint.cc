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
  // A window open longer than a second had no refusal after its first: its rate is the mean.
  last_second_ = static_cast<double>(admitted_.exchange(0, std::memory_order_relaxed)) /
                 absl::ToDoubleSeconds(open);
  window_start_ = now;
}

double RetryHint::AdmissionsPerSecond(absl::Time now) const {
  // The current second counts from a tenth of a second on, so that a burst's first few
  // admissions do not read as thousands a second.
  const double open = std::max(absl::ToDoubleSeconds(now - window_start_), 0.1);
  return std::max(last_second_,
                  static_cast<double>(admitted_.load(std::memory_order_relaxed)) / open);
}

absl::Time RetryHint::NextReturn(absl::Time now) const {
  return std::min(std::max(next_return_, now + floor_), now + ceiling_);
}

absl::Duration RetryHint::Current(absl::Time now) {
  absl::MutexLock l(&mu_);
  Step(now);
  return NextReturn(now) - now;
}

absl::Duration RetryHint::Refused(absl::Time now) {
  absl::MutexLock l(&mu_);
  Step(now);
  const absl::Time back = NextReturn(now);
  // At least one return a second, so that a loketd that lets nothing in (a hung database) still
  // gives its first refused callers short waits and only the later ones the ceiling.
  const double returns_per_second = std::max(kRefusalsPerAdmission * AdmissionsPerSecond(now), 1.0);
  next_return_ = back + absl::Seconds(1 / returns_per_second);
  return (back - now) * std::uniform_real_distribution<double>(0.9, 1.1)(rng_);
}

RetryHint::Answer RetryHint::Refuse(absl::string_view why, absl::Time now) {
  const absl::Duration wait = Refused(now);
  return {absl::StrCat(why, "; try again in ",
                       absl::ToInt64Seconds(absl::Ceil(wait, absl::Seconds(1))), " s"),
          absl::StrCat(absl::ToInt64Milliseconds(wait))};
}

}  // namespace loket::api
