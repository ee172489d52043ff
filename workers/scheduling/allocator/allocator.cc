#include "workers/scheduling/allocator/allocator.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <functional>
#include <limits>
#include <queue>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status_macros.h"

namespace loket::scheduling {
namespace {

struct OpenSeats {
  int reserved = 0;  // only for priority requests
  int general = 0;   // for anyone
};

// The seat rules of Slot's comment, in one place for both allocators.
OpenSeats SeatsOpenThisRound(const Slot& slot, const AllocatorOptions& options) {
  if (slot.start <= options.now) return {};
  const int open = std::max(0, slot.capacity - slot.booked);
  if (slot.start - options.now < options.priority_release_before) return {0, open};
  const int reserved = std::min(slot.reserved_priority, open);
  return {reserved, open - reserved};
}

int64_t RankCost(const AllocatorOptions& options, size_t rank) {
  return options.rank_costs[std::min(rank, options.rank_costs.size() - 1)];
}

// Validates inputs and indexes slots by id.
absl::Status Validate(const std::vector<Slot>& slots, const std::vector<Request>& requests,
                      const AllocatorOptions& options,
                      absl::flat_hash_map<int64_t, int>& slot_index) {
  if (options.rank_costs.empty()) return absl::InvalidArgumentError("rank_costs is empty");
  for (size_t k = 0; k < options.rank_costs.size(); ++k) {
    if (options.rank_costs[k] < 0 || (k > 0 && options.rank_costs[k] < options.rank_costs[k - 1])) {
      return absl::InvalidArgumentError("rank_costs must be non-negative and non-decreasing");
    }
  }
  // The bound keeps every cost and potential far inside int64 (see the overflow check below).
  constexpr int64_t kMaxWeight = int64_t{1} << 30;
  if (options.priority_bonus < 0 || options.priority_bonus > kMaxWeight ||
      options.rank_costs.back() > kMaxWeight) {
    return absl::InvalidArgumentError("priority_bonus and rank_costs must be in [0, 2^30]");
  }
  slot_index.reserve(slots.size());
  for (size_t s = 0; s < slots.size(); ++s) {
    const Slot& slot = slots[s];
    if (!slot_index.emplace(slot.id, static_cast<int>(s)).second) {
      return absl::InvalidArgumentError(absl::StrCat("duplicate slot id ", slot.id));
    }
    if (slot.capacity < 0 || slot.booked < 0 || slot.reserved_priority < 0 ||
        slot.reserved_priority > slot.capacity) {
      return absl::InvalidArgumentError(absl::StrCat(
          "slot ", slot.id, ": need 0 <= reserved_priority <= capacity and booked >= 0"));
    }
  }
  absl::flat_hash_set<int64_t> request_ids;
  request_ids.reserve(requests.size());
  for (const Request& r : requests) {
    if (!request_ids.insert(r.id).second) {
      return absl::InvalidArgumentError(absl::StrCat("duplicate request id ", r.id));
    }
    if (r.priority_class < kPriorityNone || r.priority_class > kPriorityHealthWorker) {
      return absl::InvalidArgumentError(
          absl::StrCat("request ", r.id, ": unknown priority class ", r.priority_class));
    }
    for (size_t k = 0; k < r.preferred_slots.size(); ++k) {
      if (!slot_index.contains(r.preferred_slots[k])) {
        return absl::InvalidArgumentError(
            absl::StrCat("request ", r.id, ": unknown slot ", r.preferred_slots[k]));
      }
      // Preference lists are short (a few windows), so the quadratic scan is cheapest.
      for (size_t j = 0; j < k; ++j) {
        if (r.preferred_slots[j] == r.preferred_slots[k]) {
          return absl::InvalidArgumentError(
              absl::StrCat("request ", r.id, ": slot ", r.preferred_slots[k], " listed twice"));
        }
      }
    }
  }
  return absl::OkStatus();
}

// A candidate request for an edge of the pool graph, kept in a min-heap per edge. `key` is the
// edge cost the request realises; `pos` (the request's place in the seeded order) breaks ties so
// that heaps pop in a deterministic order.
struct Candidate {
  int64_t key;
  int32_t pos;
  int32_t option;  // global index of the option the request moves into
  int32_t epoch;   // the request's epoch when pushed; stale once the request moves again
};

bool After(const Candidate& a, const Candidate& b) {
  return a.key != b.key ? a.key > b.key : a.pos > b.pos;
}

void PushCandidate(std::vector<Candidate>& heap, const Candidate& c) {
  heap.push_back(c);
  std::push_heap(heap.begin(), heap.end(), After);
}

// The min-cost max-flow state. Nodes of the Dijkstra graph are the seat pools (a slot's reserved
// seats and its general seats are two pools) plus a source and a sink. Request nodes are
// eliminated: an unassigned request r with option p makes an edge source -> p costing c(r, p); a
// request r assigned to p with another option q makes an edge p -> q costing c(r, q) - c(r, p)
// (the residual path p -> r -> q). For each edge only the cheapest request matters, so each edge
// keeps its requests in a lazily cleaned min-heap. This is exact: every residual path through a
// request node enters and leaves it by exactly these edges (paths back to the source are never
// shortest s-t paths), so shortest paths and potentials agree with the full network's.
class PoolFlow {
 public:
  PoolFlow(std::vector<int> pool_capacity, int num_requests, std::vector<int> option_begin,
           std::vector<int> option_pool, std::vector<int64_t> option_cost)
      : num_pools_(static_cast<int>(pool_capacity.size())),
        source_(num_pools_),
        sink_(num_pools_ + 1),
        capacity_(std::move(pool_capacity)),
        flow_(num_pools_, 0),
        option_begin_(std::move(option_begin)),
        option_pool_(std::move(option_pool)),
        option_cost_(std::move(option_cost)),
        assigned_(num_requests, -1),
        epoch_(num_requests, 0),
        unassigned_(num_pools_),
        adjacency_(num_pools_) {
    BuildEdges(num_requests);
  }

