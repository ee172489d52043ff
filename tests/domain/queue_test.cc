#include "server/domain/queue.h"

#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace loket::domain {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
using ::testing::HasSubstr;
namespace {

TEST(QueueLaneTest, LabelsCarryLaneLetterAndThreeDigits) {
  EXPECT_EQ(TicketLabel(Lane::kAppointment, 12), "A-012");
  EXPECT_EQ(TicketLabel(Lane::kPriority, 1), "P-001");
  EXPECT_EQ(TicketLabel(Lane::kWalkIn, 1234), "W-1234");
  EXPECT_EQ(LaneFromName("walk_in"), Lane::kWalkIn);
  EXPECT_FALSE(LaneFromName("vip").has_value());
}

TEST(QueueLaneTest, NothingWaitingPicksNothingAndKeepsCredits) {
  LaneCredits c;
  c.c = {1, -1, 0};
  EXPECT_FALSE(PickLane(c, {}, {false, false, false}).has_value());
  EXPECT_EQ(c.c, (std::array<int64_t, 3>{1, -1, 0}));
}

TEST(QueueLaneTest, AllLanesBusyFollowsTheWeightsInEachRound) {
  LaneCredits c;
  std::vector<Lane> picks;
  for (int i = 0; i < 12; ++i) picks.push_back(*PickLane(c, {}, {true, true, true}));
  // Every round of 6 calls: 3 priority, 2 appointment, 1 walk-in, spread out.
  for (int round = 0; round < 2; ++round) {
    int n[3] = {0, 0, 0};
    for (int i = 0; i < 6; ++i) ++n[static_cast<int>(picks[round * 6 + i])];
    EXPECT_EQ(n[0], 3);
    EXPECT_EQ(n[1], 2);
    EXPECT_EQ(n[2], 1);
  }
  EXPECT_EQ(picks[0], Lane::kPriority);
  EXPECT_EQ(picks[1], Lane::kAppointment);  // an on-time appointment goes ahead of walk-ins
  EXPECT_EQ(c.c, (std::array<int64_t, 3>{0, 0, 0}));
}

TEST(QueueLaneTest, OnTimeAppointmentGoesAheadOfAnEarlierWalkIn) {
  LaneCredits c;
  EXPECT_EQ(PickLane(c, {}, {false, true, true}), Lane::kAppointment);
}

TEST(QueueLaneTest, StarvationBoundsOfTheDefaultWeightsOverEveryArrivalPattern) {
  EXPECT_EQ(*MaxPasses({}, Lane::kPriority), 2);
  EXPECT_EQ(*MaxPasses({}, Lane::kAppointment), 3);
  EXPECT_EQ(*MaxPasses({}, Lane::kWalkIn), 6);
  EXPECT_THAT(MaxPasses({{0, 1, 1}}, Lane::kWalkIn), StatusIs(absl::StatusCode::kInvalidArgument));
}

// A seeded random day of arrivals, checked against the bound: the exhaustive search above says
// what may happen, this says it is what does happen with the queue as it is used.
TEST(QueueLaneTest, RandomDaysNeverPassOverAWaitingLaneBeyondItsBound) {
  const LaneWeights w;
  const int bound[3] = {*MaxPasses(w, Lane::kPriority), *MaxPasses(w, Lane::kAppointment),
                        *MaxPasses(w, Lane::kWalkIn)};
  std::mt19937 rng(20260317);
  int walk_ins_served = 0;
  for (int day = 0; day < 2000; ++day) {
    LaneCredits c;
    std::array<int, 3> queue = {0, 0, 0};
    std::array<int, 3> passes = {0, 0, 0};
    std::bernoulli_distribution arrive(std::uniform_real_distribution<double>(0.1, 0.9)(rng));
    for (int call = 0; call < 60; ++call) {
      for (int i = 0; i < 3; ++i) queue[i] += arrive(rng) ? 1 : 0;
      const std::array<bool, 3> waiting = {queue[0] > 0, queue[1] > 0, queue[2] > 0};
      auto lane = PickLane(c, w, waiting);
      if (!lane) continue;
      const int b = static_cast<int>(*lane);
      --queue[b];
      if (b == 2) ++walk_ins_served;
      for (int i = 0; i < 3; ++i) {
        passes[i] = (i != b && waiting[i]) ? passes[i] + 1 : 0;
        ASSERT_LE(passes[i], bound[i]) << "day " << day << " call " << call << " lane " << i;
      }
      EXPECT_EQ(c.c[0] + c.c[1] + c.c[2], 0);
    }
  }
  EXPECT_GT(walk_ins_served, 0);
}

TEST(QueueLaneTest, SeatedCounterTakesASeatedOrPriorityTicketWhateverTheRotation) {
  // The rotation is due to call a walk-in ...
  LaneCredits rotation;
  rotation.c = {-5, 0, 5};
  LaneCredits c = rotation;
  EXPECT_EQ(PickLane(c, {}, {true, true, true}), Lane::kWalkIn);
  // ... but a seated counter with a priority ticket waiting takes it.
  c = rotation;
  EXPECT_EQ(PickLaneFirst(c, {}, {true, true, true}, {true, false, false}), Lane::kPriority);
  EXPECT_EQ(c.c[0] + c.c[1] + c.c[2], 0);
  // A seated walk-in in the walk-in lane: that lane, among the first ones only.
  c = rotation;
  EXPECT_EQ(PickLaneFirst(c, {}, {true, true, true}, {false, false, true}), Lane::kWalkIn);
  // Nobody seated or priority waiting: the rotation as any counter.
  c = rotation;
  EXPECT_EQ(PickLaneFirst(c, {}, {true, true, true}, {false, false, false}), Lane::kWalkIn);
  c = {};
  EXPECT_FALSE(PickLaneFirst(c, {}, {false, false, false}, {false, false, false}).has_value());
}

TEST(QueueLaneTest, StarvationBoundsForTheRestHoldWhateverSeatedCountersCall) {
  EXPECT_EQ(*MaxPassesWithSeatedCalls({}, Lane::kPriority), 2);
  EXPECT_EQ(*MaxPassesWithSeatedCalls({}, Lane::kAppointment), 3);
  EXPECT_EQ(*MaxPassesWithSeatedCalls({}, Lane::kWalkIn), 6);
  // Seated calls may move the shared credits: with other weights the bound for the rest can be
  // looser than MaxPasses' (still finite), so it is computed, not assumed.
  EXPECT_GE(*MaxPassesWithSeatedCalls({{1, 1, 5}}, Lane::kPriority),
            *MaxPasses({{1, 1, 5}}, Lane::kPriority));
  EXPECT_THAT(MaxPassesWithSeatedCalls({{0, 1, 1}}, Lane::kWalkIn),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// Random days with a seated counter taking every third call: ordinary counters still never pass
// over a waiting lane more often than the bound before some counter serves it.
TEST(QueueLaneTest, RandomDaysWithASeatedCounterKeepTheBoundsForTheRest) {
  const LaneWeights w;
  const int bound[3] = {*MaxPassesWithSeatedCalls(w, Lane::kPriority),
                        *MaxPassesWithSeatedCalls(w, Lane::kAppointment),
                        *MaxPassesWithSeatedCalls(w, Lane::kWalkIn)};
  std::mt19937 rng(20261130);
  int walk_ins_served = 0;
  for (int day = 0; day < 2000; ++day) {
    LaneCredits c;
    std::array<int, 3> queue = {0, 0, 0};   // everyone waiting, per lane
    std::array<int, 3> seated = {0, 0, 0};  // of them, seated (the priority lane counts whole)
    std::array<int, 3> passes = {0, 0, 0};
    std::bernoulli_distribution arrive(std::uniform_real_distribution<double>(0.1, 0.9)(rng));
    std::bernoulli_distribution is_seated(0.3);
    for (int call = 0; call < 60; ++call) {
      for (int i = 0; i < 3; ++i) {
        if (arrive(rng)) {
          ++queue[i];
          if (i == 0 || is_seated(rng)) ++seated[i];
        }
      }
      const std::array<bool, 3> waiting = {queue[0] > 0, queue[1] > 0, queue[2] > 0};
      const bool seated_call = call % 3 == 2;
      std::array<bool, 3> first = {false, false, false};
      if (seated_call) {
        for (int i = 0; i < 3; ++i) first[i] = seated[i] > 0;
      }
      auto lane = PickLaneFirst(c, w, waiting, first);
      if (!lane) continue;
      const int b = static_cast<int>(*lane);
      const bool took_first = first[b];
      --queue[b];
      if (took_first || seated[b] > queue[b]) --seated[b];
      if (b == 2) ++walk_ins_served;
      for (int i = 0; i < 3; ++i) {
        if (i == b) {
          passes[i] = 0;
        } else if (waiting[i] && !seated_call) {
          ++passes[i];
        }
        ASSERT_LE(passes[i], bound[i]) << "day " << day << " call " << call << " lane " << i;
      }
      EXPECT_EQ(c.c[0] + c.c[1] + c.c[2], 0);
    }
  }
  EXPECT_GT(walk_ins_served, 0);
}

TEST(QueueArrivalTest, TheLateRuleAsStated) {
  // Slot 10:00 WITA on 2026-03-17 = 02:00 UTC.
  absl::Time slot = absl::FromCivil(absl::CivilSecond(2026, 3, 17, 2, 0, 0), absl::UTCTimeZone());
  EXPECT_EQ(ClassifyArrival(slot - absl::Minutes(31), slot, 480), Arrival::kTooEarly);
  EXPECT_EQ(ClassifyArrival(slot - absl::Minutes(30), slot, 480), Arrival::kOnTime);
  EXPECT_EQ(ClassifyArrival(slot + absl::Minutes(15), slot, 480), Arrival::kOnTime);
  EXPECT_EQ(ClassifyArrival(slot + absl::Minutes(16), slot, 480), Arrival::kLate);
  EXPECT_EQ(ClassifyArrival(slot + absl::Hours(6), slot, 480), Arrival::kLate);
  // 00:30 WITA the next day.
  EXPECT_EQ(ClassifyArrival(slot + absl::Hours(14) + absl::Minutes(30), slot, 480),
            Arrival::kOtherDay);
  EXPECT_EQ(ClassifyArrival(slot - absl::Hours(24), slot, 480), Arrival::kOtherDay);
}

TEST(QueueArrivalTest, LanesFollowPriorityThenPunctuality) {
  EXPECT_EQ(LaneFor(PriorityClass::kElderly, false, Arrival::kLate), Lane::kPriority);
  EXPECT_EQ(LaneFor(PriorityClass::kDisability, true, Arrival::kOnTime), Lane::kPriority);
  EXPECT_EQ(LaneFor(PriorityClass::kHealthWorker, true, Arrival::kOnTime), Lane::kAppointment);
  EXPECT_EQ(LaneFor(PriorityClass::kNone, true, Arrival::kLate), Lane::kWalkIn);
  EXPECT_EQ(LaneFor(PriorityClass::kNone, false, Arrival::kOnTime), Lane::kWalkIn);
}

TEST(QueueScreeningTest, FeverOrNoMaskFails) {
  std::string why;
  EXPECT_TRUE(ScreeningPassed({36.8, true}, &why));
  EXPECT_EQ(why, "");
  EXPECT_FALSE(ScreeningPassed({37.5, true}, &why));
  EXPECT_NE(why.find("37.5"), std::string::npos);
  EXPECT_FALSE(ScreeningPassed({36.5, false}, &why));
  EXPECT_EQ(why, "no mask");
  EXPECT_THAT(ValidateScreening({36.5, true}), IsOk());
  EXPECT_THAT(ValidateScreening({0, true}), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_NE(ValidateScreening({99, true}).message().find("screening.temperature_c"),
            std::string::npos);
}

TEST(QueueWaitTest, CallsAheadFollowTheInterleaving) {
  // Fresh credits, everyone waiting: P A P W A P ... (3:2:1).
  EXPECT_EQ(CallsAhead({}, {}, {2, 2, 2}, Lane::kPriority, 0), 0);
  EXPECT_EQ(CallsAhead({}, {}, {2, 2, 2}, Lane::kAppointment, 0), 1);
  EXPECT_EQ(CallsAhead({}, {}, {2, 2, 2}, Lane::kWalkIn, 0), 3);
  EXPECT_EQ(InterleaveOrder({}, {}, {1, 1, 1}),
            (std::vector<Lane>{Lane::kPriority, Lane::kAppointment, Lane::kWalkIn}));
  // Only walk-ins: straight order.
  EXPECT_EQ(CallsAhead({}, {}, {0, 0, 5}, Lane::kWalkIn, 4), 4);
  EXPECT_EQ(EstimateWait(0, 2, absl::Minutes(8)), absl::ZeroDuration());
  EXPECT_EQ(EstimateWait(3, 2, absl::Minutes(8)), absl::Minutes(16));
  EXPECT_EQ(EstimateWait(3, 0, absl::Minutes(8)), absl::Minutes(24));
}

TEST(QueueWaitTest, MedianServiceIgnoresNonsenseAndOutliers) {
  EXPECT_FALSE(MedianService({}).has_value());
  EXPECT_FALSE(MedianService({absl::ZeroDuration(), absl::Seconds(-30)}).has_value());
  // Tickets finished within seconds (mis-clicks) are no service: left out, and alone, unknown.
  EXPECT_FALSE(MedianService({absl::Seconds(5), absl::Seconds(20)}).has_value());
  EXPECT_EQ(MedianService({absl::Seconds(2), absl::Minutes(7), absl::Minutes(9), absl::Minutes(8)}),
            absl::Minutes(8));
  EXPECT_EQ(
      MedianService({absl::Minutes(4), absl::Minutes(6), absl::Minutes(10), absl::Minutes(40)}),
      absl::Minutes(8));
  // One long case does not make the counter look slow.
  EXPECT_EQ(MedianService({absl::Minutes(5), absl::Minutes(6), absl::Minutes(90)}),
            absl::Minutes(6));
}

TEST(QueueWaitTest, MeasuredEstimateIsUnknownWithoutHistoryAndNeverImplausible) {
  // No counter has served this service yet: unknown, not "0 minutes".
  EXPECT_FALSE(EstimateWaitMeasured(12, {std::nullopt, std::nullopt}).has_value());
  EXPECT_FALSE(EstimateWaitMeasured(3, {}).has_value());
  // Nobody ahead: no wait.
  EXPECT_EQ(EstimateWaitMeasured(0, {absl::Minutes(8)}), absl::ZeroDuration());
  EXPECT_EQ(EstimateWaitMeasured(-1, {absl::Minutes(8)}), absl::ZeroDuration());
  EXPECT_EQ(EstimateWaitMeasured(0, {std::nullopt}), absl::ZeroDuration());
  // 12 ahead at two counters of 6 minutes each: 6 rounds of 6 minutes, not "about 1 minute".
  EXPECT_EQ(EstimateWaitMeasured(12, {absl::Minutes(6), absl::Minutes(6)}), absl::Minutes(36));
  // A counter without history still serves; it counts at the others' pace.
  EXPECT_EQ(EstimateWaitMeasured(12, {absl::Minutes(6), std::nullopt}), absl::Minutes(36));
  // Counters of 4 and 12 minutes: harmonic mean 6.
  EXPECT_EQ(EstimateWaitMeasured(4, {absl::Minutes(4), absl::Minutes(12)}), absl::Minutes(12));
  EXPECT_EQ(WaitMinutes(absl::Seconds(20)), 1);
  EXPECT_EQ(WaitMinutes(absl::Minutes(8)), 8);
  EXPECT_EQ(WaitMinutes(absl::Seconds(-90)), 0);
}

TEST(QueueHoursTest, WalkInsOnlyDuringOpeningHoursNamedInOfficeTime) {
  // 2026-03-17 (Tuesday), WITA = UTC+8; open 08:00-15:00.
  auto at = [](int h, int m) {
    return absl::FromCivil(absl::CivilMinute(2026, 3, 17, h, m), absl::FixedTimeZone(8 * 3600));
  };
  const OpeningHours hours{8 * 60, 15 * 60};
  EXPECT_THAT(CheckWalkInHours(at(8, 0), 480, hours, true), IsOk());
  EXPECT_THAT(CheckWalkInHours(at(14, 59), 480, hours, true), IsOk());
  absl::Status late = CheckWalkInHours(at(15, 0), 480, hours, true);
  EXPECT_THAT(late, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(late.message(),
            "walk-in tickets are issued during opening hours: today 08:00-15:00 WITA; it is 15:00 "
            "WITA (office time)");
  absl::Status early = CheckWalkInHours(at(7, 45), 480, hours, true);
  EXPECT_NE(early.message().find("07:45 WITA"), std::string::npos);
  // 23:30 UTC is 07:30 the next morning in WITA: still before opening.
  EXPECT_THAT(CheckWalkInHours(at(7, 30), 480, hours, true),
              StatusIs(early.code(), HasSubstr("07:30 WITA")));
  absl::Status holiday = CheckWalkInHours(at(10, 0), 480, hours, false);
  EXPECT_THAT(holiday, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_NE(holiday.message().find("closed today (2026-03-17)"), std::string::npos);
  EXPECT_NE(CheckWalkInHours(at(10, 0), 480, std::nullopt, true)
                .message()
                .find("no opening hours on this weekday"),
            std::string::npos);
  EXPECT_NE(CheckWalkInHours(at(16, 0), 420, hours, true).message().find("WIB"), std::string::npos);
}

}  // namespace
}  // namespace loket::domain
