// How long finished tasks and idempotency records are kept (issue 12), and what an operator may
// set. The sweep that applies it is server/store/retention.h.
#ifndef LOKET_SERVER_DOMAIN_RETENTION_H_
#define LOKET_SERVER_DOMAIN_RETENTION_H_

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace loket::domain {

// The API promises that a retry with the same request_id replays the first answer for 24 hours
// (DESIGN.md section 3): the idempotency retention may not be shorter.
inline constexpr absl::Duration kReplayPromise = absl::Hours(24);

struct RetentionPolicy {
  // A done task (delivered, planned, dropped by an admin) is deleted this long after it finished.
  absl::Duration done_tasks = absl::Hours(7 * 24);
  // A dead task waits for an admin (retry or drop); zero: never deleted by the sweep. A dropped
  // task is done, and goes with the done ones.
  absl::Duration dead_tasks = absl::ZeroDuration();
  // An idempotency record is deleted this long after the call it answers; at least kReplayPromise.
  absl::Duration idempotency = absl::Hours(48);
  // Rows per DELETE statement, and statements per table per round (a round's upper bound).
  int batch = 5000;
  int max_batches = 200;
};

// INVALID_ARGUMENT naming the flag or setting when the idempotency retention is shorter than
// kReplayPromise, the done-task retention shorter than an hour, the dead-task retention negative,
// the batch outside 1..100000 or max_batches below 1.
absl::Status ValidateRetention(const RetentionPolicy& p);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_RETENTION_H_
