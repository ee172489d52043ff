// BoundedChannel: the notifier's bound on deliveries in flight per channel (issue 12).
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "workers/notify/bounded_channel.h"

namespace loket::notify {
namespace {

// Holds every Send until released, counting how many are inside at once.
class GateChannel final : public Channel {
 public:
  std::string_view name() const override { return "gate"; }
  absl::StatusOr<DeliveryReceipt> Send(const OutgoingMessage& m) override {
    absl::MutexLock lock(&mu);
    ++inside;
    ++entered;
    mu.Await(absl::Condition(&open));
    --inside;
    return DeliveryReceipt{absl::StrCat("id-", m.notification_id), "ok"};
  }
  absl::Mutex mu;
  int inside ABSL_GUARDED_BY(mu) = 0;
  int entered ABSL_GUARDED_BY(mu) = 0;
  bool open ABSL_GUARDED_BY(mu) = false;
};

TEST(BoundedChannelTest, AtMostLimitSendsReachTheChannelAndTheRestFollow) {
  auto gate = std::make_unique<GateChannel>();
  GateChannel* g = gate.get();
  BoundedChannel bounded(std::move(gate), 4);
  EXPECT_EQ(bounded.name(), "gate");
  std::atomic<int> delivered{0};
  std::vector<std::thread> senders;
  for (int i = 1; i <= 12; ++i) {
    senders.emplace_back([&, i] {
      OutgoingMessage m;
      m.notification_id = i;
      if (bounded.Send(m).ok()) ++delivered;
    });
  }
  {
    // A bound letting fewer than four in fails here (the deadline only ends a failure); the gate
    // still opens below, so no sender is left hanging.
    absl::MutexLock lock(&g->mu);
    EXPECT_TRUE(g->mu.AwaitWithDeadline(
        absl::Condition(
            +[](GateChannel* c) ABSL_EXCLUSIVE_LOCKS_REQUIRED(c->mu) { return c->inside >= 4; }, g),
        absl::Now() + absl::Seconds(10)));
  }
  // The other eight are all in Send, held back by the bound (without it they would be in the gate
  // and this would time out); the deadline only ends a failure.
  EXPECT_TRUE(bounded.AwaitWaiting(8, absl::Now() + absl::Seconds(10)));
  {
    absl::MutexLock lock(&g->mu);
    EXPECT_EQ(g->inside, 4);
    EXPECT_EQ(g->entered, 4);
    g->open = true;
  }
  for (auto& t : senders) t.join();
  EXPECT_EQ(delivered.load(), 12);
  EXPECT_EQ(bounded.peak(), 4);
  absl::MutexLock lock(&g->mu);
  EXPECT_EQ(g->entered, 12);
}

}  // namespace
}  // namespace loket::notify
