#include "workers/routing/solver/instance_reader.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace loket::routing {
namespace {

// The numeric fields of each non-empty line; lines with a non-numeric field are returned empty so
// that the callers can skip headers.
std::vector<std::vector<double>> NumericLines(absl::string_view text) {
  std::vector<std::vector<double>> lines;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::vector<double> fields;
    bool numeric = true;
    for (absl::string_view field :
         absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty())) {
      double value;
      if (!absl::SimpleAtod(field, &value)) {
        numeric = false;
        break;
      }
      fields.push_back(value);
    }
    if (!numeric) fields.clear();
    lines.push_back(std::move(fields));
  }
  return lines;
}

Node MakeNode(const std::vector<double>& f) {
  Node node;
  node.id = static_cast<int>(f[0]);
  node.x = f[1];
  node.y = f[2];
  node.demand = static_cast<int>(f[3]);
  node.ready = f[4];
  node.due = f[5];
  node.service = f[6];
  return node;
}

void AddFleet(Problem& problem, int count, int capacity) {
  const Node& depot = problem.nodes[0];
  for (int v = 0; v < count; ++v) {
    problem.vehicles.push_back(Vehicle{.capacity = capacity,
                                       .start_depot = 0,
                                       .end_depot = 0,
                                       .shift_start = depot.ready,
                                       .shift_end = depot.due});
  }
}

}  // namespace

absl::StatusOr<Problem> ParseSolomon(absl::string_view text, absl::string_view name) {
  Problem problem;
  problem.name = std::string(name);
  int fleet = -1;
  int capacity = 0;
  for (const std::vector<double>& f : NumericLines(text)) {
    if (f.empty()) continue;
    if (fleet < 0) {
      if (f.size() != 2) return absl::InvalidArgumentError("Solomon: bad fleet line");
      fleet = static_cast<int>(f[0]);
      capacity = static_cast<int>(f[1]);
      continue;
    }
    if (f.size() != 7) {
      return absl::InvalidArgumentError(
          absl::StrCat("Solomon: customer row with ", f.size(), " fields, want 7"));
    }
    if (static_cast<int>(f[0]) != static_cast<int>(problem.nodes.size())) {
      return absl::InvalidArgumentError(absl::StrCat("Solomon: row ", f[0], " out of order"));
    }
    problem.nodes.push_back(MakeNode(f));
  }
  if (fleet <= 0 || problem.nodes.size() < 2) {
    return absl::InvalidArgumentError("Solomon: no fleet line or no customers");
  }
  problem.nodes[0].is_depot = true;
  AddFleet(problem, fleet, capacity);
  return problem;
}

absl::StatusOr<Problem> ParseLiLim(absl::string_view text, absl::string_view name) {
  Problem problem;
  problem.name = std::string(name);
  std::vector<std::pair<int, int>> links;  // (pickup_index, delivery_index) per row
  int fleet = -1;
  int capacity = 0;
  for (const std::vector<double>& f : NumericLines(text)) {
    if (f.empty()) continue;
    if (fleet < 0) {
      if (f.size() != 3) return absl::InvalidArgumentError("Li & Lim: bad first line");
      fleet = static_cast<int>(f[0]);
      capacity = static_cast<int>(f[1]);
      continue;  // f[2], the speed, is ignored: see the header
    }
    if (f.size() != 9) {
      return absl::InvalidArgumentError(
          absl::StrCat("Li & Lim: task row with ", f.size(), " fields, want 9"));
    }
    if (static_cast<int>(f[0]) != static_cast<int>(problem.nodes.size())) {
      return absl::InvalidArgumentError(absl::StrCat("Li & Lim: row ", f[0], " out of order"));
    }
    problem.nodes.push_back(MakeNode(f));
    links.emplace_back(static_cast<int>(f[7]), static_cast<int>(f[8]));
  }
  const int n = static_cast<int>(problem.nodes.size());
  if (fleet <= 0 || n < 2) return absl::InvalidArgumentError("Li & Lim: no fleet or no tasks");
  problem.nodes[0].is_depot = true;
  for (int i = 1; i < n; ++i) {
    const auto [pickup, delivery] = links[i];
    if (pickup == 0 && delivery > 0) {
      if (delivery >= n || links[delivery].first != i) {
        return absl::InvalidArgumentError(
            absl::StrCat("Li & Lim: pickup ", i, " names delivery ", delivery, " inconsistently"));
      }
      problem.pairs.push_back(PickupDelivery{.pickup = i, .delivery = delivery});
    } else if (delivery == 0 && pickup > 0) {
      if (pickup >= n || links[pickup].second != i) {
        return absl::InvalidArgumentError(
            absl::StrCat("Li & Lim: delivery ", i, " names pickup ", pickup, " inconsistently"));
      }
    } else {
      return absl::InvalidArgumentError(absl::StrCat("Li & Lim: row ", i, " is in no pair"));
    }
  }
  AddFleet(problem, fleet, capacity);
  return problem;
}

absl::StatusOr<Problem> ParseInstance(absl::string_view text, absl::string_view name) {
  if (absl::StrContains(text, "VEHICLE")) return ParseSolomon(text, name);
  return ParseLiLim(text, name);
}

absl::StatusOr<Problem> ReadInstanceFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string name = path.substr(path.find_last_of('/') + 1);
  if (size_t dot = name.find_last_of('.'); dot != std::string::npos) name.resize(dot);
  return ParseInstance(buffer.str(), name);
}

std::string BenchmarkSolutionJson(const Problem& problem, const Solution& solution) {
  std::string json = absl::StrFormat(R"({"vehicles": %d, "distance": %.4f, "routes": [)",
                                     solution.vehicles, solution.distance);
  for (size_t r = 0; r < solution.routes.size(); ++r) {
    absl::StrAppend(&json, r ? ", [" : "[");
    const std::vector<int>& stops = solution.routes[r].stops;
    for (size_t k = 0; k < stops.size(); ++k) {
      absl::StrAppend(&json, k ? ", " : "", problem.nodes[stops[k]].id);
    }
    absl::StrAppend(&json, "]");
  }
  absl::StrAppend(&json, "]}");
  return json;
}

}  // namespace loket::routing
