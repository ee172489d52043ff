// The router's adapter between route.plan messages and the pure solver: a RoutePlanInput becomes a
// routing::Problem (couriers' positions as start depots, the office as the end depot, stops with
// windows, pickup-and-delivery pairs, permits on board bound to their courier), and a Solution
// becomes a RoutePlanResult. The only place in the router that knows both.
#ifndef LOKET_WORKERS_ROUTING_PLAN_ADAPTER_H_
#define LOKET_WORKERS_ROUTING_PLAN_ADAPTER_H_

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "loket/v1/courier.pb.h"
#include "loket/v1/task.pb.h"
#include "workers/routing/solver/solver.h"

namespace loket::routing {

struct PlanOptions {
  double speed_kmh = 25;       // a motorbike in city traffic
  double detour_factor = 1.3;  // streets are not straight lines
  SolverOptions solver;
};

// Plans one office day. Every route it returns passed the independent checker; INTERNAL if the
// solver's answer did not (a bug: the task fails rather than sending couriers on it). A day of
// more than options.solver.max_area_stops stops is planned by area (solver.h, SolveByArea), and
// the result's `areas` says so; every stop is then still either on a route or unassigned.
absl::StatusOr<v1::RoutePlanResult> PlanRoutes(const v1::RoutePlanInput& in,
                                               const PlanOptions& options, const Clock& clock);

// loket-router's work on one leased route.plan task: its payload, a RoutePlanInput, planned
// (PlanRoutes) into done->route_plan, with a log line of what was planned and a warning when the
// day was split by area. INVALID_ARGUMENT naming `payload` when it is not a RoutePlanInput.
absl::Status PlanRouteTask(const v1::Task& task, const PlanOptions& options, const Clock& clock,
                           v1::CompleteTaskRequest* done);

}  // namespace loket::routing

#endif  // LOKET_WORKERS_ROUTING_PLAN_ADAPTER_H_
