// One slots.allocate task for loket-scheduler: SlotsAllocateInput (attached by loketd at lease) in,
// CompleteTaskRequest.allocation out, through the pure allocator. Shared by the worker binary and
// the tests, so the tests exercise what ships. Thread-safe (no state).
#ifndef LOKET_WORKERS_SCHEDULING_ALLOCATE_TASK_H_
#define LOKET_WORKERS_SCHEDULING_ALLOCATE_TASK_H_

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "loket/v1/task.pb.h"

namespace loket::scheduling {

// The office's policy: serve as many people as possible, but never push one request off its first
// choice to seat another at a second choice (AllocatorOptions::serve_cost_limit; with it the
// allocator beats greedy first-come on served, first choices and priority requests in both weeks of
// docs/benchmarks-allocate.md).
inline constexpr int64_t kDefaultServeCostLimit = 19;

// INVALID_ARGUMENT (permanent) when the payload is not a SlotsAllocateInput or the allocator
// rejects it. `serve_cost_limit`: nullopt serves the most requests whatever it costs in ranks.
absl::Status HandleAllocateTask(const v1::Task& task, v1::CompleteTaskRequest* done,
                                std::optional<int64_t> serve_cost_limit = kDefaultServeCostLimit);

}  // namespace loket::scheduling

#endif  // LOKET_WORKERS_SCHEDULING_ALLOCATE_TASK_H_
