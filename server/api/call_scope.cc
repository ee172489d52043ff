#include "server/api/call_scope.h"

#include <grpc/support/time.h>
#include <grpcpp/server.h>
#include <grpcpp/server_context.h>

#include <mutex>

#include "absl/base/const_init.h"
#include "absl/synchronization/mutex.h"
#include "server/store/database.h"

namespace loket::api {
namespace {

// The call of this handler thread, as the store sees it. IsCancelled is thread-safe for the sync
// API, so the pool's watchdog may ask it from its own thread.
class GrpcCall final : public store::CallContext {
 public:
  void Begin(grpc::ServerContext* ctx) {
    ctx_ = ctx;
    deadline_ = DeadlineOf(ctx->raw_deadline());
  }
  absl::Time deadline() const override { return deadline_; }
  bool cancelled() const override { return ctx_->IsCancelled(); }

 private:
  grpc::ServerContext* ctx_ = nullptr;
  absl::Time deadline_ = absl::InfiniteFuture();
};

thread_local GrpcCall t_call;

ABSL_CONST_INIT absl::Mutex calls_mu(absl::kConstInit);
int calls_in_flight ABSL_GUARDED_BY(calls_mu) = 0;

class CallScopeCallbacks final : public grpc::Server::GlobalCallbacks {
 public:
  void PreSynchronousRequest(grpc::ServerContext* ctx) override {
    {
      absl::MutexLock lock(&calls_mu);
      ++calls_in_flight;
    }
    t_call.Begin(ctx);
    store::SetCurrentCall(&t_call);
  }
  void PostSynchronousRequest(grpc::ServerContext* /*ctx*/) override {
    store::SetCurrentCall(nullptr);
    absl::MutexLock lock(&calls_mu);
    --calls_in_flight;
  }
};

}  // namespace

void InstallCallScope() {
  static std::once_flag once;
  // gRPC owns the callbacks from here on.
  std::call_once(once, [] { grpc::Server::SetGlobalCallbacks(new CallScopeCallbacks()); });
}

int CallsInFlight() {
  absl::MutexLock lock(&calls_mu);
  return calls_in_flight;
}

bool AwaitNoCallsInFlight(absl::Time deadline) {
  absl::MutexLock lock(&calls_mu);
  auto none = []() ABSL_SHARED_LOCKS_REQUIRED(calls_mu) { return calls_in_flight == 0; };
  return calls_mu.AwaitWithDeadline(absl::Condition(&none), deadline);
}

absl::Time DeadlineOf(const gpr_timespec& deadline) {
  if (gpr_time_cmp(deadline, gpr_inf_future(deadline.clock_type)) == 0) {
    return absl::InfiniteFuture();
  }
  const gpr_timespec real = gpr_convert_clock_type(deadline, GPR_CLOCK_REALTIME);
  return absl::FromUnixSeconds(real.tv_sec) + absl::Nanoseconds(real.tv_nsec);
}

}  // namespace loket::api
