#include "workers/routing/solver/solver.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace loket::routing {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// xoshiro256** seeded by splitmix64: our own generator and distributions, so that a seed gives the
// same search on every standard library (std::uniform_*_distribution is not portable).
class Random {
 public:
  explicit Random(uint64_t seed) {
    for (uint64_t& word : s_) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      word = z ^ (z >> 31);
    }
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n); n > 0.
  int Below(int n) { return static_cast<int>(Uniform() * n); }
  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (int i = static_cast<int>(v.size()) - 1; i > 0; --i) std::swap(v[i], v[Below(i + 1)]);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// The problem in the dense form the search reads in its inner loops.
struct Model {
  int n = 0;
  // Dense tables up to SolverOptions::dense_nodes nodes; above, `matrix` answers each query.
  bool dense = true;
  const TravelMatrix* matrix = nullptr;
  std::vector<double> dist;  // n * n when dense, else empty
  std::vector<double> time;  // n * n when dense, else empty
  std::vector<double> ready, due, service;
  std::vector<int> demand;
  std::vector<int> partner;       // the other node of a pair, or -1
  std::vector<int> only_vehicle;  // per item: the one vehicle allowed, or -1
  std::vector<bool> is_pickup;    // the pickup of a pair
  std::vector<int> items;         // what is inserted as one: unpaired stops and pickups of pairs
  std::vector<int> item_size;     // per node: 2 for a pair's pickup, else 1
  std::vector<int> capacity, start_depot, end_depot, vehicle_class;
  std::vector<double> open, close;
  // Per stop: the other stops by distance; all of them when dense, else the nearest
  // SolverOptions::neighbours.
  std::vector<std::vector<int>> neighbours;
  std::vector<double> depot_distance;  // per node, from the first vehicle's depot
  double vehicle_cost = 0;
  double distance_cost = 1;
  double unassigned_penalty = 0;  // per node left out; above any saving a route could bring
  int max_routes = 0;

  double D(int i, int j) const {
    if (dense) return dist[static_cast<size_t>(i) * n + j];
    return i == j ? 0 : matrix->Distance(i, j);
  }
  double T(int i, int j) const {
    if (dense) return time[static_cast<size_t>(i) * n + j];
    return i == j ? 0 : matrix->Time(i, j);
  }
  int Item(int node) const { return partner[node] >= 0 && !is_pickup[node] ? partner[node] : node; }
};

// One vehicle's route with the bookkeeping that makes an insertion check O(1) (unpaired stop) or
// O(route length) per pickup position (pair): forward service starts, backward latest starts,
// loads with their prefix and suffix maxima.
struct RouteState {
  int vehicle = 0;
  std::vector<int> seq;  // start depot, stops, end depot
  std::vector<double> start;
  std::vector<double> latest;
  std::vector<int> load;  // after serving position k
  std::vector<int> prefix_max;
  std::vector<int> suffix_max;
  double distance = 0;

  int stops() const { return static_cast<int>(seq.size()) - 2; }
  bool empty() const { return seq.size() <= 2; }
};

void Refresh(const Model& m, RouteState& r) {
  const int len = static_cast<int>(r.seq.size());
  r.start.resize(len);
  r.latest.resize(len);
  r.load.resize(len);
  r.prefix_max.resize(len);
  r.suffix_max.resize(len);
  int opening = 0;
  for (int k = 1; k + 1 < len; ++k) {
    const int node = r.seq[k];
    if (m.partner[node] < 0 && m.demand[node] < 0) opening -= m.demand[node];
  }
  r.start[0] = m.open[r.vehicle];
  r.load[0] = opening;
  r.distance = 0;
  for (int k = 1; k < len; ++k) {
    const int prev = r.seq[k - 1];
    const int node = r.seq[k];
    const double arrival = r.start[k - 1] + m.service[prev] + m.T(prev, node);
    r.start[k] = k + 1 < len ? std::max(arrival, m.ready[node]) : arrival;
    r.load[k] = r.load[k - 1] + (k + 1 < len ? m.demand[node] : 0);
    r.distance += m.D(prev, node);
  }
  r.latest[len - 1] = m.close[r.vehicle];
  for (int k = len - 2; k >= 0; --k) {
    const int node = r.seq[k];
    const double by_next = r.latest[k + 1] - m.T(node, r.seq[k + 1]) - m.service[node];
    r.latest[k] = k > 0 ? std::min(m.due[node], by_next) : by_next;
  }
  r.prefix_max[0] = r.load[0];
  for (int k = 1; k < len; ++k) r.prefix_max[k] = std::max(r.prefix_max[k - 1], r.load[k]);
  r.suffix_max[len - 1] = r.load[len - 1];
  for (int k = len - 2; k >= 0; --k) r.suffix_max[k] = std::max(r.suffix_max[k + 1], r.load[k]);
}

struct State {
  std::vector<RouteState> routes;  // one per vehicle, empty ones included
  std::vector<int> route_of;       // per node: route index or -1
  std::vector<int> unassigned;     // items
  double distance = 0;
  int used = 0;
  int unassigned_nodes = 0;
  double cost = 0;
  int route_limit = 0;  // at most this many non-empty routes
};

void Reindex(State& s, int r) {
  const RouteState& route = s.routes[r];
  for (int k = 1; k + 1 < static_cast<int>(route.seq.size()); ++k) s.route_of[route.seq[k]] = r;
}

void Evaluate(const Model& m, State& s) {
  s.distance = 0;
  s.used = 0;
  for (const RouteState& r : s.routes) {
    s.distance += r.distance;
    if (!r.empty()) ++s.used;
  }
  s.unassigned_nodes = 0;
  for (int item : s.unassigned) s.unassigned_nodes += m.item_size[item];
  s.cost = m.distance_cost * s.distance + m.vehicle_cost * s.used +
           m.unassigned_penalty * s.unassigned_nodes;
}

