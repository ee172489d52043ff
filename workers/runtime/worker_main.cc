#include "workers/runtime/worker_main.h"

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <csignal>
#include <cstdlib>
#include <memory>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/admin_http.h"
#include "common/log.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:7400", "loketd address");
ABSL_FLAG(std::string, token, "", "bearer token of a worker principal (or env LOKET_TOKEN)");
ABSL_FLAG(std::string, tls_ca, "", "CA of loketd's certificate (PEM); TLS when set");
ABSL_FLAG(std::string, tls_cert, "", "client certificate (PEM) for mTLS");
ABSL_FLAG(std::string, tls_key, "", "client key (PEM) for mTLS");
ABSL_FLAG(int, concurrency, 0, "tasks handled at once (0: the worker's default)");
ABSL_FLAG(int, lease_seconds, 30, "lease per task; heartbeats renew it");
ABSL_FLAG(
    int, lease_batch, 0,
    "tasks leased per poll by each of the --concurrency loops, 1..64 (0: the worker's default)");
ABSL_FLAG(std::string, admin_listen, "",
          "serve Prometheus /metrics on host:port, e.g. 127.0.0.1:7460 (empty: off)");

namespace loket::workers {
namespace {

sigset_t StopSignals() {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGTERM);
  sigaddset(&s, SIGINT);
  return s;
}

// The loop's counters, read when scraped (they are atomics the loop keeps anyway).
class LoopMetrics final : public prometheus::Collectable {
 public:
  explicit LoopMetrics(const TaskLoop& loop) : loop_(loop) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    const TaskLoopCounters& c = loop_.counters();
    prometheus::MetricFamily tasks{
        "loket_worker_tasks_total",
        "Tasks this worker finished, by kind (queue) and outcome: completed, failed (the attempt "
        "failed; loketd retries it or marks it dead), lost_lease (the result came after another "
        "worker took the task over)",
        prometheus::MetricType::Counter,
        {}};
    for (const auto& [outcome, n] : {std::pair<const char*, int64_t>{"completed", c.completed},
                                     {"failed", c.failed},
                                     {"lost_lease", c.lost_leases}}) {
      tasks.metric.push_back(Counter({{"kind", loop_.queue()}, {"outcome", outcome}}, n));
    }
    prometheus::MetricFamily polls{"loket_worker_poll_errors_total",
                                   "Polls for tasks that failed (loketd away or refusing), by kind",
                                   prometheus::MetricType::Counter,
                                   {Counter({{"kind", loop_.queue()}}, c.poll_errors)}};
    return {std::move(tasks), std::move(polls)};
  }

 private:
  static prometheus::ClientMetric Counter(std::vector<prometheus::ClientMetric::Label> labels,
                                          int64_t value) {
    prometheus::ClientMetric m;
    m.label = std::move(labels);
    m.counter.value = static_cast<double>(value);
    return m;
  }

  const TaskLoop& loop_;
};

}  // namespace

void BlockStopSignals() {
  sigset_t s = StopSignals();
  pthread_sigmask(SIG_BLOCK, &s, nullptr);
}

absl::StatusOr<WorkerOptions> WorkerOptionsFromFlags(const std::string& queue,
                                                     int default_concurrency,
                                                     int default_lease_batch) {
  WorkerOptions o;
  o.addr = absl::GetFlag(FLAGS_addr);
  o.token = absl::GetFlag(FLAGS_token);
  if (o.token.empty() && std::getenv("LOKET_TOKEN") != nullptr)
    o.token = std::getenv("LOKET_TOKEN");
  if (o.token.empty()) return absl::InvalidArgumentError("--token (or LOKET_TOKEN) is required");
  o.tls_ca = absl::GetFlag(FLAGS_tls_ca);
  o.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  o.tls_key = absl::GetFlag(FLAGS_tls_key);
  o.queue = queue;
  int concurrency = absl::GetFlag(FLAGS_concurrency);
  o.concurrency = concurrency > 0 ? concurrency : default_concurrency;
  o.lease_seconds = absl::GetFlag(FLAGS_lease_seconds);
  int lease_batch = absl::GetFlag(FLAGS_lease_batch);
  if (lease_batch < 0 || lease_batch > 64) {
    return absl::InvalidArgumentError("--lease_batch: 1..64 (0 for the worker's default)");
  }
  o.lease_batch = lease_batch > 0 ? lease_batch : default_lease_batch;
  return o;
}

int RunUntilStopSignal(TaskLoop& loop, const std::string& name) {
  std::unique_ptr<AdminHttpServer> admin;
  if (std::string listen = absl::GetFlag(FLAGS_admin_listen); !listen.empty()) {
    auto served = AdminHttpServer::Start(listen, {std::make_shared<LoopMetrics>(loop)});
    if (!served.ok()) {
      log::Error(std::string(served.status().message()));
      return 2;
    }
    admin = *std::move(served);
    log::Info(absl::StrCat(name, ": /metrics on ", listen), {{"admin_listen", listen}});
  }
  sigset_t stop_signals = StopSignals();
  std::thread signals([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    log::Info(absl::StrCat("signal ", sig, ", finishing the tasks in hand"),
              {{"signal", absl::StrCat(sig)}});
    loop.Stop();
  });
  loop.Run();
  const int64_t completed = loop.counters().completed.load();
  const int64_t failed = loop.counters().failed.load();
  log::Info(absl::StrCat("stopped (", completed, " completed, ", failed, " failed)"),
            {{"completed", absl::StrCat(completed)}, {"failed", absl::StrCat(failed)}});
  // Run() ends only after Stop(), which only the signal thread calls: it has finished.
  signals.join();
  return 0;
}

}  // namespace loket::workers
