#include "server/api/task_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/api/convert.h"

namespace loket::api {
namespace {

constexpr int kDefaultLeaseSeconds = 30;
constexpr int kMaxLeaseSeconds = 600;
constexpr int kMaxTasksPerCall = 64;  // PollTask.max_tasks and CompleteTasks

grpc::Status CheckQueueName(const std::string& q) {
  if (q.empty() || q.size() > 40) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "queue: required, e.g. notify.send");
  }
  return grpc::Status::OK;
}

absl::StatusOr<absl::Duration> LeaseOf(int seconds) {
  if (seconds == 0) return absl::Seconds(kDefaultLeaseSeconds);
  if (seconds < 1 || seconds > kMaxLeaseSeconds) {
    return absl::InvalidArgumentError(
        absl::StrCat("lease_seconds: 1..", kMaxLeaseSeconds, " (0 for the default)"));
  }
  return absl::Seconds(seconds);
}

grpc::Status CheckTaskRef(int64_t id, int attempt) {
  if (id <= 0) return grpc::Status(grpc::INVALID_ARGUMENT, "task_id: required");
  if (attempt <= 0) return grpc::Status(grpc::INVALID_ARGUMENT, "attempt: required");
  return grpc::Status::OK;
}

}  // namespace

absl::Status TaskKindHandler::AttachInput(const domain::Principal&, v1::Task&) {
  return absl::OkStatus();
}

absl::StatusOr<std::vector<absl::Status>> PlanningQueue::ApplyResults(
    const domain::Principal& worker, const std::vector<const v1::CompleteTaskRequest*>& reqs) {
  std::vector<absl::Status> out;
  for (const v1::CompleteTaskRequest* r : reqs) out.push_back(ApplyResult(worker, *r));
  return out;
}

absl::StatusOr<std::vector<absl::Status>> NotifyResults::ApplyResults(
    const domain::Principal& worker, const std::vector<const v1::CompleteTaskRequest*>& reqs) {
  std::vector<store::DeliveryReport> reports;
  for (const v1::CompleteTaskRequest* t : reqs) {
    const v1::NotifyResult& r = t->notify();
    reports.push_back({t->task_id(), t->attempt(), r.delivered(),
                       r.provider_message_id().substr(0, 200), r.detail()});
  }
  LOKET_ASSIGN_OR_RETURN(
      auto done, store::RecordDeliveries(db_, worker.office_id, reports));  // nothing was written
  for (size_t i = 0; i < reqs.size(); ++i) {
    if (done[i].ok() && metrics_) {
      const v1::NotifyResult& r = reqs[i]->notify();
      metrics_->RecordNotification(r.channel(), r.delivered() ? "sent" : "failed");
    }
  }
  return done;
}

void NotifyResults::AttemptFailedInTx(store::Tx& tx, const store::TaskRecord& task,
                                      const std::string& why, bool dead) {
  store::RecordFailedAttemptInTx(tx, task.id, task.attempt, why, dead);
}

void NotifyResults::TooLateInTx(store::Tx& tx, const store::TaskRecord& task) {
  store::RecordSkippedInTx(tx, task.id, task.last_error);
  // Counted inside the sweep's transaction: one rolled back and run again counts twice (rare).
  if (!metrics_) return;
  v1::NotifySend n;
  n.ParseFromString(task.payload);
  metrics_->RecordNotification(n.channel(), "skipped");
}

void NotifyResults::AttemptFailed(const store::TaskRecord& task) {
  if (!metrics_) return;
  v1::NotifySend n;
  n.ParseFromString(task.payload);
  metrics_->RecordNotification(n.channel(), task.state == "dead" ? "dead" : "retry");
}

