// A read that many watch streams of one office share (issue 12): N boards that see the same event,
// or N phones looking at the same queue, cost one read instead of N.
//
// Each key keeps its latest value with the feed seq it is as far as, and when it was read. A caller
// that has seen the feed up to `seq` may take a value as far as `seq` or further and at most
// `max_age` old: what it would have read itself. Errors are not kept. Thread-safe.
#ifndef LOKET_SERVER_API_SHARED_READS_H_
#define LOKET_SERVER_API_SHARED_READS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace loket::api {

template <class Value>
class SharedReads {
 public:
  using Clock = std::chrono::steady_clock;
  // `now` is for tests; by default the monotonic clock.
  explicit SharedReads(Clock::duration max_age, std::function<Clock::time_point()> now = Clock::now)
      : max_age_(max_age), now_(std::move(now)) {}

  // The kept value for `key` if it is as far as `seq` and fresh; else `read()` (run outside the
  // lock: two callers may read at once), which gives a value and the seq it is as far as, kept
  // unless a further one was kept meanwhile.
  absl::StatusOr<Value> Get(
      const std::string& key, int64_t seq,
      const std::function<absl::StatusOr<std::pair<int64_t, Value>>()>& read) {
    const Clock::time_point now = now_();
    {
      absl::MutexLock lock(&mu_);
      auto it = kept_.find(key);
      if (it != kept_.end() && it->second.seq >= seq && now - it->second.at <= max_age_) {
        return it->second.value;
      }
    }
    absl::StatusOr<std::pair<int64_t, Value>> fresh = read();
    if (!fresh.ok()) return fresh.status();
    absl::MutexLock lock(&mu_);
    // The keys may come from anonymous callers (any office, any day): keep only fresh ones.
    std::erase_if(kept_, [&](const auto& e) { return now - e.second.at > max_age_; });
    auto [it, added] = kept_.try_emplace(key, Kept{fresh->first, fresh->second, now});
    Kept& k = it->second;
    if (!added && (k.seq < fresh->first || (k.seq == fresh->first && k.at < now))) {
      k = Kept{fresh->first, fresh->second, now};
    }
    return std::move(fresh->second);
  }

 private:
  struct Kept {
    int64_t seq;
    Value value;
    Clock::time_point at;  // taken before the read: its age is never understated
  };
  const Clock::duration max_age_;
  const std::function<Clock::time_point()> now_;
  absl::Mutex mu_;
  std::map<std::string, Kept> kept_ ABSL_GUARDED_BY(mu_);
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_SHARED_READS_H_
