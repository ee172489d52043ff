// Private to store/: enqueueing inside a caller's transaction (the transactional outbox).
#ifndef LOKET_SERVER_STORE_TASK_ENQUEUE_H_
#define LOKET_SERVER_STORE_TASK_ENQUEUE_H_

#include <cstdint>
#include <string>

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

// Inserts the task in `tx`; when a live task with the same (queue, dedupe_key) exists, inserts
// nothing and returns that task's id. Workers are woken (NOTIFY) when `tx` commits.
int64_t EnqueueInTx(Tx& tx, const NewTask& t);

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_TASK_ENQUEUE_H_
