// gRPC's own log lines come out in the one log format (common/grpc_log.h).
#include "common/grpc_log.h"

#include <grpc/support/log.h>

#include <algorithm>
#include <string>

#include "common/log.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace loket::log {
namespace {

using ::testing::EndsWith;
using ::testing::MatchesRegex;

TEST(GrpcLogTest, GrpcLinesAreLogfmtLinesOfThisProcess) {
  SetProcessName("loketd");
  RouteGrpcLogs();
  ::testing::internal::CaptureStderr();
  gpr_log("src/core/lib/iomgr/tcp_server_posix.cc", 321, GPR_LOG_SEVERITY_ERROR,
          "Failed to add :: listener: %s", "Address already in use\nsecond line");
  const std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  EXPECT_THAT(out, MatchesRegex("ts=[0-9-]+T[0-9:]+\\.[0-9]{3}Z level=error proc=loketd .*\n"));
  EXPECT_THAT(out, EndsWith(" msg=\"Failed to add :: listener: Address already in use\\nsecond "
                            "line\" source=grpc file=tcp_server_posix.cc:321\n"));
}

}  // namespace
}  // namespace loket::log
