// `loket admin tasks ...`: the operators' view of the task queue (TaskAdminService).
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/cli/command.h"
#include "clients/cli/output.h"
#include "loket/v1/task.grpc.pb.h"

namespace loket::cli {
namespace {

std::unique_ptr<v1::TaskAdminService::Stub> TaskStub(const Invocation& in) {
  return v1::TaskAdminService::NewStub(in.session().channel());
}

std::string StateName(v1::TaskState s) {
  std::string n = v1::TaskState_Name(s);
  return absl::AsciiStrToLower(n.substr(std::string("TASK_STATE_").size()));
}

// "3m12s" since an RFC 3339 time, for the age column.
std::string Age(const std::string& rfc3339) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) return "?";
  absl::Duration d = absl::Now() - t;
  if (d < absl::ZeroDuration())
    return absl::StrCat("in ", absl::FormatDuration(absl::Trunc(-d, absl::Seconds(1))));
  return absl::FormatDuration(absl::Trunc(d, absl::Seconds(1)));
}

std::string FormatTask(const v1::Task& t, bool detail) {
  std::string line =
      absl::StrFormat("#%-6d %-14s %-7s attempt %d/%d  age %-10s", t.id(), t.queue(),
                      StateName(t.state()), t.attempt(), t.max_attempts(), Age(t.created_at()));
  if (t.state() == v1::TASK_STATE_LEASED) {
    absl::StrAppend(&line, "  leased by ", t.lease_owner(), " until ",
                    OfficeTime(t.lease_expires_at()));
  }
  if (t.state() == v1::TASK_STATE_READY)
    absl::StrAppend(&line, "  due ", OfficeTime(t.run_after()));
  if (!t.last_error().empty()) absl::StrAppend(&line, "\n        last error: ", t.last_error());
  if (detail) {
    absl::StrAppend(&line, "\n        dedupe key: ", t.dedupe_key().empty() ? "-" : t.dedupe_key(),
                    "\n        payload: ", t.payload().size(), " bytes");
  }
  return line + "\n";
}

int ListTasks(const Invocation& in) {
  v1::ListTasksRequest req;
  req.set_queue(in.args().Get("queue"));
  std::string state = absl::AsciiStrToUpper(in.args().Get("state"));
  if (!state.empty()) {
    v1::TaskState s;
    if (!v1::TaskState_Parse("TASK_STATE_" + state, &s)) {
      return in.UsageError("--state: one of ready, leased, done, dead");
    }
    req.set_state(s);
  }
  auto stub = TaskStub(in);
  v1::ListTasksResponse reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->ListTasks(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  std::string human;
  for (const v1::Task& t : reply.tasks()) human += FormatTask(t, false);
  if (reply.tasks().empty()) human = "No tasks.\n";
  return in.Reply(reply, human);
}

int ShowTask(const Invocation& in) {
  absl::StatusOr<int64_t> id = in.IdArg(0);
  if (!id.ok()) return in.UsageError(id.status().message());
  v1::GetTaskRequest req;
  req.set_task_id(*id);
  auto stub = TaskStub(in);
  v1::Task reply;
  grpc::Status status =
      in.session().Call([&](grpc::ClientContext& ctx) { return stub->GetTask(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, FormatTask(reply, true));
}

template <typename Request, typename Rpc>
int ChangeTask(const Invocation& in, Rpc rpc, const char* done) {
  absl::StatusOr<int64_t> id = in.IdArg(0);
  if (!id.ok()) return in.UsageError(id.status().message());
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  Request req;
  req.set_request_id(*request_id);
  req.set_task_id(*id);
  auto stub = TaskStub(in);
  v1::Task reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return ((*stub).*rpc)(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, absl::StrCat("Task ", *id, " ", done, ".\n", FormatTask(reply, false)));
}

}  // namespace

std::vector<Command> TaskCommands() {
  return {
      {"admin tasks list", "[--queue Q] [--state S]",
       "tasks by queue and state (ready, leased, done, dead), newest first", ListTasks},
      {"admin tasks show", "ID", "one task with its last error", ShowTask},
      {"admin tasks retry", "ID [--request-id UUID]", "give a dead task three more attempts",
       [](const Invocation& in) {
         return ChangeTask<v1::RetryTaskRequest>(in, &v1::TaskAdminService::Stub::RetryTask,
                                                 "is ready again");
       }},
      {"admin tasks drop", "ID [--request-id UUID]", "drop a ready or dead task",
       [](const Invocation& in) {
         return ChangeTask<v1::DropTaskRequest>(in, &v1::TaskAdminService::Stub::DropTask,
                                                "dropped");
       }},
  };
}

}  // namespace loket::cli
