#include "workers/routing/solver/problem.h"

#include <vector>

#include "absl/strings/str_cat.h"

namespace loket::routing {

absl::Status ValidateProblem(const Problem& problem) {
  const int n = static_cast<int>(problem.nodes.size());
  if (problem.vehicles.empty()) return absl::InvalidArgumentError("problem has no vehicles");
  for (int i = 0; i < n; ++i) {
    const Node& node = problem.nodes[i];
    if (node.due < node.ready) {
      return absl::InvalidArgumentError(absl::StrCat("node ", node.id, ": due before ready"));
    }
    if (node.service < 0) {
      return absl::InvalidArgumentError(absl::StrCat("node ", node.id, ": negative service"));
    }
    if (node.only_vehicle >= static_cast<int>(problem.vehicles.size())) {
      return absl::InvalidArgumentError(
          absl::StrCat("node ", node.id, ": only_vehicle ", node.only_vehicle, " out of range"));
    }
  }
  for (size_t v = 0; v < problem.vehicles.size(); ++v) {
    const Vehicle& vehicle = problem.vehicles[v];
    for (int depot : {vehicle.start_depot, vehicle.end_depot}) {
      if (depot < 0 || depot >= n || !problem.nodes[depot].is_depot) {
        return absl::InvalidArgumentError(
            absl::StrCat("vehicle ", v, ": depot index ", depot, " is not a depot"));
      }
    }
    if (vehicle.capacity < 0) {
      return absl::InvalidArgumentError(absl::StrCat("vehicle ", v, ": negative capacity"));
    }
    if (vehicle.shift_end < vehicle.shift_start) {
      return absl::InvalidArgumentError(absl::StrCat("vehicle ", v, ": shift ends before start"));
    }
  }
  std::vector<bool> paired(n, false);
  for (const PickupDelivery& pair : problem.pairs) {
    for (int node : {pair.pickup, pair.delivery}) {
      if (node < 0 || node >= n || problem.nodes[node].is_depot) {
        return absl::InvalidArgumentError(
            absl::StrCat("pair names node index ", node, ", which is out of range or a depot"));
      }
      if (paired[node]) {
        return absl::InvalidArgumentError(
            absl::StrCat("node ", problem.nodes[node].id, " is in more than one pair"));
      }
      paired[node] = true;
    }
    if (pair.pickup == pair.delivery ||
        problem.nodes[pair.pickup].demand != -problem.nodes[pair.delivery].demand ||
        problem.nodes[pair.pickup].demand < 0) {
      return absl::InvalidArgumentError(absl::StrCat("pair ", problem.nodes[pair.pickup].id, "->",
                                                     problem.nodes[pair.delivery].id,
                                                     ": demands must be +q and -q"));
    }
  }
  return absl::OkStatus();
}

}  // namespace loket::routing
