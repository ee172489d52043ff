// Unit tests of the routing solver library: readers, the independent checker (one test per kind of
// violation), small instances against exhaustive enumeration, and benchmark instances solved under
// an iteration limit and validated by the checker. No real time: a FakeClock that never moves, so
// every Solve here stops by its iteration limit and is deterministic for its seed.
#include "workers/routing/solver/solver.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/testing/fake_clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "workers/routing/solver/checker.h"
#include "workers/routing/solver/instance_reader.h"
#include "workers/routing/solver/problem.h"
#include "workers/routing/solver/travel.h"

namespace loket::routing {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::testing::HasSubstr;

std::string DataFile(const std::string& name) {
  return std::string(LOKET_ROUTING_TEST_DATA) + "/" + name;
}

SolverOptions Iterations(int64_t n, uint64_t seed = 1) {
  SolverOptions options;
  options.time_limit = absl::InfiniteDuration();
  options.max_iterations = n;
  options.seed = seed;
  return options;
}

FakeClock& StillClock() {
  static FakeClock* clock = new FakeClock(absl::FromUnixSeconds(1700000000));
  return *clock;
}

// A depot at the origin and stops with the given coordinates, wide windows, demand 1, no service.
Problem LineProblem(const std::vector<std::pair<double, double>>& stops, int vehicles,
                    int capacity) {
  Problem p;
  p.nodes.push_back(Node{.id = 0, .x = 0, .y = 0, .ready = 0, .due = 1000, .is_depot = true});
  for (size_t i = 0; i < stops.size(); ++i) {
    p.nodes.push_back(Node{.id = static_cast<int>(i) + 1,
                           .x = stops[i].first,
                           .y = stops[i].second,
                           .demand = 1,
                           .ready = 0,
                           .due = 1000});
  }
  for (int v = 0; v < vehicles; ++v) {
    p.vehicles.push_back(
        Vehicle{.capacity = capacity, .start_depot = 0, .end_depot = 0, .shift_end = 1000});
  }
  return p;
}

// Builds a Solution from routes of node indices, with the distance the checker will recompute.
Solution MakeSolution(const Problem& p, const TravelMatrix& m,
                      const std::vector<std::vector<int>>& routes) {
  Solution s;
  for (size_t r = 0; r < routes.size(); ++r) {
    Route route;
    route.vehicle = static_cast<int>(r);
    route.stops = routes[r];
    s.routes.push_back(route);
    if (routes[r].empty()) continue;
    ++s.vehicles;
    int at = p.vehicles[r].start_depot;
    for (int stop : routes[r]) {
      s.distance += m.Distance(at, stop);
      at = stop;
    }
    s.distance += m.Distance(at, p.vehicles[r].end_depot);
  }
  return s;
}

// --- Readers ---------------------------------------------------------------------------------

TEST(InstanceReaderTest, ReadsSolomonFile) {
  absl::StatusOr<Problem> p = ReadInstanceFile(DataFile("C101.txt"));
  ASSERT_THAT(p, IsOk()) << p.status();
  EXPECT_EQ(p->name, "C101");
  ASSERT_EQ(p->nodes.size(), 101u);
  EXPECT_TRUE(p->nodes[0].is_depot);
  EXPECT_EQ(p->nodes[0].due, 1236);
  EXPECT_EQ(p->vehicles.size(), 25u);
  EXPECT_EQ(p->vehicles[0].capacity, 200);
  EXPECT_EQ(p->vehicles[0].shift_end, 1236);
  const Node& first = p->nodes[1];
  EXPECT_EQ(first.id, 1);
  EXPECT_EQ(first.x, 45);
  EXPECT_EQ(first.y, 68);
  EXPECT_EQ(first.demand, 10);
  EXPECT_EQ(first.ready, 912);
  EXPECT_EQ(first.due, 967);
  EXPECT_EQ(first.service, 90);
  EXPECT_TRUE(p->pairs.empty());
  EXPECT_THAT(ValidateProblem(*p), IsOk());
}

TEST(InstanceReaderTest, ReadsLiLimFileWithPairs) {
  absl::StatusOr<Problem> p = ReadInstanceFile(DataFile("lc101.txt"));
  ASSERT_THAT(p, IsOk()) << p.status();
  EXPECT_EQ(p->nodes.size(), 107u);
  EXPECT_EQ(p->pairs.size(), 53u);
  // Row 3 is a pickup (demand 10) whose delivery is row 75.
  const auto it = std::find_if(p->pairs.begin(), p->pairs.end(),
                               [](const PickupDelivery& pd) { return pd.pickup == 3; });
  ASSERT_NE(it, p->pairs.end());
  EXPECT_EQ(it->delivery, 75);
  EXPECT_EQ(p->nodes[75].demand, -10);
  EXPECT_THAT(ValidateProblem(*p), IsOk());
}

// What loket-router --instance prints: the file's node ids in visiting order, depot left out.
TEST(InstanceReaderTest, ASolutionPrintsAsOneJsonObjectOfTheFilesIds) {
  absl::StatusOr<Problem> p =
      ParseLiLim("25 200 1\n0 0 0 0 0 100 0 0 0\n1 1 0 5 0 100 0 0 2\n2 2 0 -5 0 100 0 1 0\n", "x");
  ASSERT_THAT(p, IsOk()) << p.status();
  Solution s;
  s.routes.push_back(Route{0, {1, 2}, {}});
  s.vehicles = 1;
  s.distance = 4;
  EXPECT_EQ(BenchmarkSolutionJson(*p, s),
            R"({"vehicles": 1, "distance": 4.0000, "routes": [[1, 2]]})");
}

TEST(InstanceReaderTest, RejectsMalformedText) {
  EXPECT_THAT(
      ParseLiLim("25 200 1\n0 40 50 0 0 1236 0 0 0\n1 45 68 -10 912 967 90 11\n", "x").status(),
      StatusIs(absl::StatusCode::kInvalidArgument));
  // A pickup naming a delivery that does not name it back.
  EXPECT_THAT(
      ParseLiLim("25 200 1\n0 0 0 0 0 100 0 0 0\n1 1 0 5 0 100 0 0 2\n2 2 0 -5 0 100 0 0 0\n", "x")
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ReadInstanceFile(DataFile("no-such-file.txt")),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(TravelTest, HaversineKnowsADegreeOfLatitude) {
  Problem p;
  p.nodes.push_back(Node{.x = 116.83, .y = -1.27});
  p.nodes.push_back(Node{.x = 116.83, .y = -0.27});
  const HaversineMatrix m(p, /*speed_kmh=*/36);
  EXPECT_NEAR(m.Distance(0, 1), 111195, 10);  // metres
  EXPECT_NEAR(m.Time(0, 1), 11119.5, 1);      // seconds at 10 m/s
  EXPECT_NEAR(HaversineMatrix(p, 36, 1.3).Distance(0, 1), 1.3 * 111195, 15);
}

// --- Checker ---------------------------------------------------------------------------------

// Depot at the origin; stops 1 (10,0) window [0,15], 2 (20,0) window [0,100], 3 (0,10) window
// [0,100]; pair 4 (pickup at (0,-10)) -> 5 (delivery at (0,-20)), demand 2; capacity 3.
class CheckerTest : public ::testing::Test {
 protected:
  CheckerTest() {
    p_.nodes = {
        Node{.id = 0, .ready = 0, .due = 200, .is_depot = true},
        Node{.id = 1, .x = 10, .demand = 1, .ready = 0, .due = 15},
        Node{.id = 2, .x = 20, .demand = 1, .ready = 0, .due = 100},
        Node{.id = 3, .y = 10, .demand = 1, .ready = 0, .due = 100},
        Node{.id = 4, .y = -10, .demand = 2, .ready = 0, .due = 100},
        Node{.id = 5, .y = -20, .demand = -2, .ready = 0, .due = 100},
    };
    p_.pairs = {PickupDelivery{.pickup = 4, .delivery = 5}};
    for (int v = 0; v < 3; ++v) {
      p_.vehicles.push_back(
          Vehicle{.capacity = 3, .start_depot = 0, .end_depot = 0, .shift_end = 200});
    }
  }
  absl::Status Check(const std::vector<std::vector<int>>& routes) {
    return CheckSolution(p_, EuclideanMatrix(p_), MakeSolution(p_, EuclideanMatrix(p_), routes));
  }
  Problem p_;
};

TEST_F(CheckerTest, AcceptsFeasibleRoutes) {
  EXPECT_THAT(Check({{1, 2, 3}, {4, 5}}), IsOk()) << Check({{1, 2, 3}, {4, 5}});
}

TEST_F(CheckerTest, RejectsLateArrival) {
  const absl::Status s = Check({{2, 1, 3}, {4, 5}});  // stop 1 reached at 30 > 15
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(s.message(), HasSubstr("time window"));
}

TEST_F(CheckerTest, RejectsOverCapacity) {
  const absl::Status s = Check({{1, 4, 2, 5, 3}});  // carries 1 + 2 + 1 = 4 > 3 after stop 2
  EXPECT_THAT(s.message(), HasSubstr("capacity"));
}

TEST_F(CheckerTest, RejectsDeliveryBeforePickup) {
  EXPECT_THAT(Check({{1, 2, 3}, {5, 4}}).message(), HasSubstr("precedence"));
}

TEST_F(CheckerTest, RejectsPairSplitAcrossRoutes) {
  EXPECT_THAT(Check({{1, 4}, {2, 3, 5}}).message(), HasSubstr("precedence"));
  EXPECT_THAT(Check({{1, 2, 3, 4}, {5}}).message(), HasSubstr("capacity"));  // 1+1+1+2 > 3
}

TEST_F(CheckerTest, RejectsLateReturn) {
  p_.vehicles[1].shift_end = 40;  // 0 -> 4 -> 5 -> 0 takes 40; a detour makes it late
  EXPECT_THAT(Check({{1, 2, 3}, {4, 5}}), IsOk());
  EXPECT_THAT(Check({{1, 2}, {3, 4, 5}}).message(), HasSubstr("shift end"));
}

TEST_F(CheckerTest, RejectsUnservedStop) {
  EXPECT_THAT(Check({{1, 2}, {4, 5}}).message(), HasSubstr("unserved"));
}

TEST_F(CheckerTest, RejectsDuplicatedStop) {
  EXPECT_THAT(Check({{1, 2, 3}, {3, 4, 5}}).message(), HasSubstr("duplicated"));
}

TEST_F(CheckerTest, RejectsDepotAsStop) {
  EXPECT_THAT(Check({{1, 2, 0, 3}, {4, 5}}).message(), HasSubstr("depot"));
}

TEST_F(CheckerTest, RejectsWrongTotals) {
  const EuclideanMatrix m(p_);
  Solution s = MakeSolution(p_, m, {{1, 2, 3}, {4, 5}});
  s.distance -= 1;
  EXPECT_THAT(CheckSolution(p_, m, s).message(), HasSubstr("distance"));
  s = MakeSolution(p_, m, {{1, 2, 3}, {4, 5}});
  s.vehicles = 1;
  EXPECT_THAT(CheckSolution(p_, m, s).message(), HasSubstr("vehicles"));
}

TEST_F(CheckerTest, RejectsVehicleUsedTwice) {
  const EuclideanMatrix m(p_);
  Solution s = MakeSolution(p_, m, {{1, 2, 3}, {4, 5}});
  s.routes[1].vehicle = 0;
  EXPECT_THAT(CheckSolution(p_, m, s).message(), HasSubstr("vehicle"));
}

// --- Small instances with known optima ---------------------------------------------------------

// The cheapest feasible solution by exhaustive enumeration: every order of the stops, cut into at
// most `vehicles` routes, judged by the checker alone. Fine for up to 7 stops.
double EnumeratedOptimum(const Problem& p, const TravelMatrix& m) {
  std::vector<int> stops;
  for (int i = 0; i < static_cast<int>(p.nodes.size()); ++i) {
    if (!p.nodes[i].is_depot) stops.push_back(i);
  }
  const int n = static_cast<int>(stops.size());
  const int vehicles = static_cast<int>(p.vehicles.size());
  double best = INFINITY;
  std::sort(stops.begin(), stops.end());
  do {
    // Each of the n - 1 gaps between consecutive stops is a cut or not.
    for (int cuts = 0; cuts < (1 << (n - 1)); ++cuts) {
      if (__builtin_popcount(cuts) + 1 > vehicles) continue;
      std::vector<std::vector<int>> routes(1);
      for (int k = 0; k < n; ++k) {
        if (k > 0 && (cuts >> (k - 1) & 1)) routes.emplace_back();
        routes.back().push_back(stops[k]);
      }
      const Solution s = MakeSolution(p, m, routes);
      const double cost = p.objective.vehicle_cost * s.vehicles + s.distance;
      if (cost < best && CheckSolution(p, m, s).ok()) best = cost;
    }
  } while (std::next_permutation(stops.begin(), stops.end()));
  return best;
}

void ExpectSolvedOptimally(const Problem& p, double optimum) {
  const EuclideanMatrix m(p);
  absl::StatusOr<Solution> s = Solve(p, m, Iterations(3000), StillClock());
  ASSERT_THAT(s, IsOk()) << s.status();
  EXPECT_THAT(CheckSolution(p, m, *s), IsOk()) << CheckSolution(p, m, *s);
  EXPECT_NEAR(s->cost, optimum, 1e-6);
}

TEST(SolverTest, LineIsOneTripOutAndBack) {
  Problem p = LineProblem({{1, 0}, {2, 0}, {3, 0}, {4, 0}}, 2, 10);
  ExpectSolvedOptimally(p, 8);
}

TEST(SolverTest, CapacityForcesTwoRoutes) {
  // Four stops at distance 10 in a square around the depot, capacity 2: two round trips of
  // 10 + sqrt(200) + 10 each.
  Problem p = LineProblem({{10, 0}, {0, 10}, {-10, 0}, {0, -10}}, 3, 2);
  ExpectSolvedOptimally(p, 2 * (20 + std::sqrt(200.0)));
  EXPECT_NEAR(EnumeratedOptimum(p, EuclideanMatrix(p)), 2 * (20 + std::sqrt(200.0)), 1e-9);
}

TEST(SolverTest, TimeWindowsForceAZigZag) {
  // Stops at x = 1, 2, 3 but windows ask for 3 first, then 1, then 2 (one vehicle): 3+2+1+2 = 8.
  Problem p = LineProblem({{1, 0}, {2, 0}, {3, 0}}, 1, 10);
  p.nodes[3].due = 3;
  p.nodes[1].ready = 5;
  p.nodes[1].due = 5;
  p.nodes[2].ready = 6;
  ExpectSolvedOptimally(p, 8);
}

TEST(SolverTest, AStopBoundToAVehicleRidesWithIt) {
  // Two vehicles, one starting far away: the stop next to the depot would go to vehicle 0, but it
  // is bound to vehicle 1 (a courier carrying the permit it delivers).
  Problem p = LineProblem({{1, 0}}, 2, 10);
  p.nodes.push_back(Node{.id = 9, .x = 50, .y = 0, .ready = 0, .due = 1000, .is_depot = true});
  p.vehicles[1].start_depot = 2;
  p.nodes[1].only_vehicle = 1;
  EuclideanMatrix m(p);
  absl::StatusOr<Solution> s = Solve(p, m, Iterations(200), StillClock());
  ASSERT_THAT(s, IsOk()) << s.status();
  ASSERT_EQ(s->routes.size(), 1u);
  EXPECT_EQ(s->routes[0].vehicle, 1);
  EXPECT_THAT(CheckSolution(p, m, *s), IsOk());
  // The checker refuses the same stop on the other vehicle.
  Solution wrong = MakeSolution(p, m, {{1}, {}});
  absl::Status refused = CheckSolution(p, m, wrong);
  EXPECT_THAT(refused.message(), HasSubstr("bound to vehicle 1"));
  // And an out-of-range binding is an input error.
  p.nodes[1].only_vehicle = 5;
  EXPECT_THAT(ValidateProblem(p), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(SolverTest, PickupAndDeliveryPair) {
  // Pickup at (10, 0) to be delivered at (-10, 0); a plain stop at (0, 5). One vehicle of
  // capacity 1: the plain stop's unit cannot ride with the parcel, so it is served first or last.
  Problem p = LineProblem({{10, 0}, {-10, 0}, {0, 5}}, 1, 1);
  p.nodes[1].demand = 1;
  p.nodes[2].demand = -1;
  p.nodes[3].demand = 0;
  p.pairs = {PickupDelivery{.pickup = 1, .delivery = 2}};
  // 0 -> 1 -> 2 -> 0 is 40; the plain stop (no load) fits on the way: 0->3->1->2->0 or
  // 0->1->3->2->0 = 5 + sqrt(125) + 20 + 10 or 10 + 2 * sqrt(125) + 10.
  const double optimum = EnumeratedOptimum(p, EuclideanMatrix(p));
  EXPECT_NEAR(optimum, 20 + 2 * std::sqrt(125.0), 1e-9);
  ExpectSolvedOptimally(p, optimum);
  // With a load at the plain stop (dropped from the depot), it cannot ride along the pair.
  p.nodes[3].demand = -1;
  const double loaded = EnumeratedOptimum(p, EuclideanMatrix(p));
  EXPECT_NEAR(loaded, 5 + std::sqrt(125.0) + 20 + 10, 1e-9);
  ExpectSolvedOptimally(p, loaded);
}

TEST(SolverTest, ShiftEndSplitsTheWork) {
  // Two stops 10 away in opposite directions; a shift of 30 allows only one per vehicle.
  Problem p = LineProblem({{10, 0}, {-10, 0}}, 2, 10);
  for (Vehicle& v : p.vehicles) v.shift_end = 30;
  ExpectSolvedOptimally(p, 40);
  p.objective.vehicle_cost = 1000;  // still two: one vehicle cannot do both
  ExpectSolvedOptimally(p, 2040);
}

TEST(SolverTest, MatchesEnumerationOnRandomSmallInstances) {
  std::mt19937 gen(7);  // fixed seed; mt19937's raw output is the same everywhere
  auto coin = [&](int n) { return static_cast<int>(gen() % n); };
  for (int round = 0; round < 12; ++round) {
    std::vector<std::pair<double, double>> stops;
    for (int i = 0; i < 6; ++i) stops.emplace_back(coin(41) - 20, coin(41) - 20);
    Problem p = LineProblem(stops, 3, 3);
    for (int i = 1; i <= 6; ++i) {
      p.nodes[i].service = 5;
      p.nodes[i].ready = coin(60);
      p.nodes[i].due = p.nodes[i].ready + 20 + coin(60);
      p.nodes[i].demand = 1 + coin(2);
    }
    if (round % 2 == 0) {  // half of them with a pickup-and-delivery pair
      p.nodes[2].demand = -p.nodes[1].demand;
      p.pairs = {PickupDelivery{.pickup = 1, .delivery = 2}};
    }
    if (round % 3 == 0) p.objective.vehicle_cost = 50;
    const EuclideanMatrix m(p);
    const double optimum = EnumeratedOptimum(p, m);
    absl::StatusOr<Solution> s = Solve(p, m, Iterations(2000, round + 1), StillClock());
    ASSERT_THAT(s, IsOk()) << s.status();
    if (std::isinf(optimum)) {
      EXPECT_FALSE(s->unassigned.empty()) << "round " << round;
      CheckOptions lenient;
      lenient.allow_unassigned = true;
      EXPECT_THAT(CheckSolution(p, m, *s, lenient), IsOk()) << "round " << round;
      continue;
    }
    EXPECT_THAT(CheckSolution(p, m, *s), IsOk())
        << "round " << round << ": " << CheckSolution(p, m, *s);
    EXPECT_NEAR(s->cost, optimum, 1e-6) << "round " << round;
  }
}

TEST(SolverTest, ReportsUnreachableStopAsUnassigned) {
  Problem p = LineProblem({{1, 0}, {50, 0}}, 2, 10);
  p.nodes[2].due = 10;  // 50 away: cannot be reached by 10
  const EuclideanMatrix m(p);
  absl::StatusOr<Solution> s = Solve(p, m, Iterations(100), StillClock());
  ASSERT_THAT(s, IsOk()) << s.status();
  EXPECT_EQ(s->unassigned, std::vector<int>{2});
  CheckOptions lenient;
  lenient.allow_unassigned = true;
  EXPECT_THAT(CheckSolution(p, m, *s, lenient), IsOk());
  EXPECT_THAT(CheckSolution(p, m, *s).message(), HasSubstr("unserved"));
}

TEST(SolverTest, RejectsInconsistentInput) {
  Problem p = LineProblem({{1, 0}}, 1, 10);
  Problem fewer = LineProblem({}, 1, 10);
  EXPECT_THAT(Solve(p, EuclideanMatrix(fewer), Iterations(10), StillClock()),
              StatusIs(absl::StatusCode::kInvalidArgument));
  p.pairs = {PickupDelivery{.pickup = 1, .delivery = 0}};
  EXPECT_THAT(Solve(p, EuclideanMatrix(p), Iterations(10), StillClock()),
              StatusIs(absl::StatusCode::kInvalidArgument));
  SolverOptions unbounded = Iterations(0);
  EXPECT_THAT(
      Solve(LineProblem({{1, 0}}, 1, 10), EuclideanMatrix(p), unbounded, StillClock()).status(),
      StatusIs(absl::StatusCode::kInvalidArgument));
}

// --- Benchmark instances under an iteration limit ---------------------------------------------

TEST(SolverTest, SolvesSolomonC101ToItsOptimum) {
  absl::StatusOr<Problem> p = ReadInstanceFile(DataFile("C101.txt"));
  ASSERT_THAT(p, IsOk()) << p.status();
  const EuclideanMatrix m(*p);
  absl::StatusOr<Solution> s = Solve(*p, m, Iterations(3000), StillClock());
  ASSERT_THAT(s, IsOk()) << s.status();
  EXPECT_THAT(CheckSolution(*p, m, *s), IsOk()) << CheckSolution(*p, m, *s);
  EXPECT_EQ(s->vehicles, 10);
  EXPECT_NEAR(s->distance, 828.94, 0.01);  // proven optimal
}

TEST(SolverTest, SolvesSolomonR101Feasibly) {
  absl::StatusOr<Problem> p = ReadInstanceFile(DataFile("R101.txt"));
  ASSERT_THAT(p, IsOk()) << p.status();
  const EuclideanMatrix m(*p);
  absl::StatusOr<Solution> s = Solve(*p, m, Iterations(2000), StillClock());
  ASSERT_THAT(s, IsOk()) << s.status();
  EXPECT_THAT(CheckSolution(*p, m, *s), IsOk()) << CheckSolution(*p, m, *s);
  EXPECT_LT(s->distance, 1642.88 * 1.05);  // distance-only best-known
}

TEST(SolverTest, SolvesLiLimFeasibly) {
  for (const char* name : {"lc101.txt", "lr101.txt"}) {
    absl::StatusOr<Problem> p = ReadInstanceFile(DataFile(name));
    ASSERT_THAT(p, IsOk()) << p.status();
    p->objective.vehicle_cost = 100;
    const EuclideanMatrix m(*p);
    absl::StatusOr<Solution> s = Solve(*p, m, Iterations(2000), StillClock());
    ASSERT_THAT(s, IsOk()) << s.status();
    EXPECT_THAT(CheckSolution(*p, m, *s), IsOk()) << name << ": " << CheckSolution(*p, m, *s);
    EXPECT_TRUE(s->unassigned.empty()) << name;
  }
}

TEST(SolverTest, SameSeedSameRoutes) {
  absl::StatusOr<Problem> p = ReadInstanceFile(DataFile("lr101.txt"));
  ASSERT_THAT(p, IsOk()) << p.status();
  const EuclideanMatrix m(*p);
  absl::StatusOr<Solution> a = Solve(*p, m, Iterations(300, 42), StillClock());
  absl::StatusOr<Solution> b = Solve(*p, m, Iterations(300, 42), StillClock());
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->routes.size(), b->routes.size());
  for (size_t r = 0; r < a->routes.size(); ++r) EXPECT_EQ(a->routes[r].stops, b->routes[r].stops);
  EXPECT_EQ(a->distance, b->distance);
}

// --- Memory bounds (issue 12) -----------------------------------------------------------------

// `stops` stops spread over a 1000 x 1000 square around a central depot, wide windows, demand 1,
// and one vehicle of capacity 25 per 20 stops (so that every stop fits).
Problem Scattered(int stops, uint64_t seed = 7) {
  Problem p;
  p.name = absl::StrCat("scattered ", stops);
  p.nodes.push_back(Node{.id = 0, .x = 500, .y = 500, .ready = 0, .due = 1e6, .is_depot = true});
  uint64_t x = seed;
  auto next = [&x] {  // a small LCG: the test's instance is the same everywhere
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(x >> 11) * 0x1.0p-53;
  };
  for (int i = 0; i < stops; ++i) {
    p.nodes.push_back(Node{.id = i + 1,
                           .x = 1000 * next(),
                           .y = 1000 * next(),
                           .demand = 1,
                           .ready = 0,
                           .due = 1e6,
                           .service = 1});
  }
  for (int v = 0; v < (stops + 19) / 20; ++v) {
    p.vehicles.push_back(
        Vehicle{.capacity = 25, .start_depot = 0, .end_depot = 0, .shift_end = 1e6});
  }
  return p;
}

// Every stop exactly once: on a route or reported unassigned.
void ExpectEveryStopOnce(const Problem& p, const Solution& s) {
  std::vector<int> seen(p.nodes.size(), 0);
  for (const Route& r : s.routes) {
    for (int stop : r.stops) ++seen[stop];
  }
  for (int stop : s.unassigned) ++seen[stop];
  for (size_t i = 0; i < p.nodes.size(); ++i) {
    EXPECT_EQ(seen[i], p.nodes[i].is_depot ? 0 : 1) << "node " << i;
  }
}

TEST(SolverMemoryTest, DenseTablesUpToDenseNodesOnly) {
  // Below the stated size the solver is what it was: dense n x n tables, full neighbour lists.
  const Problem p = Scattered(300);
  const EuclideanMatrix m(p);
  absl::StatusOr<Solution> s = Solve(p, m, Iterations(20), StillClock());
  ASSERT_THAT(s, IsOk()) << s.status();
  const int64_t n = static_cast<int64_t>(p.nodes.size());
  EXPECT_EQ(s->footprint.travel_entries, 2 * n * n);
  EXPECT_EQ(s->footprint.neighbour_entries, 300 * 299);
  EXPECT_EQ(s->areas, 1);
}

TEST(SolverMemoryTest, AboveDenseNodesTheStructuresGrowLinearly) {
  // Forced above dense_nodes (and never split): no n x n table, at most `neighbours` entries per
  // stop, so four times the stops hold (at most) four times the entries.
  SolverOptions options = Iterations(20);
  options.dense_nodes = 100;
  options.max_area_stops = 0;
  std::vector<int64_t> entries;
  for (int stops : {400, 1600}) {
    const Problem p = Scattered(stops);
    const EuclideanMatrix m(p);
    absl::StatusOr<Solution> s = Solve(p, m, options, StillClock());
    ASSERT_THAT(s, IsOk()) << s.status();
    EXPECT_EQ(s->areas, 1);
    EXPECT_EQ(s->footprint.travel_entries, 0) << stops;
    EXPECT_LE(s->footprint.neighbour_entries, int64_t{options.neighbours} * stops) << stops;
    EXPECT_THAT(CheckSolution(p, m, *s), IsOk()) << CheckSolution(p, m, *s);
    entries.push_back(s->footprint.neighbour_entries + s->footprint.travel_entries);
  }
  // Linear: four times the stops, four times the entries (a quadratic structure would be 16x).
  EXPECT_LE(entries[1], 4 * entries[0] + 64);
}

TEST(SolverMemoryTest, AVeryLargeAreaWithFewVehiclesStaysLinear) {
  // 8,000 stops and two vehicles, split off: one whole solve far above dense_nodes, whose
  // neighbour lists come from the coordinate grid (above 5,000 stops). No n x n structure; most
  // stops are reported unassigned (two vehicles of 25), none is lost.
  Problem p = Scattered(8000);
  p.vehicles.resize(2);
  const EuclideanMatrix m(p);
  SolverOptions options = Iterations(20);
  options.max_area_stops = 0;
  absl::StatusOr<Solution> s = Solve(p, m, options, StillClock());
  ASSERT_THAT(s, IsOk()) << s.status();
  EXPECT_EQ(s->footprint.travel_entries, 0);
  EXPECT_LE(s->footprint.neighbour_entries, int64_t{options.neighbours} * 8000);
  EXPECT_GE(s->footprint.neighbour_entries, int64_t{options.neighbours} * 8000);  // all found
  EXPECT_EQ(s->footprint.insertion_cache_entries, 8000 * 2);
  CheckOptions lenient;
  lenient.allow_unassigned = true;
  EXPECT_THAT(CheckSolution(p, m, *s, lenient), IsOk()) << CheckSolution(p, m, *s, lenient);
  ExpectEveryStopOnce(p, *s);
  EXPECT_EQ(s->unassigned.size(), 8000u - 50u);  // both vehicles full
}

TEST(SolverMemoryTest, ALargeProblemIsSplitByAreaWithEveryStopPlacedOrReported) {
  // 6,000 stops with the default options: above max_area_stops, so planned as areas; no one
  // solve holds more than an area's tables, and every stop is routed or reported.
  const Problem p = Scattered(6000);
  const EuclideanMatrix m(p);
  SolverOptions options = Iterations(60);
  absl::StatusOr<Solution> s = Solve(p, m, options, StillClock());
  ASSERT_THAT(s, IsOk()) << s.status();
  EXPECT_EQ(s->areas, 6);
  EXPECT_LE(s->footprint.nodes, options.max_area_stops + 10);
  const int64_t area_nodes = options.max_area_stops + 10;
  EXPECT_LE(s->footprint.travel_entries, 2 * area_nodes * area_nodes);  // not 2 x 6001^2
  CheckOptions lenient;
  lenient.allow_unassigned = true;
  EXPECT_THAT(CheckSolution(p, m, *s, lenient), IsOk()) << CheckSolution(p, m, *s, lenient);
  ExpectEveryStopOnce(p, *s);
  EXPECT_TRUE(s->unassigned.empty());  // the fleet is large enough in every area
}

TEST(SolverMemoryTest, SplitKeepsPairsAndBoundStopsWhole) {
  // Li & Lim lr101 (pairs) with a tiny area limit: pairs stay on one route in one area, a stop
  // bound to a vehicle rides with it, and the checker accepts the whole.
  absl::StatusOr<Problem> p = ReadInstanceFile(DataFile("lr101.txt"));
  ASSERT_THAT(p, IsOk()) << p.status();
  int bound = -1;
  for (int i = 0; i < static_cast<int>(p->nodes.size()) && bound < 0; ++i) {
    if (!p->nodes[i].is_depot && p->nodes[i].demand > 0) bound = i;
  }
  ASSERT_GE(bound, 0);
  p->nodes[bound].only_vehicle = 3;
  const EuclideanMatrix m(*p);
  SolverOptions options = Iterations(400);
  options.max_area_stops = 30;
  absl::StatusOr<Solution> s = Solve(*p, m, options, StillClock());
  ASSERT_THAT(s, IsOk()) << s.status();
  EXPECT_GT(s->areas, 1);
  CheckOptions lenient;
  lenient.allow_unassigned = true;
  EXPECT_THAT(CheckSolution(*p, m, *s, lenient), IsOk()) << CheckSolution(*p, m, *s, lenient);
  ExpectEveryStopOnce(*p, *s);
  for (const Route& r : s->routes) {
    if (std::find(r.stops.begin(), r.stops.end(), bound) != r.stops.end()) {
      EXPECT_EQ(r.vehicle, 3);
    }
  }
}

// Quality with the on-demand travel and short neighbour lists: the same bounds as the dense
// solver's tests above (C101 to its optimum, R101 within 5% of the best-known, Li & Lim feasible
// with every stop served).
SolverOptions SparseIterations(int64_t n) {
  SolverOptions options = Iterations(n);
  options.dense_nodes = 0;
  options.neighbours = 20;
  return options;
}

TEST(SolverMemoryTest, SparseSolvesSolomonC101ToItsOptimum) {
  absl::StatusOr<Problem> p = ReadInstanceFile(DataFile("C101.txt"));
  ASSERT_THAT(p, IsOk()) << p.status();
  const EuclideanMatrix m(*p);
  absl::StatusOr<Solution> s = Solve(*p, m, SparseIterations(3000), StillClock());
  ASSERT_THAT(s, IsOk()) << s.status();
  EXPECT_EQ(s->footprint.travel_entries, 0);
  EXPECT_THAT(CheckSolution(*p, m, *s), IsOk()) << CheckSolution(*p, m, *s);
  EXPECT_EQ(s->vehicles, 10);
  EXPECT_NEAR(s->distance, 828.94, 0.01);
}

TEST(SolverMemoryTest, SparseSolvesSolomonR101Feasibly) {
  absl::StatusOr<Problem> p = ReadInstanceFile(DataFile("R101.txt"));
  ASSERT_THAT(p, IsOk()) << p.status();
  const EuclideanMatrix m(*p);
  absl::StatusOr<Solution> s = Solve(*p, m, SparseIterations(2000), StillClock());
  ASSERT_THAT(s, IsOk()) << s.status();
  EXPECT_THAT(CheckSolution(*p, m, *s), IsOk()) << CheckSolution(*p, m, *s);
  EXPECT_LT(s->distance, 1642.88 * 1.05);
}

TEST(SolverMemoryTest, SparseSolvesLiLimFeasibly) {
  for (const char* name : {"lc101.txt", "lr101.txt"}) {
    absl::StatusOr<Problem> p = ReadInstanceFile(DataFile(name));
    ASSERT_THAT(p, IsOk()) << p.status();
    p->objective.vehicle_cost = 100;
    const EuclideanMatrix m(*p);
    absl::StatusOr<Solution> s = Solve(*p, m, SparseIterations(2000), StillClock());
    ASSERT_THAT(s, IsOk()) << s.status();
    EXPECT_THAT(CheckSolution(*p, m, *s), IsOk()) << name << ": " << CheckSolution(*p, m, *s);
    EXPECT_TRUE(s->unassigned.empty()) << name;
  }
}

}  // namespace
}  // namespace loket::routing
