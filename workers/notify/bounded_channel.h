// A channel that lets at most `limit` Sends through to another channel at once: the notifier's
// bound on concurrent deliveries per channel (the gateway's connections, the SMTP server's
// sessions, the file channel's fsyncs), however many tasks it holds. Further Sends wait their turn.
//
// Thread-safe; the inner channel must be too (every Channel is).
#ifndef LOKET_WORKERS_NOTIFY_BOUNDED_CHANNEL_H_
#define LOKET_WORKERS_NOTIFY_BOUNDED_CHANNEL_H_

#include <memory>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "workers/notify/channel.h"

namespace loket::notify {

class BoundedChannel final : public Channel {
 public:
  // `limit` < 1 is taken as 1.
  BoundedChannel(std::unique_ptr<Channel> inner, int limit)
      : inner_(std::move(inner)), limit_(limit < 1 ? 1 : limit) {}

  std::string_view name() const override { return inner_->name(); }

  absl::StatusOr<DeliveryReceipt> Send(const OutgoingMessage& m) override {
    {
      absl::MutexLock lock(&mu_);
      ++waiting_;
      mu_.Await(absl::Condition(
          +[](BoundedChannel* c)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(c->mu_) { return c->in_flight_ < c->limit_; },
          this));
      --waiting_;
      ++in_flight_;
      if (in_flight_ > peak_) peak_ = in_flight_;
    }
    absl::StatusOr<DeliveryReceipt> r = inner_->Send(m);
    absl::MutexLock lock(&mu_);
    --in_flight_;
    return r;
  }

  int limit() const { return limit_; }
  // The most Sends that were ever in the inner channel at once (metrics, tests).
  int peak() const {
    absl::MutexLock lock(&mu_);
    return peak_;
  }
  // Blocks until at least `n` Sends wait their turn, or until `deadline`; whether they do. Tests
  // see the bound hold Sends back with it instead of sleeping.
  bool AwaitWaiting(int n, absl::Time deadline) const {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return waiting_ >= n; };
    return mu_.AwaitWithDeadline(absl::Condition(&enough), deadline);
  }

 private:
  const std::unique_ptr<Channel> inner_;
  const int limit_;
  mutable absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  int peak_ ABSL_GUARDED_BY(mu_) = 0;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;  // Sends waiting for a place
};

}  // namespace loket::notify

#endif  // LOKET_WORKERS_NOTIFY_BOUNDED_CHANNEL_H_
