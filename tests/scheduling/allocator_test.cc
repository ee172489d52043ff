#include "workers/scheduling/allocator/allocator.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace loket::scheduling {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'750'000'000);

// A slot well past the cut-off unless `start` says otherwise.
Slot MakeSlot(int64_t id, int capacity, int reserved = 0, absl::Time start = kNow + absl::Hours(72),
              int booked = 0) {
  return Slot{id, start, capacity, booked, reserved};
}

Request MakeRequest(int64_t id, std::vector<int64_t> preferred, int priority_class = kPriorityNone,
                    int submitted_minute = 0) {
  Request r;
  r.id = id;
  r.priority_class = priority_class;
  r.preferred_slots = std::move(preferred);
  r.submitted_at = kNow - absl::Hours(48) + absl::Minutes(submitted_minute);
  return r;
}

AllocatorOptions Options(uint64_t seed = 1) {
  AllocatorOptions options;
  options.seed = seed;
  options.now = kNow;
  return options;
}

std::map<int64_t, int64_t> SlotOf(const Allocation& a) {
  return std::map<int64_t, int64_t>(a.assigned.begin(), a.assigned.end());
}

// Random instance: `num_slots` slots (some inside the cut-off, some closed), requests with 0-3
// preferences, ~20% priority.
struct Instance {
  std::vector<Slot> slots;
  std::vector<Request> requests;
};

Instance RandomInstance(std::mt19937_64& rng, int num_slots, int num_requests, int max_capacity) {
  Instance in;
  for (int s = 0; s < num_slots; ++s) {
    const int capacity = static_cast<int>(rng() % (max_capacity + 1));
    const int reserved = capacity == 0 ? 0 : static_cast<int>(rng() % (capacity + 1));
    const int booked = static_cast<int>(rng() % 2);
    // Mostly after the cut-off; some inside it; a few already started.
    const int hours = static_cast<int>(rng() % 10) == 0 ? -1 : static_cast<int>(rng() % 60) + 1;
    in.slots.push_back(MakeSlot(100 + s, capacity, reserved, kNow + absl::Hours(hours), booked));
  }
  for (int i = 0; i < num_requests; ++i) {
    std::vector<int64_t> prefs;
    const int count = static_cast<int>(rng() % 4);
    while (static_cast<int>(prefs.size()) < std::min(count, num_slots)) {
      const int64_t slot = 100 + static_cast<int64_t>(rng() % num_slots);
      if (std::find(prefs.begin(), prefs.end(), slot) == prefs.end()) prefs.push_back(slot);
    }
    const int priority = rng() % 5 == 0 ? static_cast<int>(rng() % 3) + 1 : kPriorityNone;
    in.requests.push_back(MakeRequest(1000 + i, prefs, priority, static_cast<int>(rng() % 600)));
  }
  return in;
}

TEST(AllocatorTest, NeverExceedsCapacityAndServesAtLeastAsManyAsGreedy) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 300; ++round) {
    const Instance in = RandomInstance(rng, 1 + round % 12, round % 60, 4);
    const AllocatorOptions options = Options(round);
    absl::StatusOr<Allocation> best = Allocate(in.slots, in.requests, options);
    absl::StatusOr<Allocation> greedy = GreedyFirstCome(in.slots, in.requests, options);
    ASSERT_THAT(best, IsOk()) << best.status();
    ASSERT_THAT(greedy, IsOk()) << greedy.status();
    ASSERT_THAT(CheckAllocation(in.slots, in.requests, *best, options), IsOk())
        << "round " << round << ": " << CheckAllocation(in.slots, in.requests, *best, options);
    ASSERT_THAT(CheckAllocation(in.slots, in.requests, *greedy, options), IsOk())
        << "round " << round << ": " << CheckAllocation(in.slots, in.requests, *greedy, options);
    const AllocationSummary b = Summarize(in.requests, *best, options);
    const AllocationSummary g = Summarize(in.requests, *greedy, options);
    EXPECT_GE(b.served, g.served) << "round " << round;
    if (b.served == g.served) {
      EXPECT_LE(b.weighted_cost, g.weighted_cost) << "round " << round;
    }
  }
}

