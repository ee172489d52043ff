// The courier routing solver: vehicle routing with time windows, capacities, shifts and
// pickup-and-delivery pairs. A regret-2 insertion builds a first solution; a ruin-and-recreate
// large neighbourhood search improves it until a time or iteration limit: adjacent string removal
// (Christiaens and Vanden Berghe's SISR), random, worst and whole-route removals; greedy insertion
// with blinks; simulated annealing acceptance. With a vehicle cost, a fleet minimisation phase
// (SISR's, with absence counts) first tries to do with fewer routes.
//
// Deterministic for a seed when stopped by `max_iterations` alone (time_limit infinite, or a clock
// that does not move); stopped by time, the number of iterations done, and so the result, depends
// on the machine's speed. With a FakeClock that never advances, a time limit alone never stops:
// tests set max_iterations. Solve keeps no state between calls and may run on several threads at
// once (each call has its own random generator and its own copy of the matrix).
#ifndef LOKET_WORKERS_ROUTING_SOLVER_SOLVER_H_
#define LOKET_WORKERS_ROUTING_SOLVER_SOLVER_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "workers/routing/solver/problem.h"
#include "workers/routing/solver/travel.h"

namespace loket::routing {

struct SolverOptions {
  // The search stops at the first of these two limits; at least one must be set (a zero
  // time_limit with max_iterations = 0 returns the construction alone).
  absl::Duration time_limit = absl::Seconds(10);
  int64_t max_iterations = 0;  // 0: no iteration limit
  uint64_t seed = 1;
  // At most this many vehicles are used (0: all of Problem::vehicles).
  int max_vehicles = 0;
  // Tuning; the defaults are those the benchmark in docs/benchmarks-routing.md was run with.
  double mean_removed = 10;       // average number of stops one ruin removes
  double max_string_length = 10;  // longest string a string removal takes from one route
  double blink_rate = 0.01;       // probability that recreate skips a position (diversifies)
  double start_temperature = 4;   // simulated annealing, as a fraction of the mean arc length
  double end_temperature = 0.1;
  // With a vehicle cost, the share of the budget spent first on removing routes.
  double fleet_share = 0.3;
};

// One vehicle's route. `stops` are Problem::nodes indices in visiting order, depots excluded;
// `service_start[k]` is when service at stops[k] begins (after any wait).
struct Route {
  int vehicle = 0;  // index into Problem::vehicles
  std::vector<int> stops;
  std::vector<double> service_start;
};

struct Solution {
  std::vector<Route> routes;  // non-empty routes only
  double distance = 0;        // total distance by TravelMatrix::Distance, depot legs included
  int vehicles = 0;           // routes.size()
  double cost = 0;            // by Problem::objective, plus nothing for unassigned stops
  // Stops no vehicle could serve (window unreachable, demand above every capacity, or the fleet too
  // small); empty when every stop is routed.
  std::vector<int> unassigned;
  int64_t iterations = 0;  // ruin-and-recreate iterations done
};

// Solves `problem` with travel times and distances from `matrix`; the time limit is measured on
// `clock` from the call. Returns InvalidArgumentError when the problem is inconsistent
// (ValidateProblem) or the matrix does not cover it. Stops that cannot be served are reported in
// Solution::unassigned rather than as an error, so that the caller can plan the rest.
absl::StatusOr<Solution> Solve(const Problem& problem, const TravelMatrix& matrix,
                               const SolverOptions& options, const Clock& clock);

}  // namespace loket::routing

#endif  // LOKET_WORKERS_ROUTING_SOLVER_SOLVER_H_
