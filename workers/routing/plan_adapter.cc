#include "workers/routing/plan_adapter.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "workers/routing/solver/checker.h"
#include "workers/routing/solver/travel.h"

namespace loket::routing {

absl::StatusOr<v1::RoutePlanResult> PlanRoutes(const v1::RoutePlanInput& in,
                                               const PlanOptions& options, const Clock& clock) {
  v1::RoutePlanResult out;
  out.set_day(in.day());
  out.set_version(in.version());
  Problem problem;
  problem.name = absl::StrCat("route.plan ", in.day());
  problem.objective = {0, 1};  // distance only: a courier on shift costs nothing extra to use
  std::map<int64_t, int> vehicle_of_courier;
  // Depots: the office (every route ends there) and each courier's starting point.
  Node office;
  office.id = 0;
  office.x = in.office_longitude();
  office.y = in.office_latitude();
  office.ready = 0;
  office.due = 48 * 3600;
  office.is_depot = true;
  problem.nodes.push_back(office);
  for (const auto& v : in.vehicles()) {
    Node start = office;
    start.id = -static_cast<int>(problem.nodes.size());
    start.x = v.start_longitude();
    start.y = v.start_latitude();
    vehicle_of_courier[v.courier_id()] = static_cast<int>(problem.vehicles.size());
    problem.vehicles.push_back(
        {v.capacity(), static_cast<int>(problem.nodes.size()), 0, v.start(), v.end()});
    problem.nodes.push_back(start);
  }
  std::map<int64_t, int> node_of_stop;
  std::vector<int64_t> stop_of_node(problem.nodes.size(), 0);
  for (const auto& n : in.nodes()) {
    int only = -1;
    if (n.only_courier() != 0) {
      auto it = vehicle_of_courier.find(n.only_courier());
      if (it == vehicle_of_courier.end()) {  // its courier is off shift: nobody else may take it
        out.add_unassigned_stop_ids(n.stop_id());
        continue;
      }
      only = it->second;
    }
    Node node;
    node.id = static_cast<int>(problem.nodes.size());
    node.x = n.longitude();
    node.y = n.latitude();
    node.demand = n.demand();
    node.ready = n.ready();
    node.due = std::max(n.ready(), n.due());
    node.service = n.service();
    node.only_vehicle = only;
    node_of_stop[n.stop_id()] = static_cast<int>(problem.nodes.size());
    stop_of_node.push_back(n.stop_id());
    problem.nodes.push_back(node);
  }
  for (const auto& n : in.nodes()) {
    if (n.demand() <= 0 || n.partner_stop_id() == 0) continue;
    auto p = node_of_stop.find(n.stop_id());
    auto d = node_of_stop.find(n.partner_stop_id());
    if (p == node_of_stop.end() || d == node_of_stop.end()) {
      return absl::InvalidArgumentError(absl::StrCat("payload: stop ", n.stop_id(), "'s partner ",
                                                     n.partner_stop_id(), " is not in the input"));
    }
    problem.pairs.push_back({p->second, d->second});
  }
  if (node_of_stop.empty()) return out;
  if (problem.vehicles.empty()) {
    for (const auto& [stop, node] : node_of_stop) out.add_unassigned_stop_ids(stop);
    return out;
  }
  if (absl::Status valid = ValidateProblem(problem); !valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("payload: ", valid.message()));
  }
  const HaversineMatrix matrix(problem, options.speed_kmh, options.detour_factor);
  LOKET_ASSIGN_OR_RETURN(Solution solution, Solve(problem, matrix, options.solver, clock));
  CheckOptions check;
  check.allow_unassigned = true;  // reported to loketd, which leaves them pending
  if (absl::Status checked = CheckSolution(problem, matrix, solution, check); !checked.ok()) {
    return absl::InternalError(
        absl::StrCat("the solver's plan failed the checker: ", checked.message()));
  }
  for (const Route& r : solution.routes) {
    v1::RoutePlanResult::Route* route = out.add_routes();
    route->set_courier_id(in.vehicles(r.vehicle).courier_id());
    int last = problem.vehicles[r.vehicle].start_depot;
    double leave = in.vehicles(r.vehicle).start();
    for (size_t k = 0; k < r.stops.size(); ++k) {
      v1::RoutePlanResult::Visit* v = route->add_visits();
      v->set_stop_id(stop_of_node[r.stops[k]]);
      v->set_start(r.service_start[k]);
      last = r.stops[k];
      leave = r.service_start[k] + problem.nodes[last].service;
    }
    route->set_end(leave + matrix.Time(last, 0));
  }
  // Both ends of a pair are listed.
  for (int node : solution.unassigned) out.add_unassigned_stop_ids(stop_of_node[node]);
  out.set_distance_m(solution.distance);
  out.set_areas(solution.areas);
  return out;
}

absl::Status PlanRouteTask(const v1::Task& task, const PlanOptions& options, const Clock& clock,
                           v1::CompleteTaskRequest* done) {
  v1::RoutePlanInput in;
  if (!in.ParseFromString(task.payload())) {
    return absl::InvalidArgumentError("payload: not a RoutePlanInput");
  }
  LOKET_ASSIGN_OR_RETURN(v1::RoutePlanResult plan, PlanRoutes(in, options, clock));
  const std::string task_id = absl::StrCat(task.id());
  const std::string day = absl::StrCat(in.day(), " v", in.version());
  if (plan.areas() > 1) {
    log::Write({log::Level::kWarn,
                absl::StrFormat("%s: %d stops is above --max_area_stops %d: not planned as one "
                                "day; fallback plan by area (%d areas, routes do not cross "
                                "their borders)",
                                day, in.nodes_size(), options.solver.max_area_stops, plan.areas()),
                "",
                task_id,
                {{"areas", absl::StrCat(plan.areas())}}});
  }
  log::Write({log::Level::kInfo,
              absl::StrFormat("%s: %d stops, %d couriers -> %d routes, %.0f m, %d unassigned", day,
                              in.nodes_size(), in.vehicles_size(), plan.routes_size(),
                              plan.distance_m(), plan.unassigned_stop_ids_size()),
              "",
              task_id,
              {{"day", in.day()},
               {"version", absl::StrCat(in.version())},
               {"stops", absl::StrCat(in.nodes_size())},
               {"routes", absl::StrCat(plan.routes_size())},
               {"unassigned", absl::StrCat(plan.unassigned_stop_ids_size())}}});
  *done->mutable_route_plan() = std::move(plan);
  return absl::OkStatus();
}

}  // namespace loket::routing