grpc::Status TaskServiceImpl::PollTask(grpc::ServerContext* ctx, const v1::PollTaskRequest* req,
                                       v1::PollTaskResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "TaskService.PollTask");
  if (auto s = CheckQueueName(req->queue()); !s.ok()) return s;
  auto lease = LeaseOf(req->lease_seconds());
  if (!lease.ok()) return ToGrpcStatus(lease.status());
  if (req->wait_seconds() < 0 || req->wait_seconds() > 60) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "wait_seconds: 0..60");
  }
  if (req->max_tasks() < 0 || req->max_tasks() > kMaxTasksPerCall) {
    return grpc::Status(grpc::INVALID_ARGUMENT,
                        absl::StrCat("max_tasks: 0..", kMaxTasksPerCall, " (0 for one)"));
  }
  auto kind = kinds_by_queue_.find(req->queue());
  TaskKindHandler* handler = kind == kinds_by_queue_.end() ? nullptr : kind->second;
  const int max_tasks =
      handler != nullptr && !handler->LeasesInBatches() ? 1 : std::max(1, req->max_tasks());
  std::string worker = req->worker_id().empty() ? ctx->peer() : req->worker_id().substr(0, 100);
  absl::Time deadline = absl::Now() + absl::Seconds(req->wait_seconds());
  // Answer a little before the caller's deadline so an empty answer is not a DEADLINE_EXCEEDED.
  absl::Time call_deadline = absl::FromChrono(ctx->deadline()) - absl::Milliseconds(500);
  deadline = std::min(deadline, call_deadline);
  for (bool first = true;; first = false) {
    // Never lease for a caller that has gone, or while draining: the task would sit out a lease.
    if (!first && (ctx->IsCancelled() || wakeups_.closed())) return grpc::Status::OK;
    uint64_t generation = wakeups_.Generation();
    if (max_tasks > 1) {
      auto tasks = queue_.LeaseMany(p.office_id, req->queue(), worker, *lease, max_tasks);
      if (!tasks.ok()) return ToGrpcStatus(tasks.status());
      if (!tasks->empty()) {
        for (size_t i = 0; i < tasks->size(); ++i) {
          const store::TaskRecord& t = (*tasks)[i];
          if (t.took_over_expired_lease && metrics_) metrics_->RecordLeaseExpiry(req->queue());
          v1::Task* out = i == 0 ? resp->mutable_task() : resp->add_more_tasks();
          *out = ToProto(t);
          if (handler != nullptr) {
            // On failure the leases run out and the tasks are leased again: nothing is lost.
            absl::Status attached = handler->AttachInput(p, *out);
            if (!attached.ok()) return ToGrpcStatus(attached);
          }
        }
        return grpc::Status::OK;
      }
    } else if (auto task = queue_.Lease(p.office_id, req->queue(), worker, *lease); !task.ok()) {
      return ToGrpcStatus(task.status());
    } else if (task->has_value()) {
      if ((*task)->took_over_expired_lease && metrics_) metrics_->RecordLeaseExpiry(req->queue());
      *resp->mutable_task() = ToProto(**task);
      if (handler != nullptr) {
        // On failure the lease runs out and the task is leased again: nothing is lost.
        absl::Status attached = handler->AttachInput(p, *resp->mutable_task());
        if (!attached.ok()) return ToGrpcStatus(attached);
      }
      return grpc::Status::OK;
    }
    absl::Time now = absl::Now();
    // Draining: answer empty now, so the worker reconnects to another replica or to our successor.
    if (now >= deadline || ctx->IsCancelled() || wakeups_.closed()) return grpc::Status::OK;
    if (on_poll_wait_) on_poll_wait_();  // a test's cue: what is enqueued from now on wakes us
    // Woken by NOTIFY after an enqueue commits; the one-second cap is the polling fallback
    // (and picks up delayed tasks and expired leases).
    wakeups_.Wait(generation, std::min(deadline, now + absl::Seconds(1)));
  }
}