// The cheapest feasible place for an item in one route. `a` is the position after which the item
// (or a pair's pickup) goes; `b` the position after which a pair's delivery goes (b >= a, in the
// route before insertion).
struct Insertion {
  double cost = kInf;
  int a = -1;
  int b = -1;
};

// Best insertion of `item` into `r`; with blinks, each position is skipped with `blink` chance.
Insertion BestInsertion(const Model& m, const RouteState& r, int item, double blink, Random* rng) {
  Insertion best;
  const int len = static_cast<int>(r.seq.size());
  const int cap = m.capacity[r.vehicle];
  const int u = item;
  const int d = m.partner[u];
  if (m.only_vehicle[u] >= 0 && m.only_vehicle[u] != r.vehicle) return best;
  if (d < 0) {
    const int q = m.demand[u];
    for (int a = 0; a + 1 < len; ++a) {
      if (r.start[a] > m.due[u]) break;  // service starts never decrease along a route
      const int i = r.seq[a];
      const int j = r.seq[a + 1];
      const double delta = m.D(i, u) + m.D(u, j) - m.D(i, j);
      if (delta >= best.cost) continue;
      if (q > 0 ? r.suffix_max[a] + q > cap : r.prefix_max[a] - q > cap) continue;
      const double s_u = std::max(r.start[a] + m.service[i] + m.T(i, u), m.ready[u]);
      if (s_u > m.due[u]) continue;
      if (s_u + m.service[u] + m.T(u, j) > r.latest[a + 1]) continue;
      if (blink > 0 && rng->Uniform() < blink) continue;
      best = {delta, a, a};
    }
    return best;
  }
  const int q = m.demand[u];
  for (int a = 0; a + 1 < len; ++a) {
    if (r.start[a] > m.due[u]) break;
    if (r.load[a] + q > cap) continue;
    const int i = r.seq[a];
    const int j = r.seq[a + 1];
    const double s_p = std::max(r.start[a] + m.service[i] + m.T(i, u), m.ready[u]);
    if (s_p > m.due[u]) continue;
    const double dep_p = s_p + m.service[u];
    const double pickup_delta = m.D(i, u) + m.D(u, j) - m.D(i, j);
    // The delivery right after the pickup.
    {
      const double delta = m.D(i, u) + m.D(u, d) + m.D(d, j) - m.D(i, j);
      if (delta < best.cost) {
        const double s_d = std::max(dep_p + m.T(u, d), m.ready[d]);
        if (s_d <= m.due[d] && s_d + m.service[d] + m.T(d, j) <= r.latest[a + 1] &&
            !(blink > 0 && rng->Uniform() < blink)) {
          best = {delta, a, a};
        }
      }
    }
    if (pickup_delta >= best.cost) continue;  // the delivery only adds to it
    // The delivery later: push the pickup's delay forward stop by stop.
    int prev = u;
    double prev_dep = dep_p;
    for (int b = a + 1; b + 1 < len; ++b) {
      const int k = r.seq[b];
      const double s_k = std::max(prev_dep + m.T(prev, k), m.ready[k]);
      if (s_k > r.latest[b]) break;
      if (r.load[b] + q > cap) break;
      if (s_k > m.due[d]) break;
      const int next = r.seq[b + 1];
      const double delta = pickup_delta + m.D(k, d) + m.D(d, next) - m.D(k, next);
      if (delta < best.cost) {
        const double s_d = std::max(s_k + m.service[k] + m.T(k, d), m.ready[d]);
        if (s_d <= m.due[d] && s_d + m.service[d] + m.T(d, next) <= r.latest[b + 1] &&
            !(blink > 0 && rng->Uniform() < blink)) {
          best = {delta, a, b};
        }
      }
      prev = k;
      prev_dep = s_k + m.service[k];
    }
  }
  return best;
}

void Apply(const Model& m, State& s, int r, int item, const Insertion& ins) {
  RouteState& route = s.routes[r];
  const int d = m.partner[item];
  if (d >= 0) {
    // Insert the delivery first: its position counts in the route before the pickup goes in.
    route.seq.insert(route.seq.begin() + ins.b + 1, d);
  }
  route.seq.insert(route.seq.begin() + ins.a + 1, item);
  Refresh(m, route);
  Reindex(s, r);
}

// The route cost of using route `r` for an insertion of distance delta `delta`.
double InsertionCost(const Model& m, const RouteState& r, double delta) {
  return m.distance_cost * delta + (r.empty() ? m.vehicle_cost : 0);
}

// Greedy insertion with blinks of s.unassigned, in `order`.
void Recreate(const Model& m, State& s, std::vector<int> order, double blink, Random& rng) {
  std::vector<int> left;
  std::vector<bool> class_seen(m.capacity.size(), false);
  for (int item : order) {
    double best_cost = kInf;
    int best_route = -1;
    Insertion best;
    std::fill(class_seen.begin(), class_seen.end(), false);
    int used = 0;
    for (const RouteState& r : s.routes) used += r.empty() ? 0 : 1;
    for (int r = 0; r < static_cast<int>(s.routes.size()); ++r) {
      const RouteState& route = s.routes[r];
      if (route.empty()) {
        // Empty routes of one vehicle class are interchangeable: try one.
        if (used >= s.route_limit || class_seen[m.vehicle_class[route.vehicle]]) continue;
        class_seen[m.vehicle_class[route.vehicle]] = true;
      }
      Insertion ins = BestInsertion(m, route, item, blink, &rng);
      if (ins.a < 0) continue;
      const double cost = InsertionCost(m, route, ins.cost);
      if (cost < best_cost) {
        best_cost = cost;
        best_route = r;
        best = ins;
      }
    }
    if (best_route < 0) {
      left.push_back(item);
    } else {
      Apply(m, s, best_route, item, best);
    }
  }
  s.unassigned = std::move(left);
  Evaluate(m, s);
}

