// Long-lived server streams that hold no thread while they wait (issue 12).
//
// A board's WatchQueue, a desk's WatchCase and an applicant's WatchQueuePosition stay open for
// hours and look at the database every few hundred milliseconds. As synchronous handlers each held
// a gRPC thread for its whole life, so a few hundred of them (the public one needs no token) used
// up the thread quota and every other call was refused. Now each is a callback-API reactor: a
// `Step` (one look at the database, a blocking call) runs on a small StreamPool of our own, its
// messages are written asynchronously, and the next step is scheduled on the pool's timer. Between
// steps a stream costs memory only.
#ifndef LOKET_SERVER_API_POLLED_STREAM_H_
#define LOKET_SERVER_API_POLLED_STREAM_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/api/call_scope.h"
#include "server/store/database.h"

namespace loket::api {

// A few threads running timed jobs (the streams' steps), earliest first, and the count of open
// streams. Times are on the monotonic clock: a step of the wall clock delays no stream.
class StreamPool {
 public:
  // `max_streams`: streams open at once; past it a new one is refused RESOURCE_EXHAUSTED.
  StreamPool(int threads, int max_streams);
  ~StreamPool();  // stops the threads; jobs not yet run are dropped
  StreamPool(const StreamPool&) = delete;
  StreamPool& operator=(const StreamPool&) = delete;

  void RunAfter(absl::Duration delay, std::function<void()> job);
  // A stream opens (false: the limit is reached) and closes.
  bool TryOpen();
  void Close() { open_.fetch_sub(1); }
  // For /metrics: the streams open; the most a job ran, or a job not yet run is, after its due
  // time since the last call; the jobs run (the streams' looks, and the few that only end a
  // cancelled stream or do nothing).
  int open() const { return open_.load(); }
  absl::Duration TakeMaxLate();
  int64_t jobs_run() const { return jobs_run_.load(); }

 private:
  void Work();
  struct Job {
    std::chrono::steady_clock::time_point when;
    uint64_t order;  // first come, first run among jobs due at the same time
    std::function<void()> run;
  };
  absl::Mutex mu_;
  std::vector<Job> heap_ ABSL_GUARDED_BY(mu_);
  uint64_t next_order_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
  const int max_streams_;
  std::atomic<int> open_{0};
  int64_t max_late_ns_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<int64_t> jobs_run_{0};
};

// What one look gives: messages to send, then either the end of the stream (`finish`) or the wait
// before the next look.
template <class Msg>
struct StreamStep {
  std::vector<Msg> send;
  std::optional<grpc::Status> finish;
  absl::Duration wait = absl::ZeroDuration();

  static StreamStep End(grpc::Status s) {
    StreamStep step;
    step.finish = std::move(s);
    return step;
  }
};

// One stream. `step` runs on the pool, never twice at once, and never while a message of the
// previous step is still being written; the database work it does is stopped when the caller goes
// away (store::SetCurrentCall). Deletes itself when gRPC is done with the call.
template <class Msg>
class PolledStream final : public grpc::ServerWriteReactor<Msg>,
                           public std::enable_shared_from_this<PolledStream<Msg>> {
 public:
  using StepFn = std::function<StreamStep<Msg>()>;

  // The reactor to return from a callback handler.
  static grpc::ServerWriteReactor<Msg>* Start(grpc::CallbackServerContext* ctx, StreamPool& pool,
                                              StepFn step) {
    std::shared_ptr<PolledStream> s(new PolledStream(ctx, pool, std::move(step)));
    s->self_ = s;  // gRPC's reference, given back in OnDone
    if (!pool.TryOpen()) {
      s->Finish(grpc::Status(grpc::RESOURCE_EXHAUSTED,
                             "too many watch streams open on this server; try again in a minute"));
      return s.get();
    }
    s->opened_ = true;
    s->ScheduleStep(absl::ZeroDuration());
    return s.get();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      End(grpc::Status(grpc::CANCELLED, "watcher went away"));
      return;
    }
    WriteOrWait();
  }

  // The caller went away, the deadline passed or the server is shutting down: the next step (run
  // at once if the stream is waiting) ends the stream.
  void OnCancel() override {
    call_.cancelled_.store(true);
    // A kick, not a new wait: it runs a step only if it takes the waiting stream's turn.
    if (waiting_.load()) {
      pool_.RunAfter(absl::ZeroDuration(), [self = this->shared_from_this()] { self->RunStep(); });
    }
  }

  void OnDone() override {
    if (opened_) pool_.Close();
    std::shared_ptr<PolledStream> last = std::move(self_);  // may delete this on return
  }

 private:
  // The call as the store sees it while a step runs on a pool thread.
  class Call final : public store::CallContext {
   public:
    absl::Time deadline() const override { return deadline_; }
    bool cancelled() const override { return cancelled_.load(); }
    absl::Time deadline_ = absl::InfiniteFuture();
    std::atomic<bool> cancelled_{false};
  };

  PolledStream(grpc::CallbackServerContext* ctx, StreamPool& pool, StepFn step)
      : pool_(pool), step_(std::move(step)) {
    call_.deadline_ = DeadlineOf(ctx->raw_deadline());
  }

  void ScheduleStep(absl::Duration delay) {
    waiting_.store(true);
    pool_.RunAfter(delay, [self = this->shared_from_this()] { self->RunStep(); });
  }

  void RunStep() {
    // One run per wait: OnCancel may have queued a second job for the same one.
    if (!waiting_.exchange(false)) return;
    StreamStep<Msg> step;
    if (call_.cancelled()) {
      step = StreamStep<Msg>::End(grpc::Status(grpc::CANCELLED, "watch cancelled"));
    } else {
      CurrentCallScope scope(&call_);
      step = step_();
    }
    pending_ = std::move(step.send);
    next_ = 0;
    finish_ = std::move(step.finish);
    wait_ = step.wait;
    WriteOrWait();
  }

  // Writes the step's next message, or ends the stream, or schedules the next step.
  void WriteOrWait() {
    if (next_ < pending_.size()) {
      this->StartWrite(&pending_[next_++]);
      return;
    }
    if (finish_) {
      End(*finish_);
      return;
    }
    ScheduleStep(wait_);
  }

  void End(grpc::Status s) { this->Finish(std::move(s)); }

  // The store's current call for this thread while a step runs.
  struct CurrentCallScope {
    explicit CurrentCallScope(const store::CallContext* c) { store::SetCurrentCall(c); }
    ~CurrentCallScope() { store::SetCurrentCall(nullptr); }
  };

  StreamPool& pool_;
  StepFn step_;
  Call call_;
  bool opened_ = false;  // counted in the pool's open streams
  std::shared_ptr<PolledStream> self_;
  std::atomic<bool> waiting_{false};
  // Touched only by the step and the writes it starts, which never overlap.
  std::vector<Msg> pending_;
  size_t next_ = 0;
  std::optional<grpc::Status> finish_;
  absl::Duration wait_;
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_POLLED_STREAM_H_
