// loket-router-check: validates a printed solution (the JSON loket-router-bench writes) against its
// instance file with the independent checker. It reads what was printed, not the solver's memory,
// so the benchmark checks exactly the answer it reports.
//
//   loket-router-check --instance FILE [--solution FILE]   (default: the JSON on standard input)
// Prints "feasible vehicles distance" and exits 0, or prints the violation and exits 2.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "workers/routing/solver/checker.h"
#include "workers/routing/solver/instance_reader.h"
#include "workers/routing/solver/travel.h"

ABSL_FLAG(std::string, instance, "", "Solomon or Li & Lim instance file");
ABSL_FLAG(std::string, solution, "", "solution JSON file (default: standard input)");

namespace {

using loket::routing::Problem;
using loket::routing::Route;
using loket::routing::Solution;

// Parses {"vehicles": n, "distance": d, "routes": [[id, ...], ...]}: the one shape the bench
// prints, so a small scanner does, without a JSON library.
absl::StatusOr<Solution> ParseSolutionJson(const std::string& text, const Problem& problem) {
  auto number_after = [&](const std::string& key, double* value) -> absl::Status {
    const size_t at = text.find("\"" + key + "\"");
    if (at == std::string::npos) return absl::InvalidArgumentError("no " + key);
    size_t p = text.find(':', at) + 1;
    size_t end = text.find_first_of(",}", p);
    std::string field = text.substr(p, end - p);
    field.erase(0, field.find_first_not_of(" \t\n"));
    field.erase(field.find_last_not_of(" \t\n") + 1);
    if (!absl::SimpleAtod(field, value)) return absl::InvalidArgumentError("bad " + key);
    return absl::OkStatus();
  };
  Solution solution;
  double vehicles = 0;
  LOKET_RETURN_IF_ERROR(number_after("vehicles", &vehicles));
  LOKET_RETURN_IF_ERROR(number_after("distance", &solution.distance));
  solution.vehicles = static_cast<int>(vehicles);
  std::vector<int> index_of_id;
  for (size_t i = 0; i < problem.nodes.size(); ++i) {
    const int id = problem.nodes[i].id;
    if (id >= static_cast<int>(index_of_id.size())) index_of_id.resize(id + 1, -1);
    index_of_id[id] = static_cast<int>(i);
  }
  size_t p = text.find("\"routes\"");
  if (p == std::string::npos) return absl::InvalidArgumentError("no routes");
  p = text.find('[', p);
  if (p == std::string::npos) return absl::InvalidArgumentError("routes is not a list");
  ++p;
  int depth = 1;
  Route* route = nullptr;
  std::string digits;
  auto flush = [&]() -> absl::Status {
    if (digits.empty()) return absl::OkStatus();
    int id;
    if (!absl::SimpleAtoi(digits, &id) || route == nullptr || id < 0 ||
        id >= static_cast<int>(index_of_id.size()) || index_of_id[id] < 0) {
      return absl::InvalidArgumentError(absl::StrCat("bad node id ", digits));
    }
    route->stops.push_back(index_of_id[id]);
    digits.clear();
    return absl::OkStatus();
  };
  for (; p < text.size() && depth > 0; ++p) {
    const char c = text[p];
    if (c == '[') {
      ++depth;
      solution.routes.emplace_back();
      solution.routes.back().vehicle = static_cast<int>(solution.routes.size()) - 1;
      route = &solution.routes.back();
    } else if (c == ']' || c == ',') {
      LOKET_RETURN_IF_ERROR(flush());
      if (c == ']') --depth;
    } else if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c != ' ' && c != '\n' && c != '\t') {
      return absl::InvalidArgumentError(absl::StrCat("unexpected '", std::string(1, c), "'"));
    }
  }
  if (depth != 0) return absl::InvalidArgumentError("unterminated routes");
  return solution;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  absl::StatusOr<Problem> problem = loket::routing::ReadInstanceFile(absl::GetFlag(FLAGS_instance));
  if (!problem.ok()) {
    std::fprintf(stderr, "%s\n", problem.status().ToString().c_str());
    return 1;
  }
  std::stringstream buffer;
  if (absl::GetFlag(FLAGS_solution).empty()) {
    buffer << std::cin.rdbuf();
  } else {
    std::ifstream in(absl::GetFlag(FLAGS_solution));
    buffer << in.rdbuf();
  }
  absl::StatusOr<Solution> solution = ParseSolutionJson(buffer.str(), *problem);
  if (!solution.ok()) {
    std::printf("unreadable %s\n", solution.status().ToString().c_str());
    return 2;
  }
  const loket::routing::EuclideanMatrix matrix(*problem);
  // The printed distance has 4 decimals.
  loket::routing::CheckOptions options;
  options.distance_tolerance = 1e-3;
  if (absl::Status status = loket::routing::CheckSolution(*problem, matrix, *solution, options);
      !status.ok()) {
    std::printf("infeasible %s\n", status.ToString().c_str());
    return 2;
  }
  std::printf("feasible %d %.4f\n", solution->vehicles, solution->distance);
  return 0;
}
