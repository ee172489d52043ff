// One slots.allocate task for loket-scheduler: SlotsAllocateInput (attached by loketd at lease) in,
// CompleteTaskRequest.allocation out, through the pure allocator. Shared by the worker binary and
// the tests, so the tests exercise what ships. Thread-safe (no state).
#ifndef LOKET_WORKERS_SCHEDULING_ALLOCATE_TASK_H_
#define LOKET_WORKERS_SCHEDULING_ALLOCATE_TASK_H_

#include "absl/status/status.h"
#include "loket/v1/task.pb.h"

namespace loket::scheduling {

// INVALID_ARGUMENT (permanent) when the payload is not a SlotsAllocateInput or the allocator
// rejects it.
absl::Status HandleAllocateTask(const v1::Task& task, v1::CompleteTaskRequest* done);

}  // namespace loket::scheduling

#endif  // LOKET_WORKERS_SCHEDULING_ALLOCATE_TASK_H_
