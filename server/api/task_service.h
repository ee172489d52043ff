// loket.v1.TaskService (workers lease and finish tasks) and loket.v1.TaskAdminService (operators).
// Thread-safe (stateless but for references).
#ifndef LOKET_SERVER_API_TASK_SERVICE_H_
#define LOKET_SERVER_API_TASK_SERVICE_H_

#include "loket/v1/task.grpc.pb.h"
#include "server/api/auth.h"
#include "server/api/metrics.h"
#include "server/store/task_queue.h"

namespace loket::api {

class TaskServiceImpl final : public v1::TaskService::Service {
 public:
  // `metrics` may be null.
  TaskServiceImpl(store::TaskQueue& queue, const store::TaskWakeups& wakeups,
                  const Authorizer& auth, ServerMetrics* metrics = nullptr)
      : queue_(queue), wakeups_(wakeups), auth_(auth), metrics_(metrics) {}

  grpc::Status PollTask(grpc::ServerContext* ctx, const v1::PollTaskRequest* req,
                        v1::PollTaskResponse* resp) override;
  grpc::Status Heartbeat(grpc::ServerContext* ctx, const v1::HeartbeatRequest* req,
                         v1::HeartbeatResponse* resp) override;
  grpc::Status CompleteTask(grpc::ServerContext* ctx, const v1::CompleteTaskRequest* req,
                            v1::CompleteTaskResponse* resp) override;
  grpc::Status FailTask(grpc::ServerContext* ctx, const v1::FailTaskRequest* req,
                        v1::FailTaskResponse* resp) override;

 private:
  store::TaskQueue& queue_;
  const store::TaskWakeups& wakeups_;
  const Authorizer& auth_;
  ServerMetrics* metrics_;
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
