// loket-scheduler: leases slots.allocate tasks (one per office and day, coalesced), runs the
// allocator on the input loketd attached and returns the assignment; loketd applies it with
// guarded seat updates, so several schedulers may run at once. SIGTERM drains.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "workers/runtime/task_loop.h"
#include "workers/scheduling/allocate_task.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:7400", "loketd address");
ABSL_FLAG(std::string, token, "", "bearer token of a worker principal (or env LOKET_TOKEN)");
ABSL_FLAG(std::string, tls_ca, "", "CA of loketd's certificate (PEM); TLS when set");
ABSL_FLAG(std::string, tls_cert, "", "client certificate (PEM) for mTLS");
ABSL_FLAG(std::string, tls_key, "", "client key (PEM) for mTLS");
ABSL_FLAG(int, concurrency, 1, "tasks (office days) handled at once");
ABSL_FLAG(int, lease_seconds, 30, "lease per task; heartbeats renew it");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("loket-scheduler: allocates appointment slots (slots.allocate)");
  absl::ParseCommandLine(argc, argv);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  loket::workers::WorkerOptions o;
  o.addr = absl::GetFlag(FLAGS_addr);
  o.token = absl::GetFlag(FLAGS_token);
  if (o.token.empty() && std::getenv("LOKET_TOKEN") != nullptr)
    o.token = std::getenv("LOKET_TOKEN");
  if (o.token.empty()) {
    std::fprintf(stderr, "loket-scheduler: --token (or LOKET_TOKEN) is required\n");
    return 2;
  }
  o.tls_ca = absl::GetFlag(FLAGS_tls_ca);
  o.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  o.tls_key = absl::GetFlag(FLAGS_tls_key);
  o.queue = "slots.allocate";
  o.concurrency = absl::GetFlag(FLAGS_concurrency);
  o.lease_seconds = absl::GetFlag(FLAGS_lease_seconds);

  loket::workers::TaskLoop loop(o, loket::scheduling::HandleAllocateTask);
  std::thread signals([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::fprintf(stderr, "loket-scheduler: signal %d, finishing the tasks in hand\n", sig);
    loop.Stop();
  });
  std::fprintf(stderr, "loket-scheduler: polling %s on %s\n", o.queue.c_str(), o.addr.c_str());
  loop.Run();
  std::fprintf(stderr, "loket-scheduler: stopped (%lld allocated, %lld failed)\n",
               static_cast<long long>(loop.counters().completed.load()),
               static_cast<long long>(loop.counters().failed.load()));
  signals.join();
  return 0;
}
