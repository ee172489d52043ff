// The routing problem the solver takes: stops (with demand, time window and service time),
// pickup-and-delivery pairs, a fleet (capacity, shift, depots) and objective weights. Plain data;
// no gRPC or protobuf types (DESIGN.md section 2). A Problem is immutable once built and may be
// read from any number of threads.
#ifndef LOKET_WORKERS_ROUTING_SOLVER_PROBLEM_H_
#define LOKET_WORKERS_ROUTING_SOLVER_PROBLEM_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace loket::routing {

// One place: a depot or a stop. Times are in the unit of the TravelMatrix (minutes for the
// Solomon and Li & Lim files, seconds for HaversineMatrix). Indices into Problem::nodes are what
// the solver, the matrix and the checker speak; `id` is only carried through for output.
struct Node {
  int id = 0;
  // Planar coordinates (Solomon) or longitude (x) and latitude (y) in degrees (HaversineMatrix).
  double x = 0;
  double y = 0;
  // For a stop outside any pair: > 0 is picked up and carried to the end depot, < 0 is loaded at
  // the start depot and dropped here. For a pair: the pickup has +q, its delivery -q.
  int demand = 0;
  // Service must start within [ready, due]; arriving early means waiting.
  double ready = 0;
  double due = 0;
  double service = 0;
  // Depots are never visited as stops; vehicles start and end at them.
  bool is_depot = false;
  // >= 0: only this vehicle (index into Problem::vehicles) may serve the stop, e.g. a courier
  // already carrying the permit it delivers. For a pair, set on either end binds both.
  int only_vehicle = -1;
};

// A pickup whose load must be delivered by the same vehicle, later on the same route.
struct PickupDelivery {
  int pickup = 0;    // index into Problem::nodes
  int delivery = 0;  // index into Problem::nodes
};

// One courier (vehicle). A route leaves `start_depot` no earlier than `shift_start` and is back at
// `end_depot` no later than `shift_end`.
struct Vehicle {
  int capacity = 0;
  int start_depot = 0;  // index into Problem::nodes
  int end_depot = 0;    // index into Problem::nodes
  double shift_start = 0;
  double shift_end = 0;
};

// cost = vehicle_cost * routes used + distance_cost * total distance. The literature's
// hierarchical objective (fewest vehicles, then distance) is a vehicle_cost far above any
// distance; the distance-only objective is vehicle_cost = 0.
struct ObjectiveWeights {
  double vehicle_cost = 0;
  double distance_cost = 1;
};

struct Problem {
  std::string name;
  std::vector<Node> nodes;
  std::vector<PickupDelivery> pairs;
  std::vector<Vehicle> vehicles;
  ObjectiveWeights objective;
};

// Returns InvalidArgumentError naming the first inconsistency: a depot index out of range or not a
// depot, a pair naming a depot or a node twice, a pair whose demands are not +q/-q, an empty
// window, a negative service time or capacity, no vehicles.
absl::Status ValidateProblem(const Problem& problem);

}  // namespace loket::routing

#endif  // LOKET_WORKERS_ROUTING_SOLVER_PROBLEM_H_
