// loket.v1.TaskService (workers lease and finish tasks) and loket.v1.TaskAdminService (operators).
// Thread-safe (stateless but for references).
#ifndef LOKET_SERVER_API_TASK_SERVICE_H_
#define LOKET_SERVER_API_TASK_SERVICE_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "loket/v1/task.grpc.pb.h"
#include "server/api/auth.h"
#include "server/api/metrics.h"
#include "server/store/database.h"
#include "server/store/notification_outbox.h"
#include "server/store/task_queue.h"

namespace loket::api {

// A task kind as TaskService sees it: what goes out with a leased task and how a worker's result
// comes back. Each kind is registered once (AddTaskKind, in server.cc); the service names none.
// Implementations are thread-safe.
class TaskKindHandler {
 public:
  virtual ~TaskKindHandler() = default;
  // Replaces task->payload before it goes out. The default sends the payload as stored.
  virtual absl::Status AttachInput(const domain::Principal& worker, v1::Task& task);
  // Whether a poll may lease several tasks of this kind at once (PollTask.max_tasks).
  virtual bool LeasesInBatches() const { return true; }
  // Applies the results of one CompleteTask or CompleteTasks call that belong to this kind (the
  // oneof member it was registered with), one status per item, in order; an error of the whole
  // call when nothing was applied.
  virtual absl::StatusOr<std::vector<absl::Status>> ApplyResults(
      const domain::Principal& worker, const std::vector<const v1::CompleteTaskRequest*>& reqs) = 0;
  // Hears of a failed attempt after it was recorded (`task` has its new state).
  virtual void AttemptFailed(const store::TaskRecord& task) {}
  // Runs in the transaction that records an attempt ending without success: a failure, the last
  // lease running out, an operator's drop (store::TaskKind::on_attempt_failed). `dead`: no
  // attempt follows.
  virtual void AttemptFailedInTx(store::Tx& tx, const store::TaskRecord& task,
                                 const std::string& why, bool dead) {}
  // Runs in the transaction that finishes a task unrun because its run_before passed
  // (store::TaskKind::on_too_late).
  virtual void TooLateInTx(store::Tx& tx, const store::TaskRecord& task) {}
};

// A planning queue (route.plan, slots.allocate; DESIGN.md "The task queue"): its task carries only
// a scope (office, day). loketd attaches the current input when the task is leased, stamped with
// the input's version, and applies the worker's result on CompleteTask in one transaction with
// finishing the task (store's FinishLeasedInTx); when the input moved on meanwhile it applies
// what is still valid and enqueues a fresh plan. One at a time: each input is large.
class PlanningQueue : public TaskKindHandler {
 public:
  // Replaces task->payload with the input for the task's scope.
  absl::Status AttachInput(const domain::Principal& worker, v1::Task& task) override = 0;
  // Applies req's result.
  virtual absl::Status ApplyResult(const domain::Principal& worker,
                                   const v1::CompleteTaskRequest& req) = 0;
  bool LeasesInBatches() const override { return false; }
  absl::StatusOr<std::vector<absl::Status>> ApplyResults(
      const domain::Principal& worker,
      const std::vector<const v1::CompleteTaskRequest*>& reqs) override;
};

// notify.send: the notifier reports each message's delivery; the outcomes of one call commit
// together, and the metrics count sent, failed, retried and dead messages per channel.
class NotifyResults final : public TaskKindHandler {
 public:
  // `metrics` may be null.
  NotifyResults(store::Database& db, ServerMetrics* metrics) : db_(db), metrics_(metrics) {}
  absl::StatusOr<std::vector<absl::Status>> ApplyResults(
      const domain::Principal& worker,
      const std::vector<const v1::CompleteTaskRequest*>& reqs) override;
  void AttemptFailed(const store::TaskRecord& task) override;
  void AttemptFailedInTx(store::Tx& tx, const store::TaskRecord& task, const std::string& why,
                         bool dead) override;
  void TooLateInTx(store::Tx& tx, const store::TaskRecord& task) override;

