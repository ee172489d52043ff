// Storing a message and enqueueing its notify.send task inside a caller's
// transaction (the transactional outbox); EnqueueNotificationInTx is for store/ only. Case
// transitions, appointments and courier stops all send through this one function, so quiet hours
// and the per-recipient limit apply to every message.
#ifndef LOKET_SERVER_STORE_NOTIFICATION_OUTBOX_H_
#define LOKET_SERVER_STORE_NOTIFICATION_OUTBOX_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/notification.h"

namespace loket::store {

class Tx;        // pg.h; this header stays free of pqxx because the api layer includes it
class Database;  // database.h

// Encodes a notify.send task payload (the api layer owns the wire format).
using NotificationEncoder = std::function<std::string(const domain::Notification&)>;

struct OutboxOffice {
  std::string id;
  std::string name;  // fills {office_name}
  int utc_offset_minutes = 480;
};

// Stores `n` (n.case_id 0: not about a case) and enqueues its task in `tx`, to go out at
// `not_before` or now, whichever is later, moved past quiet hours (unless urgent) and the
// per-recipient limit, and never after n.send_by (then it is skipped). Returns the notification
// id. Does nothing (returns 0) without an encoder.
int64_t EnqueueNotificationInTx(Tx& tx, const NotificationEncoder& encode,
                                const domain::NotificationPolicy& policy,
                                const OutboxOffice& office, absl::Time now, domain::Notification n,
                                absl::Time not_before = absl::InfinitePast());

// What a notifier reports for one leased notify.send task (attempt `attempt` of `task_id`).
struct DeliveryReport {
  int64_t task_id = 0;
  int attempt = 0;
  bool delivered = false;
  std::string provider_message_id;
  std::string detail;
};

// The notify.send kind's result: for each report, finishes its task and records the outcome on
// the task's notification (sent or failed, attempts, provider id, detail), all in one transaction
// (one commit for a notifier's batch). One status per report, in order: OK, or
// FAILED_PRECONDITION (stale attempt) / INVALID_ARGUMENT (not a notify.send task) for that report
// alone, nothing of it written. An error of the whole call means nothing was written.
absl::StatusOr<std::vector<absl::Status>> RecordDeliveries(
    Database& db, const std::string& office_id, const std::vector<DeliveryReport>& reports);

// In the transaction that records a notify.send attempt ending without success
// (TaskKind::on_attempt_failed): the message's row shows the attempts so far and the last error,
// and turns "failed" once no attempt follows (`dead`).
void RecordFailedAttemptInTx(Tx& tx, int64_t task_id, int attempt, const std::string& why,
                             bool dead);

// In the transaction that finishes a notify.send task unrun (TaskKind::on_too_late): the message
// is 'skipped', with `why`.
void RecordSkippedInTx(Tx& tx, int64_t task_id, const std::string& why);

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_NOTIFICATION_OUTBOX_H_
