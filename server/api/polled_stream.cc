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

StreamPool::StreamPool(int threads, int max_streams) : max_streams_(max_streams) {
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { Work(); });
}

StreamPool::~StreamPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
}

bool StreamPool::TryOpen() {
  if (open_.fetch_add(1) < max_streams_) return true;
  open_.fetch_sub(1);
  return false;
}

void StreamPool::RunAfter(absl::Duration delay, std::function<void()> job) {
  const auto when = std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(delay);
  absl::MutexLock lock(&mu_);
  heap_.push_back(Job{when, next_order_++, std::move(job)});
  std::push_heap(heap_.begin(), heap_.end(), RunsLater<Job>);
}

absl::Duration StreamPool::TakeMaxLate() {
  absl::MutexLock lock(&mu_);
  int64_t late = max_late_ns_;
  max_late_ns_ = 0;
  // A job overdue and not yet taken counts too: with every thread stuck (a hung database) nothing
  // is taken, and the boards are frozen.
  if (!heap_.empty()) {
    late = std::max<int64_t>(
        late,
        std::chrono::nanoseconds(std::chrono::steady_clock::now() - heap_.front().when).count());
  }
  return absl::Nanoseconds(late);
}

void StreamPool::Work() {
  for (;;) {
    std::function<void()> run;
    {
      absl::MutexLock lock(&mu_);
      for (;;) {
        if (stopping_) return;
        const auto now = std::chrono::steady_clock::now();
        if (!heap_.empty() && heap_.front().when <= now) break;
        // Woken early by a job due sooner than the first one, or by the pool stopping.
        const bool idle = heap_.empty();
        const auto first = idle ? now : heap_.front().when;
        auto changed = [this, idle, first]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return stopping_ || (!heap_.empty() && (idle || heap_.front().when < first));
        };
        if (idle) {
          mu_.Await(absl::Condition(&changed));
        } else {
          mu_.AwaitWithTimeout(absl::Condition(&changed), absl::FromChrono(first - now));
        }
      }
      std::pop_heap(heap_.begin(), heap_.end(), RunsLater<Job>);
      run = std::move(heap_.back().run);
      const int64_t late_ns =
          std::chrono::nanoseconds(std::chrono::steady_clock::now() - heap_.back().when).count();
      heap_.pop_back();
      max_late_ns_ = std::max(max_late_ns_, late_ns);
    }
    run();
    jobs_run_.fetch_add(1);
  }
}

}  // namespace loket::api
