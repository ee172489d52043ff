#include "workers/routing/solver/checker.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"

namespace loket::routing {
namespace {

absl::Status Violation(absl::string_view kind, const std::string& detail) {
  return absl::FailedPreconditionError(absl::StrCat(kind, ": ", detail));
}

}  // namespace

absl::Status CheckSolution(const Problem& problem, const TravelMatrix& matrix,
                           const Solution& solution, const CheckOptions& options) {
  const int n = static_cast<int>(problem.nodes.size());
  if (matrix.size() != n) {
    return absl::InvalidArgumentError("matrix does not cover the problem's nodes");
  }
  // A pair's partner and role, looked up by node.
  std::vector<int> partner(n, -1);
  std::vector<bool> is_pickup(n, false);
  for (const PickupDelivery& pair : problem.pairs) {
    partner[pair.pickup] = pair.delivery;
    partner[pair.delivery] = pair.pickup;
    is_pickup[pair.pickup] = true;
  }
  std::vector<int> route_of(n, -1);
  std::vector<int> position(n, -1);
  std::vector<bool> vehicle_used(problem.vehicles.size(), false);
  double total_distance = 0;
  int used_routes = 0;
  const double eps = options.time_epsilon;

  for (size_t r = 0; r < solution.routes.size(); ++r) {
    const Route& route = solution.routes[r];
    const std::string where = absl::StrCat("route ", r);
    if (route.vehicle < 0 || route.vehicle >= static_cast<int>(problem.vehicles.size())) {
      return Violation("vehicle", absl::StrCat(where, " names vehicle ", route.vehicle));
    }
    if (vehicle_used[route.vehicle]) {
      return Violation("vehicle", absl::StrCat(where, ": vehicle ", route.vehicle, " used twice"));
    }
    vehicle_used[route.vehicle] = true;
    if (route.stops.empty()) continue;
    ++used_routes;
    const Vehicle& vehicle = problem.vehicles[route.vehicle];

    // Opening load: whatever the route drops that comes from the depot (unpaired negatives).
    int load = 0;
    for (int stop : route.stops) {
      if (stop >= 0 && stop < n && partner[stop] < 0 && problem.nodes[stop].demand < 0) {
        load -= problem.nodes[stop].demand;
      }
    }
    if (load > vehicle.capacity) {
      return Violation("capacity", absl::StrCat(where, " leaves the depot with ", load, " > ",
                                                vehicle.capacity));
    }
    int at = vehicle.start_depot;
    double time =
        std::max(vehicle.shift_start, problem.nodes[at].ready) + problem.nodes[at].service;
    for (size_t k = 0; k < route.stops.size(); ++k) {
      const int stop = route.stops[k];
      if (stop < 0 || stop >= n) {
        return Violation("unserved", absl::StrCat(where, " names node index ", stop));
      }
      const Node& node = problem.nodes[stop];
      if (node.is_depot) {
        return Violation("depot", absl::StrCat(where, " visits depot ", node.id, " as a stop"));
      }
      if (route_of[stop] >= 0) {
        return Violation("duplicated", absl::StrCat("node ", node.id, " is visited twice"));
      }
      if (node.only_vehicle >= 0 && node.only_vehicle != route.vehicle) {
        return Violation("vehicle", absl::StrCat("node ", node.id, " is bound to vehicle ",
                                                 node.only_vehicle, " but served by ", where));
      }
      route_of[stop] = static_cast<int>(r);
      position[stop] = static_cast<int>(k);
      total_distance += matrix.Distance(at, stop);
      const double arrival = time + matrix.Time(at, stop);
      const double start = std::max(arrival, node.ready);
      if (start > node.due + eps) {
        return Violation("time window", absl::StrCat(where, " starts node ", node.id, " at ", start,
                                                     ", after its due time ", node.due));
      }
      // Precedence before load: a delivery ahead of its pickup would otherwise show as a
      // negative load, which hides the real cause.
      if (partner[stop] >= 0 && !is_pickup[stop]) {
        const int pickup = partner[stop];
        if (route_of[pickup] != static_cast<int>(r)) {
          return Violation("precedence", absl::StrCat("delivery ", node.id, " on ", where,
                                                      " before or without its pickup ",
                                                      problem.nodes[pickup].id));
        }
      }
      load += node.demand;
      if (load > vehicle.capacity || load < 0) {
        return Violation("capacity", absl::StrCat(where, " carries ", load, " after node ", node.id,
                                                  " (capacity ", vehicle.capacity, ")"));
      }
      time = start + node.service;
      at = stop;
    }
    total_distance += matrix.Distance(at, vehicle.end_depot);
    const double back = time + matrix.Time(at, vehicle.end_depot);
    const double shift_end = std::min(vehicle.shift_end, problem.nodes[vehicle.end_depot].due);
    if (back > shift_end + eps) {
      return Violation("shift end",
                       absl::StrCat(where, " is back at ", back, ", after ", shift_end));
    }
  }
  // Pickups whose delivery went elsewhere (or nowhere) were not caught above.
  for (const PickupDelivery& pair : problem.pairs) {
    if (route_of[pair.pickup] >= 0 && route_of[pair.pickup] != route_of[pair.delivery]) {
      return Violation("precedence",
                       absl::StrCat("pickup ", problem.nodes[pair.pickup].id, " and delivery ",
                                    problem.nodes[pair.delivery].id, " are not on the same route"));
    }
  }
  std::vector<bool> listed(n, false);
  for (int stop : solution.unassigned) {
    if (stop < 0 || stop >= n || route_of[stop] >= 0 || listed[stop]) {
      return Violation("duplicated", absl::StrCat("unassigned node index ", stop,
                                                  " is routed, listed twice or out of range"));
    }
    listed[stop] = true;
  }
  for (int i = 0; i < n; ++i) {
    if (problem.nodes[i].is_depot || route_of[i] >= 0) continue;
    if (!listed[i] || !options.allow_unassigned) {
      return Violation("unserved", absl::StrCat("node ", problem.nodes[i].id, " is not served"));
    }
  }
  if (std::abs(total_distance - solution.distance) > options.distance_tolerance) {
    return Violation("distance", absl::StrCat("reported ", solution.distance, ", routes add up to ",
                                              total_distance));
  }
  if (solution.vehicles != used_routes) {
    return Violation("vehicles",
                     absl::StrCat("reported ", solution.vehicles, ", routes use ", used_routes));
  }
  return absl::OkStatus();
}

}  // namespace loket::routing
