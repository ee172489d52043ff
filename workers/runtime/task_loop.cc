#include "workers/runtime/task_loop.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log.h"

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

// How long a finished result is offered to loketd (waiting for it to be reachable, retrying its
// UNAVAILABLE) before the worker gives up and lets the lease lapse: a draining worker whose loketd
// is gone stops within this.
constexpr absl::Duration kReportBudget = absl::Seconds(15);

bool Retryable(grpc::StatusCode c) {
  return c == grpc::UNAVAILABLE || c == grpc::DEADLINE_EXCEEDED;
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
  return grpc::CreateCustomChannel(o.addr, creds, ChannelArgs());
}

grpc::ChannelArguments TaskLoop::ChannelArgs() {
  grpc::ChannelArguments args;
  // A leased task carries its input: a national route.plan day is 4.2 MB at 69,000 stops, above
  // gRPC's 4 MiB default (issue 12). 64 MiB is about a million stops.
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  // Reconnect quickly once loketd is back (the default back-off grows to two minutes).
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, kInitialReconnectBackoffMs);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, kMaxReconnectBackoffMs);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, kMinConnectTimeoutMs);
  return args;
}

TaskLoop::TaskLoop(WorkerOptions options, TaskHandler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {
  if (options_.worker_id.empty()) {
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    options_.worker_id = absl::StrCat(host, ":", getpid());
  }
  if (options_.concurrency < 1) options_.concurrency = 1;
  options_.lease_batch = std::clamp(options_.lease_batch, 1, 64);
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
    if (options_.lease_batch > 1) req.set_max_tasks(options_.lease_batch);
    auto ctx = NewContext(absl::Seconds(options_.wait_seconds + 5));
    // While loketd is away the poll waits for the channel to reconnect instead of failing at once,
    // so the task is asked for as soon as loketd is back.
    ctx->set_wait_for_ready(true);
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
        log::Error(absl::StrCat(s.error_message(), " (check the worker token)"),
                   {{"code", absl::StrCat(s.error_code())}});
      } else if (!Retryable(s.error_code())) {
        log::Warn(absl::StrCat("poll failed: ", s.error_message()),
                  {{"code", absl::StrCat(s.error_code())}});
      }
      Sleep(backoff);  // loketd away or refusing: back off, then reconnect
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    backoff = absl::Milliseconds(200);
    if (!resp.has_task()) continue;
    std::vector<v1::Task> batch;
    batch.reserve(1 + resp.more_tasks_size());
    batch.push_back(std::move(*resp.mutable_task()));
    for (v1::Task& t : *resp.mutable_more_tasks()) batch.push_back(std::move(t));
    HandleBatch(batch);
  }
}

void TaskLoop::HandleBatch(const std::vector<v1::Task>& tasks) {
  const size_t n = tasks.size();
  // Heartbeats keep the leases of the tasks still in hand; they stop when the last handler returns.
  std::unique_ptr<std::atomic<bool>[]> finished(new std::atomic<bool>[n]);
  std::unique_ptr<std::atomic<bool>[]> lease_lost(new std::atomic<bool>[n]);
  for (size_t i = 0; i < n; ++i) finished[i] = lease_lost[i] = false;
  absl::Notification handled;
  std::thread heartbeat([&] {
    absl::Duration every = absl::Seconds(std::max(1, options_.lease_seconds / 3));
    while (!handled.WaitForNotificationWithTimeout(every)) {
      for (size_t i = 0; i < n; ++i) {
        if (finished[i] || lease_lost[i]) continue;
        v1::HeartbeatRequest hb;
        hb.set_task_id(tasks[i].id());
        hb.set_attempt(tasks[i].attempt());
        hb.set_lease_seconds(options_.lease_seconds);
        v1::HeartbeatResponse r;
        grpc::Status s = stub_->Heartbeat(NewContext(absl::Seconds(5)).get(), hb, &r);
        if (s.error_code() == grpc::FAILED_PRECONDITION) lease_lost[i] = true;
      }
    }
  });
  std::vector<v1::CompleteTaskRequest> done(n);
  std::vector<absl::Status> results(n);
  auto run = [&](size_t i) {
    try {
      results[i] = handler_(tasks[i], &done[i]);
    } catch (const std::exception& e) {
      // A handler bug must not take the worker down; the task is retried after back-off.
      results[i] = absl::InternalError(absl::StrCat("handler threw: ", e.what()));
    }
    finished[i] = true;
  };
  if (n == 1) {
    run(0);
  } else {
    std::vector<std::thread> handlers;
    handlers.reserve(n);
    for (size_t i = 0; i < n; ++i) handlers.emplace_back(run, i);
    for (auto& t : handlers) t.join();
  }
  handled.Notify();
  heartbeat.join();

  // The successes of a batch in one call (one commit in loketd); each item is fenced on its own.
  std::vector<size_t> ok;
  for (size_t i = 0; i < n; ++i) {
    if (results[i].ok()) ok.push_back(i);
  }
  bool batched = false;
  if (ok.size() > 1) {
    v1::CompleteTasksRequest req;
    for (size_t i : ok) {
      done[i].set_task_id(tasks[i].id());
      done[i].set_attempt(tasks[i].attempt());
      *req.add_tasks() = done[i];
    }
    grpc::Status s;
    v1::CompleteTasksResponse r;
    const absl::Time give_up = absl::Now() + kReportBudget;
    for (int attempt = 0; attempt < 5; ++attempt) {
      r.Clear();
      auto ctx = NewContext(std::min(absl::Seconds(10), give_up - absl::Now()));
      ctx->set_wait_for_ready(true);
      s = stub_->CompleteTasks(ctx.get(), req, &r);
      if (!Retryable(s.error_code()) || absl::Now() >= give_up) break;
      absl::SleepFor(absl::Milliseconds(200 << attempt));
    }
    if (s.ok() && r.codes_size() == static_cast<int>(ok.size())) {
      batched = true;
      for (size_t k = 0; k < ok.size(); ++k) {
        grpc::Status item(static_cast<grpc::StatusCode>(r.codes(k)), r.messages(k));
        Counted(tasks[ok[k]], results[ok[k]], item, lease_lost[ok[k]]);
      }
    } else if (s.error_code() != grpc::UNIMPLEMENTED) {
      // Not reported (loketd away for long): the leases lapse and the tasks come again.
      batched = true;
      for (size_t i : ok) Counted(tasks[i], results[i], s, lease_lost[i]);
    }
    // UNIMPLEMENTED: an older loketd; report one by one below.
  }
  for (size_t i = 0; i < n; ++i) {
    if (batched && results[i].ok()) continue;
    Report(tasks[i], results[i], done[i], lease_lost[i]);
  }
}