 private:
  store::Database& db_;
  ServerMetrics* metrics_;
};

class TaskServiceImpl final : public v1::TaskService::Service {
 public:
  // `metrics` may be null.
  TaskServiceImpl(store::TaskQueue& queue, const store::TaskWakeups& wakeups,
                  const Authorizer& auth, ServerMetrics* metrics = nullptr)
      : queue_(queue), wakeups_(wakeups), auth_(auth), metrics_(metrics) {}

  // Registers a task kind, the one place it is named: tasks leased from `queue` go out through
  // `kind`, CompleteTask results whose oneof field number is `result_field` come back to it, and
  // the queue runs its AttemptFailedInTx when an attempt ends without success and its TooLateInTx
  // when a task's run_before passed before it ran.
  void AddTaskKind(const std::string& queue, int result_field, TaskKindHandler* kind) {
    kinds_by_queue_[queue] = kind;
    kinds_by_result_[result_field] = kind;
    queue_.AddKind(
        {queue,
         [kind](store::Tx& tx, const store::TaskRecord& t, const std::string& why, bool dead) {
           kind->AttemptFailedInTx(tx, t, why, dead);
         },
         [kind](store::Tx& tx, const store::TaskRecord& t) { kind->TooLateInTx(tx, t); }});
  }
  // ServerOptions::on_poll_wait (tests): called when a PollTask found nothing and is about to wait.
  void SetPollWaitHook(std::function<void()> hook) { on_poll_wait_ = std::move(hook); }

  grpc::Status PollTask(grpc::ServerContext* ctx, const v1::PollTaskRequest* req,
                        v1::PollTaskResponse* resp) override;
  grpc::Status Heartbeat(grpc::ServerContext* ctx, const v1::HeartbeatRequest* req,
                         v1::HeartbeatResponse* resp) override;
  grpc::Status CompleteTask(grpc::ServerContext* ctx, const v1::CompleteTaskRequest* req,
                            v1::CompleteTaskResponse* resp) override;
  grpc::Status CompleteTasks(grpc::ServerContext* ctx, const v1::CompleteTasksRequest* req,
                             v1::CompleteTasksResponse* resp) override;
  grpc::Status FailTask(grpc::ServerContext* ctx, const v1::FailTaskRequest* req,
                        v1::FailTaskResponse* resp) override;

 private:
 private:
  // The kind a result belongs to, or INVALID_ARGUMENT naming `result`.
  absl::StatusOr<TaskKindHandler*> KindOfResult(const v1::CompleteTaskRequest& req) const;

  store::TaskQueue& queue_;
  const store::TaskWakeups& wakeups_;
  const Authorizer& auth_;
  ServerMetrics* metrics_;
  std::map<std::string, TaskKindHandler*> kinds_by_queue_;
  std::map<int, TaskKindHandler*> kinds_by_result_;
  std::function<void()> on_poll_wait_;
};

class TaskAdminServiceImpl final : public v1::TaskAdminService::Service {
 public:
  TaskAdminServiceImpl(store::TaskQueue& queue, const Authorizer& auth)
      : queue_(queue), auth_(auth) {}

  grpc::Status ListTasks(grpc::ServerContext* ctx, const v1::ListTasksRequest* req,
                         v1::ListTasksResponse* resp) override;
  grpc::Status GetTask(grpc::ServerContext* ctx, const v1::GetTaskRequest* req,
                       v1::Task* resp) override;
  grpc::Status RetryTask(grpc::ServerContext* ctx, const v1::RetryTaskRequest* req,
                         v1::Task* resp) override;
  grpc::Status DropTask(grpc::ServerContext* ctx, const v1::DropTaskRequest* req,
                        v1::Task* resp) override;

 private:
  store::TaskQueue& queue_;
  const Authorizer& auth_;
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_TASK_SERVICE_H_
