// Tells the store which gRPC call a handler thread serves (store::SetCurrentCall), so database work
// stops, in PostgreSQL too, when the call's deadline passes or its caller goes away.
#ifndef LOKET_SERVER_API_CALL_SCOPE_H_
#define LOKET_SERVER_API_CALL_SCOPE_H_

#include "absl/time/time.h"

struct gpr_timespec;
namespace grpc {
class ServerContextBase;
}  // namespace grpc

namespace loket::api {

// Installs the process-wide gRPC hooks (grpc::Server::SetGlobalCallbacks) around every synchronous
// handler. Idempotent; must run before the process's first grpc::Server is built.
void InstallCallScope();

// What the hooks do around a synchronous handler, for a callback-API handler's work on a thread
// of its own (unary_pool.h): counted in CallsInFlight, and the store sees the call.
class ScopedCall {
 public:
  explicit ScopedCall(grpc::ServerContextBase* ctx);
  ~ScopedCall();
  ScopedCall(const ScopedCall&) = delete;
  ScopedCall& operator=(const ScopedCall&) = delete;
};

// Synchronous handlers running now in this process (every server in it), counted by the same hooks;
// the watch streams' looks (polled_stream.h) run on their own pool and are not counted.
int CallsInFlight();
// Blocks until no synchronous handler runs, or until `deadline`; whether none runs. A test waits
// for this to know every call a server took has ended, its database work included, instead of
// sleeping for it.
bool AwaitNoCallsInFlight(absl::Time deadline);

// A gRPC deadline as absl::Time (InfiniteFuture when the caller set none).
absl::Time DeadlineOf(const gpr_timespec& deadline);

}  // namespace loket::api

#endif  // LOKET_SERVER_API_CALL_SCOPE_H_
