// Spontan's appointment slot allocator (DESIGN.md section 5): assigns one round's batch of booking
// requests to slots within capacity, holding each slot's reserved seats for Temankubela and health
// workers until a cut-off.
//
// Allocate() solves a min-cost max-flow problem: it serves as many requests as capacity allows,
// and among those allocations picks the cheapest by preference rank, with priority requests
// discounted so that they win contested seats. GreedyFirstCome() is the baseline the benchmark
// compares against. CheckAllocation() re-derives every rule from the inputs, sharing no
// bookkeeping with either, so that tests and benchmarks do not take an allocator's word for it.
//
// Pure library: no I/O, no clock, no global state; `options.now` and `options.seed` are the only
// sources of time and randomness. All functions are thread-safe (they share nothing).
#ifndef LOKET_WORKERS_SCHEDULING_ALLOCATOR_ALLOCATOR_H_
#define LOKET_WORKERS_SCHEDULING_ALLOCATOR_ALLOCATOR_H_

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace loket::scheduling {

// Request::priority_class values (Applicant priority class, DESIGN.md section 5).
inline constexpr int kPriorityNone = 0;
inline constexpr int kPriorityElderly = 1;
inline constexpr int kPriorityDisability = 2;
inline constexpr int kPriorityHealthWorker = 3;

// One bookable window at one office.
//
// Seats open to a round: none once the slot has started (start <= now); otherwise
// capacity - booked. Until the cut-off, min(reserved_priority, capacity - booked) of those are
// reserved for priority requests: `booked` does not say who holds the earlier seats, so they are
// counted against the general seats first, which keeps the reserved seats available to priority
// requests for as long as any seat is left.
struct Slot {
  int64_t id = 0;
  absl::Time start;
  int capacity = 0;           // people allowed in the window (distancing)
  int booked = 0;             // seats confirmed in earlier rounds
  int reserved_priority = 0;  // seats of `capacity` held for priority classes until the cut-off
};

// One applicant's booking request.
struct Request {
  int64_t id = 0;
  int priority_class = kPriorityNone;    // kPriority*; any class but kPriorityNone is "priority"
  std::vector<int64_t> preferred_slots;  // in order of preference, first = first choice
  absl::Time submitted_at;               // the arrival order: ties and the waitlist go by it
};

struct AllocatorOptions {
  // Unused by Allocate since ties are broken first come, first served; kept for the task's wire
  // format and the benchmark's instance generator.
  uint64_t seed = 0;
  // Slots starting at or before `now` are closed.
  absl::Time now;
  // The cut-off: reserved seats of a slot that starts less than this after `now` are open to
  // everyone, so that seats nobody with priority asked for are not left empty.
  absl::Duration priority_release_before = absl::Hours(24);
  // rank_costs[k]: cost of serving a request with its (k+1)-th choice; ranks past the end cost the
  // last entry. Non-negative and non-decreasing. Concave by default (the first step is the
  // largest) so that first choices count most: one request losing its first choice costs more
  // than another slipping from its second to its third.
  std::vector<int64_t> rank_costs = {0, 10, 14};
  // Subtracted from the cost of serving a priority request. Above the largest rank cost, a
  // priority request wins a contested seat even with its last choice against a first choice.
  int64_t priority_bonus = 100;
  // Unset (the default): serve as many requests as capacity allows, whatever it costs in ranks.
  // Set: serve a further request only if that raises the weighted cost (the sum minimised by
  // Allocate, counting the moves it forces on requests already placed) by at most this much.
  // With the default weights, 0 serves a non-priority request only at no net cost (a first
  // choice, nobody pushed to a worse rank overall); 19 (just under two steps of rank_costs[1])
  // never pushes one request off its first choice to seat another at a second choice. The knob
  // trades requests served for first choices met (docs/benchmarks-allocate.md).
  std::optional<int64_t> serve_cost_limit;
};

struct Allocation {
  // (request id, slot id), sorted by request id.
  std::vector<std::pair<int64_t, int64_t>> assigned;
  // Requests not served, in the order a freed seat should be offered to them.
  std::vector<int64_t> waitlisted;
};

// Assigns `requests` to `slots`: each request gets at most one of its preferred slots, no slot
// gets more than the seats open to this round (see Slot), and reserved seats go only to priority
// requests before the cut-off. Among valid allocations it returns one that
//   1. serves the most requests (with serve_cost_limit set: minimises the sum in 2 minus
//      serve_cost_limit per served request, then serves the most), then
//   2. minimises the sum of rank_costs[rank] - (priority ? priority_bonus : 0), then
//   3. breaks remaining ties first come, first served: requests in the order they were made
//      (submitted_at, then id) are preferred for a seat, then for a better rank.
// The result depends only on the contents of the inputs and `options`, not on their order.
// `waitlisted` lists priority requests first, then the others, each first come, first served
// (issue 11: the waitlist was a seeded shuffle, so a later request could take a freed seat from
// an earlier one with the same wishes). Rank still comes before arrival: a later request that
// gets its first choice may beat an earlier one that would take the seat as its second.
//
// Runs successive shortest paths (Dijkstra with potentials) on the flow network
// source -> request -> (slot, seat pool) -> sink, with requests eliminated: the Dijkstra graph has
// a node per seat pool only, and the request that realises each pool-to-pool edge is kept in a
// heap per edge. Time O(F * (P^2 + E log E)) for F served requests and P seat pools.
//
// Returns InvalidArgumentError, naming the id, for a duplicate slot or request id, a negative
// capacity, booked or reserved count, reserved_priority > capacity, an unknown priority class, a
// preferred slot that is not in `slots` or is listed twice, or invalid rank_costs/priority_bonus;
// ResourceExhaustedError if the instance is too large for exact 64-bit tie-breaking costs (far
// beyond one office's round: about a million requests over a week's slots with default weights).
absl::StatusOr<Allocation> Allocate(const std::vector<Slot>& slots,
                                    const std::vector<Request>& requests,
                                    const AllocatorOptions& options);

// The baseline: requests in order of submitted_at (then id), each taking its best preferred slot
// with a seat open to it (a priority request takes a reserved seat before a general one). Same
// seat rules, validation and errors as Allocate; `waitlisted` is in submission order.
absl::StatusOr<Allocation> GreedyFirstCome(const std::vector<Slot>& slots,
                                           const std::vector<Request>& requests,
                                           const AllocatorOptions& options);

// Returns OkStatus if `allocation` obeys every rule for these inputs: each assigned request and
// slot exists, each request appears exactly once in assigned or waitlisted, a request gets only
// one of its preferred slots, no closed slot is used, no slot gets more than capacity - booked,
// and before the cut-off non-priority requests get no more than the general seats. Otherwise
// FailedPreconditionError naming the first violation ("unknown request", "unknown slot",
// "duplicate request", "unaccounted request", "not preferred", "closed slot", "over capacity",
// "reserved seat"). Shares no code with the allocators.
absl::Status CheckAllocation(const std::vector<Slot>& slots, const std::vector<Request>& requests,
                             const Allocation& allocation, const AllocatorOptions& options);

// Figures the benchmark and tests report about an allocation.
struct AllocationSummary {
  int requests = 0;
  int served = 0;
  int first_choice = 0;  // served with preferred_slots[0]
  int priority_requests = 0;
  int priority_served = 0;
  // Sum over served requests of rank_costs[rank] - (priority ? priority_bonus : 0): the quantity
  // Allocate minimises once the number served is maximal.
  int64_t weighted_cost = 0;
};

// Summarises `allocation`; assigned pairs naming unknown requests or slots outside a request's
// preferences are skipped (CheckAllocation reports those).
AllocationSummary Summarize(const std::vector<Request>& requests, const Allocation& allocation,
                            const AllocatorOptions& options);

}  // namespace loket::scheduling

#endif  // LOKET_WORKERS_SCHEDULING_ALLOCATOR_ALLOCATOR_H_
