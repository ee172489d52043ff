// An independent feasibility checker: it replays a Solution's routes against the Problem and the
// TravelMatrix from scratch, sharing no bookkeeping with the solver, so that tests and benchmarks
// do not take the solver's word for its own feasibility. Stateless; thread-safe.
#ifndef LOKET_WORKERS_ROUTING_SOLVER_CHECKER_H_
#define LOKET_WORKERS_ROUTING_SOLVER_CHECKER_H_

#include "absl/status/status.h"
#include "workers/routing/solver/problem.h"
#include "workers/routing/solver/solver.h"
#include "workers/routing/solver/travel.h"

namespace loket::routing {

struct CheckOptions {
  // When false, a stop listed in Solution::unassigned is a violation like any unserved stop.
  bool allow_unassigned = false;
  // Solution::distance must match the recomputed total within this (absolute) tolerance.
  double distance_tolerance = 1e-3;
  // Times are compared with this slack, for floating-point sums.
  double time_epsilon = 1e-6;
};

// Returns OkStatus when every route is feasible and every stop is served once; otherwise
// FailedPreconditionError whose message names the first violation found, one of: "vehicle" (index
// out of range or used twice), "depot" (a depot among the stops), "duplicated", "unserved",
// "time window", "capacity", "precedence" (delivery before its pickup, or on another route),
// "shift end", "distance" or "vehicles" (totals that do not match the routes).
absl::Status CheckSolution(const Problem& problem, const TravelMatrix& matrix,
                           const Solution& solution, const CheckOptions& options = {});

}  // namespace loket::routing

#endif  // LOKET_WORKERS_ROUTING_SOLVER_CHECKER_H_
