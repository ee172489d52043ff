#include "server/api/retry_hint.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace loket::api {

RetryHint::RetryHint(absl::Duration floor, absl::Duration ceiling, uint64_t seed)
    : floor_(floor),
      ceiling_(std::max(floor, ceiling)),
      hint_(floor),
      rng_(seed != 0 ? seed : std::random_device{}()) {}

void RetryHint::Step(absl::Time now) {
  if (window_start_ == absl::InfinitePast()) {
    window_start_ = now;
    return;
  }
  const absl::Duration open = now - window_start_;
  if (open < absl::Seconds(1)) return;
  const int64_t admitted = admitted_.exchange(0, std::memory_order_relaxed);
  // Refusals per admission over the window: above the aim, callers come back too often, so the
  // hint grows; below, it shrinks. A second with no refusal halves it.
  double factor = 0.5;
  if (refused_ > 0) {
    const double per_admission =
        static_cast<double>(refused_) / static_cast<double>(std::max<int64_t>(admitted, 1));
    factor = std::clamp(per_admission / kRefusalsPerAdmission, 0.5, 2.0);
  }
  // Refusals close windows, so a window open longer had no refusal in its later seconds: each
  // whole one halves the hint again.
  factor *= std::exp2(-std::floor(absl::ToDoubleSeconds(open) - 1));
  hint_ = std::clamp(hint_ * factor, floor_, ceiling_);
  refused_ = 0;
  window_start_ = now;
}

absl::Duration RetryHint::Current(absl::Time now) {
  absl::MutexLock l(&mu_);
  Step(now);
  return hint_;
}

absl::Duration RetryHint::Refused(absl::Time now) {
  absl::MutexLock l(&mu_);
  Step(now);
  ++refused_;
  return hint_ * std::uniform_real_distribution<double>(0.75, 1.25)(rng_);
}

RetryHint::Answer RetryHint::Refuse(absl::string_view why, absl::Time now) {
  const absl::Duration wait = Refused(now);
  return {absl::StrCat(why, "; try again in ",
                       absl::ToInt64Seconds(absl::Ceil(wait, absl::Seconds(1))), " s"),
          absl::StrCat(absl::ToInt64Milliseconds(wait))};
}

}  // namespace loket::api
