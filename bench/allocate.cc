// allocate_bench: one office's week of Spontan slots and a seeded batch of requests, allocated by
// the min-cost allocator and by the greedy first-come baseline on the same input. Prints one JSON
// line and a Markdown table: time, served, first-choice share, priority served share. Both
// allocations pass CheckAllocation or the run fails. Run by hand; results in
// docs/benchmarks-allocate.md (DESIGN.md section 8: quote ratios from one run).
//
//   allocate_bench --requests=10000 --capacity=10 --reserved=2 --seed=1
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "workers/scheduling/allocator/allocator.h"

ABSL_FLAG(int, requests, 10000, "requests in the batch");
ABSL_FLAG(int, capacity, 10, "people per 30-minute slot (distancing)");
ABSL_FLAG(int, reserved, 2, "seats per slot reserved for priority classes");
ABSL_FLAG(double, priority_share, 0.10, "share of requests with a priority class");
ABSL_FLAG(uint64_t, seed, 1, "seed of the generated input and of the allocator's tie-breaks");
ABSL_FLAG(int64_t, priority_bonus, loket::scheduling::AllocatorOptions().priority_bonus,
          "AllocatorOptions::priority_bonus");
ABSL_FLAG(int64_t, serve_cost_limit, -1000000,
          "AllocatorOptions::serve_cost_limit; -1000000 leaves it unset (serve the most)");
ABSL_FLAG(int, repeat, 5, "timed runs per allocator; the median is reported");