// Regret-2 construction: repeatedly inserts the item whose best and second-best routes differ
// most, so that stops with few good places are placed before those places are taken. Keeps a
// per-route cache of best insertions and recomputes only the route that changed.
void Construct(const Model& m, State& s) {
  std::vector<int> pending = m.items;
  const int routes = static_cast<int>(s.routes.size());
  std::vector<std::vector<Insertion>> cache(pending.size(), std::vector<Insertion>(routes));
  for (size_t i = 0; i < pending.size(); ++i) {
    for (int r = 0; r < routes; ++r)
      cache[i][r] = BestInsertion(m, s.routes[r], pending[i], 0, nullptr);
  }
  std::vector<bool> class_seen(m.capacity.size(), false);
  std::vector<int> left;
  while (!pending.empty()) {
    int used = 0;
    for (const RouteState& r : s.routes) used += r.empty() ? 0 : 1;
    double best_regret = -kInf;
    double best_cost = kInf;
    int best_index = -1;
    int best_route = -1;
    for (size_t i = 0; i < pending.size(); ++i) {
      double first = kInf;
      double second = kInf;
      int first_route = -1;
      std::fill(class_seen.begin(), class_seen.end(), false);
      for (int r = 0; r < routes; ++r) {
        const RouteState& route = s.routes[r];
        if (route.empty()) {
          if (used >= s.route_limit || class_seen[m.vehicle_class[route.vehicle]]) continue;
          class_seen[m.vehicle_class[route.vehicle]] = true;
        }
        if (cache[i][r].a < 0) continue;
        const double cost = InsertionCost(m, route, cache[i][r].cost);
        if (cost < first) {
          second = first;
          first = cost;
          first_route = r;
        } else if (cost < second) {
          second = cost;
        }
      }
      if (first_route < 0) continue;
      // An item with a single feasible route is the most urgent: its regret is infinite.
      const double regret = second - first;
      if (regret > best_regret || (regret == best_regret && first < best_cost)) {
        best_regret = regret;
        best_cost = first;
        best_index = static_cast<int>(i);
        best_route = first_route;
      }
    }
    if (best_index < 0) {
      left.insert(left.end(), pending.begin(), pending.end());
      break;
    }
    Apply(m, s, best_route, pending[best_index], cache[best_index][best_route]);
    pending.erase(pending.begin() + best_index);
    cache.erase(cache.begin() + best_index);
    for (size_t i = 0; i < pending.size(); ++i) {
      cache[i][best_route] = BestInsertion(m, s.routes[best_route], pending[i], 0, nullptr);
    }
  }
  s.unassigned = std::move(left);
  Evaluate(m, s);
}

// The removal half of ruin-and-recreate. Marks nodes in `removed` (a pair always whole); Remove()
// then rebuilds the touched routes.
class Ruin {
 public:
  Ruin(const Model& m, const SolverOptions& options)
      : m_(m), options_(options), removed_(m.n, false), route_touched_() {}

  // Removes and returns the removed items in s.unassigned (after those already there).
  void Run(State& s, Random& rng) {
    std::fill(removed_.begin(), removed_.end(), false);
    route_touched_.assign(s.routes.size(), false);
    const double pick = rng.Uniform();
    if (pick < 0.75) {
      Strings(s, rng);
    } else if (pick < 0.85) {
      RandomStops(s, rng);
    } else if (pick < 0.95) {
      Worst(s, rng);
    } else {
      WholeRoute(s, rng);
    }
    for (int r = 0; r < static_cast<int>(s.routes.size()); ++r) {
      if (!route_touched_[r]) continue;
      RouteState& route = s.routes[r];
      std::vector<int>& seq = route.seq;
      seq.erase(std::remove_if(seq.begin() + 1, seq.end() - 1, [&](int v) { return removed_[v]; }),
                seq.end() - 1);
      Refresh(m_, route);
    }
    for (int node = 0; node < m_.n; ++node) {
      if (!removed_[node]) continue;
      s.route_of[node] = -1;
      if (m_.Item(node) == node) s.unassigned.push_back(node);
    }
  }

 private:
  int AssignedStops(const State& s) const {
    int count = 0;
    for (const RouteState& r : s.routes) count += r.stops();
    return count;
  }

  void Remove(const State& s, int node) {
    removed_[node] = true;
    route_touched_[s.route_of[node]] = true;
    if (m_.partner[node] >= 0) removed_[m_.partner[node]] = true;
  }

  // Adjacent string removal (Christiaens and Vanden Berghe's SISR): strings, or strings with a
  // kept middle, from several routes near a random seed stop. Removing neighbouring stops from
  // different routes is what lets recreate exchange them.
  void Strings(State& s, Random& rng) {
    const int assigned = AssignedStops(s);
    if (assigned == 0 || s.used == 0) return;
    const double mean_card = static_cast<double>(assigned) / s.used;
    const double ls_max = std::min(options_.max_string_length, mean_card);
    const double ks_max = 4.0 * options_.mean_removed / (1.0 + ls_max) - 1.0;
    const int ks = static_cast<int>(1 + rng.Uniform() * ks_max);
    int seed = -1;
    for (int tries = 0; tries < 100 && seed < 0; ++tries) {
      const int node = m_.items[rng.Below(static_cast<int>(m_.items.size()))];
      if (s.route_of[node] >= 0) seed = node;
    }
    if (seed < 0) return;
    int ruined = 0;
    std::vector<bool> route_done(s.routes.size(), false);
    auto visit = [&](int c) {
      const int r = s.route_of[c];
      if (r < 0 || removed_[c] || route_done[r]) return;
      route_done[r] = true;
      ++ruined;
      const std::vector<int>& seq = s.routes[r].seq;
      const int card = s.routes[r].stops();
      const int pos = static_cast<int>(std::find(seq.begin(), seq.end(), c) - seq.begin()) - 1;
      const int lmax = static_cast<int>(std::min<double>(card, ls_max));
      const int l = 1 + rng.Below(std::max(1, lmax));
      if (l >= card || rng.Uniform() < 0.5) {
        const int lo = std::max(0, pos - l + 1);
        const int hi = std::min(pos, card - l);
        const int first = lo + rng.Below(hi - lo + 1);
        for (int k = first; k < first + l; ++k) Remove(s, seq[k + 1]);
      } else {
        int keep = 1;
        while (l + keep < card && rng.Uniform() > 0.01) ++keep;
        const int span = l + keep;
        const int lo = std::max(0, pos - span + 1);
        const int hi = std::min(pos, card - span);
        const int first = lo + rng.Below(hi - lo + 1);
        const int kept_first = first + rng.Below(l + 1);
        for (int k = first; k < first + span; ++k) {
          if (k < kept_first || k >= kept_first + keep) Remove(s, seq[k + 1]);
        }
      }
    };
    visit(seed);
    for (int c : m_.neighbours[seed]) {
      if (ruined >= ks) break;
      visit(c);
    }
  }