grpc::Status TaskServiceImpl::Heartbeat(grpc::ServerContext* ctx, const v1::HeartbeatRequest* req,
                                        v1::HeartbeatResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "TaskService.Heartbeat");
  if (auto s = CheckTaskRef(req->task_id(), req->attempt()); !s.ok()) return s;
  auto lease = LeaseOf(req->lease_seconds());
  if (!lease.ok()) return ToGrpcStatus(lease.status());
  auto expires = queue_.Heartbeat(p.office_id, req->task_id(), req->attempt(), *lease);
  if (!expires.ok()) return ToGrpcStatus(expires.status());
  resp->set_lease_expires_at(FormatUtc(*expires));
  return grpc::Status::OK;
}

absl::StatusOr<TaskKindHandler*> TaskServiceImpl::KindOfResult(
    const v1::CompleteTaskRequest& req) const {
  if (req.result_case() == v1::CompleteTaskRequest::RESULT_NOT_SET) {
    return absl::InvalidArgumentError("result: required (e.g. notify)");
  }
  auto kind = kinds_by_result_.find(static_cast<int>(req.result_case()));
  if (kind == kinds_by_result_.end()) {
    return absl::InvalidArgumentError("result: this server does not apply it");
  }
  return kind->second;
}

grpc::Status TaskServiceImpl::CompleteTask(grpc::ServerContext* ctx,
                                           const v1::CompleteTaskRequest* req,
                                           v1::CompleteTaskResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "TaskService.CompleteTask");
  if (auto s = CheckTaskRef(req->task_id(), req->attempt()); !s.ok()) return s;
  auto kind = KindOfResult(*req);
  if (!kind.ok()) return ToGrpcStatus(kind.status());
  auto done = (*kind)->ApplyResults(p, {req});
  if (!done.ok()) return ToGrpcStatus(done.status());
  return ToGrpcStatus(done->at(0));
}

grpc::Status TaskServiceImpl::CompleteTasks(grpc::ServerContext* ctx,
                                            const v1::CompleteTasksRequest* req,
                                            v1::CompleteTasksResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "TaskService.CompleteTasks");
  if (req->tasks_size() > kMaxTasksPerCall) {
    return grpc::Status(grpc::INVALID_ARGUMENT,
                        absl::StrCat("tasks: at most ", kMaxTasksPerCall, " per call"));
  }
  for (int i = 0; i < req->tasks_size(); ++i) {
    const v1::CompleteTaskRequest& t = req->tasks(i);
    if (auto s = CheckTaskRef(t.task_id(), t.attempt()); !s.ok()) {
      return grpc::Status(s.error_code(), absl::StrCat("tasks[", i, "].", s.error_message()));
    }
  }
  // Each kind gets its results of the call at once (the notifier's commit together), in order.
  std::vector<absl::Status> statuses(req->tasks_size());
  std::map<TaskKindHandler*, std::vector<int>> positions;
  for (int i = 0; i < req->tasks_size(); ++i) {
    auto kind = KindOfResult(req->tasks(i));
    if (kind.ok()) {
      positions[*kind].push_back(i);
    } else {
      statuses[i] = kind.status();
    }
  }
  for (const auto& [kind, at] : positions) {
    std::vector<const v1::CompleteTaskRequest*> reqs;
    for (int i : at) reqs.push_back(&req->tasks(i));
    auto done = kind->ApplyResults(p, reqs);
    if (!done.ok()) return ToGrpcStatus(done.status());
    for (size_t j = 0; j < at.size(); ++j) statuses[at[j]] = done->at(j);
  }
  for (const absl::Status& st : statuses) {
    grpc::Status s = ToGrpcStatus(st);
    resp->add_codes(static_cast<int>(s.error_code()));
    resp->add_messages(s.error_message());
  }
  return grpc::Status::OK;
}