// Exhaustive search over every assignment of a small instance: Allocate must reach the same
// optimum: most served, then least weighted cost; or, with serve_cost_limit, least weighted cost
// minus the limit per served request, then most served.
TEST(AllocatorTest, MatchesExhaustiveSearchOnSmallInstances) {
  std::mt19937_64 rng(11);
  const std::optional<int64_t> limits[] = {std::nullopt, 0, 10, 12, -50};
  for (int round = 0; round < 400; ++round) {
    const Instance in = RandomInstance(rng, 1 + round % 5, 1 + round % 7, 2);
    AllocatorOptions options = Options(round);
    options.serve_cost_limit = limits[round % 5];
    // Unset: a limit so high that serving always wins, which is what "most served first" means.
    const int64_t limit = options.serve_cost_limit.value_or(int64_t{1} << 40);
    absl::StatusOr<Allocation> best = Allocate(in.slots, in.requests, options);
    ASSERT_THAT(best, IsOk()) << best.status();
    const AllocationSummary got = Summarize(in.requests, *best, options);

    int best_served = -1;
    int64_t best_cost = 0;
    std::vector<int> choice(in.requests.size(), -1);  // -1 = waitlisted, else preference rank
    std::function<void(size_t)> search = [&](size_t i) {
      if (i == in.requests.size()) {
        Allocation a;
        for (size_t j = 0; j < choice.size(); ++j) {
          if (choice[j] < 0) {
            a.waitlisted.push_back(in.requests[j].id);
          } else {
            a.assigned.push_back({in.requests[j].id, in.requests[j].preferred_slots[choice[j]]});
          }
        }
        if (!CheckAllocation(in.slots, in.requests, a, options).ok()) return;
        const AllocationSummary s = Summarize(in.requests, a, options);
        const int64_t score = s.weighted_cost - limit * s.served;
        const int64_t best_score = best_cost - limit * best_served;
        if (best_served < 0 || score < best_score ||
            (score == best_score && s.served > best_served)) {
          best_served = s.served;
          best_cost = s.weighted_cost;
        }
        return;
      }
      for (int k = -1; k < static_cast<int>(in.requests[i].preferred_slots.size()); ++k) {
        choice[i] = k;
        search(i + 1);
      }
    };
    search(0);
    EXPECT_EQ(got.served, best_served) << "round " << round;
    EXPECT_EQ(got.weighted_cost, best_cost) << "round " << round;
  }
}

TEST(AllocatorTest, ReservedSeatsGoToPriorityRequestsFirst) {
  const std::vector<Slot> slots = {MakeSlot(1, /*capacity=*/3, /*reserved=*/2)};
  std::vector<Request> requests;
  // Non-priority requests submitted first: they must still not take the reserved seats.
  for (int i = 0; i < 5; ++i) requests.push_back(MakeRequest(10 + i, {1}, kPriorityNone, i));
  requests.push_back(MakeRequest(20, {1}, kPriorityElderly, 50));
  requests.push_back(MakeRequest(21, {1}, kPriorityHealthWorker, 51));
  for (auto allocate : {Allocate, GreedyFirstCome}) {
    absl::StatusOr<Allocation> a = allocate(slots, requests, Options());
    ASSERT_THAT(a, IsOk()) << a.status();
    EXPECT_THAT(CheckAllocation(slots, requests, *a, Options()), IsOk());
    const auto got = SlotOf(*a);
    EXPECT_EQ(got.size(), 3u);
    EXPECT_TRUE(got.contains(20));
    EXPECT_TRUE(got.contains(21));
  }
}

TEST(AllocatorTest, ReservedSeatsAreHeldBeforeTheCutOff) {
  // Exactly 24 h ahead is not yet "within" the cut-off.
  const std::vector<Slot> slots = {MakeSlot(1, 3, 2, kNow + absl::Hours(24))};
  std::vector<Request> requests;
  for (int i = 0; i < 5; ++i) requests.push_back(MakeRequest(10 + i, {1}));
  absl::StatusOr<Allocation> a = Allocate(slots, requests, Options());
  ASSERT_THAT(a, IsOk()) << a.status();
  EXPECT_EQ(a->assigned.size(), 1u);
  EXPECT_EQ(a->waitlisted.size(), 4u);
}

