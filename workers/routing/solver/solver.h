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
//
// Memory (issue 12: a dense n x n copy took 1.28 GB at 8,000 stops and 23.7 GB at ~23,000). Up
// to `dense_nodes` nodes the solver copies the matrix into dense n x n tables and keeps every
// stop's full neighbour list, as before (about 20 bytes x n^2: 80 MB at 2,000 nodes). Above that it
// asks the TravelMatrix for each distance and time as it needs it and keeps only the `neighbours`
// nearest stops per stop (candidates from a grid on the coordinates above 5,000 stops): memory
// linear in n. And a problem of more than `max_area_stops` stops is
// split by area (SolveByArea below) and each area solved by itself, so one area's tables are the
// largest thing held at any time.
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
  // Memory bounds (see the top of this file). dense_nodes: largest node count (depots included)
  // for dense n x n tables; neighbours: nearest stops kept per stop above it.
  int dense_nodes = 2000;
  int neighbours = 64;
  // More stops than this: the problem is split by area and each area solved by itself (a
  // fallback, reported in Solution::areas: routes do not cross area borders). 0: never split.
  int max_area_stops = 1000;
};

// What one Solve held, in elements, for tests and benchmarks: the largest over the areas of a
// split problem. travel_entries: dense table cells (distance and time; 0 when computed on demand);
// neighbour_entries: neighbour list entries; insertion_cache_entries: the construction's
// per-item, per-route cache.
struct SolveFootprint {
  int64_t nodes = 0;
  int64_t travel_entries = 0;
  int64_t neighbour_entries = 0;
  int64_t insertion_cache_entries = 0;
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
  // 1: solved as one problem. > 1: the problem had more than SolverOptions::max_area_stops stops
  // and was split into this many areas, each solved by itself (SolveByArea).
  int areas = 1;
  SolveFootprint footprint;
};

// Solves `problem` with travel times and distances from `matrix`; the time limit is measured on
// `clock` from the call. Returns InvalidArgumentError when the problem is inconsistent
// (ValidateProblem) or the matrix does not cover it. Stops that cannot be served are reported in
// Solution::unassigned rather than as an error, so that the caller can plan the rest.
// Above options.max_area_stops stops, Solve calls SolveByArea.
absl::StatusOr<Solution> Solve(const Problem& problem, const TravelMatrix& matrix,
                               const SolverOptions& options, const Clock& clock);

// The split by area (the fallback for a day too large to plan as one problem). Items (unpaired
// stops, and pairs as one) not bound to a vehicle are sorted by their angle around the first
// vehicle's end depot (the office) and cut into A consecutive wedges, A = ceil(stops /
// max_area_stops) but no more than the vehicles; the vehicles, sorted by the angle of their start
// depot, are dealt to the wedges in order, in blocks as even as possible, and each wedge gets a
// share of the stops in proportion to its vehicles. A stop bound to a vehicle goes to that
// vehicle's wedge. Each wedge is solved by itself with a share of the time (and iteration) budget
// in proportion to its stops. Routes never cross wedge borders, so the result is worse than one
// solve could be; but only one wedge's tables are held at a time. Used by Solve; public for tests.
absl::StatusOr<Solution> SolveByArea(const Problem& problem, const TravelMatrix& matrix,
                                     const SolverOptions& options, const Clock& clock);

}  // namespace loket::routing

#endif  // LOKET_WORKERS_ROUTING_SOLVER_SOLVER_H_
