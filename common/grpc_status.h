// absl::Status <-> grpc::Status. Codes map one to one (both follow google.rpc.Code).
#ifndef LOKET_COMMON_GRPC_STATUS_H_
#define LOKET_COMMON_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace loket {

grpc::Status ToGrpcStatus(const absl::Status& s);
absl::Status FromGrpcStatus(const grpc::Status& s);

}  // namespace loket

#endif  // LOKET_COMMON_GRPC_STATUS_H_
