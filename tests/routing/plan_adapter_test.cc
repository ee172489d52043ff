// The router's adapter: a route.plan input as loketd attaches it becomes routes for the right
// couriers, with pairs on one route in order, bound stops on their courier, and stops no courier
// can reach reported rather than dropped. Iteration-limited, with a clock that never moves.
#include "workers/routing/plan_adapter.h"

#include <map>
#include <set>

#include "gtest/gtest.h"

namespace loket::routing {
namespace {

constexpr double kOfficeLat = -1.24293, kOfficeLon = 116.89444;

v1::RoutePlanInput Day() {
  v1::RoutePlanInput in;
  in.set_day("2026-03-17");
  in.set_version(7);
  in.set_office_latitude(kOfficeLat);
  in.set_office_longitude(kOfficeLon);
  for (int64_t id : {11, 12}) {
    auto* v = in.add_vehicles();
    v->set_courier_id(id);
    v->set_capacity(4);
    v->set_start_latitude(kOfficeLat);
    v->set_start_longitude(kOfficeLon);
    v->set_start(9 * 3600);
    v->set_end(16 * 3600);
  }
  return in;
}

void AddNode(v1::RoutePlanInput& in, int64_t id, double lat, double lon, int demand,
             int64_t partner, double ready = 9 * 3600, double due = 16 * 3600, int64_t only = 0) {
  auto* n = in.add_nodes();
  n->set_stop_id(id);
  n->set_latitude(lat);
  n->set_longitude(lon);
  n->set_ready(ready);
  n->set_due(due);
  n->set_service(300);
  n->set_demand(demand);
  n->set_partner_stop_id(partner);
  n->set_only_courier(only);
}

PlanOptions Options() {
  PlanOptions o;
  o.solver.time_limit = absl::InfiniteDuration();
  o.solver.max_iterations = 300;
  return o;
}

TEST(PlanAdapterTest, PairsRideTogetherAndBoundStopsStayWithTheirCourier) {
  v1::RoutePlanInput in = Day();
  // Two clinic pickups, each handed in at the office.
  AddNode(in, 1, -1.27629, 116.84396, 1, 2);
  AddNode(in, 2, kOfficeLat, kOfficeLon, -1, 1);
  AddNode(in, 3, -1.23710, 116.85880, 1, 4);
  AddNode(in, 4, kOfficeLat, kOfficeLon, -1, 3);
  // A permit courier 12 carries.
  AddNode(in, 5, -1.26, 116.85, -1, 0, 9 * 3600, 16 * 3600, /*only=*/12);
  FakeClock still(absl::UnixEpoch());
  absl::StatusOr<v1::RoutePlanResult> r = PlanRoutes(in, Options(), still);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->day(), "2026-03-17");
  EXPECT_EQ(r->version(), 7);
  EXPECT_EQ(r->unassigned_stop_ids_size(), 0);
  std::map<int64_t, std::pair<int64_t, int>> where;  // stop -> (courier, position)
  for (const auto& route : r->routes()) {
    double last = 0;
    for (int k = 0; k < route.visits_size(); ++k) {
      where[route.visits(k).stop_id()] = {route.courier_id(), k};
      EXPECT_GE(route.visits(k).start(), last);
      last = route.visits(k).start();
    }
    EXPECT_GT(route.end(), last);
  }
  ASSERT_EQ(where.size(), 5u);
  EXPECT_EQ(where[5].first, 12);
  EXPECT_EQ(where[1].first, where[2].first);
  EXPECT_LT(where[1].second, where[2].second);
  EXPECT_EQ(where[3].first, where[4].first);
  EXPECT_LT(where[3].second, where[4].second);
  EXPECT_GT(r->distance_m(), 10000);  // the clinics are several km from the office
}

TEST(PlanAdapterTest, WhatNobodyCanDoIsReportedUnassigned) {
  v1::RoutePlanInput in = Day();
  // A window that closed before any shift starts, and a permit whose courier is off shift.
  AddNode(in, 1, -1.27629, 116.84396, 1, 2, 7 * 3600, 7 * 3600 + 60);
  AddNode(in, 2, kOfficeLat, kOfficeLon, -1, 1);
  AddNode(in, 3, -1.26, 116.85, -1, 0, 9 * 3600, 16 * 3600, /*only=*/99);
  FakeClock still(absl::UnixEpoch());
  absl::StatusOr<v1::RoutePlanResult> r = PlanRoutes(in, Options(), still);
  ASSERT_TRUE(r.ok()) << r.status();
  std::set<int64_t> unassigned(r->unassigned_stop_ids().begin(), r->unassigned_stop_ids().end());
  EXPECT_EQ(unassigned, (std::set<int64_t>{1, 2, 3}));
  EXPECT_EQ(r->routes_size(), 0);
}

TEST(PlanAdapterTest, APartnerMissingFromTheInputIsAnInputError) {
  v1::RoutePlanInput in = Day();
  AddNode(in, 1, -1.27629, 116.84396, 1, 42);
  FakeClock still(absl::UnixEpoch());
  absl::StatusOr<v1::RoutePlanResult> r = PlanRoutes(in, Options(), still);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace loket::routing