  void RandomStops(State& s, Random& rng) {
    const int want = 1 + rng.Below(static_cast<int>(2 * options_.mean_removed));
    for (int tries = 0; tries < 4 * want; ++tries) {
      const int node = m_.items[rng.Below(static_cast<int>(m_.items.size()))];
      if (s.route_of[node] >= 0 && !removed_[node]) Remove(s, node);
    }
  }

  // Removes stops whose detour is largest, picked with a bias (not always the very worst) so that
  // the same stops do not come out every time.
  void Worst(State& s, Random& rng) {
    std::vector<std::pair<double, int>> savings;
    for (const RouteState& route : s.routes) {
      for (int k = 1; k + 1 < static_cast<int>(route.seq.size()); ++k) {
        const int prev = route.seq[k - 1];
        const int node = route.seq[k];
        const int next = route.seq[k + 1];
        savings.emplace_back(-(m_.D(prev, node) + m_.D(node, next) - m_.D(prev, next)), node);
      }
    }
    if (savings.empty()) return;
    std::sort(savings.begin(), savings.end());
    const int want = 1 + rng.Below(static_cast<int>(2 * options_.mean_removed));
    for (int i = 0; i < want; ++i) {
      const double y = rng.Uniform();
      const int index = static_cast<int>(std::pow(y, 4) * savings.size());
      Remove(s, savings[index].second);
    }
  }

  // Empties one of the shorter routes: the move that can bring the number of vehicles down.
  void WholeRoute(State& s, Random& rng) {
    int chosen = -1;
    for (int tries = 0; tries < 3; ++tries) {
      const int r = rng.Below(static_cast<int>(s.routes.size()));
      if (s.routes[r].empty()) continue;
      if (chosen < 0 || s.routes[r].stops() < s.routes[chosen].stops()) chosen = r;
    }
    if (chosen < 0) return RandomStops(s, rng);
    const std::vector<int>& seq = s.routes[chosen].seq;
    for (int k = 1; k + 1 < static_cast<int>(seq.size()); ++k) Remove(s, seq[k]);
  }

  const Model& m_;
  const SolverOptions& options_;
  std::vector<bool> removed_;
  std::vector<bool> route_touched_;
};

// The order recreate inserts in (SISR): random, larger demand first, farther from the depot first,
// or closer first, drawn with weights 4:4:2:1.
void SortForRecreate(const Model& m, std::vector<int>& items, Random& rng) {
  rng.Shuffle(items);
  const double pick = rng.Uniform() * 11;
  if (pick < 4) return;
  if (pick < 8) {
    std::stable_sort(items.begin(), items.end(),
                     [&](int a, int b) { return std::abs(m.demand[a]) > std::abs(m.demand[b]); });
  } else if (pick < 10) {
    std::stable_sort(items.begin(), items.end(),
                     [&](int a, int b) { return m.depot_distance[a] > m.depot_distance[b]; });
  } else {
    std::stable_sort(items.begin(), items.end(),
                     [&](int a, int b) { return m.depot_distance[a] < m.depot_distance[b]; });
  }
}

