#include "server/api/polled_stream.h"

#include <algorithm>

namespace loket::api {
namespace {

// std::push_heap keeps the largest on top: "later" is "smaller" here.
template <class J>
bool RunsLater(const J& a, const J& b) {
  return a.when != b.when ? a.when > b.when : a.order > b.order;
}

}  // namespace

StreamPool::StreamPool(int threads) {
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { Work(); });
}

StreamPool::~StreamPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
}

void StreamPool::RunAt(absl::Time when, std::function<void()> job) {
  absl::MutexLock lock(&mu_);
  heap_.push_back(Job{when, next_order_++, std::move(job)});
  std::push_heap(heap_.begin(), heap_.end(), RunsLater<Job>);
}

void StreamPool::Work() {
  for (;;) {
    std::function<void()> run;
    {
      absl::MutexLock lock(&mu_);
      for (;;) {
        if (stopping_) return;
        if (!heap_.empty() && heap_.front().when <= absl::Now()) break;
        absl::Time wake = heap_.empty() ? absl::InfiniteFuture() : heap_.front().when;
        // Woken early by a job due sooner than `wake`, or by the pool stopping.
        auto changed = [this, wake]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return stopping_ || (!heap_.empty() && heap_.front().when < wake);
        };
        mu_.AwaitWithDeadline(absl::Condition(&changed), wake);
      }
      std::pop_heap(heap_.begin(), heap_.end(), RunsLater<Job>);
      run = std::move(heap_.back().run);
      heap_.pop_back();
    }
    run();
  }
}

}  // namespace loket::api