namespace loket::scheduling {
namespace {

constexpr int kDays = 5;          // Monday to Friday
constexpr int kSlotsPerDay = 14;  // 08:00-15:00 in 30-minute slots

struct Week {
  std::vector<Slot> slots;  // day-major: slots[day * kSlotsPerDay + i]
  std::vector<Request> requests;
  absl::Time now;
};

// Balikpapan keeps WITA (UTC+8) all year. The week starts Monday 2 June 2025; the round runs on
// the Sunday before at 10:00, so Monday's first four slots fall inside the 24 h cut-off.
Week MakeWeek(int num_requests, int capacity, int reserved, double priority_share, uint64_t seed) {
  const absl::TimeZone wita = absl::FixedTimeZone(8 * 60 * 60);
  const absl::CivilDay monday(2025, 6, 2);
  Week week;
  week.now = absl::FromCivil(absl::CivilMinute(2025, 6, 1, 10, 0), wita);
  for (int day = 0; day < kDays; ++day) {
    for (int i = 0; i < kSlotsPerDay; ++i) {
      const absl::CivilMinute start = absl::CivilMinute(monday + day) + 8 * 60 + 30 * i;
      week.slots.push_back(
          Slot{1000 + day * 100 + i, absl::FromCivil(start, wita), capacity, 0, reserved});
    }
  }
  std::mt19937_64 rng(seed);
  // Demand is skewed to Mondays and to mornings (people come before work and after a weekend).
  std::discrete_distribution<int> pick_day({30, 22, 18, 16, 14});
  std::vector<double> hour_weights;
  for (int i = 0; i < kSlotsPerDay; ++i) hour_weights.push_back(std::pow(0.88, i));
  std::discrete_distribution<int> pick_time(hour_weights.begin(), hour_weights.end());
  std::discrete_distribution<int> pick_count({30, 40, 30});  // 1, 2 or 3 windows
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> submitted_minute(0, 7 * 24 * 60 - 1);
  for (int r = 0; r < num_requests; ++r) {
    Request request;
    request.id = 1'000'000 + r;
    const double p = unit(rng);
    // Of the priority share: 40% elderly, 20% disability, 40% health workers.
    request.priority_class = p >= priority_share        ? kPriorityNone
                             : p < priority_share * 0.4 ? kPriorityElderly
                             : p < priority_share * 0.6 ? kPriorityDisability
                                                        : kPriorityHealthWorker;
    request.submitted_at = week.now - absl::Hours(7 * 24) + absl::Minutes(submitted_minute(rng));
    int day = pick_day(rng);
    int time = pick_time(rng);
    const int count = pick_count(rng) + 1;
    std::vector<int> chosen = {day * kSlotsPerDay + time};
    // Later windows: the neighbouring slot, the same time another day, or anything.
    for (int attempt = 0; static_cast<int>(chosen.size()) < count && attempt < 20; ++attempt) {
      const double kind = unit(rng);
      int d = day;
      int t = time;
      if (kind < 0.5) {
        t = time + (unit(rng) < 0.5 ? -1 : 1);
      } else if (kind < 0.8) {
        d = pick_day(rng);
      } else {
        d = pick_day(rng);
        t = pick_time(rng);
      }
      if (t < 0 || t >= kSlotsPerDay) continue;
      const int slot = d * kSlotsPerDay + t;
      if (std::find(chosen.begin(), chosen.end(), slot) != chosen.end()) continue;
      chosen.push_back(slot);
    }
    for (int slot : chosen) request.preferred_slots.push_back(week.slots[slot].id);
    week.requests.push_back(std::move(request));
  }
  return week;
}

struct Result {
  std::string name;
  double median_ms = 0;
  AllocationSummary summary;
};

template <typename AllocateFn>
Result Run(const char* name, AllocateFn allocate, const Week& week, const AllocatorOptions& options,
           int repeat) {
  Result result;
  result.name = name;
  std::vector<double> times;
  Allocation allocation;
  for (int i = 0; i < std::max(1, repeat); ++i) {
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<Allocation> a = allocate(week.slots, week.requests, options);
    const auto end = std::chrono::steady_clock::now();
    if (!a.ok()) {
      std::fprintf(stderr, "%s: %s\n", name, a.status().ToString().c_str());
      std::exit(1);
    }
    times.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    allocation = *std::move(a);
  }
  const absl::Status check = CheckAllocation(week.slots, week.requests, allocation, options);
  if (!check.ok()) {
    std::fprintf(stderr, "%s: CheckAllocation: %s\n", name, check.ToString().c_str());
    std::exit(1);
  }
  std::sort(times.begin(), times.end());
  result.median_ms = times[times.size() / 2];
  result.summary = Summarize(week.requests, allocation, options);
  return result;
}

double Share(int part, int whole) { return whole == 0 ? 0.0 : static_cast<double>(part) / whole; }

int Main() {
  const int num_requests = absl::GetFlag(FLAGS_requests);
  const Week week =
      MakeWeek(num_requests, absl::GetFlag(FLAGS_capacity), absl::GetFlag(FLAGS_reserved),
               absl::GetFlag(FLAGS_priority_share), absl::GetFlag(FLAGS_seed));
  AllocatorOptions options;
  options.seed = absl::GetFlag(FLAGS_seed);
  options.now = week.now;
  options.priority_bonus = absl::GetFlag(FLAGS_priority_bonus);
  if (absl::GetFlag(FLAGS_serve_cost_limit) != -1000000) {
    options.serve_cost_limit = absl::GetFlag(FLAGS_serve_cost_limit);
  }
  int64_t seats = 0;
  for (const Slot& s : week.slots) seats += s.capacity - s.booked;
  const int repeat = absl::GetFlag(FLAGS_repeat);
  const Result results[] = {Run("min_cost", Allocate, week, options, repeat),
                            Run("greedy_first_come", GreedyFirstCome, week, options, repeat)};

  const std::string limit = options.serve_cost_limit.has_value()
                                ? absl::StrCat(*options.serve_cost_limit)
                                : std::string("null");
  std::string json = absl::StrFormat(
      R"({"requests":%d,"slots":%d,"seats":%d,"capacity":%d,"reserved":%d,"priority_bonus":%d,)"
      R"("serve_cost_limit":%s,"seed":%d,"results":[)",
      num_requests, week.slots.size(), seats, absl::GetFlag(FLAGS_capacity),
      absl::GetFlag(FLAGS_reserved), options.priority_bonus, limit, absl::GetFlag(FLAGS_seed));
  for (const Result& r : results) {
    const AllocationSummary& s = r.summary;
    absl::StrAppendFormat(
        &json,
        R"(%s{"allocator":"%s","time_ms":%.2f,"served":%d,"first_choice":%d,)"
        R"("first_choice_share_of_requests":%.4f,"first_choice_share_of_served":%.4f,)"
        R"("priority_requests":%d,"priority_served":%d,"priority_served_share":%.4f,)"
        R"("weighted_cost":%d})",
        &r == results ? "" : ",", r.name, r.median_ms, s.served, s.first_choice,
        Share(s.first_choice, s.requests), Share(s.first_choice, s.served), s.priority_requests,
        s.priority_served, Share(s.priority_served, s.priority_requests), s.weighted_cost);
  }
  json += "]}";
  std::printf("%s\n\n", json.c_str());
  std::printf(
      "%d requests, %zu slots, %lld seats (capacity %d, %d reserved), priority_bonus %lld, "
      "serve_cost_limit %s, seed %llu\n\n",
      num_requests, week.slots.size(), static_cast<long long>(seats), absl::GetFlag(FLAGS_capacity),
      absl::GetFlag(FLAGS_reserved), static_cast<long long>(options.priority_bonus), limit.c_str(),
      static_cast<unsigned long long>(absl::GetFlag(FLAGS_seed)));
  std::printf(
      "| allocator | time ms | served | first choice (of requests) | first choice (of served) "
      "| priority served |\n|---|---:|---:|---:|---:|---:|\n");
  for (const Result& r : results) {
    const AllocationSummary& s = r.summary;
    std::printf("| %s | %.1f | %d | %d (%.1f%%) | %.1f%% | %d / %d (%.1f%%) |\n", r.name.c_str(),
                r.median_ms, s.served, s.first_choice, 100 * Share(s.first_choice, s.requests),
                100 * Share(s.first_choice, s.served), s.priority_served, s.priority_requests,
                100 * Share(s.priority_served, s.priority_requests));
  }
  return 0;
}

}  // namespace
}  // namespace loket::scheduling

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return loket::scheduling::Main();
}