absl::StatusOr<Model> BuildModel(const Problem& problem, const TravelMatrix& matrix,
                                 const SolverOptions& options) {
  Model m;
  m.n = static_cast<int>(problem.nodes.size());
  if (matrix.size() != m.n) {
    return absl::InvalidArgumentError(
        absl::StrCat("matrix covers ", matrix.size(), " nodes, the problem has ", m.n));
  }
  m.matrix = &matrix;
  m.dense = m.n <= options.dense_nodes;
  double max_distance = 0;
  auto bad_entry = [](int i, int j) {
    return absl::InvalidArgumentError(
        absl::StrCat("matrix entry ", i, "->", j, " is negative or not finite"));
  };
  auto finite = [](double v) { return v >= 0 && !std::isinf(v); };
  if (m.dense) {
    const size_t nn = static_cast<size_t>(m.n) * m.n;
    m.dist.resize(nn);
    m.time.resize(nn);
    for (int i = 0; i < m.n; ++i) {
      for (int j = 0; j < m.n; ++j) {
        const double d = i == j ? 0 : matrix.Distance(i, j);
        const double t = i == j ? 0 : matrix.Time(i, j);
        if (!finite(d) || !finite(t)) return bad_entry(i, j);
        m.dist[static_cast<size_t>(i) * m.n + j] = d;
        m.time[static_cast<size_t>(i) * m.n + j] = t;
        max_distance = std::max(max_distance, d);
      }
    }
  } else {
    // Computed on demand: check the legs from and to the depots here, and every distance between
    // stops as the neighbour lists are built below.
    for (int i = 0; i < m.n; ++i) {
      if (!problem.nodes[i].is_depot) continue;
      for (int j = 0; j < m.n; ++j) {
        if (i == j) continue;
        const double values[] = {matrix.Distance(i, j), matrix.Time(i, j), matrix.Distance(j, i),
                                 matrix.Time(j, i)};
        for (double v : values) {
          if (!finite(v)) return bad_entry(i, j);
        }
        max_distance = std::max({max_distance, values[0], values[2]});
      }
    }
  }
  m.partner.assign(m.n, -1);
  m.is_pickup.assign(m.n, false);
  for (const PickupDelivery& pair : problem.pairs) {
    m.partner[pair.pickup] = pair.delivery;
    m.partner[pair.delivery] = pair.pickup;
    m.is_pickup[pair.pickup] = true;
  }
  m.item_size.assign(m.n, 1);
  m.only_vehicle.assign(m.n, -1);
  std::vector<bool> bound(problem.vehicles.size(), false);
  for (int i = 0; i < m.n; ++i) {
    const int v = problem.nodes[i].only_vehicle;
    if (v < 0) continue;
    // A pair is inserted as its pickup: the binding of either end goes on both.
    m.only_vehicle[i] = v;
    if (m.partner[i] >= 0) m.only_vehicle[m.partner[i]] = v;
    bound[v] = true;
  }
  std::vector<int> stops;
  for (int i = 0; i < m.n; ++i) {
    const Node& node = problem.nodes[i];
    m.ready.push_back(node.ready);
    m.due.push_back(node.due);
    m.service.push_back(node.service);
    m.demand.push_back(node.is_depot ? 0 : node.demand);
    if (node.is_depot) continue;
    stops.push_back(i);
    if (m.Item(i) == i) m.items.push_back(i);
    if (m.partner[i] >= 0) m.item_size[i] = 2;
  }
  for (const Vehicle& v : problem.vehicles) {
    m.capacity.push_back(v.capacity);
    m.start_depot.push_back(v.start_depot);
    m.end_depot.push_back(v.end_depot);
    m.open.push_back(std::max(v.shift_start, problem.nodes[v.start_depot].ready));
    m.close.push_back(std::min(v.shift_end, problem.nodes[v.end_depot].due));
  }
  // Vehicles that differ in nothing form a class; recreate tries one empty route per class. A
  // vehicle some stop is bound to is a class of its own.
  for (size_t v = 0; v < problem.vehicles.size(); ++v) {
    int cls = static_cast<int>(v);
    for (size_t w = 0; w < v && !bound[v]; ++w) {
      if (bound[w]) continue;
      if (m.capacity[w] == m.capacity[v] && m.start_depot[w] == m.start_depot[v] &&
          m.end_depot[w] == m.end_depot[v] && m.open[w] == m.open[v] && m.close[w] == m.close[v]) {
        cls = m.vehicle_class[w];
        break;
      }
    }
    m.vehicle_class.push_back(cls);
  }
  m.neighbours.assign(m.n, {});
  if (m.dense) {
    for (int c : stops) {
      std::vector<int>& list = m.neighbours[c];
      for (int o : stops) {
        if (o != c) list.push_back(o);
      }
      std::sort(list.begin(), list.end(),
                [&](int a, int b) { return m.D(c, a) + m.D(a, c) < m.D(c, b) + m.D(b, c); });
    }
  } else {
    // The nearest `neighbours` per stop, ranked by the matrix among candidates: every stop up to
    // kScanAllStops stops (time n^2); above, the stops in the grid cells around it by the nodes'
    // coordinates (the built-in matrices grow with coordinate distance), ring by ring until more
    // than `neighbours` are found, and one ring more. Memory n * neighbours plus the grid.
    constexpr size_t kScanAllStops = 5000;
    const size_t keep = static_cast<size_t>(std::max(1, options.neighbours));
    const bool by_grid = stops.size() > kScanAllStops;
    // The grid: about two stops per cell, cells listed in CSR form.
    double min_x = kInf, max_x = -kInf, min_y = kInf, max_y = -kInf;
    for (int c : stops) {
      min_x = std::min(min_x, problem.nodes[c].x);
      max_x = std::max(max_x, problem.nodes[c].x);
      min_y = std::min(min_y, problem.nodes[c].y);
      max_y = std::max(max_y, problem.nodes[c].y);
    }
    const int side = by_grid ? std::max(1, static_cast<int>(std::sqrt(stops.size() / 2.0))) : 1;
    const double cell_w = std::max(max_x - min_x, 1e-9) / side;
    const double cell_h = std::max(max_y - min_y, 1e-9) / side;
    auto cell_x = [&](int node) {
      return std::clamp(static_cast<int>((problem.nodes[node].x - min_x) / cell_w), 0, side - 1);
    };
    auto cell_y = [&](int node) {
      return std::clamp(static_cast<int>((problem.nodes[node].y - min_y) / cell_h), 0, side - 1);
    };
    std::vector<int> cell_start;
    std::vector<int> cell_stops;
    if (by_grid) {
      cell_start.assign(static_cast<size_t>(side) * side + 1, 0);
      for (int c : stops) ++cell_start[cell_y(c) * side + cell_x(c) + 1];
      for (size_t i = 1; i < cell_start.size(); ++i) cell_start[i] += cell_start[i - 1];
      cell_stops.resize(stops.size());
      std::vector<int> fill(cell_start.begin(), cell_start.end() - 1);
      for (int c : stops) cell_stops[fill[cell_y(c) * side + cell_x(c)]++] = c;
      // Legs between stops are checked and measured only among candidates; any leg is at most two
      // legs through the depot, which the loop above measured.
      max_distance *= 2;
    }
    std::vector<int> candidates;
    std::vector<std::pair<double, int>> row;
    for (int c : stops) {
      candidates.clear();
      if (by_grid) {
        const int cx = cell_x(c);
        const int cy = cell_y(c);
        auto take = [&](int x, int y) {
          if (x < 0 || y < 0 || x >= side || y >= side) return;
          const int cell = y * side + x;
          for (int k = cell_start[cell]; k < cell_start[cell + 1]; ++k) {
            candidates.push_back(cell_stops[k]);
          }
        };
        int enough_at = -1;
        for (int r = 0; r <= side && (enough_at < 0 || r <= enough_at + 1); ++r) {
          if (r == 0) {
            take(cx, cy);
          } else {
            for (int dx = -r; dx <= r; ++dx) {
              take(cx + dx, cy - r);
              take(cx + dx, cy + r);
            }
            for (int dy = -r + 1; dy <= r - 1; ++dy) {
              take(cx - r, cy + dy);
              take(cx + r, cy + dy);
            }
          }
          if (enough_at < 0 && candidates.size() > keep) enough_at = r;
        }
      }
      row.clear();
      for (int o : by_grid ? candidates : stops) {
        if (o == c) continue;
        const double there = matrix.Distance(c, o);
        const double back = matrix.Distance(o, c);
        if (!finite(there) || !finite(back)) return bad_entry(c, o);
        max_distance = std::max({max_distance, there, back});
        row.emplace_back(there + back, o);
      }
      const size_t k = std::min(keep, row.size());
      std::partial_sort(row.begin(), row.begin() + k, row.end());
      std::vector<int>& list = m.neighbours[c];
      list.reserve(k);
      for (size_t i = 0; i < k; ++i) list.push_back(row[i].second);
    }
  }
  const int depot = problem.vehicles[0].start_depot;
  for (int i = 0; i < m.n; ++i) m.depot_distance.push_back(m.D(depot, i));
  m.vehicle_cost = problem.objective.vehicle_cost;
  m.distance_cost = problem.objective.distance_cost;
  // Leaving a stop out must cost more than any route could save by it.
  m.unassigned_penalty = 10 * (m.vehicle_cost + m.distance_cost * 2 * max_distance) + 1;
  m.max_routes = options.max_vehicles > 0
                     ? std::min<int>(options.max_vehicles, problem.vehicles.size())
                     : static_cast<int>(problem.vehicles.size());
  return m;
}

