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

// For a callback-API call's work on a pool thread (unary_pool.h): the store sees the call, as the
// hooks make it see a synchronous handler's. The pool counts the call in CallsInFlight from when
// it is queued (CallQueued) until it is finished (CallEnded).
void CallQueued();
void CallEnded();
class ScopedCall {
 public:
  explicit ScopedCall(grpc::ServerContextBase* ctx);
  ~ScopedCall();
  ScopedCall(const ScopedCall&) = delete;
  ScopedCall& operator=(const ScopedCall&) = delete;
};

// Calls running now in this process (every server in it): synchronous handlers, counted by the
// same hooks, and the unary pool's calls, queued or running; the watch streams' looks
// (polled_stream.h) run on their own pool and are not counted.
int CallsInFlight();
// Blocks until no synchronous handler runs, or until `deadline`; whether none runs. A test waits
// for this to know every call a server took has ended, its database work included, instead of
// sleeping for it.
bool AwaitNoCallsInFlight(absl::Time deadline);

// A gRPC deadline as absl::Time (InfiniteFuture when the caller set none).
absl::Time DeadlineOf(const gpr_timespec& deadline);

}  // namespace loket::api

#endif  // LOKET_SERVER_API_CALL_SCOPE_H_
