// The waiting queue's forecast as a pure rule (issue 14): call order, calls ahead and the wait
// from measured service times, with no database.
#include "server/domain/queue_forecast.h"

#include <vector>

#include "gtest/gtest.h"

namespace loket::domain {
namespace {

std::vector<ServiceSample> Samples(const std::string& counter, const std::string& service,
                                   absl::Duration took, int n) {
  return std::vector<ServiceSample>(n, ServiceSample{counter, service, took});
}

std::vector<size_t> Order(const QueueForecast& f) {
  std::vector<size_t> out;
  for (const ForecastEntry& e : f.order) out.push_back(e.ticket);
  return out;
}

TEST(QueueForecastTest, NothingWaitingForecastsNothing) {
  QueueForecast f = ForecastQueue({}, {}, {}, {}, {{"C1", {}}});
  EXPECT_TRUE(f.order.empty());
  EXPECT_EQ(f.waiting, (std::array<int, kLaneCount>{0, 0, 0}));
  EXPECT_EQ(f.open_counters, 1);
  EXPECT_EQ(f.mean_service, absl::ZeroDuration());
}

TEST(QueueForecastTest, TheOrderInterleavesTheLanesAndKeepsEachLanesOwnOrder) {
  // Two walk-ins listed before two priority tickets and one appointment: the weights (3:2:1)
  // call priority first, then appointment, and each lane keeps the order it was given in.
  std::vector<WaitingTicket> waiting = {{Lane::kWalkIn, "SIUP"},
                                        {Lane::kWalkIn, "SIUP"},
                                        {Lane::kPriority, "SIUP"},
                                        {Lane::kPriority, "SIUP"},
                                        {Lane::kAppointment, "SIUP"}};
  QueueForecast f = ForecastQueue(waiting, {}, {}, {}, {});
  EXPECT_EQ(f.waiting, (std::array<int, kLaneCount>{2, 1, 2}));
  std::vector<Lane> lanes;
  for (size_t i : Order(f)) lanes.push_back(waiting[i].lane);
  EXPECT_EQ(lanes, InterleaveOrder({}, {}, {2, 1, 2}));
  EXPECT_EQ(Order(f).front(), 2u);  // the first priority ticket
  // Within a lane, the given order.
  std::vector<size_t> walk_ins;
  for (size_t i : Order(f)) {
    if (waiting[i].lane == Lane::kWalkIn) walk_ins.push_back(i);
  }
  EXPECT_EQ(walk_ins, (std::vector<size_t>{0, 1}));
  for (size_t k = 0; k < f.order.size(); ++k)
    EXPECT_EQ(f.order[k].calls_ahead, static_cast<int>(k));
}

TEST(QueueForecastTest, TheCreditsDecideWhichLaneGoesNext) {
  std::vector<WaitingTicket> waiting = {{Lane::kPriority, "SIUP"}, {Lane::kWalkIn, "SIUP"}};
  LaneCredits credits;
  credits.c = {-5, 0, 5};  // the walk-in lane is owed calls
  QueueForecast f = ForecastQueue(waiting, credits, {}, {}, {});
  EXPECT_EQ(Order(f), (std::vector<size_t>{1, 0}));
}

TEST(QueueForecastTest, WaitsComeFromTheMediansOfTheCountersThatServeTheService) {
  std::vector<WaitingTicket> waiting = {
      {Lane::kWalkIn, "SIUP"}, {Lane::kWalkIn, "SIUP"}, {Lane::kWalkIn, "SIP_BIDAN"}};
  std::vector<ServiceSample> samples = Samples("C1", "SIUP", absl::Minutes(6), 5);
  std::vector<ServiceSample> c2 = Samples("C2", "SIP_BIDAN", absl::Minutes(10), 3);
  samples.insert(samples.end(), c2.begin(), c2.end());
  // C1 serves SIUP only; C2 serves everything. C3 is open but has no history.
  QueueForecast f =
      ForecastQueue(waiting, {}, {}, samples, {{"C1", {"SIUP"}}, {"C2", {}}, {"C3", {}}});
  EXPECT_EQ(f.open_counters, 3);
  EXPECT_EQ(f.mean_service, absl::Minutes(6));  // the office's median over all 8 samples
  ASSERT_EQ(f.order.size(), 3u);
  // Next: no wait.
  EXPECT_EQ(f.order[0].wait, absl::ZeroDuration());
  // SIUP, one ahead: C1 at 6 min (its SIUP median), C2 at 10 min (no SIUP: its overall median),
  // C3 unknown; harmonic mean of 6 and 10 is 7.5 min, one round shared by three counters.
  EXPECT_EQ(f.order[1].wait, absl::Seconds(450));
  // SIP_BIDAN, two ahead: only C2 and C3 serve it; C2's median 10 min, two counters: one round.
  EXPECT_EQ(f.order[2].wait, absl::Minutes(10));
}

TEST(QueueForecastTest, ATransferredTicketIsItsCountersNextCall) {
  // Two walk-ins transferred to C2, behind a priority ticket the rotation calls first, and one
  // transferred to C9, which is closed: anyone's again, in its lane.
  std::vector<WaitingTicket> waiting = {{Lane::kPriority, "SIUP", ""},
                                        {Lane::kWalkIn, "SIUP", "C2"},
                                        {Lane::kWalkIn, "SIUP", "C2"},
                                        {Lane::kWalkIn, "SIUP", "C9"}};
  QueueForecast f = ForecastQueue(waiting, {}, {}, Samples("C2", "SIUP", absl::Minutes(6), 5),
                                  {{"C1", {}}, {"C2", {}}});
  EXPECT_EQ(f.waiting, (std::array<int, kLaneCount>{1, 0, 3}));  // every ticket, per lane
  // C2 calls its transfers first, in order; then the lanes as the rotation goes.
  EXPECT_EQ(Order(f), (std::vector<size_t>{1, 2, 0, 3}));
  EXPECT_EQ(f.order[0].calls_ahead, 0);
  EXPECT_EQ(f.order[1].calls_ahead, 1);          // one transfer before it, at C2
  EXPECT_EQ(f.order[1].wait, absl::Minutes(6));  // at C2's own pace, whatever C1 does
  EXPECT_EQ(f.order[2].calls_ahead, 2);          // the two transfers are called before it
  EXPECT_EQ(f.order[3].calls_ahead, 3);
}

TEST(QueueForecastTest, NoHistoryMeansAnUnknownWaitNotZero) {
  std::vector<WaitingTicket> waiting = {{Lane::kWalkIn, "SIUP"}, {Lane::kWalkIn, "SIUP"}};
  QueueForecast f = ForecastQueue(waiting, {}, {}, {}, {{"C1", {}}});
  ASSERT_EQ(f.order.size(), 2u);
  EXPECT_EQ(f.order[0].wait, absl::ZeroDuration());
  EXPECT_FALSE(f.order[1].wait.has_value());
  // Nothing open: unknown as well.
  EXPECT_FALSE(ForecastQueue(waiting, {}, {}, Samples("C1", "SIUP", absl::Minutes(6), 3), {})
                   .order[1]
                   .wait.has_value());
}

TEST(QueueForecastTest, MisClicksAreNoServiceTime) {
  // Samples under a minute are left out: alone they give no median.
  std::vector<WaitingTicket> waiting = {{Lane::kWalkIn, "SIUP"}, {Lane::kWalkIn, "SIUP"}};
  QueueForecast f =
      ForecastQueue(waiting, {}, {}, Samples("C1", "SIUP", absl::Seconds(10), 5), {{"C1", {}}});
  EXPECT_EQ(f.mean_service, absl::ZeroDuration());
  EXPECT_FALSE(f.order[1].wait.has_value());
}

}  // namespace
}  // namespace loket::domain
