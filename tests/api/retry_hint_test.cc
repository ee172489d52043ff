// The wait loketd asks of a refused caller: return times one after another, at a pace that starts
// at the most calls loketd lets in a second and falls while returning callers are refused again
// (server/api/retry_hint.h). Time is given to it, so these run in microseconds and wait for
// nothing.
#include "server/api/retry_hint.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace loket::api {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

// A second from `from`: `admitted` calls let in, then `refused` refused; closed at from + 1 s.
void Second(RetryHint& hint, absl::Time from, int admitted, int refused) {
  hint.Current(from);
  for (int i = 0; i < admitted; ++i) hint.Admitted(from + absl::Milliseconds(100));
  for (int i = 0; i < refused; ++i) hint.Refused(from + absl::Milliseconds(500));
  hint.Current(from + absl::Seconds(1));
}

// The pace at `now`, returns a second: the gap between the return times of two refusals (this
// refuses one call).
double PaceAt(RetryHint& hint, absl::Time now) {
  const absl::Duration before = hint.Current(now);
  hint.Refused(now);
  return 1 / absl::ToDoubleSeconds(hint.Current(now) - before);
}

// `want` spread by the +-10 % each wait is given.
void ExpectAbout(absl::Duration got, absl::Duration want, int i) {
  EXPECT_GE(got, want * 0.9) << "refusal " << i;
  EXPECT_LE(got, want * 1.1) << "refusal " << i;
}

// `n` callers refused together at `now` are asked for the floor, then `gap` more each.
void ExpectReturnsApart(RetryHint& hint, absl::Time now, int n, absl::Duration gap) {
  for (int i = 0; i < n; ++i) ExpectAbout(hint.Refused(now), absl::Seconds(1) + gap * i, i);
}

TEST(RetryHintTest, TheFirstRefusalAsksTheFloor) {
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 1);
  EXPECT_EQ(hint.Current(kT0), absl::Seconds(1));
  ExpectAbout(hint.Refused(kT0), absl::Seconds(1), 0);
}

TEST(RetryHintTest, ABusySpellSendsCallersBackAtTheMostLoketdHasLetInASecond) {
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 1);
  Second(hint, kT0, 400, 0);  // 400 let in a second: returns 2.5 ms apart
  ExpectReturnsApart(hint, kT0 + absl::Milliseconds(1500), 2000, absl::Microseconds(2500));
}

TEST(RetryHintTest, WithoutSuchASecondYetTheSpellStartsAtTheFirstPace) {
  static_assert(RetryHint::kFirstPace == 400, "the figures below assume 400 a second");
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 1);
  Second(hint, kT0, 40, 0);
  ExpectReturnsApart(hint, kT0 + absl::Milliseconds(1500), 100, absl::Microseconds(2500));
}

TEST(RetryHintTest, CallersRefusedAgainSlowThePaceToAQuarterOfTheAdmissions) {
  static_assert(RetryHint::kRefusalsPerAdmission == 0.25, "the figures below assume a quarter");
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 1);
  Second(hint, kT0, 400, 0);
  Second(hint, kT0 + absl::Seconds(1), 400, 400);  // 4 x the aim: halved (0.5x at most)
  EXPECT_DOUBLE_EQ(PaceAt(hint, kT0 + absl::Seconds(2)), 200);
  Second(hint, kT0 + absl::Seconds(2), 400, 200);  // 2 x the aim
  EXPECT_DOUBLE_EQ(PaceAt(hint, kT0 + absl::Seconds(3)), 100);
  Second(hint, kT0 + absl::Seconds(3), 400, 99);  // with PaceAt's, 100: at the aim, held
  EXPECT_DOUBLE_EQ(PaceAt(hint, kT0 + absl::Seconds(4)), 100);
}

