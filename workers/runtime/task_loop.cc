#include "workers/runtime/task_loop.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"

namespace loket::workers {
namespace {

std::string ReadFileOrEmpty(const std::string& path) {
  if (path.empty()) return "";
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool Permanent(absl::StatusCode c) {
  return c == absl::StatusCode::kInvalidArgument || c == absl::StatusCode::kFailedPrecondition ||
         c == absl::StatusCode::kNotFound || c == absl::StatusCode::kPermissionDenied;
}

bool Retryable(grpc::StatusCode c) {
  return c == grpc::UNAVAILABLE || c == grpc::DEADLINE_EXCEEDED;
}

void Log(const std::string& line) {
  std::fprintf(stderr, "%s %s\n",
               absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()).c_str(),
               line.c_str());
}

}  // namespace

std::shared_ptr<grpc::Channel> TaskLoop::MakeChannel(const WorkerOptions& o) {
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (o.tls_ca.empty()) {
    creds = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ReadFileOrEmpty(o.tls_ca);
    ssl.pem_cert_chain = ReadFileOrEmpty(o.tls_cert);
    ssl.pem_private_key = ReadFileOrEmpty(o.tls_key);
    creds = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments args;
  // A leased task carries its input: a national route.plan day is 4.2 MB at 69,000 stops, above
  // gRPC's 4 MiB default (issue 12). 64 MiB is about a million stops.
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  // Reconnect quickly once loketd is back (the default back-off grows to two minutes).
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  return grpc::CreateCustomChannel(o.addr, creds, args);
}

TaskLoop::TaskLoop(WorkerOptions options, TaskHandler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {
  if (options_.worker_id.empty()) {
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    options_.worker_id = absl::StrCat(host, ":", getpid());
  }
  if (options_.concurrency < 1) options_.concurrency = 1;
  channel_ = MakeChannel(options_);
  stub_ = v1::TaskService::NewStub(channel_);
}

TaskLoop::~TaskLoop() = default;

std::unique_ptr<grpc::ClientContext> TaskLoop::NewContext(absl::Duration timeout) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", "Bearer " + options_.token);
  ctx->AddMetadata("x-loket-terminal", options_.worker_id);
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return ctx;
}

void TaskLoop::Sleep(absl::Duration d) { stopped_.WaitForNotificationWithTimeout(d); }

void TaskLoop::Stop() {
  if (stopping_.exchange(true)) return;
  stopped_.Notify();
  absl::MutexLock lock(&mu_);
  for (grpc::ClientContext* c : polls_) c->TryCancel();  // no new task is taken after Stop()
}

void TaskLoop::Run() {
  std::vector<std::thread> loops;
  for (int i = 0; i < options_.concurrency; ++i) loops.emplace_back([this, i] { Loop(i); });
  for (auto& t : loops) t.join();
}

void TaskLoop::Loop(int index) {
  absl::Duration backoff = absl::Milliseconds(200);
  while (!stopping_) {
    v1::PollTaskRequest req;
    req.set_queue(options_.queue);
    req.set_worker_id(absl::StrCat(options_.worker_id, "/", index));
    req.set_lease_seconds(options_.lease_seconds);
    req.set_wait_seconds(options_.wait_seconds);
    auto ctx = NewContext(absl::Seconds(options_.wait_seconds + 5));
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
      polls_.insert(ctx.get());
    }
    v1::PollTaskResponse resp;
    grpc::Status s = stub_->PollTask(ctx.get(), req, &resp);
    {
      absl::MutexLock lock(&mu_);
      polls_.erase(ctx.get());
    }
    if (stopping_ && !resp.has_task()) break;
    if (!s.ok()) {
      ++counters_.poll_errors;
      if (s.error_code() == grpc::UNAUTHENTICATED || s.error_code() == grpc::PERMISSION_DENIED) {
        Log(absl::StrCat("worker: ", s.error_message(), " (check the worker token)"));
      } else if (!Retryable(s.error_code())) {
        Log(absl::StrCat("worker: poll failed: ", s.error_code(), " ", s.error_message()));
      }
      Sleep(backoff);  // loketd away or refusing: back off, then reconnect
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    backoff = absl::Milliseconds(200);
    if (resp.has_task()) Handle(resp.task());
  }
}

void TaskLoop::Handle(const v1::Task& task) {
  // Heartbeats keep the lease while the handler works; they stop as soon as it returns.
  absl::Notification handled;
  std::atomic<bool> lease_lost{false};
  std::thread heartbeat([&] {
    absl::Duration every = absl::Seconds(std::max(1, options_.lease_seconds / 3));
    while (!handled.WaitForNotificationWithTimeout(every)) {
      v1::HeartbeatRequest hb;
      hb.set_task_id(task.id());
      hb.set_attempt(task.attempt());
      hb.set_lease_seconds(options_.lease_seconds);
      v1::HeartbeatResponse r;
      grpc::Status s = stub_->Heartbeat(NewContext(absl::Seconds(5)).get(), hb, &r);
      if (s.error_code() == grpc::FAILED_PRECONDITION) {
        lease_lost = true;
        return;
      }
    }
  });
  v1::CompleteTaskRequest done;
  absl::Status result;
  try {
    result = handler_(task, &done);
  } catch (const std::exception& e) {
    // A handler bug must not take the worker down; the task is retried after back-off.
    result = absl::InternalError(absl::StrCat("handler threw: ", e.what()));
  }
  handled.Notify();
  heartbeat.join();

  // Report the outcome; retry only transport failures, with the same (task, attempt): a repeat
  // after a lost answer is refused by the fence and changes nothing.
  grpc::Status s;
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (result.ok()) {
      done.set_task_id(task.id());
      done.set_attempt(task.attempt());
      v1::CompleteTaskResponse r;
      s = stub_->CompleteTask(NewContext(absl::Seconds(10)).get(), done, &r);
    } else {
      v1::FailTaskRequest f;
      f.set_task_id(task.id());
      f.set_attempt(task.attempt());
      f.set_error(std::string(result.message()).substr(0, 900));
      f.set_permanent(Permanent(result.code()));
      v1::FailTaskResponse r;
      s = stub_->FailTask(NewContext(absl::Seconds(10)).get(), f, &r);
    }
    if (!Retryable(s.error_code())) break;
    // A real pause even while draining: the finished result is worth a few seconds' wait.
    absl::SleepFor(absl::Milliseconds(200 << attempt));
  }
  if (s.ok()) {
    if (result.ok()) {
      ++counters_.completed;
    } else {
      ++counters_.failed;
    }
    Log(absl::StrCat("task id=", task.id(), " queue=", task.queue(), " attempt=", task.attempt(),
                     " outcome=", result.ok() ? "done" : "failed",
                     result.ok() ? "" : absl::StrCat(" error=\"", result.message(), "\"")));
  } else if (s.error_code() == grpc::FAILED_PRECONDITION || lease_lost) {
    ++counters_.lost_leases;
    Log(absl::StrCat("task id=", task.id(), " attempt=", task.attempt(),
                     " lease lost; result discarded: ", s.error_message()));
  } else {
    Log(absl::StrCat("task id=", task.id(), " attempt=", task.attempt(),
                     " could not report: ", s.error_message(), " (the lease will lapse)"));
  }
}

}  // namespace loket::workers
