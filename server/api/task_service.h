// loket.v1.TaskService (workers lease and finish tasks) and loket.v1.TaskAdminService (operators).
// Thread-safe (stateless but for references).
#ifndef LOKET_SERVER_API_TASK_SERVICE_H_
#define LOKET_SERVER_API_TASK_SERVICE_H_

#include <map>
#include <string>

#include "loket/v1/task.grpc.pb.h"
#include "server/api/auth.h"
#include "server/api/metrics.h"
#include "server/store/task_queue.h"

namespace loket::api {

// A planning queue (route.plan, slots.allocate; DESIGN.md "The task queue"): its task carries only
// a scope (office, day). loketd attaches the current input when the task is leased, stamped with
// the input's version, and applies the worker's result on CompleteTask in one transaction with
// finishing the task (store's FinishLeasedInTx); when the input moved on meanwhile it applies
// what is still valid and enqueues a fresh plan. Implementations are thread-safe.
class PlanningQueue {
 public:
  virtual ~PlanningQueue() = default;
  // Replaces task->payload with the input for the task's scope.
  virtual absl::Status AttachInput(const domain::Principal& worker, v1::Task& task) = 0;
  // Applies req's result (the oneof member this queue was registered with).
  virtual absl::Status ApplyResult(const domain::Principal& worker,
                                   const v1::CompleteTaskRequest& req) = 0;
};

class TaskServiceImpl final : public v1::TaskService::Service {
 public:
  // `metrics` may be null.
  TaskServiceImpl(store::TaskQueue& queue, const store::TaskWakeups& wakeups,
                  const Authorizer& auth, ServerMetrics* metrics = nullptr)
      : queue_(queue), wakeups_(wakeups), auth_(auth), metrics_(metrics) {}

  // Registers a planning queue: tasks leased from `queue` get their input attached by `planner`,
  // and CompleteTask results whose oneof field number is `result_field` go to `planner`.
  void AddPlanningQueue(const std::string& queue, int result_field, PlanningQueue* planner) {
    planners_by_queue_[queue] = planner;
    planners_by_result_[result_field] = planner;
  }

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
  // One completion, after authorization and the task reference check.
  grpc::Status CompleteOne(const domain::Principal& p, const v1::CompleteTaskRequest& req);

 private:
  store::TaskQueue& queue_;
  const store::TaskWakeups& wakeups_;
  const Authorizer& auth_;
  ServerMetrics* metrics_;
  std::map<std::string, PlanningQueue*> planners_by_queue_;
  std::map<int, PlanningQueue*> planners_by_result_;
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