grpc::Status TaskServiceImpl::FailTask(grpc::ServerContext* ctx, const v1::FailTaskRequest* req,
                                       v1::FailTaskResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "TaskService.FailTask");
  if (auto s = CheckTaskRef(req->task_id(), req->attempt()); !s.ok()) return s;
  auto t = queue_.Fail(p.office_id, req->task_id(), req->attempt(),
                       req->error().empty() ? "failed without a reason" : req->error(),
                       req->permanent());
  if (!t.ok()) return ToGrpcStatus(t.status());
  if (auto kind = kinds_by_queue_.find(t->queue); kind != kinds_by_queue_.end()) {
    kind->second->AttemptFailed(*t);
  }
  v1::Task pt = ToProto(*t);
  resp->set_state(pt.state());
  resp->set_run_after(pt.run_after());
  return grpc::Status::OK;
}

grpc::Status TaskAdminServiceImpl::ListTasks(grpc::ServerContext* ctx,
                                             const v1::ListTasksRequest* req,
                                             v1::ListTasksResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "TaskAdminService.ListTasks");
  if (req->page_size() < 0 || req->page_size() > 1000) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "page_size: 0 (default 100) to 1000");
  }
  std::string state;
  switch (req->state()) {
    case v1::TASK_STATE_READY:
      state = "ready";
      break;
    case v1::TASK_STATE_LEASED:
      state = "leased";
      break;
    case v1::TASK_STATE_DONE:
      state = "done";
      break;
    case v1::TASK_STATE_DEAD:
      state = "dead";
      break;
    case v1::TASK_STATE_UNSPECIFIED:
      break;  // every state
    default:
      // An enum from a newer client or a hand-made request: listing everything instead would
      // answer a question that was not asked.
      return grpc::Status(grpc::INVALID_ARGUMENT,
                          absl::StrCat("state: unknown value ", static_cast<int>(req->state())));
  }
  auto list = queue_.List(p.office_id, req->queue().substr(0, 40), state,
                          req->page_size() == 0 ? 100 : req->page_size());
  if (!list.ok()) return ToGrpcStatus(list.status());
  for (const auto& t : *list) {
    v1::Task* out = resp->add_tasks();
    *out = ToProto(t);
    out->clear_payload();  // lists stay small; GetTask shows the payload
  }
  return grpc::Status::OK;
}

grpc::Status TaskAdminServiceImpl::GetTask(grpc::ServerContext* ctx, const v1::GetTaskRequest* req,
                                           v1::Task* resp) {
  LOKET_AUTHORIZE(p, ctx, "TaskAdminService.GetTask");
  auto t = queue_.Get(p.office_id, req->task_id());
  if (!t.ok()) return ToGrpcStatus(t.status());
  *resp = ToProto(*t);
  return grpc::Status::OK;
}

grpc::Status TaskAdminServiceImpl::RetryTask(grpc::ServerContext* ctx,
                                             const v1::RetryTaskRequest* req, v1::Task* resp) {
  LOKET_AUTHORIZE(p, ctx, "TaskAdminService.RetryTask");
  auto bytes = queue_.Retry(
      {req->request_id(), "TaskAdminService.RetryTask", p, TerminalOf(*ctx)}, req->task_id(),
      [](const store::TaskRecord& t) { return ToProto(t).SerializeAsString(); });
  if (!bytes.ok()) return ToGrpcStatus(bytes.status());
  resp->ParseFromString(*bytes);
  return grpc::Status::OK;
}

grpc::Status TaskAdminServiceImpl::DropTask(grpc::ServerContext* ctx,
                                            const v1::DropTaskRequest* req, v1::Task* resp) {
  LOKET_AUTHORIZE(p, ctx, "TaskAdminService.DropTask");
  auto bytes = queue_.Drop(
      {req->request_id(), "TaskAdminService.DropTask", p, TerminalOf(*ctx)}, req->task_id(),
      [](const store::TaskRecord& t) { return ToProto(t).SerializeAsString(); });
  if (!bytes.ok()) return ToGrpcStatus(bytes.status());
  resp->ParseFromString(*bytes);
  return grpc::Status::OK;
}

}  // namespace loket::api
