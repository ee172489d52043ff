// The loop every worker shares (DESIGN.md section 4): long-poll TaskService for a queue, heartbeat
// while tasks are in hand, complete or fail them, reconnect while loketd is away, and on Stop()
// finish the tasks in hand (never complete one twice; an unfinished one's lease just lapses).
//
// Each of the `concurrency` loops leases up to `lease_batch` tasks per poll, runs their handlers
// concurrently (one thread per task of the batch), reports the successes in one CompleteTasks call
// and each failure on its own. loketd never puts two tasks of one order_key in a batch, nor leases
// the next one of a key while an earlier one is in hand, so one recipient's messages stay in order.
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
#include <vector>

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
  int concurrency = 1;  // poll loops
  int lease_batch =
      1;  // tasks leased per poll (at most 64); up to concurrency * lease_batch in hand
  std::string worker_id;  // default: hostname:pid
  int lease_seconds = 30;
  int wait_seconds = 20;
  // Pause after a failed poll, doubling from 200 ms up to this. Transport failures hardly reach it:
  // polls wait for the channel to be ready, and the channel retries connecting every second.
  absl::Duration max_backoff = absl::Seconds(2);
};

// The channel's reconnect back-off (gRPC channel arguments), so a worker is back within about a
// second of loketd: the first retry after 100 ms, then at most 1 s apart; a connection attempt may
// take up to 5 s (GRPC_ARG_MIN_RECONNECT_BACKOFF_MS is gRPC's minimum connect timeout).
inline constexpr int kInitialReconnectBackoffMs = 100;
inline constexpr int kMaxReconnectBackoffMs = 1000;
inline constexpr int kMinConnectTimeoutMs = 5000;

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
  const std::string& queue() const { return options_.queue; }

  // Credentials and channel as configured by the options (also for workers' own calls).
  static std::shared_ptr<grpc::Channel> MakeChannel(const WorkerOptions& o);
  // The channel's arguments: the message limit and the reconnect back-off above.
  static grpc::ChannelArguments ChannelArgs();

 private:
  void Loop(int index);
  // Handles a batch leased by one poll and reports every outcome.
  void HandleBatch(const std::vector<v1::Task>& tasks);
  // Reports one outcome (Complete or Fail) with retries; logs and counts it.
  void Report(const v1::Task& task, const absl::Status& result, v1::CompleteTaskRequest& done,
              bool lease_lost);
  void Counted(const v1::Task& task, const absl::Status& result, const grpc::Status& s,
               bool lease_lost);
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
