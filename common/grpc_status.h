// absl::Status <-> grpc::Status. Codes map one to one (both follow google.rpc.Code). And the wait
// a refusal asks of its caller.
#ifndef LOKET_COMMON_GRPC_STATUS_H_
#define LOKET_COMMON_GRPC_STATUS_H_

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <optional>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace loket {

grpc::Status ToGrpcStatus(const absl::Status& s);
absl::Status FromGrpcStatus(const grpc::Status& s);

// The trailer in which loketd's full pool asks a refused caller to wait, in milliseconds: gRPC's
// retry pushback, which a client's retry policy honours too.
inline constexpr char kRetryPushbackKey[] = "grpc-retry-pushback-ms";
// The wait a RESOURCE_EXHAUSTED answer asks for in its trailers (`ctx`, after the call), if any. A
// throttle's refusal (too many sign-ins, say) asks none.
std::optional<absl::Duration> AskedWait(const grpc::Status& s, const grpc::ClientContext& ctx);

}  // namespace loket

#endif  // LOKET_COMMON_GRPC_STATUS_H_
