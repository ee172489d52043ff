#include "server/store/notification_outbox.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_split.h"
#include "server/store/pg.h"

namespace loket::store {
namespace {

// One round trip: a notification id, and the latest times already scheduled for the address.
constexpr Statement kReserveNotification{
    "outbox_reserve_notification",
    "SELECT nextval(pg_get_serial_sequence('notifications', 'id')),"
    " coalesce((SELECT string_agg(scheduled_for::text, ';') FROM (SELECT scheduled_for"
    " FROM notifications WHERE office_id = $1 AND address = $2"
    " ORDER BY scheduled_for DESC LIMIT $3) r), '')"};
// One round trip: the notify.send task and the notification row that points at it.
constexpr Statement kInsertNotificationWithTask{
    "outbox_insert_notification_with_task",
    "WITH t AS (INSERT INTO tasks (office_id, queue, dedupe_key, payload, run_after, max_attempts)"
    " VALUES ($1, 'notify.send', 'notification:' || $9::text, $10, $8::timestamptz, 8)"
    " RETURNING id)"
    " INSERT INTO notifications (id, office_id, case_id, channel, address, template_id, language,"
    " urgent, scheduled_for, task_id)"
    " SELECT $9::bigint, $1, NULLIF($2::bigint, 0), $3, $4, $5, $6, $7, $8::timestamptz, t.id"
    " FROM t"};

std::string TimestampParam(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6S+00:00", t, absl::UTCTimeZone());
}

}  // namespace

int64_t EnqueueNotificationInTx(Tx& tx, const NotificationEncoder& encode,
                                const domain::NotificationPolicy& policy,
                                const OutboxOffice& office, absl::Time now, domain::Notification n,
                                absl::Time not_before) {
  if (!encode) return 0;
  // The latest max_per_window messages to the address decide: new ones go after them.
  pqxx::result r =
      tx.Exec(kReserveNotification, office.id, n.address, std::max(policy.max_per_window, 1));
  n.id = r[0][0].as<int64_t>();
  std::vector<absl::Time> recent;
  for (absl::string_view t : absl::StrSplit(r[0][1].as<std::string>(), ';', absl::SkipEmpty())) {
    recent.push_back(ParseTimestamp(std::string(t)));
  }
  absl::Time when = domain::ScheduleNotification(
      std::max(now, not_before), office.utc_offset_minutes, n.urgent, recent, policy);
  n.params["office_name"] = office.name;
  tx.Exec(kInsertNotificationWithTask, office.id, n.case_id,
          std::string(domain::NotificationChannelName(n.channel)), n.address, n.template_id,
          n.language, n.urgent, TimestampParam(when), n.id, pqxx::binarystring(encode(n)));
  tx.NotifyOnce("notify.send");
  return n.id;
}

}  // namespace loket::store
