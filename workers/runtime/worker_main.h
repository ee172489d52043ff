// What every worker's main() shares: the connection flags (--addr, --token or $LOKET_TOKEN,
// --tls_ca/--tls_cert/--tls_key, --concurrency, --lease_seconds, --lease_batch), --admin_listen
// (Prometheus /metrics: loket_worker_tasks_total{kind,outcome},
// loket_worker_poll_errors_total{kind}) and running a TaskLoop until SIGTERM or SIGINT, letting it
// finish the task in hand. Link loket::worker_main to get them.
#ifndef LOKET_WORKERS_RUNTIME_WORKER_MAIN_H_
#define LOKET_WORKERS_RUNTIME_WORKER_MAIN_H_

#include <string>

#include "absl/status/statusor.h"
#include "workers/runtime/task_loop.h"

namespace loket::workers {

// Blocks SIGTERM and SIGINT in this thread and every thread started after it (call it first in
// main, before any thread exists), so that RunUntilStopSignal alone receives them.
void BlockStopSignals();

// The options from the shared flags, for `queue`. INVALID_ARGUMENT without a token or with a
// --lease_batch out of range.
absl::StatusOr<WorkerOptions> WorkerOptionsFromFlags(const std::string& queue,
                                                     int default_concurrency,
                                                     int default_lease_batch = 1);

// Serves --admin_listen (when set), runs `loop` until SIGTERM or SIGINT, then stops it and returns
// when the task in hand is done: 0, or 2 (logged) when --admin_listen cannot be served (the loop
// never starts). `name` prefixes the log lines. main() returns what it returns.
int RunUntilStopSignal(TaskLoop& loop, const std::string& name);

}  // namespace loket::workers

#endif  // LOKET_WORKERS_RUNTIME_WORKER_MAIN_H_