TEST(AllocatorTest, ReservedSeatsAreOpenToEveryoneAfterTheCutOff) {
  const std::vector<Slot> slots = {MakeSlot(1, 3, 2, kNow + absl::Hours(23))};
  std::vector<Request> requests;
  for (int i = 0; i < 5; ++i) requests.push_back(MakeRequest(10 + i, {1}));
  for (auto allocate : {Allocate, GreedyFirstCome}) {
    absl::StatusOr<Allocation> a = allocate(slots, requests, Options());
    ASSERT_THAT(a, IsOk()) << a.status();
    EXPECT_EQ(a->assigned.size(), 3u);
    EXPECT_THAT(CheckAllocation(slots, requests, *a, Options()), IsOk());
  }
  // A shorter cut-off holds them again.
  AllocatorOptions options = Options();
  options.priority_release_before = absl::Hours(12);
  absl::StatusOr<Allocation> a = Allocate(slots, requests, options);
  ASSERT_THAT(a, IsOk()) << a.status();
  EXPECT_EQ(a->assigned.size(), 1u);
}

TEST(AllocatorTest, BookedSeatsCountAgainstGeneralSeatsFirst) {
  // 2 of 4 seats booked, 2 reserved: the 2 left are reserved.
  const std::vector<Slot> slots = {MakeSlot(1, 4, 2, kNow + absl::Hours(72), /*booked=*/2)};
  const std::vector<Request> requests = {MakeRequest(10, {1}), MakeRequest(11, {1}, 2)};
  absl::StatusOr<Allocation> a = Allocate(slots, requests, Options());
  ASSERT_THAT(a, IsOk()) << a.status();
  EXPECT_EQ(SlotOf(*a), (std::map<int64_t, int64_t>{{11, 1}}));
}

TEST(AllocatorTest, PriorityWinsAContestedSeatEvenWithItsLastChoice) {
  const std::vector<Slot> slots = {MakeSlot(1, 0), MakeSlot(2, 0), MakeSlot(3, 1)};
  const std::vector<Request> requests = {MakeRequest(10, {3}, kPriorityNone, 0),
                                         MakeRequest(11, {1, 2, 3}, kPriorityDisability, 9)};
  absl::StatusOr<Allocation> a = Allocate(slots, requests, Options());
  ASSERT_THAT(a, IsOk()) << a.status();
  EXPECT_EQ(SlotOf(*a), (std::map<int64_t, int64_t>{{11, 3}}));
  EXPECT_EQ(a->waitlisted, std::vector<int64_t>{10});
}

TEST(AllocatorTest, StartedSlotsAreClosed) {
  const std::vector<Slot> slots = {MakeSlot(1, 5, 0, kNow),
                                   MakeSlot(2, 5, 0, kNow + absl::Hours(1))};
  const std::vector<Request> requests = {MakeRequest(10, {1, 2}), MakeRequest(11, {1})};
  absl::StatusOr<Allocation> a = Allocate(slots, requests, Options());
  ASSERT_THAT(a, IsOk()) << a.status();
  EXPECT_EQ(SlotOf(*a), (std::map<int64_t, int64_t>{{10, 2}}));
  EXPECT_EQ(a->waitlisted, std::vector<int64_t>{11});
}

TEST(AllocatorTest, ServesMoreThanGreedyWhenAnEarlyRequestTakesAnotherOnlyChoice) {
  // Request 10 comes first and could use either slot; 11 can only use slot 1.
  const std::vector<Slot> slots = {MakeSlot(1, 1), MakeSlot(2, 1)};
  const std::vector<Request> requests = {MakeRequest(10, {1, 2}, kPriorityNone, 0),
                                         MakeRequest(11, {1}, kPriorityNone, 5)};
  absl::StatusOr<Allocation> greedy = GreedyFirstCome(slots, requests, Options());
  ASSERT_THAT(greedy, IsOk()) << greedy.status();
  EXPECT_EQ(SlotOf(*greedy), (std::map<int64_t, int64_t>{{10, 1}}));
  EXPECT_EQ(greedy->waitlisted, std::vector<int64_t>{11});
  absl::StatusOr<Allocation> best = Allocate(slots, requests, Options());
  ASSERT_THAT(best, IsOk()) << best.status();
  EXPECT_EQ(SlotOf(*best), (std::map<int64_t, int64_t>({{10, 2}, {11, 1}})));
  EXPECT_TRUE(best->waitlisted.empty());
}