  // Augments along shortest paths until no request can be added or `accept` refuses the cost of
  // the next path (path costs never decrease, so every later path would be refused too). Returns
  // the assignment: for each request (by position in the seeded order) its option index, or -1.
  const std::vector<int>& Solve(const std::function<bool(int64_t path_cost)>& accept) {
    const int num_nodes = num_pools_ + 2;
    potential_.assign(num_nodes, 0);
    dist_.resize(num_nodes);
    done_.resize(num_nodes);
    parent_node_.resize(num_nodes);
    parent_.resize(num_nodes);
    // With the source's potential pinned at 0, the sink's potential after Dijkstra is the path's
    // cost in original (unreduced) costs.
    while (ShortestPath() && accept(potential_[sink_])) Augment();
    return assigned_;
  }

 private:
  static constexpr int64_t kInfinity = std::numeric_limits<int64_t>::max();

  void BuildEdges(int num_requests) {
    // Pool-to-pool edges are static: one per ordered pair of options that some request has.
    absl::flat_hash_map<uint64_t, int> edge_of_pair;
    option_edges_begin_.assign(num_requests + 1, 0);
    for (int r = 0; r < num_requests; ++r) {
      const int m = option_begin_[r + 1] - option_begin_[r];
      option_edges_begin_[r + 1] = option_edges_begin_[r] + m * m;
    }
    option_edges_.assign(option_edges_begin_[num_requests], -1);
    std::vector<std::pair<int, int>> edge_ends;
    for (int r = 0; r < num_requests; ++r) {
      const int begin = option_begin_[r];
      const int m = option_begin_[r + 1] - begin;
      for (int a = 0; a < m; ++a) {
        unassigned_[option_pool_[begin + a]].push_back({option_cost_[begin + a], r, begin + a, 0});
        for (int b = 0; b < m; ++b) {
          if (a == b) continue;
          const int from = option_pool_[begin + a];
          const int to = option_pool_[begin + b];
          const uint64_t key = (static_cast<uint64_t>(from) << 32) | static_cast<uint32_t>(to);
          auto [it, inserted] = edge_of_pair.emplace(key, static_cast<int>(edge_ends.size()));
          if (inserted) edge_ends.push_back({from, to});
          option_edges_[option_edges_begin_[r] + a * m + b] = it->second;
        }
      }
    }
    for (auto& heap : unassigned_) std::make_heap(heap.begin(), heap.end(), After);
    moves_.resize(edge_ends.size());
    for (size_t e = 0; e < edge_ends.size(); ++e) {
      adjacency_[edge_ends[e].first].push_back({edge_ends[e].second, static_cast<int>(e)});
    }
    // Sorted so that Dijkstra relaxes in an order that does not depend on hashing.
    for (auto& edges : adjacency_) std::sort(edges.begin(), edges.end());
  }

