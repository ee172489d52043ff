// The threads that run loketd's callback-API unary calls (issue 12). gRPC's synchronous server
// holds one thread per call in flight and creates more as calls arrive, up to its thread quota; a
// unary call of the callback API instead hands its work here: a fixed set of threads and a bounded
// queue, so a burst costs queue entries, not new threads, and a call past the queue is refused at
// once.
#ifndef LOKET_SERVER_API_UNARY_POOL_H_
#define LOKET_SERVER_API_UNARY_POOL_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>
#include <grpcpp/support/status.h>

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/api/retry_hint.h"

namespace loket::api {

// The largest request of a pooled unary method: gRPC C++ has one receive limit per server
// (--max_receive_kb, 8 MiB for a 5 MiB document), so the methods that carry no file are held to
// this one here, once the request has arrived. It bounds no memory (docs/operations.md says what
// does); it answers an oversized request INVALID_ARGUMENT before any work, instead of handing it to
// the method.
inline constexpr size_t kSmallRequestBytes = 256 << 10;
// kSmallRequestBytes; 0 (only --max_receive_kb) for the methods that carry a file, AttachDocument
// (a document) and ConfirmStop (a courier's proof); 2 MiB for ImportHolidays (a CSV of up to 1
// MiB).
size_t MaxRequestBytes(absl::string_view method);

// The public's reads: a permit checked (VerifyPermit), a visit, a case tracked, a queue position,
// the office and its open days. They wait in a queue of their own, as long as the other calls',
// and the pool's threads take from the two in turn: a flood of submissions does not turn the
// public away (issue 12: "health and public reads exempt"), and a flood of public reads, which
// need no token, takes at most half the pool from the staff's calls.
bool IsPublicRead(absl::string_view method);

// Why a call past the pool's queue, or one gRPC's thread quota turns away, is refused.
inline constexpr char kAtItsLimit[] = "loketd is at its limit of calls in flight";

class UnaryPool {
 public:
  // `threads` run the calls; up to `max_queued` more wait for one. The threads run `nice_increment`
  // below the process's priority (0..19), so that gRPC's own threads, which take calls in and
  // refuse the excess, are not kept waiting for a core by a pool busy with admitted work.
  UnaryPool(int threads, int max_queued, int nice_increment = 0);
  ~UnaryPool();  // runs the calls queued, then stops the threads
  UnaryPool(const UnaryPool&) = delete;
  UnaryPool& operator=(const UnaryPool&) = delete;

  // Runs `handler` (a synchronous handler's body) for the call of `ctx` to `method` on a pool
  // thread, inside the call's scope (call_scope.h), and finishes the call with its status. A
  // request of `request_bytes` past MaxRequestBytes(method) is finished at once with
  // INVALID_ARGUMENT, and a call past its queue (IsPublicRead's or the others') with
  // RESOURCE_EXHAUSTED, asking its caller to wait as RetryHint says (in the message and as
  // grpc-retry-pushback-ms). The reactor to return to gRPC.
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* ctx, absl::string_view method,
                                size_t request_bytes, std::function<grpc::Status()> handler);

  // The wait this pool asks of refused callers, for the refusals made elsewhere (gRPC's thread
  // quota, the store's want of a connection; server.cc) to ask the same.
  RetryHint& retry_hint() { return retry_hint_; }

 private:
  void Work();
  bool HasWorkOrStops() const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return stopping_ || !queue_.empty() || !public_reads_.empty();
  }
  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  std::deque<std::function<void()>> public_reads_ ABSL_GUARDED_BY(mu_);  // IsPublicRead
  bool public_turn_ ABSL_GUARDED_BY(mu_) = false;  // when both wait, whose call runs next
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  const size_t max_queued_;
  const int nice_increment_;
  RetryHint retry_hint_;  // the wait a refused call is asked for
  std::vector<std::thread> threads_;
};

// A service whose unary calls run on a UnaryPool (LOKET_POOLED_UNARY) derives from this too.
class PooledUnaryCalls {
 public:
  // Runs the unary calls; set before the server starts.
  void SetUnaryPool(UnaryPool* unary) { unary_ = unary; }

 protected:
  UnaryPool* unary_ = nullptr;
};

}  // namespace loket::api

// In a service class deriving from PooledUnaryCalls: the callback-API override of the unary
// method `Method`, which runs `DoMethod` on the pool, and the declaration of `DoMethod`, the
// method's synchronous body (defined in the .cc file).
#define LOKET_POOLED_UNARY(Method, Req, Resp)                                                    \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* ctx, const Req* req, Resp* resp) \
      override {                                                                                 \
    return unary_->Run(ctx, #Method, req->ByteSizeLong(),                                        \
                       [=, this] { return Do##Method(ctx, req, resp); });                        \
  }                                                                                              \
  grpc::Status Do##Method(grpc::ServerContextBase* ctx, const Req* req, Resp* resp)

#endif  // LOKET_SERVER_API_UNARY_POOL_H_
