#include "server/api/unary_pool.h"

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <exception>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/grpc_status.h"
#include "server/api/call_scope.h"

namespace loket::api {

UnaryPool::UnaryPool(int threads, int max_queued, int nice_increment)
    : max_queued_(max_queued), nice_increment_(nice_increment) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

UnaryPool::~UnaryPool() {
  {
    absl::MutexLock l(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
}

size_t MaxRequestBytes(absl::string_view method) {
  if (method == "AttachDocument" || method == "ConfirmStop") return 0;
  if (method == "ImportHolidays") return 2 << 20;  // a CSV of up to 1 MiB (domain/refdata.h)
  return kSmallRequestBytes;
}

bool IsPublicRead(absl::string_view method) {
  return method == "VerifyPermit" || method == "GetVisit" || method == "TrackCase" ||
         method == "GetQueuePosition" || method == "GetPublicOffice" || method == "ListOpenDays";
}

grpc::ServerUnaryReactor* UnaryPool::Run(grpc::CallbackServerContext* ctx, absl::string_view method,
                                         size_t request_bytes,
                                         std::function<grpc::Status()> handler) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  if (size_t limit = MaxRequestBytes(method); limit != 0 && request_bytes > limit) {
    reactor->Finish(
        grpc::Status(grpc::INVALID_ARGUMENT,
                     absl::StrCat("request: ", (request_bytes + 1023) / 1024, " KiB is over the ",
                                  limit / 1024, " KiB a ", method, " request may have",
                                  limit == kSmallRequestBytes
                                      ? " (only a document or a courier's proof may be larger)"
                                      : "")));
    return reactor;
  }
  {
    absl::MutexLock l(&mu_);
    std::deque<std::function<void()>>& queue = IsPublicRead(method) ? public_reads_ : queue_;
    if (queue.size() < max_queued_ && !stopping_) {
      retry_hint_.Admitted(absl::Now());
      CallQueued();  // counted in CallsInFlight from here, so a test's wait sees queued calls
      queue.push_back([ctx, reactor, handler = std::move(handler)] {
        grpc::Status s(grpc::CANCELLED, "the caller went away");
        if (!ctx->IsCancelled()) {  // gone, or past its deadline, while it waited: no work for it
          ScopedCall scope(ctx);
          try {
            s = handler();
          } catch (const std::exception& e) {
            // The sync API answered UNKNOWN for a handler that threw; a pool thread must not die.
            s = grpc::Status(grpc::INTERNAL, absl::StrCat("internal error: ", e.what()));
          } catch (...) {
            s = grpc::Status(grpc::INTERNAL, "internal error");
          }
        }
        reactor->Finish(s);
        CallEnded();
      });
      return reactor;
    }
  }
  // The wait asked of the caller: in the message for a person, and as gRPC's retry pushback for a
  // client whose retry policy honours it.
  const RetryHint::Answer refusal = retry_hint_.Refuse(kAtItsLimit, absl::Now());
  ctx->AddTrailingMetadata(kRetryPushbackKey, refusal.pushback_ms);
  reactor->Finish(grpc::Status(grpc::RESOURCE_EXHAUSTED, refusal.message));
  return reactor;
}

void UnaryPool::Work() {
  if (nice_increment_ > 0) {
    // On Linux a thread has its own nice value. Lowering one's own priority needs no privilege,
    // so this holds for loketd as any user; the process's other threads keep theirs.
    const pid_t tid = gettid();
    errno = 0;
    const int base = getpriority(PRIO_PROCESS, tid);
    if (errno == 0) setpriority(PRIO_PROCESS, tid, std::min(base + nice_increment_, 19));
  }
  for (;;) {
    std::function<void()> job;
    {
      absl::MutexLock l(&mu_);
      mu_.Await(absl::Condition(this, &UnaryPool::HasWorkOrStops));
      if (queue_.empty() && public_reads_.empty()) return;  // stopping, nothing left
      const bool take_public = !public_reads_.empty() && (queue_.empty() || public_turn_);
      public_turn_ = !take_public;
      std::deque<std::function<void()>>& queue = take_public ? public_reads_ : queue_;
      job = std::move(queue.front());
      queue.pop_front();
    }
    job();
  }
}

}  // namespace loket::api
