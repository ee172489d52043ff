#include "server/api/call_scope.h"

#include <grpc/support/time.h>
#include <grpcpp/server.h>
#include <grpcpp/server_context.h>

#include <atomic>
#include <mutex>

#include "absl/time/clock.h"
#include "server/store/database.h"

namespace loket::api {
namespace {

// The call of this handler thread, as the store sees it. IsCancelled is thread-safe for the sync
// API, so the pool's watchdog may ask it from its own thread.
class GrpcCall final : public store::CallContext {
 public:
  void Begin(grpc::ServerContextBase* ctx) {
    ctx_ = ctx;
    deadline_ = DeadlineOf(ctx->raw_deadline());
  }
  absl::Time deadline() const override { return deadline_; }
  bool cancelled() const override { return ctx_->IsCancelled(); }

 private:
  grpc::ServerContextBase* ctx_ = nullptr;
  absl::Time deadline_ = absl::InfiniteFuture();
};

thread_local GrpcCall t_call;

// An atomic, not a mutex: every call passes here, and only a test ever waits on the count.
std::atomic<int> calls_in_flight{0};

void BeginCall(grpc::ServerContextBase* ctx) {
  t_call.Begin(ctx);
  store::SetCurrentCall(&t_call);
}

void EndCall() { store::SetCurrentCall(nullptr); }

class CallScopeCallbacks final : public grpc::Server::GlobalCallbacks {
 public:
  void PreSynchronousRequest(grpc::ServerContext* ctx) override {
    CallQueued();
    BeginCall(ctx);
  }
  void PostSynchronousRequest(grpc::ServerContext* /*ctx*/) override {
    EndCall();
    CallEnded();
  }
};

}  // namespace

void CallQueued() { calls_in_flight.fetch_add(1, std::memory_order_relaxed); }
void CallEnded() { calls_in_flight.fetch_sub(1, std::memory_order_release); }

ScopedCall::ScopedCall(grpc::ServerContextBase* ctx) { BeginCall(ctx); }
ScopedCall::~ScopedCall() { EndCall(); }

void InstallCallScope() {
  static std::once_flag once;
  // gRPC owns the callbacks from here on.
  std::call_once(once, [] { grpc::Server::SetGlobalCallbacks(new CallScopeCallbacks()); });
}

int CallsInFlight() { return calls_in_flight.load(std::memory_order_acquire); }

bool AwaitNoCallsInFlight(absl::Time deadline) {
  while (CallsInFlight() != 0) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));  // a test's wait; the hot path stays lock-free
  }
  return true;
}

absl::Time DeadlineOf(const gpr_timespec& deadline) {
  if (gpr_time_cmp(deadline, gpr_inf_future(deadline.clock_type)) == 0) {
    return absl::InfiniteFuture();
  }
  const gpr_timespec real = gpr_convert_clock_type(deadline, GPR_CLOCK_REALTIME);
  return absl::FromUnixSeconds(real.tv_sec) + absl::Nanoseconds(real.tv_nsec);
}

}  // namespace loket::api
