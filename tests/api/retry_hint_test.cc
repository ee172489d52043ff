// The wait loketd asks of a refused caller: return times one after another, spaced by the calls it
// lets in (server/api/retry_hint.h). Time is given to it, so these run in microseconds and wait for
// nothing.
#include "server/api/retry_hint.h"

#include <algorithm>
#include <vector>

#include "gtest/gtest.h"

namespace loket::api {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

// A second from `from` in which `admitted` calls were let in, closed at from + 1 s.
void SecondOfAdmissions(RetryHint& hint, absl::Time from, int admitted) {
  hint.Current(from);
  for (int i = 0; i < admitted; ++i) hint.Admitted();
  hint.Current(from + absl::Seconds(1));
}

// `want` spread by the +-10 % each wait is given.
void ExpectAbout(absl::Duration got, absl::Duration want, int i) {
  EXPECT_GE(got, want * 0.9) << "refusal " << i;
  EXPECT_LE(got, want * 1.1) << "refusal " << i;
}

TEST(RetryHintTest, TheFirstRefusalAsksTheFloor) {
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 1);
  EXPECT_EQ(hint.Current(kT0), absl::Seconds(1));
  ExpectAbout(hint.Refused(kT0), absl::Seconds(1), 0);
}

TEST(RetryHintTest, RefusedCallersComeBackOneAfterAnotherAtAQuarterOfTheAdmissions) {
  static_assert(RetryHint::kRefusalsPerAdmission == 0.25, "the figures below assume a quarter");
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 1);
  SecondOfAdmissions(hint, kT0, 400);  // 400 let in a second: 100 returns a second, 10 ms apart
  const absl::Time now = kT0 + absl::Milliseconds(1500);
  for (int i = 0; i < 1000; ++i) {
    ExpectAbout(hint.Refused(now), absl::Seconds(1) + absl::Milliseconds(10) * i, i);
  }
  // Half a second later the next one is still behind the 1,000: its time is unchanged by waiting.
  EXPECT_EQ(hint.Current(now + absl::Milliseconds(500)), absl::Milliseconds(10'500));
}

TEST(RetryHintTest, FewerAdmissionsSpaceTheReturnsFurtherApart) {
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 1);
  SecondOfAdmissions(hint, kT0, 40);  // 10 returns a second: 100 ms apart
  const absl::Time now = kT0 + absl::Milliseconds(1500);
  for (int i = 0; i < 10; ++i) {
    ExpectAbout(hint.Refused(now), absl::Seconds(1) + absl::Milliseconds(100) * i, i);
  }
}

TEST(RetryHintTest, ABurstAfterAQuietSpellIsSpacedByTheAdmissionsOfItsOwnSecond) {
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 1);
  hint.Current(kT0);  // nothing let in before: the last whole second counted none
  for (int i = 0; i < 80; ++i) hint.Admitted();
  // 80 let in during the 0.2 s of the burst so far: 400 a second, so 100 returns a second.
  const absl::Time now = kT0 + absl::Milliseconds(200);
  for (int i = 0; i < 50; ++i) {
    ExpectAbout(hint.Refused(now), absl::Seconds(1) + absl::Milliseconds(10) * i, i);
  }
}

TEST(RetryHintTest, WhenNothingIsLetInTheReturnsAreASecondApart) {
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 1);
  SecondOfAdmissions(hint, kT0, 0);  // a hung database: every call waits, none gets in
  const absl::Time now = kT0 + absl::Milliseconds(1500);
  for (int i = 0; i < 5; ++i) ExpectAbout(hint.Refused(now), absl::Seconds(1 + i), i);
}

TEST(RetryHintTest, NoWaitIsLongerThanTheCeiling) {
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 1);
  SecondOfAdmissions(hint, kT0, 400);
  const absl::Time now = kT0 + absl::Milliseconds(1500);
  std::vector<absl::Duration> waits;
  for (int i = 0; i < 10'000; ++i) waits.push_back(hint.Refused(now));
  EXPECT_LE(*std::max_element(waits.begin(), waits.end()), absl::Seconds(33));
  // Those past the 3,000 that 30 s holds all get the ceiling, spread.
  for (int i = 3000; i < 10'000; ++i) ExpectAbout(waits[i], absl::Seconds(30), i);
}

TEST(RetryHintTest, OnceTheReturnTimesHavePassedTheNextRefusalAsksTheFloorAgain) {
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 1);
  SecondOfAdmissions(hint, kT0, 400);
  const absl::Time now = kT0 + absl::Milliseconds(1500);
  for (int i = 0; i < 500; ++i) hint.Refused(now);  // returns until now + about 6 s
  EXPECT_GT(hint.Current(now + absl::Seconds(3)), absl::Seconds(2));
  EXPECT_EQ(hint.Current(now + absl::Seconds(7)), absl::Seconds(1));
}

TEST(RetryHintTest, EachWaitIsSpreadByATenth) {
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 7);
  absl::Duration lo = absl::InfiniteDuration(), hi = absl::ZeroDuration();
  for (int i = 0; i < 1000; ++i) {
    // Two seconds apart, so each is the first of its own and asks the floor.
    const absl::Duration w = hint.Refused(kT0 + absl::Seconds(2 * i));
    lo = std::min(lo, w);
    hi = std::max(hi, w);
  }
  EXPECT_GE(lo, absl::Milliseconds(900));
  EXPECT_LE(hi, absl::Milliseconds(1100));
  EXPECT_LT(lo, absl::Milliseconds(920)) << "spread, so callers given one time do not all return";
  EXPECT_GT(hi, absl::Milliseconds(1080));
}

}  // namespace
}  // namespace loket::api
