#include "server/store/notification_outbox.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/store/columns.h"
#include "server/store/database.h"
#include "server/store/pg.h"
#include "server/store/task_enqueue.h"

namespace loket::store {
namespace {

// A delivery report in one statement: the fenced task update and the notification's outcome commit
// together; the count says whether the fence held.
constexpr Statement kRecordDelivery{
    "outbox_record_delivery",
    "WITH t AS (UPDATE tasks SET state = 'done', lease_owner = NULL, lease_expires_at = NULL,"
    "   updated_at = coalesce($7::timestamptz, now()) WHERE office_id = $1 AND id = $2"
    "   AND attempt = $3 AND state = 'leased' AND queue = 'notify.send' RETURNING id),"
    " n AS (UPDATE notifications SET status = CASE WHEN $4 THEN 'sent' ELSE 'failed' END,"
    "   attempts = $3, provider_message_id = $5, detail = $6,"
    "   sent_at = CASE WHEN $4 THEN coalesce($7::timestamptz, now()) ELSE NULL END"
    "   WHERE task_id IN (SELECT id FROM t)"
    "   RETURNING 1)"
    " SELECT (SELECT count(*) FROM t), (SELECT count(*) FROM n)"};

// A message skipped as too late while its attempt was still out (the lease had run out), which the
// gateway took after all: it was sent.
constexpr Statement kSentAfterAll{
    "outbox_sent_after_all",
    "UPDATE notifications n SET status = 'sent', attempts = $3, provider_message_id = $4,"
    " detail = $5, sent_at = coalesce($6::timestamptz, now()) FROM tasks t"
    " WHERE t.id = n.task_id AND t.office_id = $1 AND t.id = $2 AND t.attempt = $3"
    " AND n.status = 'skipped' RETURNING 1"};

// One round trip: a notification id, the latest times already scheduled for the address (the cap;
// a message skipped, never sent, takes no place in it),
// and the latest time a pending message about an earlier event is scheduled for (the order).
constexpr auto kReservationColumns = MakeColumns(
    {{"id", "nextval(pg_get_serial_sequence('notifications', 'id'))"},
     {"recent",
      "coalesce((SELECT string_agg(scheduled_for::text, ';') FROM (SELECT scheduled_for"
      " FROM notifications WHERE office_id = $1 AND address = $2 AND status <> 'skipped'"
      " ORDER BY scheduled_for DESC LIMIT $3) r), '')"},
     {"latest_earlier",
      "coalesce((SELECT max(scheduled_for)::text FROM notifications WHERE office_id = $1"
      " AND address = $2 AND status = 'pending' AND event_at <= $4::timestamptz), '')"}});
constexpr Statement kReserveNotification{"outbox_reserve_notification",
                                         kSelectSql<"SELECT ", kReservationColumns, "">};
// One round trip: the notify.send task, the notification row that points at it, and the NOTIFY
// that wakes the notifiers at commit. The task runs in its address's order (tasks.order_key,
// order_at: task_queue.cc leases the first only).
constexpr Statement kInsertNotificationWithTask{
    "outbox_insert_notification_with_task",
    "WITH t AS (INSERT INTO tasks (office_id, queue, dedupe_key, payload, run_after, max_attempts,"
    " order_key, order_at, run_before, state, last_error)"
    " VALUES ($1, 'notify.send', 'notification:' || $9::text, $10, $8::timestamptz, 8, $4,"
    " $8::timestamptz, $12::timestamptz, CASE WHEN $13 = '' THEN 'ready' ELSE 'done' END, $13)"
    " RETURNING id)"
    ", n AS (INSERT INTO notifications (id, office_id, case_id, channel, address, template_id,"
    " language, urgent, scheduled_for, task_id, event_at, status, detail)"
    " SELECT $9::bigint, $1, NULLIF($2::bigint, 0), $3, $4, $5, $6, $7, $8::timestamptz, t.id,"
    " $11::timestamptz, CASE WHEN $13 = '' THEN 'pending' ELSE 'skipped' END, $13 FROM t"
    " RETURNING 1)"
    " SELECT pg_notify('loket_tasks', 'notify.send') FROM n"};
// An important message goes at its own time; the address's earlier messages held past it come
// forward to the same time and go just before it (domain::PlanDelivery).
constexpr Statement kPullEarlierForward{
    "outbox_pull_earlier_forward",
    "WITH n AS (UPDATE notifications SET scheduled_for = $4::timestamptz WHERE office_id = $1"
    " AND address = $2 AND status = 'pending' AND event_at <= $3::timestamptz"
    " AND scheduled_for > $4::timestamptz RETURNING task_id)"
    " UPDATE tasks SET run_after = least(run_after, $4::timestamptz), order_at = $4::timestamptz,"
    " updated_at = now() WHERE id IN (SELECT task_id FROM n) AND state IN ('ready', 'leased')"};

}  // namespace

int64_t EnqueueNotificationInTx(Tx& tx, const NotificationEncoder& encode,
                                const domain::NotificationPolicy& policy,
                                const OutboxOffice& office, absl::Time now, domain::Notification n,
                                absl::Time not_before) {
  if (!encode) return 0;
  // The latest max_per_window messages to the address decide the cap; pending messages about
  // earlier events decide the order.
  absl::Time event = std::max(now, not_before);
  pqxx::result r = tx.Exec(kReserveNotification, office.id, n.address,
                           std::max(policy.max_per_window, 1), Ts(event));
  constexpr const auto& k = kReservationColumns;
  n.id = r[0][k["id"]].as<int64_t>();
  std::vector<absl::Time> recent;
  for (absl::string_view t :
       absl::StrSplit(r[0][k["recent"]].as<std::string>(), ';', absl::SkipEmpty())) {
    recent.push_back(ParseTimestamp(std::string(t)));
  }
  std::optional<absl::Time> latest_earlier;
  if (std::string latest = r[0][k["latest_earlier"]].as<std::string>(); !latest.empty()) {
    latest_earlier = ParseTimestamp(latest);
  }
  domain::DeliverySlot slot = domain::PlanDelivery(event, office.utc_offset_minutes, n.urgent,
                                                   domain::WeightOfTemplate(n.template_id), recent,
                                                   latest_earlier, policy, n.send_by);
  absl::Time when = slot.at;
  if (slot.pull_earlier) {
    tx.Exec(kPullEarlierForward, office.id, n.address, Ts(event), Ts(when));
  }
  n.params["office_name"] = office.name;
  tx.Exec(kInsertNotificationWithTask, office.id, n.case_id,
          std::string(domain::NotificationChannelName(n.channel)), n.address, n.template_id,
          n.language, n.urgent, Ts(when), n.id, pqxx::binarystring(encode(n)), Ts(event),
          n.send_by == absl::InfiniteFuture() ? std::nullopt : std::optional(Ts(n.send_by)),
          slot.too_late
              ? absl::StrCat("too late: its turn comes at ", Ts(when), ", after ", Ts(n.send_by))
              : std::string());
  tx.MarkNotified("notify.send");  // the statement above sent it
  return n.id;
}

absl::StatusOr<std::vector<absl::Status>> RecordDeliveries(
    Database& db, const std::string& office_id, const std::vector<DeliveryReport>& reports) {
  std::vector<absl::Status> out;
  absl::Status s = db.impl().RunTx([&](Tx& tx) -> absl::Status {
    out.clear();  // RunTx may run this again after a retryable failure
    for (const DeliveryReport& d : reports) {
      pqxx::result r = tx.Exec(kRecordDelivery, office_id, d.task_id, d.attempt, d.delivered,
                               d.provider_message_id, d.detail.substr(0, 500), TaskNow(tx));
      if (r[0][0].as<int64_t>() == 1) {
        out.push_back(absl::OkStatus());
      } else if (d.delivered &&
                 !tx.Exec(kSentAfterAll, office_id, d.task_id, d.attempt, d.provider_message_id,
                          d.detail.substr(0, 500), TaskNow(tx))
                      .empty()) {
        out.push_back(absl::OkStatus());  // the row says what happened, not what was planned
      } else {
        out.push_back(FinishRefusal(tx, office_id, d.task_id, d.attempt, "notify.send"));
      }
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

void RecordFailedAttemptInTx(Tx& tx, int64_t task_id, int attempt, const std::string& why,
                             bool dead) {
  static constexpr Statement kNotificationAttempt{
      "notify_failed_attempt",
      "UPDATE notifications SET attempts = $2, detail = $3,"
      " status = CASE WHEN $4 THEN 'failed' ELSE status END WHERE task_id = $1"};
  tx.Exec(kNotificationAttempt, task_id, attempt, why.substr(0, 500), dead);
}

void RecordSkippedInTx(Tx& tx, int64_t task_id, const std::string& why) {
  static constexpr Statement kNotificationSkipped{
      "notify_skipped",
      "UPDATE notifications SET status = 'skipped', detail = $2 WHERE task_id = $1"};
  tx.Exec(kNotificationSkipped, task_id, why.substr(0, 500));
}

}  // namespace loket::store
