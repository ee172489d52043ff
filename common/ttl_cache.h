// A small map whose entries expire after a fixed time. For read-mostly data that every replica may
// keep briefly (office calendars, permit types, token lookups): a change shows everywhere within
// the TTL, and nothing another replica needs lives only here. Thread-safe.
#ifndef LOKET_COMMON_TTL_CACHE_H_
#define LOKET_COMMON_TTL_CACHE_H_

#include <map>
#include <optional>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace loket {

template <typename K, typename V>
class TtlCache {
 public:
  // `clock` is not owned and must outlive the cache; `max_entries` bounds memory (oldest dropped).
  TtlCache(const Clock& clock, absl::Duration ttl, size_t max_entries = 10000)
      : clock_(clock), ttl_(ttl), max_entries_(max_entries) {}

  std::optional<V> Get(const K& key) const {
    absl::MutexLock lock(&mu_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.first <= clock_.Now()) return std::nullopt;
    return it->second.second;
  }

  void Put(const K& key, V value) {
    absl::MutexLock lock(&mu_);
    if (entries_.size() >= max_entries_) entries_.clear();  // crude, but bounded and rare
    entries_[key] = {clock_.Now() + ttl_, std::move(value)};
  }

  void Clear() {
    absl::MutexLock lock(&mu_);
    entries_.clear();
  }

 private:
  const Clock& clock_;
  const absl::Duration ttl_;
  const size_t max_entries_;
  mutable absl::Mutex mu_;
  std::map<K, std::pair<absl::Time, V>> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace loket

#endif  // LOKET_COMMON_TTL_CACHE_H_
