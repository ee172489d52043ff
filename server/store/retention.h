// Retention (issue 12): finished tasks and idempotency records are deleted once past their
// retention period, in bounded batches, so neither table grows without end. docs/operations.md,
// "Retention", says what is kept, for how long, and why the sweep is a loop in loketd.
//
// Thread-safe. Safe with several loketd replicas: a batch runs only under a transaction-level
// advisory lock that one replica holds at a time, and picks its rows with SKIP LOCKED, so it
// never waits on a row another call is changing (e.g. an admin retrying a dead task).
#ifndef LOKET_SERVER_STORE_RETENTION_H_
#define LOKET_SERVER_STORE_RETENTION_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/retention.h"

namespace loket::store {

class Database;

struct SweepCounts {
  int64_t done_tasks = 0;
  int64_t dead_tasks = 0;
  int64_t idempotency = 0;
  // Another replica held the sweep lock for at least one batch; it sweeps the rest.
  bool yielded = false;
};

class Retention {
 public:
  Retention(Database& db, domain::RetentionPolicy policy) : db_(db), policy_(policy) {}

  // One round: deletes, batch by batch, the done tasks, the dead tasks (when dead_tasks > 0) and
  // the idempotency records past their retention, until a batch comes back short, `stop` says so,
  // another replica holds the lock, or max_batches per table. Time is the database's now().
  absl::StatusOr<SweepCounts> SweepOnce(const std::function<bool()>& stop = nullptr);

  const domain::RetentionPolicy& policy() const { return policy_; }

 private:
  Database& db_;
  domain::RetentionPolicy policy_;
};

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_RETENTION_H_
