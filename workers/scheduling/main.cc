// loket-scheduler: leases slots.allocate tasks (one per office and day, coalesced), runs the
// allocator on the input loketd attached and returns the assignment; loketd applies it with
// guarded seat updates, so several schedulers may run at once. SIGTERM drains.
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "common/grpc_log.h"
#include "common/log.h"
#include "workers/runtime/task_loop.h"
#include "workers/runtime/worker_main.h"
#include "workers/scheduling/allocate_task.h"

ABSL_FLAG(int64_t, serve_cost_limit, loket::scheduling::kDefaultServeCostLimit,
          "what seating one more person may cost others in ranks (-1: serve the most people "
          "whatever it costs; see docs/benchmarks-allocate.md)");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("loket-scheduler: allocates appointment slots (slots.allocate)");
  absl::ParseCommandLine(argc, argv);
  loket::log::SetProcessName("loket-scheduler");
  loket::log::RouteGrpcLogs();
  loket::workers::BlockStopSignals();
  absl::StatusOr<loket::workers::WorkerOptions> o =
      loket::workers::WorkerOptionsFromFlags("slots.allocate", /*default_concurrency=*/1);
  if (!o.ok()) {
    loket::log::Error(std::string(o.status().message()));
    return 2;
  }
  std::optional<int64_t> limit;
  if (absl::GetFlag(FLAGS_serve_cost_limit) >= 0) limit = absl::GetFlag(FLAGS_serve_cost_limit);
  loket::workers::TaskLoop loop(
      *o, [limit](const loket::v1::Task& task, loket::v1::CompleteTaskRequest* done) {
        return loket::scheduling::HandleAllocateTask(task, done, limit);
      });
  loket::log::Info(absl::StrCat("polling ", o->queue, " on ", o->addr),
                   {{"queue", o->queue}, {"addr", o->addr}});
  return loket::workers::RunUntilStopSignal(loop, "loket-scheduler");
}
