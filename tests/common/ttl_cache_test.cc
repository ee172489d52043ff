// TtlCache measures its entries' life on the clock it is given (issue 14: every cache takes the
// injected clock), so tests move time instead of waiting for it.
#include "common/ttl_cache.h"

#include <string>

#include "common/testing/fake_clock.h"
#include "gtest/gtest.h"

namespace loket {
namespace {

TEST(TtlCacheTest, AnEntryLivesForItsTtlOnTheGivenClock) {
  FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  TtlCache<std::string, int> cache(clock, absl::Seconds(10));
  cache.Put("bpp", 1);
  clock.Advance(absl::Seconds(9));
  EXPECT_EQ(cache.Get("bpp"), 1);
  clock.Advance(absl::Seconds(1));
  EXPECT_EQ(cache.Get("bpp"), std::nullopt);  // expired at exactly its TTL
  EXPECT_EQ(cache.Get("other"), std::nullopt);
}

TEST(TtlCacheTest, PutRenewsAndClearForgets) {
  FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  TtlCache<std::string, int> cache(clock, absl::Seconds(10));
  cache.Put("bpp", 1);
  clock.Advance(absl::Seconds(8));
  cache.Put("bpp", 2);
  clock.Advance(absl::Seconds(8));
  EXPECT_EQ(cache.Get("bpp"), 2);
  cache.Clear();
  EXPECT_EQ(cache.Get("bpp"), std::nullopt);
}

TEST(TtlCacheTest, StaysBoundedByItsMaxEntries) {
  FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  TtlCache<int, int> cache(clock, absl::Seconds(10), /*max_entries=*/3);
  for (int i = 0; i < 3; ++i) cache.Put(i, i);
  EXPECT_EQ(cache.Get(2), 2);
  cache.Put(3, 3);  // full: the old entries go
  EXPECT_EQ(cache.Get(0), std::nullopt);
  EXPECT_EQ(cache.Get(3), 3);
}

}  // namespace
}  // namespace loket
