#include "common/grpc_status.h"

#include <string>

#include "absl/strings/numbers.h"

namespace loket {

grpc::Status ToGrpcStatus(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

absl::Status FromGrpcStatus(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

std::optional<absl::Duration> AskedWait(const grpc::Status& s, const grpc::ClientContext& ctx) {
  if (s.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) return std::nullopt;
  auto [from, to] = ctx.GetServerTrailingMetadata().equal_range(kRetryPushbackKey);
  int64_t ms = 0;
  if (from == to ||
      !absl::SimpleAtoi(absl::string_view(from->second.data(), from->second.size()), &ms) ||
      ms < 0) {
    return std::nullopt;
  }
  return absl::Milliseconds(ms);
}

}  // namespace loket
