// The wait loketd asks of a refused caller follows the refusals (server/api/retry_hint.h). Time is
// given to it, so these run in microseconds and wait for nothing.
#include "server/api/retry_hint.h"

#include <algorithm>

#include "gtest/gtest.h"

namespace loket::api {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

// One second of traffic from `from`: `admitted` calls let in, `refused` refused; then the window
// is closed at from + 1 s and the new hint returned.
absl::Duration Second(RetryHint& hint, absl::Time from, int admitted, int refused) {
  for (int i = 0; i < admitted; ++i) hint.Admitted();
  for (int i = 0; i < refused; ++i) hint.Refused(from + absl::Milliseconds(500));
  return hint.Current(from + absl::Seconds(1));
}

TEST(RetryHintTest, GrowsWithRefusalsPerAdmissionAtMostTwofoldASecondUpToItsCeiling) {
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 1);
  EXPECT_EQ(hint.Current(kT0), absl::Seconds(1));  // the floor until a second has been seen
  EXPECT_EQ(Second(hint, kT0, 100, 200), absl::Seconds(2));
  EXPECT_EQ(Second(hint, kT0 + absl::Seconds(1), 100, 1000), absl::Seconds(4)) << "2x at most";
  absl::Duration h;
  for (int s = 2; s < 12; ++s) h = Second(hint, kT0 + absl::Seconds(s), 10, 1000);
  EXPECT_EQ(h, absl::Seconds(30));
}

TEST(RetryHintTest, HoldsAtAQuarterOfTheAdmissionsAndShrinksWhenFewer) {
  static_assert(RetryHint::kRefusalsPerAdmission == 0.25, "the figures below assume a quarter");
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 1);
  hint.Current(kT0);
  Second(hint, kT0, 100, 200);
  ASSERT_EQ(Second(hint, kT0 + absl::Seconds(1), 100, 200), absl::Seconds(4));
  EXPECT_EQ(Second(hint, kT0 + absl::Seconds(2), 100, 100), absl::Seconds(8))
      << "one refusal per admission is four times the aim";
  EXPECT_EQ(Second(hint, kT0 + absl::Seconds(3), 100, 25), absl::Seconds(8)) << "at the aim";
  EXPECT_EQ(Second(hint, kT0 + absl::Seconds(4), 100, 10), absl::Seconds(4)) << "0.5x at most";
  EXPECT_EQ(Second(hint, kT0 + absl::Seconds(5), 100, 0), absl::Seconds(2));
  EXPECT_EQ(Second(hint, kT0 + absl::Seconds(6), 100, 0), absl::Seconds(1));
  EXPECT_EQ(Second(hint, kT0 + absl::Seconds(7), 100, 0), absl::Seconds(1)) << "not below floor";
}

TEST(RetryHintTest, EachQuietSecondHalvesIt) {
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 1);
  hint.Current(kT0);
  for (int s = 0; s < 3; ++s) Second(hint, kT0 + absl::Seconds(s), 100, 200);
  ASSERT_EQ(hint.Current(kT0 + absl::Seconds(3)), absl::Seconds(8));
  // A window of 3.2 s with no refusal: halved for the window and for each of its 2 later seconds.
  EXPECT_EQ(hint.Current(kT0 + absl::Seconds(6.2)), absl::Seconds(1));
}

TEST(RetryHintTest, EachRefusalIsAskedForTheHintSpreadByAQuarter) {
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 7);
  hint.Current(kT0);
  absl::Duration lo = absl::InfiniteDuration(), hi = absl::ZeroDuration();
  for (int i = 0; i < 1000; ++i) {
    const absl::Duration w = hint.Refused(kT0 + absl::Milliseconds(500));
    lo = std::min(lo, w);
    hi = std::max(hi, w);
  }
  EXPECT_GE(lo, absl::Milliseconds(750));
  EXPECT_LE(hi, absl::Milliseconds(1250));
  EXPECT_LT(lo, absl::Milliseconds(800)) << "spread, so refused callers do not return together";
  EXPECT_GT(hi, absl::Milliseconds(1200));
}

}  // namespace
}  // namespace loket::api
