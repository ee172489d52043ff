// The router's adapter: a route.plan input as loketd attaches it becomes routes for the right
// couriers, with pairs on one route in order, bound stops on their courier, and stops no courier
// can reach reported rather than dropped. Iteration-limited, with a clock that never moves.
#include "workers/routing/plan_adapter.h"

#include <map>
#include <set>

#include "common/testing/fake_clock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace loket::routing {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
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
  ASSERT_THAT(r, IsOk()) << r.status();
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
  ASSERT_THAT(r, IsOk()) << r.status();
  std::set<int64_t> unassigned(r->unassigned_stop_ids().begin(), r->unassigned_stop_ids().end());
  EXPECT_EQ(unassigned, (std::set<int64_t>{1, 2, 3}));
  EXPECT_EQ(r->routes_size(), 0);
}

TEST(PlanAdapterTest, APartnerMissingFromTheInputIsAnInputError) {
  v1::RoutePlanInput in = Day();
  AddNode(in, 1, -1.27629, 116.84396, 1, 42);
  FakeClock still(absl::UnixEpoch());
  absl::StatusOr<v1::RoutePlanResult> r = PlanRoutes(in, Options(), still);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(PlanAdapterTest, ADayAboveTheAreaLimitGetsTheFallbackPlanWithEveryStopPlacedOrReported) {
  // 3,000 stops (1,000 clinic pickups with their hand-ins at the office, 900 deliveries, 100
  // permits on board a courier), 120 couriers: above max_area_stops, so planned by area and
  // reported as such; every stop is on exactly one route or reported unassigned, pairs ride
  // together in order, bound stops stay with their courier.
  v1::RoutePlanInput in = Day();
  in.clear_vehicles();
  for (int64_t id = 1; id <= 120; ++id) {
    auto* v = in.add_vehicles();
    v->set_courier_id(id);
    v->set_capacity(30);
    v->set_start_latitude(kOfficeLat + 0.001 * (id % 7));
    v->set_start_longitude(kOfficeLon - 0.001 * (id % 5));
    v->set_start(8 * 3600);
    v->set_end(18 * 3600);
  }
  uint64_t x = 11;
  auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(x >> 11) * 0x1.0p-53;
  };
  int64_t id = 1;
  std::map<int64_t, int64_t> bound;  // stop -> courier
  for (int i = 0; i < 1000; ++i, id += 2) {
    AddNode(in, id, kOfficeLat + 0.1 * (next() - 0.5), kOfficeLon + 0.1 * (next() - 0.5), 1, id + 1,
            8 * 3600, 18 * 3600);
    AddNode(in, id + 1, kOfficeLat, kOfficeLon, -1, id, 8 * 3600, 18 * 3600);
  }
  for (int i = 0; i < 1000; ++i, ++id) {
    const int64_t only = i % 10 == 0 ? 1 + i % 120 : 0;
    AddNode(in, id, kOfficeLat + 0.1 * (next() - 0.5), kOfficeLon + 0.1 * (next() - 0.5), -1, 0,
            8 * 3600, 18 * 3600, only);
    if (only != 0) bound[id] = only;
  }
  PlanOptions options = Options();
  options.solver.max_area_stops = 500;
  FakeClock still(absl::UnixEpoch());
  absl::StatusOr<v1::RoutePlanResult> r = PlanRoutes(in, options, still);
  ASSERT_THAT(r, IsOk()) << r.status();  // and so it passed the checker
  EXPECT_EQ(r->areas(), 6);
  std::map<int64_t, std::pair<int64_t, int>> where;  // stop -> (courier, position)
  std::map<int64_t, int> seen;
  for (const auto& route : r->routes()) {
    for (int k = 0; k < route.visits_size(); ++k) {
      where[route.visits(k).stop_id()] = {route.courier_id(), k};
      ++seen[route.visits(k).stop_id()];
    }
  }
  for (int64_t stop : r->unassigned_stop_ids()) ++seen[stop];
  ASSERT_EQ(seen.size(), 3000u);
  for (const auto& [stop, times] : seen) EXPECT_EQ(times, 1) << "stop " << stop;
  EXPECT_GT(where.size(), 2900u);  // the fleet has room: almost everything is routed
  for (int64_t p = 1; p < 2001; p += 2) {
    if (!where.contains(p)) continue;
    ASSERT_TRUE(where.contains(p + 1)) << p;
    EXPECT_EQ(where[p].first, where[p + 1].first);
    EXPECT_LT(where[p].second, where[p + 1].second);
  }
  for (const auto& [stop, courier] : bound) {
    if (where.contains(stop)) EXPECT_EQ(where[stop].first, courier) << "stop " << stop;
  }
}

TEST(PlanAdapterTest, AnUnusedCourierStartingAwayAddsNoDistance) {
  // Courier 12 starts 5 km away and has nothing to do: the plan's distance is courier 11's route
  // alone (it used to include 12's empty leg home, and the checker refused the plan).
  v1::RoutePlanInput in = Day();
  in.mutable_vehicles(1)->set_start_latitude(kOfficeLat - 0.045);
  AddNode(in, 1, kOfficeLat + 0.001, kOfficeLon, -1, 0, 9 * 3600, 16 * 3600, /*only=*/11);
  FakeClock still(absl::UnixEpoch());
  absl::StatusOr<v1::RoutePlanResult> r = PlanRoutes(in, Options(), still);
  ASSERT_THAT(r, IsOk()) << r.status();
  ASSERT_EQ(r->routes_size(), 1);
  EXPECT_LT(r->distance_m(), 1000);
}

// loket-router's work on one task: a payload that is not a day's input is refused naming it; a
// day's input comes back as the task's route plan.
TEST(PlanAdapterTest, ATaskIsPlannedIntoItsResultOrRefusedNamingThePayload) {
  FakeClock still(absl::UnixEpoch());
  v1::Task task;
  task.set_id(5);
  task.set_payload("\xff not a message");
  v1::CompleteTaskRequest done;
  EXPECT_THAT(PlanRouteTask(task, Options(), still, &done),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("payload")));
  v1::RoutePlanInput in = Day();
  AddNode(in, 1, kOfficeLat + 0.01, kOfficeLon, 1, 2);
  AddNode(in, 2, kOfficeLat, kOfficeLon, -1, 1);
  task.set_payload(in.SerializeAsString());
  ASSERT_THAT(PlanRouteTask(task, Options(), still, &done), IsOk());
  EXPECT_EQ(done.route_plan().day(), "2026-03-17");
  EXPECT_EQ(done.route_plan().version(), 7);
  EXPECT_EQ(done.route_plan().routes_size(), 1);
}

TEST(PlanAdapterTest, ANormalDayIsPlannedAsOne) {
  v1::RoutePlanInput in = Day();
  AddNode(in, 1, -1.27629, 116.84396, -1, 0);
  FakeClock still(absl::UnixEpoch());
  absl::StatusOr<v1::RoutePlanResult> r = PlanRoutes(in, Options(), still);
  ASSERT_THAT(r, IsOk()) << r.status();
  EXPECT_EQ(r->areas(), 1);
}

}  // namespace
}  // namespace loket::routing