TEST(AllocatorTest, MeetsMoreFirstChoicesThanGreedy) {
  const std::vector<Slot> slots = {MakeSlot(1, 1), MakeSlot(2, 1)};
  const std::vector<Request> requests = {MakeRequest(10, {1, 2}, kPriorityNone, 0),
                                         MakeRequest(11, {1, 2}, kPriorityNone, 1),
                                         MakeRequest(12, {2, 1}, kPriorityNone, 2)};
  absl::StatusOr<Allocation> greedy = GreedyFirstCome(slots, requests, Options());
  absl::StatusOr<Allocation> best = Allocate(slots, requests, Options());
  ASSERT_TRUE(greedy.ok() && best.ok());
  EXPECT_EQ(Summarize(requests, *greedy, Options()).first_choice, 1);
  EXPECT_EQ(Summarize(requests, *best, Options()).first_choice, 2);
  EXPECT_EQ(SlotOf(*best).at(12), 2);
}

TEST(AllocatorTest, ServeCostLimitTradesServedForFirstChoices) {
  // Serving 12 means pushing 10 (or 11) off its first choice: a weighted cost of 10.
  const std::vector<Slot> slots = {MakeSlot(1, 1), MakeSlot(2, 1)};
  const std::vector<Request> requests = {MakeRequest(10, {1, 2}), MakeRequest(11, {2, 1}),
                                         MakeRequest(12, {1}), MakeRequest(13, {2})};
  AllocatorOptions options = Options();
  absl::StatusOr<Allocation> most = Allocate(slots, requests, options);
  ASSERT_THAT(most, IsOk());
  EXPECT_EQ(Summarize(requests, *most, options).first_choice, 2);
  // A first-choice request always fits at cost 0.
  options.serve_cost_limit = 0;
  absl::StatusOr<Allocation> limited = Allocate(slots, requests, options);
  ASSERT_THAT(limited, IsOk());
  EXPECT_EQ(Summarize(requests, *limited, options).served, 2);
  EXPECT_EQ(Summarize(requests, *limited, options).first_choice, 2);
  // Below 0 only priority requests are worth serving.
  options.serve_cost_limit = -1;
  absl::StatusOr<Allocation> none = Allocate(slots, requests, options);
  ASSERT_THAT(none, IsOk());
  EXPECT_TRUE(none->assigned.empty());
  EXPECT_EQ(none->waitlisted.size(), 4u);
}

TEST(AllocatorTest, ServeCostLimitKeepsFirstChoicesOverServingMore) {
  // Serving 11 (second choice, slot 1) pushes 10 off its first choice to its second: +20.
  const std::vector<Slot> slots = {MakeSlot(1, 1), MakeSlot(2, 1), MakeSlot(3, 0)};
  const std::vector<Request> requests = {MakeRequest(10, {1, 2}), MakeRequest(11, {3, 1})};
  AllocatorOptions options = Options();
  absl::StatusOr<Allocation> most = Allocate(slots, requests, options);
  ASSERT_THAT(most, IsOk());
  EXPECT_EQ(SlotOf(*most), (std::map<int64_t, int64_t>({{10, 2}, {11, 1}})));
  options.serve_cost_limit = 19;
  absl::StatusOr<Allocation> firsts = Allocate(slots, requests, options);
  ASSERT_THAT(firsts, IsOk());
  EXPECT_EQ(SlotOf(*firsts), (std::map<int64_t, int64_t>{{10, 1}}));
  EXPECT_EQ(firsts->waitlisted, std::vector<int64_t>{11});
  EXPECT_THAT(CheckAllocation(slots, requests, *firsts, options), IsOk());
  options.serve_cost_limit = 20;
  absl::StatusOr<Allocation> both = Allocate(slots, requests, options);
  ASSERT_THAT(both, IsOk());
  EXPECT_EQ(both->assigned.size(), 2u);
}

