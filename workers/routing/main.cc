// loket-router: the courier routing worker. Two modes, one solver:
//
//   loket-router --addr HOST:PORT --token T [--plan_seconds S] [--speed_kmh K] [--seed N]
//     leases route.plan tasks from loketd, plans the day's courier routes (plan_adapter.h) and
//     completes the task with them; SIGTERM finishes the plan in hand.
//
//   loket-router --instance FILE --time-limit SECONDS --seed N [--vehicle_cost C] [--check]
//     solves one Solomon or Li & Lim benchmark file and prints the solution as one JSON object:
//     {"vehicles": n, "distance": d, "routes": [[node ids in visiting order, depot excluded], ...]}
//     (bench/run_routing_bench.sh drives it; loket-router-check re-checks what it printed).
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/grpc_log.h"
#include "common/log.h"
#include "workers/routing/plan_adapter.h"
#include "workers/routing/solver/checker.h"
#include "workers/routing/solver/instance_reader.h"
#include "workers/routing/solver/solver.h"
#include "workers/routing/solver/travel.h"
#include "workers/runtime/worker_main.h"

ABSL_FLAG(std::string, instance, "", "benchmark mode: a Solomon or Li & Lim instance file");
ABSL_FLAG(double, plan_seconds, 5, "worker mode: search time per day plan");
ABSL_FLAG(double, speed_kmh, 25, "worker mode: courier speed for haversine travel times");
ABSL_FLAG(double, detour_factor, 1.3, "worker mode: road distance over straight-line distance");
ABSL_FLAG(double, time_limit, 10, "seconds of search (also accepted as --time-limit)");
ABSL_FLAG(uint64_t, seed, 1, "random seed");
ABSL_FLAG(int64_t, max_iterations, 0, "stop after this many iterations too (0: time only)");
ABSL_FLAG(
    double, vehicle_cost, -1,
    "cost of one vehicle in distance units; -1: 0 for Solomon (distance-only objective, as "
    "the distance-only best-known values), 10000 for Li & Lim (hierarchical, as its best-known)");
ABSL_FLAG(double, start_temperature, loket::routing::SolverOptions().start_temperature,
          "annealing start temperature, as a fraction of the mean arc length");
ABSL_FLAG(double, end_temperature, loket::routing::SolverOptions().end_temperature,
          "annealing end temperature, as a fraction of the mean arc length");
ABSL_FLAG(int, max_area_stops, loket::routing::SolverOptions().max_area_stops,
          "a day (or instance) of more stops is split by area and each area planned by itself "
          "(a fallback plan, reported as such); 0: never split");
ABSL_FLAG(int, dense_nodes, loket::routing::SolverOptions().dense_nodes,
          "up to this many nodes one plan keeps dense n x n travel tables; above, distances are "
          "computed on demand and only the nearest --neighbours stops are kept per stop");
ABSL_FLAG(int, neighbours, loket::routing::SolverOptions().neighbours,
          "nearest stops kept per stop above --dense_nodes");
ABSL_FLAG(bool, check, false, "validate the solution with the independent checker; exit 2 if not");

namespace {

// The issue fixes the spelling --time-limit; absl flag names cannot hold a dash.
std::vector<char*> Respell(int argc, char** argv, std::vector<std::string>& storage) {
  storage.assign(argv, argv + argc);
  for (std::string& arg : storage) {
    if (arg.rfind("--time-limit", 0) == 0) arg.replace(0, 12, "--time_limit");
    if (arg.rfind("--max-iterations", 0) == 0) arg.replace(0, 16, "--max_iterations");
    if (arg.rfind("--vehicle-cost", 0) == 0) arg.replace(0, 14, "--vehicle_cost");
  }
  std::vector<char*> out;
  for (std::string& arg : storage) out.push_back(arg.data());
  return out;
}

}  // namespace

