// gRPC's own log lines (gpr_log: "E1201 03:12:00.123 ... Failed to bind ...") in the one log format
// of common/log.h, so loketd's and the workers' stderr is logfmt throughout.
#ifndef LOKET_COMMON_GRPC_LOG_H_
#define LOKET_COMMON_GRPC_LOG_H_

namespace loket::log {

// Routes gRPC core's log lines through log::Write (level from gRPC's severity, source=grpc,
// file=FILE:LINE). Once, first thing in main; gRPC's verbosity (GRPC_VERBOSITY) still applies.
void RouteGrpcLogs();

}  // namespace loket::log

#endif  // LOKET_COMMON_GRPC_LOG_H_