  // Pops stale candidates; returns the cheapest valid one or nullptr.
  const Candidate* TopUnassigned(int pool) {
    std::vector<Candidate>& heap = unassigned_[pool];
    while (!heap.empty() && assigned_[heap.front().pos] != -1) {
      std::pop_heap(heap.begin(), heap.end(), After);
      heap.pop_back();
    }
    return heap.empty() ? nullptr : &heap.front();
  }

  const Candidate* TopMove(int edge) {
    std::vector<Candidate>& heap = moves_[edge];
    while (!heap.empty() && epoch_[heap.front().pos] != heap.front().epoch) {
      std::pop_heap(heap.begin(), heap.end(), After);
      heap.pop_back();
    }
    return heap.empty() ? nullptr : &heap.front();
  }

  void Relax(int from, int to, int64_t reduced_cost, const Candidate* via,
             std::priority_queue<std::pair<int64_t, int>, std::vector<std::pair<int64_t, int>>,
                                 std::greater<>>& queue) {
    // Potentials keep reduced costs non-negative (see ShortestPath); tests build with asserts on.
    assert(reduced_cost >= 0);
    const int64_t d = dist_[from] + reduced_cost;
    if (done_[to] || d >= dist_[to]) return;
    dist_[to] = d;
    parent_node_[to] = from;
    if (via != nullptr) parent_[to] = *via;
    queue.push({d, to});
  }

  // Dijkstra on reduced costs from the source, stopping when the sink is settled. Returns false if
  // the sink is unreachable (the flow is maximum).
  bool ShortestPath() {
    std::fill(dist_.begin(), dist_.end(), kInfinity);
    std::fill(done_.begin(), done_.end(), false);
    std::priority_queue<std::pair<int64_t, int>, std::vector<std::pair<int64_t, int>>,
                        std::greater<>>
        queue;
    dist_[source_] = 0;
    done_[source_] = true;
    for (int p = 0; p < num_pools_; ++p) {
      const Candidate* c = TopUnassigned(p);
      if (c != nullptr) Relax(source_, p, c->key + potential_[source_] - potential_[p], c, queue);
    }
    while (!queue.empty()) {
      const auto [d, u] = queue.top();
      queue.pop();
      if (done_[u] || d != dist_[u]) continue;
      done_[u] = true;
      if (u == sink_) break;
      if (flow_[u] < capacity_[u]) {
        Relax(u, sink_, potential_[u] - potential_[sink_], nullptr, queue);
      }
      for (const auto& [to, edge] : adjacency_[u]) {
        if (done_[to]) continue;
        const Candidate* c = TopMove(edge);
        if (c != nullptr) Relax(u, to, c->key + potential_[u] - potential_[to], c, queue);
      }
    }
    if (!done_[sink_]) return false;
    // Capping unsettled nodes at the sink's distance keeps every reduced cost non-negative
    // (min(d, D) is still a feasible distance function) and lets Dijkstra stop early.
    const int64_t bound = dist_[sink_];
    for (size_t v = 0; v < dist_.size(); ++v) potential_[v] += std::min(dist_[v], bound);
    return true;
  }

  void Augment() {
    int v = parent_node_[sink_];
    ++flow_[v];
    while (v != source_) {
      const Candidate& c = parent_[v];
      Assign(c.pos, c.option);
      v = parent_node_[v];
    }
  }

  // Moves request `r` into option `option` and publishes its moves onward from there.
  void Assign(int r, int option) {
    assigned_[r] = option;
    const int epoch = ++epoch_[r];
    const int begin = option_begin_[r];
    const int m = option_begin_[r + 1] - begin;
    const int a = option - begin;
    for (int b = 0; b < m; ++b) {
      if (b == a) continue;
      const int edge = option_edges_[option_edges_begin_[r] + a * m + b];
      PushCandidate(moves_[edge],
                    {option_cost_[begin + b] - option_cost_[option], r, begin + b, epoch});
    }
  }

