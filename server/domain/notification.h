// Which messages a case transition sends, to whom, and when (quiet hours, per-recipient rate
// limit). Pure functions; safe from any thread.
#ifndef LOKET_SERVER_DOMAIN_NOTIFICATION_H_
#define LOKET_SERVER_DOMAIN_NOTIFICATION_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/domain/case.h"

namespace loket::domain {

enum class NotificationChannel { kWebhook, kEmail };  // SMS/WhatsApp gateway, SMTP e-mail
std::string_view NotificationChannelName(NotificationChannel c);  // "webhook", "email"

// One message to one address, before it is stored and enqueued.
struct Notification {
  int64_t id = 0;  // assigned by the store; the channel's idempotency key
  int64_t case_id = 0;
  NotificationChannel channel = NotificationChannel::kWebhook;
  std::string address;
  std::string recipient_name;
  std::string language = "id";
  std::string template_id;
  std::map<std::string, std::string> params;
  bool urgent = false;
};

// The messages that entering `c.state` by transition `action` sends to the applicant: one by the
// gateway (every applicant has a phone) and one by e-mail when an address is on file. Empty when
// the transition sends nothing. `permit_name` and `office_name` fill the templates.
std::vector<Notification> NotificationsForTransition(const Case& c, std::string_view action,
                                                     std::string_view permit_name,
                                                     std::optional<absl::CivilDay> due);

struct NotificationPolicy {
  int quiet_start_hour = 21;  // local time; no non-urgent message from 21:00 ...
  int quiet_end_hour = 7;     // ... to 07:00
  int max_per_window = 5;     // per recipient address
  absl::Duration window = absl::Hours(1);
};

// When a message to one address may go out: `now`, moved out of quiet hours (unless urgent) and
// past the rate limit given the times already scheduled for that address (`scheduled`, any order).
absl::Time ScheduleNotification(absl::Time now, int utc_offset_minutes, bool urgent,
                                std::vector<absl::Time> scheduled, const NotificationPolicy& p);

// Retry delay after `attempt` failed attempts (1-based): base * 2^(attempt-1), capped, then
// multiplied by a factor in [1 - jitter, 1 + jitter] drawn from `unit_random` (in [0, 1)).
absl::Duration BackoffDelay(int attempt, absl::Duration base, absl::Duration cap, double jitter,
                            double unit_random);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_NOTIFICATION_H_
