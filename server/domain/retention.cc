#include "server/domain/retention.h"

#include "absl/strings/str_cat.h"

namespace loket::domain {

absl::Status ValidateRetention(const RetentionPolicy& p) {
  if (p.idempotency < kReplayPromise) {
    return absl::InvalidArgumentError(absl::StrCat("--idempotency_retention: at least ",
                                                   absl::FormatDuration(kReplayPromise),
                                                   " (the API replays a request_id for 24 hours)"));
  }
  if (p.done_tasks < absl::Hours(1)) {
    return absl::InvalidArgumentError("--task_retention: at least 1h");
  }
  if (p.dead_tasks < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--dead_task_retention: 0 (never) or a positive period");
  }
  if (p.batch < 1 || p.batch > 100000) {
    return absl::InvalidArgumentError("retention batch: 1..100000");
  }
  if (p.max_batches < 1) return absl::InvalidArgumentError("retention max_batches: at least 1");
  return absl::OkStatus();
}

}  // namespace loket::domain
