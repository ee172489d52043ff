#include "server/domain/retention.h"

#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace loket::domain {
namespace {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ValidateRetentionTest, TheDefaultsHoldAndEachBadSettingNamesItsFlag) {
  EXPECT_THAT(ValidateRetention({}), IsOk());
  RetentionPolicy p;
  p.idempotency = kReplayPromise;  // the shortest allowed: the API's 24 hours of replay
  EXPECT_THAT(ValidateRetention(p), IsOk());
  p.idempotency = kReplayPromise - absl::Seconds(1);
  EXPECT_THAT(ValidateRetention(p),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--idempotency_retention")));
  p = {};
  p.done_tasks = absl::Minutes(59);
  EXPECT_THAT(ValidateRetention(p),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--task_retention")));
  p = {};
  p.dead_tasks = -absl::Seconds(1);
  EXPECT_THAT(ValidateRetention(p),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--dead_task_retention")));
  p.dead_tasks = absl::ZeroDuration();  // never
  EXPECT_THAT(ValidateRetention(p), IsOk());
  p.batch = 0;
  EXPECT_THAT(ValidateRetention(p),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("batch")));
  p.batch = 100001;
  EXPECT_THAT(ValidateRetention(p),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("batch")));
  p.batch = 1;
  p.max_batches = 0;
  EXPECT_THAT(ValidateRetention(p),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_batches")));
}

}  // namespace
}  // namespace loket::domain