TEST(RetryHintTest, ASmallCrowdRefusedAgainKeepsTheSlowerPace) {
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 1);
  Second(hint, kT0, 400, 0);
  // 240 callers who keep calling, refused about once a second each: their times are always a
  // second or two ahead, so the spell goes on and the pace falls instead of starting again at 400.
  for (int s = 1; s <= 4; ++s) Second(hint, kT0 + absl::Seconds(s), 400, 240);
  EXPECT_DOUBLE_EQ(PaceAt(hint, kT0 + absl::Seconds(5)), 25);
  EXPECT_GT(hint.Current(kT0 + absl::Seconds(5)), absl::Seconds(5))
      << "the next is asked to wait its turn";
}

TEST(RetryHintTest, WhileReturningCallersGetInThePaceRisesBackToTheMostLetIn) {
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 1);
  Second(hint, kT0, 400, 0);
  Second(hint, kT0 + absl::Seconds(1), 400, 4000);  // halved, and callers out for ~10 s
  Second(hint, kT0 + absl::Seconds(2), 400, 1000);  // halved again: 100
  Second(hint, kT0 + absl::Seconds(3), 400, 0);     // they get in: doubled
  EXPECT_DOUBLE_EQ(PaceAt(hint, kT0 + absl::Seconds(4)), 200);
  Second(hint, kT0 + absl::Seconds(4), 400, 0);
  Second(hint, kT0 + absl::Seconds(5), 400, 0);
  EXPECT_DOUBLE_EQ(PaceAt(hint, kT0 + absl::Seconds(6)), 400) << "not past the most let in";
}

TEST(RetryHintTest, WhenNothingIsLetInThePaceHalvesEachSecond) {
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 1);
  Second(hint, kT0, 400, 0);
  // A hung database: every call waits and none gets in; the refused come back and are refused.
  for (int s = 1; s <= 3; ++s) Second(hint, kT0 + absl::Seconds(s), 0, 2000);
  EXPECT_DOUBLE_EQ(PaceAt(hint, kT0 + absl::Seconds(4)), 50);
}

TEST(RetryHintTest, NoWaitIsLongerThanTheCeiling) {
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 1);
  Second(hint, kT0, 0, 0);
  const absl::Time now = kT0 + absl::Milliseconds(1500);
  std::vector<absl::Duration> waits;
  for (int i = 0; i < 20'000; ++i) waits.push_back(hint.Refused(now));
  EXPECT_LE(*std::max_element(waits.begin(), waits.end()), absl::Seconds(33));
  // Those past the 11,600 that 29 s holds at 400 a second all get the ceiling, spread.
  for (int i = 12'000; i < 20'000; ++i) ExpectAbout(waits[i], absl::Seconds(30), i);
}

TEST(RetryHintTest, OnceTheReturnTimesHavePassedTheNextRefusalAsksTheFloorAgain) {
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 1);
  Second(hint, kT0, 100, 0);
  const absl::Time now = kT0 + absl::Milliseconds(1500);
  for (int i = 0; i < 2000; ++i) hint.Refused(now);  // 400 a second: returns until now + 6 s
  EXPECT_GT(hint.Current(now + absl::Seconds(3)), absl::Seconds(2));
  EXPECT_EQ(hint.Current(now + absl::Seconds(7)), absl::Seconds(1));
}

TEST(RetryHintTest, TheMessageSaysTheTrailersWaitRoundedUpToWholeSeconds) {
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 3);
  for (int i = 0; i < 2000; ++i) {
    const RetryHint::Answer a = hint.Refuse("full", kT0 + absl::Seconds(2 * i));
    const int64_t ms = std::stoll(a.pushback_ms);
    EXPECT_EQ(a.message, absl::StrCat("full; try again in ", (ms + 999) / 1000, " s")) << ms;
  }
}

TEST(RetryHintTest, EachWaitIsSpreadByATenth) {
  RetryHint hint(absl::Seconds(1), absl::Seconds(30), 7);
  absl::Duration lo = absl::InfiniteDuration(), hi = absl::ZeroDuration();
  for (int i = 0; i < 1000; ++i) {
    // Two seconds apart, so each is the first of its own spell and asks the floor.
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
