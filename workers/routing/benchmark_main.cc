// loket-router-bench: solves one Solomon or Li & Lim benchmark file with the worker's solver and
// prints the solution as one JSON object on standard output:
//   {"vehicles": n, "distance": d, "routes": [[node ids in visiting order, depot excluded], ...]}
// The lead folds this mode into loket-router; bench/run_routing_bench.sh drives it.
//
//   loket-router-bench --instance FILE --time-limit SECONDS --seed N [--vehicle_cost C] [--check]
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "workers/routing/solver/checker.h"
#include "workers/routing/solver/instance_reader.h"
#include "workers/routing/solver/solver.h"
#include "workers/routing/solver/travel.h"

ABSL_FLAG(std::string, instance, "", "Solomon or Li & Lim instance file");
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

int main(int argc, char** argv) {
  std::vector<std::string> storage;
  std::vector<char*> args = Respell(argc, argv, storage);
  absl::ParseCommandLine(static_cast<int>(args.size()), args.data());
  using namespace loket::routing;

  absl::StatusOr<Problem> problem = ReadInstanceFile(absl::GetFlag(FLAGS_instance));
  if (!problem.ok()) {
    std::fprintf(stderr, "%s\n", problem.status().ToString().c_str());
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
  absl::StatusOr<Solution> solution = Solve(*problem, matrix, options, *loket::SystemClock::Get());
  if (!solution.ok()) {
    std::fprintf(stderr, "%s\n", solution.status().ToString().c_str());
    return 1;
  }
  std::string json = absl::StrFormat(R"({"vehicles": %d, "distance": %.4f, "routes": [)",
                                     solution->vehicles, solution->distance);
  for (size_t r = 0; r < solution->routes.size(); ++r) {
    absl::StrAppend(&json, r ? ", [" : "[");
    const std::vector<int>& stops = solution->routes[r].stops;
    for (size_t k = 0; k < stops.size(); ++k) {
      absl::StrAppend(&json, k ? ", " : "", problem->nodes[stops[k]].id);
    }
    absl::StrAppend(&json, "]");
  }
  absl::StrAppend(&json, "]}");
  std::printf("%s\n", json.c_str());
  std::fprintf(stderr, "%s: %lld iterations, %d unassigned\n", problem->name.c_str(),
               static_cast<long long>(solution->iterations),
               static_cast<int>(solution->unassigned.size()));
  if (absl::GetFlag(FLAGS_check)) {
    if (absl::Status status = CheckSolution(*problem, matrix, *solution); !status.ok()) {
      std::fprintf(stderr, "infeasible: %s\n", status.ToString().c_str());
      return 2;
    }
  }
  return 0;
}
