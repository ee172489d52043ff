#include "common/grpc_log.h"

#include <grpc/support/log.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace loket::log {
namespace {

void GrpcLog(gpr_log_func_args* args) {
  Level level = Level::kInfo;
  if (args->severity == GPR_LOG_SEVERITY_DEBUG) level = Level::kDebug;
  if (args->severity == GPR_LOG_SEVERITY_ERROR) level = Level::kError;
  std::string file = args->file != nullptr ? args->file : "";
  // gRPC passes its source paths ("src/core/lib/iomgr/tcp_server_posix.cc"): the base name is
  // enough to find the line.
  if (const size_t slash = file.rfind('/'); slash != std::string::npos) file.erase(0, slash + 1);
  Write({level,
         args->message != nullptr ? args->message : "",
         "",
         "",
         {{"source", "grpc"}, {"file", absl::StrCat(file, ":", args->line)}}});
}

}  // namespace

void RouteGrpcLogs() {
  // Reads GRPC_VERBOSITY (default: errors only), as grpc_init does: without it, lines logged before
  // gRPC's first use would be dropped.
  gpr_log_verbosity_init();
  gpr_set_log_function(&GrpcLog);
}

}  // namespace loket::log
