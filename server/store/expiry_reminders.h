// Expiry reminders (issue 13): the holder of a permit in force hears 90 and 30 days before its
// valid_until, each reminder once, through the notification outbox.
//
// Thread-safe (holds only references). Safe with several loketd replicas sweeping at once: a
// reminder is a row of expiry_reminders keyed by (case, days_before), inserted in the same
// transaction as its notifications, so a second sweeper's insert does nothing; the candidates are
// picked with SKIP LOCKED, so sweepers share the work instead of waiting on each other.
#ifndef LOKET_SERVER_STORE_EXPIRY_REMINDERS_H_
#define LOKET_SERVER_STORE_EXPIRY_REMINDERS_H_

#include <cstdint>
#include <functional>
#include <utility>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "server/domain/notification.h"
#include "server/store/notification_outbox.h"

namespace loket::store {

class Database;

class ExpiryReminders {
 public:
  ExpiryReminders(Database& db, const Clock& clock, NotificationEncoder encode,
                  domain::NotificationPolicy policy = {}, int batch = 200)
      : db_(db), clock_(clock), encode_(std::move(encode)), policy_(policy), batch_(batch) {}

  // One round: for every ISSUED, DELIVERED or COLLECTED permit whose valid_until is 90 (or 30)
  // days away or less on the office's today, and not past, sends the reminder not sent yet. A
  // permit already within 30 days gets only the 30-day one. Batch by batch until a batch comes back
  // short or `stop` says so. Returns the number of reminders recorded by this call.
  absl::StatusOr<int64_t> SweepOnce(const std::function<bool()>& stop = nullptr);

 private:
  Database& db_;
  const Clock& clock_;
  NotificationEncoder encode_;
  domain::NotificationPolicy policy_;
  int batch_;
};

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_EXPIRY_REMINDERS_H_
