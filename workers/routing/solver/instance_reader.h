// Readers for the two public benchmark formats, so that the benchmark runs the same solver code as
// the worker: Solomon (1987) VRPTW and Li & Lim (2003) PDPTW text files. Stateless functions;
// thread-safe.
#ifndef LOKET_WORKERS_ROUTING_SOLVER_INSTANCE_READER_H_
#define LOKET_WORKERS_ROUTING_SOLVER_INSTANCE_READER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "workers/routing/solver/problem.h"
#include "workers/routing/solver/solver.h"

namespace loket::routing {

// Solomon: a name line, "VEHICLE", "NUMBER CAPACITY", the fleet line, "CUSTOMER", a header, then
// rows `id x y demand ready due service`; row 0 is the depot. CRLF line ends are accepted.
// Every vehicle gets the file's capacity and the depot's window as its shift. Demands are picked
// up and carried to the depot (for the capacity check only the route total matters).
// Returns InvalidArgumentError for malformed text.
absl::StatusOr<Problem> ParseSolomon(absl::string_view text, absl::string_view name);

// Li & Lim: first line `vehicles capacity speed`, then rows
// `id x y demand ready due service pickup_index delivery_index`; row 0 is the depot. A pickup has
// pickup_index 0 and names its delivery; a delivery names its pickup. The speed field is ignored:
// it is 1 in most files and 0 in a few (lc104, ...), and every published result takes travel time
// equal to distance. Returns InvalidArgumentError for malformed text or a pair that does not name
// itself back.
absl::StatusOr<Problem> ParseLiLim(absl::string_view text, absl::string_view name);

// Either format, told apart by the "VEHICLE" section that only Solomon files have.
absl::StatusOr<Problem> ParseInstance(absl::string_view text, absl::string_view name);

// Reads `path` and parses it with ParseInstance; the name is the file's base name without its
// extension. Returns NotFoundError when the file cannot be read.
absl::StatusOr<Problem> ReadInstanceFile(const std::string& path);

// A benchmark file's solution as loket-router --instance prints it, one JSON object:
// {"vehicles": n, "distance": d, "routes": [[the file's node ids in visiting order, depot
// excluded], ...]} (bench/run_routing_bench.sh and loket-router-check read it).
std::string BenchmarkSolutionJson(const Problem& problem, const Solution& solution);

}  // namespace loket::routing

#endif  // LOKET_WORKERS_ROUTING_SOLVER_INSTANCE_READER_H_
