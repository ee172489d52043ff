// The test suite's status matchers (tests/support/status_matchers.h): they must fail on the
// wrong status and say which status it was, or every test using them proves nothing.
#include "tests/support/status_matchers.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace loket::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Shaped like grpc::Status, without gRPC.
struct RpcStatus {
  int code;
  std::string message;
  int error_code() const { return code; }
  const std::string& error_message() const { return message; }
};

template <typename M, typename T>
std::string Explain(const M& matcher, const T& value) {
  ::testing::StringMatchResultListener listener;
  ::testing::Matcher<const T&>(matcher).MatchAndExplain(value, &listener);
  return listener.str();
}

TEST(StatusMatchersTest, IsOkTellsOkFromAnError) {
  EXPECT_THAT(absl::OkStatus(), IsOk());
  EXPECT_THAT(absl::StatusOr<int>(7), IsOk());
  EXPECT_THAT((RpcStatus{0, ""}), IsOk());
  EXPECT_THAT(absl::NotFoundError("case 9 not found"), Not(IsOk()));
  EXPECT_THAT(absl::StatusOr<int>(absl::AbortedError("retry")), Not(IsOk()));
  EXPECT_THAT((RpcStatus{9, "stale"}), Not(IsOk()));
  EXPECT_THAT(Explain(IsOk(), absl::StatusOr<int>(absl::NotFoundError("case 9 not found"))),
              HasSubstr("NOT_FOUND: case 9 not found"));
  EXPECT_THAT(Explain(IsOk(), RpcStatus{5, "case 9 not found"}),
              HasSubstr("NOT_FOUND: case 9 not found"));
}

TEST(StatusMatchersTest, StatusIsChecksTheCodeAndTheMessage) {
  const absl::Status refused = absl::FailedPreconditionError("task 4 is done");
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is done")));
  EXPECT_THAT(refused, Not(StatusIs(absl::StatusCode::kNotFound)));
  EXPECT_THAT(refused, Not(StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("ready"))));
  EXPECT_THAT((RpcStatus{5, "case 9 not found"}), StatusIs(5, HasSubstr("case 9")));
  EXPECT_THAT(Explain(StatusIs(absl::StatusCode::kNotFound), RpcStatus{9, "task 4 is done"}),
              HasSubstr("FAILED_PRECONDITION: task 4 is done"));
}

}  // namespace
}  // namespace loket::testing
