// The loop every worker shares (DESIGN.md section 4): long-poll TaskService for a queue, heartbeat
// while a task is in hand, complete or fail it, reconnect with back-off while loketd is away, and
// on Stop() finish the task in hand (never complete it twice; an unfinished one's lease just
// lapses).
//
// Thread-safe: Run() blocks on the calling thread and runs `concurrency` loops; Stop() may be
// called from any thread, e.g. a signal watcher.
#ifndef LOKET_WORKERS_RUNTIME_TASK_LOOP_H_
#define LOKET_WORKERS_RUNTIME_TASK_LOOP_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "loket/v1/task.grpc.pb.h"

namespace loket::workers {

struct WorkerOptions {
  std::string addr = "127.0.0.1:7400";
  std::string token;
  std::string tls_ca;  // TLS when set (PEM of the server's CA)
  std::string tls_cert;
  std::string tls_key;
  std::string queue;
  int concurrency = 1;
  std::string worker_id;  // default: hostname:pid
  int lease_seconds = 30;
  int wait_seconds = 20;
  absl::Duration max_backoff = absl::Seconds(10);
};

// Handles one task. Fills `done`'s result and returns OK to complete it. An error fails the
// attempt: INVALID_ARGUMENT, FAILED_PRECONDITION, NOT_FOUND and PERMISSION_DENIED are permanent
// (the task goes dead at once), anything else is retried after loketd's back-off.
using TaskHandler =
    std::function<absl::Status(const v1::Task& task, v1::CompleteTaskRequest* done)>;

// Counters a worker exposes (metrics, tests). Monotonic.
struct TaskLoopCounters {
  std::atomic<int64_t> completed{0};
  std::atomic<int64_t> failed{0};
  std::atomic<int64_t> lost_leases{0};  // results refused because the lease was taken over
  std::atomic<int64_t> poll_errors{0};
};

class TaskLoop {
 public:
  TaskLoop(WorkerOptions options, TaskHandler handler);
  ~TaskLoop();

  // Runs until Stop(); returns when every loop has finished its task in hand.
  void Run();
  void Stop();
  const TaskLoopCounters& counters() const { return counters_; }

  // Credentials and channel as configured by the options (also for workers' own calls).
  static std::shared_ptr<grpc::Channel> MakeChannel(const WorkerOptions& o);

 private:
  void Loop(int index);
  void Handle(const v1::Task& task);
  // Sleeps for `d` unless Stop() comes first.
  void Sleep(absl::Duration d);
  std::unique_ptr<grpc::ClientContext> NewContext(absl::Duration timeout) const;

  WorkerOptions options_;
  TaskHandler handler_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::TaskService::Stub> stub_;
  std::atomic<bool> stopping_{false};
  absl::Notification stopped_;
  absl::Mutex mu_;
  std::set<grpc::ClientContext*> polls_ ABSL_GUARDED_BY(mu_);  // cancelled on Stop()
  TaskLoopCounters counters_;
};

}  // namespace loket::workers

#endif  // LOKET_WORKERS_RUNTIME_TASK_LOOP_H_