Solution Export(const Model& m, const State& s, int64_t iterations) {
  Solution out;
  for (const RouteState& r : s.routes) {
    if (r.empty()) continue;
    // The distance of the routes driven: an unused courier who starts away from the office has
    // an empty route of one leg in the search's bookkeeping, which is no route of the solution.
    out.distance += r.distance;
    Route route;
    route.vehicle = r.vehicle;
    for (int k = 1; k + 1 < static_cast<int>(r.seq.size()); ++k) {
      route.stops.push_back(r.seq[k]);
      route.service_start.push_back(r.start[k]);
    }
    out.routes.push_back(std::move(route));
  }
  out.vehicles = s.used;
  out.cost = m.distance_cost * out.distance + m.vehicle_cost * s.used;
  for (int item : s.unassigned) {
    out.unassigned.push_back(item);
    if (m.partner[item] >= 0) out.unassigned.push_back(m.partner[item]);
  }
  std::sort(out.unassigned.begin(), out.unassigned.end());
  out.iterations = iterations;
  return out;
}

absl::StatusOr<Solution> SolveWhole(const Problem& problem, const TravelMatrix& matrix,
                                    const SolverOptions& options, const Clock& clock) {
  const absl::Time began = clock.Now();
  LOKET_ASSIGN_OR_RETURN(Model built, BuildModel(problem, matrix, options));
  const Model& m = built;
  Random rng(options.seed);

  State current;
  current.route_limit = m.max_routes;
  current.route_of.assign(m.n, -1);
  for (int v = 0; v < static_cast<int>(problem.vehicles.size()); ++v) {
    RouteState route;
    route.vehicle = v;
    route.seq = {m.start_depot[v], m.end_depot[v]};
    Refresh(m, route);
    current.routes.push_back(std::move(route));
  }
  Construct(m, current);
  State best = current;

  // Temperatures scale with the mean arc of the first solution, so that one setting fits
  // instances in kilometres and in Solomon's units alike.
  const double arcs = std::max(1, static_cast<int>(m.items.size()) + current.used);
  const double mean_arc = std::max(1e-9, m.distance_cost * current.distance / arcs);
  const double t_start = options.start_temperature * mean_arc;
  const double t_end = options.end_temperature * mean_arc;

  Ruin ruin(m, options);
  State work;
  int64_t iteration = 0;
  const absl::Duration limit = options.time_limit;
  // Share of the search done so far, by iterations or time, whichever is further.
  auto progress = [&]() {
    double done = 0;
    if (options.max_iterations > 0) {
      done = static_cast<double>(iteration) / options.max_iterations;
    }
    if (limit != absl::InfiniteDuration()) {
      const absl::Duration elapsed = clock.Now() - began;
      done =
          std::max(done, limit > absl::ZeroDuration() ? absl::FDivDuration(elapsed, limit) : 1.0);
    }
    return done;
  };

  // Fleet minimisation (SISR's): when vehicles cost something, first try to do with one route
  // fewer than the best complete solution. Take a route away, then ruin and recreate with the
  // fleet capped, accepting a solution that leaves fewer stops out, or stops that have been out
  // less often (their absence counts), until all fit; then take the next route away.
  // Absence counts steer the search towards placing the stops that are hard to place.
  const double fleet_share = m.vehicle_cost > 0 ? options.fleet_share : 0;
  if (fleet_share > 0 && current.unassigned.empty() && current.used > 1) {
    std::vector<int64_t> absences(m.n, 0);
    auto absence_sum = [&](const State& s) {
      int64_t sum = 0;
      for (int item : s.unassigned) sum += absences[item];
      return sum;
    };
    auto drop_route = [&](State& s) {
      int chosen = -1;
      for (int tries = 0; tries < 2 || chosen < 0; ++tries) {
        const int r = rng.Below(static_cast<int>(s.routes.size()));
        if (s.routes[r].empty()) continue;
        if (chosen < 0 || s.routes[r].stops() < s.routes[chosen].stops()) chosen = r;
      }
      RouteState& route = s.routes[chosen];
      for (int k = 1; k + 1 < static_cast<int>(route.seq.size()); ++k) {
        const int node = route.seq[k];
        s.route_of[node] = -1;
        if (m.Item(node) == node) s.unassigned.push_back(node);
      }
      route.seq = {route.seq.front(), route.seq.back()};
      Refresh(m, route);
      s.route_limit = s.used - 1;
      Evaluate(m, s);
    };
    State fleet = best;
    drop_route(fleet);
    while (progress() < fleet_share && fleet.route_limit >= 1) {
      ++iteration;
      work = fleet;
      ruin.Run(work, rng);
      std::vector<int> order = work.unassigned;
      work.unassigned.clear();
      SortForRecreate(m, order, rng);
      Recreate(m, work, std::move(order), options.blink_rate, rng);
      if (work.unassigned.size() < fleet.unassigned.size() ||
          absence_sum(work) < absence_sum(fleet)) {
        std::swap(fleet, work);
      }
      if (fleet.unassigned.empty()) {
        if (fleet.cost < best.cost) best = fleet;
        if (fleet.used <= 1) break;
        drop_route(fleet);
      }
      for (int item : fleet.unassigned) ++absences[item];
    }
    current = best;
    current.route_limit = m.max_routes;
  }

  while (true) {
    const double done = progress();
    if (done >= 1.0) break;
    ++iteration;
    // The annealing schedule runs over what is left after fleet minimisation.
    const double phase =
        fleet_share > 0 ? std::max(0.0, (done - fleet_share) / (1 - fleet_share)) : done;
    const double temperature = t_start * std::pow(t_end / t_start, phase);

    work = current;
    ruin.Run(work, rng);
    std::vector<int> order = work.unassigned;
    work.unassigned.clear();
    SortForRecreate(m, order, rng);
    Recreate(m, work, std::move(order), options.blink_rate, rng);
    if (work.cost < current.cost - temperature * std::log(1.0 - rng.Uniform())) {
      std::swap(current, work);
      if (current.cost < best.cost - 1e-9) best = current;
    }
  }
  Solution out = Export(m, best, iteration);
  out.footprint.nodes = m.n;
  out.footprint.travel_entries = static_cast<int64_t>(m.dist.size() + m.time.size());
  for (const std::vector<int>& list : m.neighbours) out.footprint.neighbour_entries += list.size();
  out.footprint.insertion_cache_entries =
      static_cast<int64_t>(m.items.size()) * static_cast<int64_t>(problem.vehicles.size());
  return out;
}

