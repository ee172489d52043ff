// Travel times and distances between the nodes of a Problem. The solver reads a TravelMatrix once,
// into its own dense copy, at the start of Solve; so a provider may compute on the fly (the two
// built-in ones do) or answer from a road-network table loaded elsewhere.
#ifndef LOKET_WORKERS_ROUTING_SOLVER_TRAVEL_H_
#define LOKET_WORKERS_ROUTING_SOLVER_TRAVEL_H_

#include <vector>

#include "workers/routing/solver/problem.h"

namespace loket::routing {

// Indices are Problem::nodes indices. Implementations must be safe to call concurrently from
// several threads through a const reference (the solver and the checker may run side by side).
class TravelMatrix {
 public:
  virtual ~TravelMatrix() = default;
  // Number of nodes the matrix covers; Solve and CheckSolution require it to equal the problem's.
  virtual int size() const = 0;
  // Driving time from `from` to `to`, in the Problem's time unit.
  virtual double Time(int from, int to) const = 0;
  // Distance from `from` to `to`: the quantity the objective and the benchmarks report.
  virtual double Distance(int from, int to) const = 0;
};

// Straight-line distance between planar coordinates, travel time = distance / speed. With speed 1
// this is the convention of the Solomon and Li & Lim best-known values: Euclidean distances as
// doubles, no rounding or truncation. Immutable; thread-safe.
class EuclideanMatrix final : public TravelMatrix {
 public:
  explicit EuclideanMatrix(const Problem& problem, double speed = 1.0);
  int size() const override { return static_cast<int>(x_.size()); }
  double Time(int from, int to) const override { return Distance(from, to) / speed_; }
  double Distance(int from, int to) const override;

 private:
  std::vector<double> x_;
  std::vector<double> y_;
  double speed_;
};

// Great-circle distance between longitude (Node::x) and latitude (Node::y) in degrees, in metres,
// multiplied by `detour_factor` (streets are not straight; about 1.3 in a city); travel time in
// seconds at a constant `speed_kmh`. A stand-in until a road-network provider is wired in.
// Immutable; thread-safe.
class HaversineMatrix final : public TravelMatrix {
 public:
  HaversineMatrix(const Problem& problem, double speed_kmh, double detour_factor = 1.0);
  int size() const override { return static_cast<int>(lon_.size()); }
  double Time(int from, int to) const override;
  double Distance(int from, int to) const override;

 private:
  std::vector<double> lon_;  // radians
  std::vector<double> lat_;  // radians
  double metres_per_second_;
  double detour_factor_;
};

}  // namespace loket::routing

#endif  // LOKET_WORKERS_ROUTING_SOLVER_TRAVEL_H_