  const int num_pools_;
  const int source_;
  const int sink_;
  const std::vector<int> capacity_;
  std::vector<int> flow_;
  // Request r's options are [option_begin_[r], option_begin_[r + 1]): a pool and a cost each.
  const std::vector<int> option_begin_;
  const std::vector<int> option_pool_;
  const std::vector<int64_t> option_cost_;
  // Edge id for (request r, option a, option b) at option_edges_begin_[r] + a * m + b.
  std::vector<int> option_edges_begin_;
  std::vector<int> option_edges_;
  std::vector<int> assigned_;  // option index or -1, by request
  std::vector<int> epoch_;     // bumped on every move, to invalidate heap entries
  std::vector<std::vector<Candidate>> unassigned_;  // by pool: unassigned requests that want it
  std::vector<std::vector<Candidate>> moves_;       // by edge: assigned requests that could move
  std::vector<std::vector<std::pair<int, int>>> adjacency_;  // by pool: (to pool, edge)
  // Dijkstra scratch.
  std::vector<int64_t> potential_;
  std::vector<int64_t> dist_;
  std::vector<char> done_;
  std::vector<int> parent_node_;
  std::vector<Candidate> parent_;  // the request realising the edge into each node
};

bool IsPriority(const Request& r) { return r.priority_class != kPriorityNone; }

}  // namespace

absl::StatusOr<Allocation> Allocate(const std::vector<Slot>& slots,
                                    const std::vector<Request>& requests,
                                    const AllocatorOptions& options) {
  absl::flat_hash_map<int64_t, int> slot_index;
  LOKET_RETURN_IF_ERROR(Validate(slots, requests, options, slot_index));
  const int n = static_cast<int>(requests.size());

  // First come, first served: requests in the order they were made (submitted_at, then id), not
  // the order loketd happened to list them in. Ties between equally good allocations go to the
  // earlier request, and the waitlist keeps that order within each class.
  std::vector<int> order(n);  // order[pos] = index into requests
  for (int i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    return requests[a].submitted_at != requests[b].submitted_at
               ? requests[a].submitted_at < requests[b].submitted_at
               : requests[a].id < requests[b].id;
  });

  // Seat pools: a slot's reserved seats and its general seats.
  std::vector<int> pool_capacity;
  std::vector<int> pool_slot;
  std::vector<int> reserved_pool(slots.size(), -1);
  std::vector<int> general_pool(slots.size(), -1);
  int64_t open_seats = 0;
  for (size_t s = 0; s < slots.size(); ++s) {
    const OpenSeats seats = SeatsOpenThisRound(slots[s], options);
    if (seats.reserved > 0) {
      reserved_pool[s] = static_cast<int>(pool_capacity.size());
      pool_capacity.push_back(seats.reserved);
      pool_slot.push_back(static_cast<int>(s));
    }
    if (seats.general > 0) {
      general_pool[s] = static_cast<int>(pool_capacity.size());
      pool_capacity.push_back(seats.general);
      pool_slot.push_back(static_cast<int>(s));
    }
    open_seats += seats.reserved + seats.general;
  }

  // Edge costs are lexicographic: primary * scale + tie_break. tie_break(pos, rank) =
  // stride * pos + rank * (n - pos): for one rank it grows with pos (earlier requests are cheaper
  // to serve), and the step to a worse rank shrinks with pos (earlier requests keep the better
  // rank). `scale` exceeds any difference of tie_break sums between two flows of equal size, so
  // tie_break never overrides the primary cost, and twice the tie_break part of any one path (a
  // new request plus at most one move per pool), so rounding recovers a path's primary cost.
  size_t longest = 1;
  for (const Request& r : requests) longest = std::max(longest, r.preferred_slots.size());
  const __int128 stride = static_cast<__int128>(longest) + 1;
  const __int128 max_tie_break = stride * n + static_cast<__int128>(longest) * n;
  const __int128 max_flow = std::min<int64_t>(n, open_seats);
  const __int128 num_nodes = static_cast<__int128>(pool_capacity.size()) + 2;
  const __int128 scale = 2 * (max_flow + num_nodes) * max_tie_break + 1;
  const __int128 max_primary = options.priority_bonus + options.rank_costs.back();
  const __int128 max_edge = (max_primary + 1) * scale + max_tie_break;
  // A shortest path has at most one edge per pool plus two; potentials stay below the longest.
  if (max_edge * num_nodes * 4 > std::numeric_limits<int64_t>::max()) {
    return absl::ResourceExhaustedError(absl::StrCat("allocation too large for 64-bit costs: ", n,
                                                     " requests, ", pool_capacity.size(),
                                                     " seat pools"));
  }

