// Private to store/: enqueueing inside a caller's transaction (the transactional outbox).
#ifndef LOKET_SERVER_STORE_TASK_ENQUEUE_H_
#define LOKET_SERVER_STORE_TASK_ENQUEUE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/store/pg.h"

namespace loket::store {

struct NewTask {
  std::string office_id;
  std::string queue;
  std::string dedupe_key;  // empty: no coalescing
  std::string payload;
  absl::Time run_after = absl::InfinitePast();  // past: now
  int max_attempts = 8;
};

// The task clock's time as a statement parameter (DatabaseOptions::task_clock), or NULL for
// PostgreSQL's now(): what every tasks row's times are written and compared on.
std::optional<std::string> TaskNow(Tx& tx);

// Inserts the task in `tx`; when a live task with the same (queue, dedupe_key) exists, inserts
// nothing and returns that task's id, and if that task is leased (its worker may be computing from
// older input) marks it to be enqueued again when it finishes (FinishLeasedInTx). Workers are woken
// (NOTIFY) when `tx` commits.
int64_t EnqueueInTx(Tx& tx, const NewTask& t);

// Marks leased task (task_id, attempt) of `queue` done inside `tx`, so a planning result is applied
// and its task finished in one transaction. FAILED_PRECONDITION (write nothing, roll back) when
// the attempt is stale; INVALID_ARGUMENT when the task belongs to another queue.
absl::Status FinishLeasedInTx(Tx& tx, const std::string& office_id, int64_t task_id, int attempt,
                              const std::string& queue);

// Why task (task_id, attempt) of `queue` could not be finished, for a kind that finishes its tasks
// with its own statement: INVALID_ARGUMENT when the task belongs to another queue,
// FAILED_PRECONDITION when the attempt is stale (no longer leased at that attempt).
absl::Status FinishRefusal(Tx& tx, const std::string& office_id, int64_t task_id, int attempt,
                           const std::string& queue);

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_TASK_ENQUEUE_H_