// A TravelMatrix over a sub-problem's nodes: node k of the area is node `original[k]`.
class AreaMatrix final : public TravelMatrix {
 public:
  AreaMatrix(const TravelMatrix& base, std::vector<int> original)
      : base_(base), original_(std::move(original)) {}
  int size() const override { return static_cast<int>(original_.size()); }
  double Time(int from, int to) const override {
    return base_.Time(original_[from], original_[to]);
  }
  double Distance(int from, int to) const override {
    return base_.Distance(original_[from], original_[to]);
  }

 private:
  const TravelMatrix& base_;
  std::vector<int> original_;
};

}  // namespace

absl::StatusOr<Solution> SolveByArea(const Problem& problem, const TravelMatrix& matrix,
                                     const SolverOptions& options, const Clock& clock) {
  LOKET_RETURN_IF_ERROR(ValidateProblem(problem));
  if (options.time_limit == absl::InfiniteDuration() && options.max_iterations <= 0) {
    return absl::InvalidArgumentError("set a time limit or an iteration limit");
  }
  if (matrix.size() != static_cast<int>(problem.nodes.size())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "matrix covers ", matrix.size(), " nodes, the problem has ", problem.nodes.size()));
  }
  const absl::Time began = clock.Now();
  const int n = static_cast<int>(problem.nodes.size());
  std::vector<int> partner(n, -1);
  std::vector<bool> is_pickup(n, false);
  for (const PickupDelivery& pair : problem.pairs) {
    partner[pair.pickup] = pair.delivery;
    partner[pair.delivery] = pair.pickup;
    is_pickup[pair.pickup] = true;
  }
  // The vehicles that may be used: all, or the first max_vehicles.
  int pool = static_cast<int>(problem.vehicles.size());
  if (options.max_vehicles > 0) pool = std::min(pool, options.max_vehicles);
  const Node& centre = problem.nodes[problem.vehicles[0].end_depot];
  auto angle = [&](int node) {
    return std::atan2(problem.nodes[node].y - centre.y, problem.nodes[node].x - centre.x);
  };
  // Items: unpaired stops and pickups (a pair travels as one). Bound ones follow their vehicle.
  std::vector<std::pair<double, int>> free_items;
  std::vector<std::vector<int>> bound_items(problem.vehicles.size());
  std::vector<int> left_out;  // bound to a vehicle outside the pool
  int stops = 0;
  for (int i = 0; i < n; ++i) {
    if (problem.nodes[i].is_depot) continue;
    ++stops;
    if (partner[i] >= 0 && !is_pickup[i]) continue;
    int only = problem.nodes[i].only_vehicle;
    if (only < 0 && partner[i] >= 0) only = problem.nodes[partner[i]].only_vehicle;
    if (only < 0) {
      free_items.emplace_back(angle(i), i);
    } else if (only < pool) {
      bound_items[only].push_back(i);
    } else {
      left_out.push_back(i);
      if (partner[i] >= 0) left_out.push_back(partner[i]);
    }
  }
  std::sort(free_items.begin(), free_items.end());
  const int limit = std::max(1, options.max_area_stops);
  const int areas = std::max(1, std::min(pool, (stops + limit - 1) / limit));
  // Vehicles by the angle of their start, dealt to the areas in even blocks.
  std::vector<std::pair<double, int>> fleet;
  for (int v = 0; v < pool; ++v) fleet.emplace_back(angle(problem.vehicles[v].start_depot), v);
  std::sort(fleet.begin(), fleet.end());
  std::vector<std::vector<int>> area_vehicles(areas);
  for (int k = 0; k < pool; ++k) {
    area_vehicles[static_cast<int64_t>(k) * areas / pool].push_back(fleet[k].second);
  }
  // Free items cut so that each area's share of the stops follows its share of the vehicles.
  std::vector<std::vector<int>> area_items(areas);
  int free_stops = 0;
  for (const auto& [a, item] : free_items) free_stops += partner[item] >= 0 ? 2 : 1;
  {
    size_t next = 0;
    int64_t taken = 0;
    int vehicles_so_far = 0;
    for (int a = 0; a < areas; ++a) {
      vehicles_so_far += static_cast<int>(area_vehicles[a].size());
      const int64_t target =
          a + 1 == areas ? free_stops : static_cast<int64_t>(free_stops) * vehicles_so_far / pool;
      while (next < free_items.size() && taken < target) {
        const int item = free_items[next++].second;
        area_items[a].push_back(item);
        taken += partner[item] >= 0 ? 2 : 1;
      }
      for (int v : area_vehicles[a]) {
        area_items[a].insert(area_items[a].end(), bound_items[v].begin(), bound_items[v].end());
      }
    }
  }
  Solution out;
  out.areas = areas;
  out.unassigned = left_out;
  const absl::Time deadline = options.time_limit == absl::InfiniteDuration()
                                  ? absl::InfiniteFuture()
                                  : began + options.time_limit;
  int stops_left = stops - static_cast<int>(left_out.size());
  for (int a = 0; a < areas; ++a) {
    // The area as a problem of its own: its vehicles' depots, then its stops.
    Problem sub;
    sub.name = absl::StrCat(problem.name, " area ", a + 1, "/", areas);
    sub.objective = problem.objective;
    std::vector<int> original;
    std::vector<int> local(n, -1);
    auto add = [&](int node) {
      if (local[node] >= 0) return local[node];
      local[node] = static_cast<int>(original.size());
      original.push_back(node);
      Node copy = problem.nodes[node];
      copy.only_vehicle = -1;
      sub.nodes.push_back(copy);
      return local[node];
    };
    std::vector<int> vehicle_index(problem.vehicles.size(), -1);
    for (int v : area_vehicles[a]) {
      Vehicle vehicle = problem.vehicles[v];
      vehicle.start_depot = add(vehicle.start_depot);
      vehicle.end_depot = add(vehicle.end_depot);
      vehicle_index[v] = static_cast<int>(sub.vehicles.size());
      sub.vehicles.push_back(vehicle);
    }
    int area_stops = 0;
    for (int item : area_items[a]) {
      const int node = add(item);
      ++area_stops;
      int only = problem.nodes[item].only_vehicle;
      if (partner[item] >= 0) {
        if (only < 0) only = problem.nodes[partner[item]].only_vehicle;
        const int d = add(partner[item]);
        ++area_stops;
        sub.pairs.push_back({node, d});
      }
      if (only >= 0) sub.nodes[node].only_vehicle = vehicle_index[only];
    }
    if (area_stops == 0) continue;
    SolverOptions area_options = options;
    area_options.max_area_stops = 0;
    area_options.max_vehicles = 0;
    const double share = static_cast<double>(area_stops) / std::max(1, stops_left);
    stops_left -= area_stops;
    if (deadline != absl::InfiniteFuture()) {
      area_options.time_limit = std::max(absl::ZeroDuration(), (deadline - clock.Now()) * share);
    }
    if (options.max_iterations > 0) {
      area_options.max_iterations = std::max<int64_t>(
          1, static_cast<int64_t>(options.max_iterations * static_cast<double>(area_stops) /
                                  std::max(1, stops)));
    }
    const AreaMatrix area_matrix(matrix, original);
    LOKET_ASSIGN_OR_RETURN(Solution solved, SolveWhole(sub, area_matrix, area_options, clock));
    for (Route& route : solved.routes) {
      route.vehicle = area_vehicles[a][route.vehicle];
      for (int& stop : route.stops) stop = original[stop];
      out.routes.push_back(std::move(route));
    }
    for (int stop : solved.unassigned) out.unassigned.push_back(original[stop]);
    out.distance += solved.distance;
    out.vehicles += solved.vehicles;
    out.iterations += solved.iterations;
    const SolveFootprint& f = solved.footprint;
    out.footprint.nodes = std::max(out.footprint.nodes, f.nodes);
    out.footprint.travel_entries = std::max(out.footprint.travel_entries, f.travel_entries);
    out.footprint.neighbour_entries =
        std::max(out.footprint.neighbour_entries, f.neighbour_entries);
    out.footprint.insertion_cache_entries =
        std::max(out.footprint.insertion_cache_entries, f.insertion_cache_entries);
  }
  out.cost = problem.objective.distance_cost * out.distance +
             problem.objective.vehicle_cost * out.vehicles;
  std::sort(out.unassigned.begin(), out.unassigned.end());
  return out;
}

absl::StatusOr<Solution> Solve(const Problem& problem, const TravelMatrix& matrix,
                               const SolverOptions& options, const Clock& clock) {
  LOKET_RETURN_IF_ERROR(ValidateProblem(problem));
  if (options.time_limit == absl::InfiniteDuration() && options.max_iterations <= 0) {
    return absl::InvalidArgumentError("set a time limit or an iteration limit");
  }
  int stops = 0;
  for (const Node& node : problem.nodes) stops += node.is_depot ? 0 : 1;
  if (options.max_area_stops > 0 && stops > options.max_area_stops && problem.vehicles.size() > 1) {
    return SolveByArea(problem, matrix, options, clock);
  }
  return SolveWhole(problem, matrix, options, clock);
}

}  // namespace loket::routing
