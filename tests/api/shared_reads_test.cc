// SharedReads (server/api/shared_reads.h): when a kept read serves, and when a new one is made.
// Time is given by the test.
#include "server/api/shared_reads.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "tests/support/status_matchers.h"

namespace loket::api {
namespace {

using Clock = std::chrono::steady_clock;

class SharedReadsTest : public ::testing::Test {
 protected:
  // A read as far as `seq_now`, giving "v<n>" for the n-th read.
  absl::StatusOr<std::string> Get(const std::string& key, int64_t seq) {
    return reads_.Get(key, seq, [&]() -> absl::StatusOr<std::pair<int64_t, std::string>> {
      ++count_;
      if (fail_) return absl::UnavailableError("database away");
      return std::make_pair(seq_now_, "v" + std::to_string(count_));
    });
  }

  Clock::time_point now_{};
  int64_t seq_now_ = 5;
  int count_ = 0;
  bool fail_ = false;
  SharedReads<std::string> reads_{std::chrono::seconds(1), [this] { return now_; }};
};

TEST_F(SharedReadsTest, CallersAsFarAsTheKeptSeqShareOneRead) {
  EXPECT_EQ(*Get("bpp", 5), "v1");
  EXPECT_EQ(*Get("bpp", 5), "v1");
  EXPECT_EQ(*Get("bpp", 3), "v1");  // a caller behind it takes it too: it is as far or further
  EXPECT_EQ(count_, 1);
  EXPECT_EQ(*Get("smd", 5), "v2");  // another key reads for itself
}

TEST_F(SharedReadsTest, ACallerFurtherThanTheKeptSeqReadsAgain) {
  EXPECT_EQ(*Get("bpp", 5), "v1");
  seq_now_ = 6;
  EXPECT_EQ(*Get("bpp", 6), "v2");
  EXPECT_EQ(*Get("bpp", 6), "v2");
  EXPECT_EQ(count_, 2);
}

TEST_F(SharedReadsTest, AValueOlderThanMaxAgeIsReadAgain) {
  EXPECT_EQ(*Get("bpp", 5), "v1");
  now_ += std::chrono::seconds(1);
  EXPECT_EQ(*Get("bpp", 5), "v1");  // exactly max_age old: still served
  now_ += std::chrono::milliseconds(1);
  EXPECT_EQ(*Get("bpp", 5), "v2");
  EXPECT_EQ(count_, 2);
}

TEST_F(SharedReadsTest, AReadBehindTheKeptOneDoesNotReplaceIt) {
  EXPECT_EQ(*Get("bpp", 5), "v1");
  seq_now_ = 4;                     // the next read comes back behind what is kept
  EXPECT_EQ(*Get("bpp", 6), "v2");  // its caller gets it...
  EXPECT_EQ(*Get("bpp", 5), "v1");  // ...but the kept one stays
  EXPECT_EQ(count_, 2);
}

TEST_F(SharedReadsTest, ErrorsAreNotKept) {
  fail_ = true;
  EXPECT_THAT(Get("bpp", 5), loket::testing::StatusIs(absl::StatusCode::kUnavailable));
  fail_ = false;
  EXPECT_EQ(*Get("bpp", 5), "v2");
  EXPECT_EQ(count_, 2);
}

}  // namespace
}  // namespace loket::api