TEST(AllocatorTest, IsDeterministicBySeedAndIndependentOfInputOrder) {
  std::mt19937_64 rng(3);
  Instance in = RandomInstance(rng, 10, 80, 3);
  absl::StatusOr<Allocation> first = Allocate(in.slots, in.requests, Options(42));
  absl::StatusOr<Allocation> again = Allocate(in.slots, in.requests, Options(42));
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->assigned, again->assigned);
  EXPECT_EQ(first->waitlisted, again->waitlisted);

  std::shuffle(in.requests.begin(), in.requests.end(), rng);
  std::shuffle(in.slots.begin(), in.slots.end(), rng);
  absl::StatusOr<Allocation> shuffled = Allocate(in.slots, in.requests, Options(42));
  ASSERT_THAT(shuffled, IsOk());
  EXPECT_EQ(first->assigned, shuffled->assigned);
  EXPECT_EQ(first->waitlisted, shuffled->waitlisted);
}

TEST(AllocatorTest, TiesGoToTheEarlierRequestWhateverTheSeed) {
  // Four equal requests for one seat, listed in any order: the first made gets it, and the
  // waitlist keeps the order they were made in (it was a seeded shuffle).
  const std::vector<Slot> slots = {MakeSlot(1, 1)};
  std::vector<Request> requests;
  for (int i = 0; i < 4; ++i) requests.push_back(MakeRequest(10 + i, {1}, kPriorityNone, 10 - i));
  for (uint64_t seed = 0; seed < 100; ++seed) {
    absl::StatusOr<Allocation> a = Allocate(slots, requests, Options(seed));
    ASSERT_THAT(a, IsOk());
    ASSERT_EQ(a->assigned.size(), 1u);
    EXPECT_EQ(a->assigned[0].first, 13) << "seed " << seed;  // made at minute 7, the earliest
    EXPECT_EQ(a->waitlisted, (std::vector<int64_t>{12, 11, 10})) << "seed " << seed;
  }
  // Made at the same moment: the lower id (the database's order) first.
  for (auto& r : requests) r.submitted_at = kNow - absl::Hours(1);
  absl::StatusOr<Allocation> a = Allocate(slots, requests, Options(7));
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->assigned[0].first, 10);
}

TEST(AllocatorTest, TheEarlierRequestGetsTheBetterRank) {
  // Two requests with the same two choices, both served: the earlier one gets the first choice.
  const std::vector<Slot> slots = {MakeSlot(1, 1), MakeSlot(2, 1)};
  const std::vector<Request> requests = {MakeRequest(10, {1, 2}, kPriorityNone, 5),
                                         MakeRequest(11, {1, 2}, kPriorityNone, 3)};
  for (uint64_t seed = 0; seed < 50; ++seed) {
    absl::StatusOr<Allocation> a = Allocate(slots, requests, Options(seed));
    ASSERT_THAT(a, IsOk());
    EXPECT_EQ(SlotOf(*a).at(11), 1) << "seed " << seed;
    EXPECT_EQ(SlotOf(*a).at(10), 2) << "seed " << seed;
  }
}

TEST(AllocatorTest, WaitlistIsFirstComeFirstServedWithinEachClass) {
  const std::vector<Slot> slots = {MakeSlot(1, 0)};
  const std::vector<Request> requests = {
      MakeRequest(10, {1}, kPriorityNone, 4), MakeRequest(11, {1}, kPriorityElderly, 9),
      MakeRequest(12, {1}, kPriorityNone, 1), MakeRequest(13, {1}, kPriorityHealthWorker, 2),
      MakeRequest(14, {1}, kPriorityDisability, 5)};
  for (uint64_t seed = 0; seed < 20; ++seed) {
    absl::StatusOr<Allocation> a = Allocate(slots, requests, Options(seed));
    ASSERT_THAT(a, IsOk());
    // Priority requests first, by arrival; then the others, by arrival.
    EXPECT_EQ(a->waitlisted, (std::vector<int64_t>{13, 14, 11, 12, 10})) << "seed " << seed;
  }
}