void TaskLoop::Report(const v1::Task& task, const absl::Status& result,
                      v1::CompleteTaskRequest& done, bool lease_lost) {
  // Report the outcome; retry only transport failures, with the same (task, attempt): a repeat
  // after a lost answer is refused by the fence and changes nothing.
  grpc::Status s;
  const absl::Time give_up = absl::Now() + kReportBudget;
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto ctx = NewContext(std::min(absl::Seconds(10), give_up - absl::Now()));
    ctx->set_wait_for_ready(true);
    if (result.ok()) {
      done.set_task_id(task.id());
      done.set_attempt(task.attempt());
      v1::CompleteTaskResponse r;
      s = stub_->CompleteTask(ctx.get(), done, &r);
    } else {
      v1::FailTaskRequest f;
      f.set_task_id(task.id());
      f.set_attempt(task.attempt());
      f.set_error(std::string(result.message()).substr(0, 900));
      f.set_permanent(Permanent(result.code()));
      v1::FailTaskResponse r;
      s = stub_->FailTask(ctx.get(), f, &r);
    }
    if (!Retryable(s.error_code()) || absl::Now() >= give_up) break;
    // A real pause even while draining: the finished result is worth a few seconds' wait.
    absl::SleepFor(absl::Milliseconds(200 << attempt));
  }
  Counted(task, result, s, lease_lost);
}

void TaskLoop::Counted(const v1::Task& task, const absl::Status& result, const grpc::Status& s,
                       bool lease_lost) {
  if (s.ok()) {
    if (result.ok()) {
      ++counters_.completed;
    } else {
      ++counters_.failed;
    }
    log::Event e{result.ok() ? log::Level::kInfo : log::Level::kWarn,
                 result.ok() ? "task done" : "task failed",
                 "",
                 absl::StrCat(task.id()),
                 {{"queue", task.queue()},
                  {"attempt", absl::StrCat(task.attempt())},
                  {"outcome", result.ok() ? "done" : "failed"}}};
    if (!result.ok()) e.fields.push_back({"error", std::string(result.message())});
    log::Write(e);
  } else if (s.error_code() == grpc::FAILED_PRECONDITION || lease_lost) {
    ++counters_.lost_leases;
    log::Write({log::Level::kWarn,
                absl::StrCat("lease lost; result discarded: ", s.error_message()),
                "",
                absl::StrCat(task.id()),
                {{"queue", task.queue()}, {"attempt", absl::StrCat(task.attempt())}}});
  } else {
    log::Write({log::Level::kWarn,
                absl::StrCat("could not report: ", s.error_message(), " (the lease will lapse)"),
                "",
                absl::StrCat(task.id()),
                {{"queue", task.queue()}, {"attempt", absl::StrCat(task.attempt())}}});
  }
}

}  // namespace loket::workers