int RunWorker() {
  using namespace loket;
  workers::BlockStopSignals();
  absl::StatusOr<workers::WorkerOptions> o =
      workers::WorkerOptionsFromFlags("route.plan", /*default_concurrency=*/1);
  if (!o.ok()) {
    log::Error(std::string(o.status().message()));
    return 2;
  }
  // A plan may take the whole search time: the lease must outlast it (heartbeats renew it too).
  o->lease_seconds = std::max<int>(o->lease_seconds, 2 * absl::GetFlag(FLAGS_plan_seconds) + 10);
  routing::PlanOptions options;
  options.speed_kmh = absl::GetFlag(FLAGS_speed_kmh);
  options.detour_factor = absl::GetFlag(FLAGS_detour_factor);
  options.solver.time_limit = absl::Seconds(absl::GetFlag(FLAGS_plan_seconds));
  options.solver.max_iterations = absl::GetFlag(FLAGS_max_iterations);
  options.solver.seed = absl::GetFlag(FLAGS_seed);
  options.solver.max_area_stops = absl::GetFlag(FLAGS_max_area_stops);
  options.solver.dense_nodes = absl::GetFlag(FLAGS_dense_nodes);
  options.solver.neighbours = absl::GetFlag(FLAGS_neighbours);
  workers::TaskLoop loop(*o, [&](const v1::Task& task, v1::CompleteTaskRequest* done) {
    return routing::PlanRouteTask(task, options, *SystemClock::Get(), done);
  });
  log::Info(absl::StrCat("polling route.plan on ", o->addr),
            {{"queue", "route.plan"}, {"addr", o->addr}});
  return workers::RunUntilStopSignal(loop, "loket-router");
}

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "loket-router: plans courier routes (route.plan tasks), or solves "
      "one benchmark file with --instance");
  std::vector<std::string> storage;
  std::vector<char*> args = Respell(argc, argv, storage);
  absl::ParseCommandLine(static_cast<int>(args.size()), args.data());
  loket::log::SetProcessName("loket-router");
  loket::log::RouteGrpcLogs();
  if (absl::GetFlag(FLAGS_instance).empty()) return RunWorker();
  using namespace loket::routing;

  absl::StatusOr<Problem> problem = ReadInstanceFile(absl::GetFlag(FLAGS_instance));
  if (!problem.ok()) {
    loket::log::Error(problem.status().ToString());
    return 1;
  }
  double vehicle_cost = absl::GetFlag(FLAGS_vehicle_cost);
  if (vehicle_cost < 0) vehicle_cost = problem->pairs.empty() ? 0 : 10000;
  problem->objective.vehicle_cost = vehicle_cost;
  const EuclideanMatrix matrix(*problem);
  SolverOptions options;
  options.time_limit = absl::Seconds(absl::GetFlag(FLAGS_time_limit));
  options.max_iterations = absl::GetFlag(FLAGS_max_iterations);
  options.seed = absl::GetFlag(FLAGS_seed);
  options.start_temperature = absl::GetFlag(FLAGS_start_temperature);
  options.end_temperature = absl::GetFlag(FLAGS_end_temperature);
  options.max_area_stops = absl::GetFlag(FLAGS_max_area_stops);
  options.dense_nodes = absl::GetFlag(FLAGS_dense_nodes);
  options.neighbours = absl::GetFlag(FLAGS_neighbours);
  absl::StatusOr<Solution> solution = Solve(*problem, matrix, options, *loket::SystemClock::Get());
  if (!solution.ok()) {
    loket::log::Error(solution.status().ToString());
    return 1;
  }
  std::printf("%s\n", BenchmarkSolutionJson(*problem, *solution).c_str());
  // "NAME: N iterations, U unassigned, A areas": bench/run_routing_scale_bench.sh and
  // tests/routing/router_memory_test.sh read U and A from this message.
  loket::log::Info(
      absl::StrCat(problem->name, ": ", solution->iterations, " iterations, ",
                   solution->unassigned.size(), " unassigned, ", solution->areas, " areas"),
      {{"iterations", absl::StrCat(solution->iterations)},
       {"unassigned", absl::StrCat(solution->unassigned.size())},
       {"areas", absl::StrCat(solution->areas)}});
  if (absl::GetFlag(FLAGS_check)) {
    if (absl::Status status = CheckSolution(*problem, matrix, *solution); !status.ok()) {
      loket::log::Error(absl::StrCat("infeasible: ", status.ToString()));
      return 2;
    }
  }
  return 0;
}