TEST(AllocatorTest, RejectsInvalidInput) {
  const std::vector<Slot> slots = {MakeSlot(1, 2)};
  auto invalid = [&](const std::vector<Slot>& s, const std::vector<Request>& r,
                     const AllocatorOptions& o) {
    return Allocate(s, r, o).status().code() == absl::StatusCode::kInvalidArgument &&
           GreedyFirstCome(s, r, o).status().code() == absl::StatusCode::kInvalidArgument;
  };
  EXPECT_TRUE(invalid({MakeSlot(1, 2), MakeSlot(1, 3)}, {}, Options()));
  EXPECT_TRUE(invalid({MakeSlot(1, 2, 3)}, {}, Options()));
  EXPECT_TRUE(invalid({MakeSlot(1, -1)}, {}, Options()));
  EXPECT_TRUE(invalid(slots, {MakeRequest(10, {1}), MakeRequest(10, {1})}, Options()));
  EXPECT_TRUE(invalid(slots, {MakeRequest(10, {2})}, Options()));
  EXPECT_TRUE(invalid(slots, {MakeRequest(10, {1, 1})}, Options()));
  EXPECT_TRUE(invalid(slots, {MakeRequest(10, {1}, 4)}, Options()));
  AllocatorOptions options = Options();
  options.rank_costs = {5, 1};
  EXPECT_TRUE(invalid(slots, {}, options));
  options.rank_costs = {};
  EXPECT_TRUE(invalid(slots, {}, options));
}

TEST(CheckAllocationTest, AcceptsAValidAllocation) {
  const std::vector<Slot> slots = {MakeSlot(1, 2, 1)};
  const std::vector<Request> requests = {MakeRequest(10, {1}), MakeRequest(11, {1}, 1),
                                         MakeRequest(12, {1})};
  const Allocation a{{{10, 1}, {11, 1}}, {12}};
  EXPECT_THAT(CheckAllocation(slots, requests, a, Options()), IsOk());
}

TEST(CheckAllocationTest, RejectsEachViolation) {
  const std::vector<Slot> slots = {MakeSlot(1, 2, 1), MakeSlot(2, 1),
                                   MakeSlot(3, 1, 0, kNow - absl::Minutes(30))};
  const std::vector<Request> requests = {MakeRequest(10, {1, 2, 3}), MakeRequest(11, {1}),
                                         MakeRequest(12, {1, 2}, kPriorityElderly)};
  const struct {
    Allocation allocation;
    const char* violation;
  } cases[] = {
      {{{{10, 1}, {12, 1}}, {11}}, ""},         // the valid baseline
      {{{{10, 2}, {11, 1}, {12, 1}}, {}}, ""},  // 11 the general seat, 12 the reserved one
      {{{{10, 1}, {11, 1}}, {12}}, "reserved seat"},
      {{{{10, 2}, {12, 2}}, {11}}, "over capacity"},
      {{{{11, 2}}, {10, 12}}, "not preferred"},
      {{{{10, 3}}, {11, 12}}, "closed slot"},
      {{{{10, 1}, {10, 2}}, {11, 12}}, "duplicate request"},
      {{{{10, 1}}, {10, 11, 12}}, "duplicate request"},
      {{{{10, 1}}, {11}}, "unaccounted request"},
      {{{{99, 1}}, {10, 11, 12}}, "unknown request"},
      {{{{10, 7}}, {11, 12}}, "unknown slot"},
  };
  for (const auto& c : cases) {
    const absl::Status status = CheckAllocation(slots, requests, c.allocation, Options());
    if (c.violation[0] == '\0') {
      EXPECT_THAT(status, IsOk()) << status;
    } else {
      EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition)) << c.violation;
      EXPECT_TRUE(absl::StrContains(status.message(), c.violation))
          << status << " (wanted " << c.violation << ")";
    }
  }
}

TEST(CheckAllocationTest, ReleasedReservedSeatsMayGoToAnyone) {
  const std::vector<Slot> slots = {MakeSlot(1, 2, 2, kNow + absl::Hours(2))};
  const std::vector<Request> requests = {MakeRequest(10, {1}), MakeRequest(11, {1})};
  EXPECT_THAT(CheckAllocation(slots, requests, Allocation{{{10, 1}, {11, 1}}, {}}, Options()),
              IsOk());
}

}  // namespace
}  // namespace loket::scheduling