  std::vector<int> option_begin(n + 1, 0);
  std::vector<int> option_pool;
  std::vector<int64_t> option_cost;
  option_pool.reserve(static_cast<size_t>(n) * 2);
  option_cost.reserve(static_cast<size_t>(n) * 2);
  for (int pos = 0; pos < n; ++pos) {
    const Request& r = requests[order[pos]];
    const bool priority = IsPriority(r);
    for (size_t k = 0; k < r.preferred_slots.size(); ++k) {
      const int s = slot_index.at(r.preferred_slots[k]);
      // Every served request pays the bonus once, so adding it keeps costs non-negative without
      // changing which maximum flow is cheapest.
      const int64_t primary =
          options.priority_bonus + RankCost(options, k) - (priority ? options.priority_bonus : 0);
      const int64_t cost = static_cast<int64_t>(primary * scale + stride * pos +
                                                static_cast<__int128>(k) * (n - pos));
      if (priority && reserved_pool[s] >= 0) {
        option_pool.push_back(reserved_pool[s]);
        option_cost.push_back(cost);
      }
      if (general_pool[s] >= 0) {
        option_pool.push_back(general_pool[s]);
        option_cost.push_back(cost);
      }
    }
    option_begin[pos + 1] = static_cast<int>(option_pool.size());
  }

  PoolFlow flow(std::move(pool_capacity), n, option_begin, option_pool, std::move(option_cost));
  const int64_t scale64 = static_cast<int64_t>(scale);
  const std::vector<int>& assigned = flow.Solve([&](int64_t path_cost) {
    if (!options.serve_cost_limit.has_value()) return true;
    // Path costs are never negative (each is the increase of a minimum total cost).
    const int64_t primary = (path_cost + scale64 / 2) / scale64;
    return primary - options.priority_bonus <= *options.serve_cost_limit;
  });

  Allocation allocation;
  std::vector<int64_t> waitlisted_others;
  for (int pos = 0; pos < n; ++pos) {
    const Request& r = requests[order[pos]];
    if (assigned[pos] >= 0) {
      allocation.assigned.push_back({r.id, slots[pool_slot[option_pool[assigned[pos]]]].id});
    } else if (IsPriority(r)) {
      allocation.waitlisted.push_back(r.id);
    } else {
      waitlisted_others.push_back(r.id);
    }
  }
  std::sort(allocation.assigned.begin(), allocation.assigned.end());
  allocation.waitlisted.insert(allocation.waitlisted.end(), waitlisted_others.begin(),
                               waitlisted_others.end());
  return allocation;
}

absl::StatusOr<Allocation> GreedyFirstCome(const std::vector<Slot>& slots,
                                           const std::vector<Request>& requests,
                                           const AllocatorOptions& options) {
  absl::flat_hash_map<int64_t, int> slot_index;
  LOKET_RETURN_IF_ERROR(Validate(slots, requests, options, slot_index));
  std::vector<OpenSeats> open(slots.size());
  for (size_t s = 0; s < slots.size(); ++s) open[s] = SeatsOpenThisRound(slots[s], options);
  std::vector<int> order(requests.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    return requests[a].submitted_at != requests[b].submitted_at
               ? requests[a].submitted_at < requests[b].submitted_at
               : requests[a].id < requests[b].id;
  });
  Allocation allocation;
  for (int i : order) {
    const Request& r = requests[i];
    bool served = false;
    for (int64_t slot_id : r.preferred_slots) {
      OpenSeats& seats = open[slot_index.at(slot_id)];
      int* seat = IsPriority(r) && seats.reserved > 0 ? &seats.reserved
                  : seats.general > 0                 ? &seats.general
                                                      : nullptr;
      if (seat == nullptr) continue;
      --*seat;
      allocation.assigned.push_back({r.id, slot_id});
      served = true;
      break;
    }
    if (!served) allocation.waitlisted.push_back(r.id);
  }
  std::sort(allocation.assigned.begin(), allocation.assigned.end());
  return allocation;
}

AllocationSummary Summarize(const std::vector<Request>& requests, const Allocation& allocation,
                            const AllocatorOptions& options) {
  AllocationSummary summary;
  absl::flat_hash_map<int64_t, const Request*> by_id;
  for (const Request& r : requests) {
    by_id[r.id] = &r;
    ++summary.requests;
    if (IsPriority(r)) ++summary.priority_requests;
  }
  for (const auto& [request_id, slot_id] : allocation.assigned) {
    auto it = by_id.find(request_id);
    if (it == by_id.end()) continue;
    const Request& r = *it->second;
    const auto pref = std::find(r.preferred_slots.begin(), r.preferred_slots.end(), slot_id);
    if (pref == r.preferred_slots.end()) continue;
    const size_t rank = pref - r.preferred_slots.begin();
    ++summary.served;
    if (rank == 0) ++summary.first_choice;
    if (IsPriority(r)) ++summary.priority_served;
    summary.weighted_cost += RankCost(options, rank) - (IsPriority(r) ? options.priority_bonus : 0);
  }
  return summary;
}

}  // namespace loket::scheduling
