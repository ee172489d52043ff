#include "workers/routing/solver/travel.h"

#include <algorithm>
#include <cmath>

namespace loket::routing {
namespace {

constexpr double kEarthRadiusMetres = 6371000.0;
constexpr double kPi = 3.14159265358979323846;

}  // namespace

EuclideanMatrix::EuclideanMatrix(const Problem& problem, double speed) : speed_(speed) {
  for (const Node& node : problem.nodes) {
    x_.push_back(node.x);
    y_.push_back(node.y);
  }
}

double EuclideanMatrix::Distance(int from, int to) const {
  return std::hypot(x_[from] - x_[to], y_[from] - y_[to]);
}

HaversineMatrix::HaversineMatrix(const Problem& problem, double speed_kmh, double detour_factor)
    : metres_per_second_(speed_kmh / 3.6), detour_factor_(detour_factor) {
  for (const Node& node : problem.nodes) {
    lon_.push_back(node.x * kPi / 180.0);
    lat_.push_back(node.y * kPi / 180.0);
  }
}

double HaversineMatrix::Distance(int from, int to) const {
  const double dlat = lat_[to] - lat_[from];
  const double dlon = lon_[to] - lon_[from];
  const double a =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(lat_[from]) * std::cos(lat_[to]) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return detour_factor_ * 2 * kEarthRadiusMetres * std::asin(std::sqrt(std::min(1.0, a)));
}

double HaversineMatrix::Time(int from, int to) const {
  return Distance(from, to) / metres_per_second_;
}

}  // namespace loket::routing
