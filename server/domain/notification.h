// Which messages a case transition sends, to whom, and when (quiet hours, per-recipient rate
// limit). Pure functions; safe from any thread.
#ifndef LOKET_SERVER_DOMAIN_NOTIFICATION_H_
#define LOKET_SERVER_DOMAIN_NOTIFICATION_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/office_zone.h"
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
  // After this the message is of no use (a code expired, a visit begun, a courier window passed):
  // not sent then, but recorded as skipped.
  absl::Time send_by = absl::InfiniteFuture();
};

// The messages that entering `c.state` by transition `action` sends to the applicant: one by the
// gateway (every applicant has a phone) and one by e-mail when an address is on file. Empty when
// the transition sends nothing. `permit_name` and `office_name` fill the templates.
std::vector<Notification> NotificationsForTransition(const Case& c, std::string_view action,
                                                     std::string_view permit_name,
                                                     std::optional<absl::CivilDay> due);

// The reminder to a permit's holder `days_before` (90 or 30) days before valid_until: template
// "permit.expiry_reminder", by the gateway and by e-mail when an address is on file.
std::vector<Notification> ExpiryReminderNotifications(const Case& c, std::string_view permit_name,
                                                      int days_before);

struct NotificationPolicy {
  int quiet_start_hour = 21;  // local time; no non-urgent message from 21:00 ...
  int quiet_end_hour = 7;     // ... to 07:00
  int max_per_window = 5;     // per recipient address
  absl::Duration window = absl::Hours(1);
};

// Quiet hours as an operator writes them (loketd --quiet_hours): "START-END" in whole hours 0-23
// ("21-7": from 21:00 to 07:00 local time), or "off" (0-0: none). Sets them in `p`;
// INVALID_ARGUMENT naming quiet_hours otherwise, `p` unchanged.
absl::Status ParseQuietHours(std::string_view text, NotificationPolicy& p);

// When a message to one address may go out: `now`, moved out of quiet hours (unless urgent) and
// past the rate limit given the times already scheduled for that address (`scheduled`, any order).
absl::Time ScheduleNotification(absl::Time now, int utc_offset_minutes, bool urgent,
                                std::vector<absl::Time> scheduled, const NotificationPolicy& p);

// Important messages tell a person something they must act on or must know now (issued, revision
// requested, rejected, collected, delivered, appointment confirmed or cancelled, codes, a courier's
// visit); chatter is receipts and progress (submitted, verifying, approved, reminders, ...). The
// per-recipient hourly cap holds chatter only. Unknown templates are chatter.
enum class NotificationWeight { kChatter, kImportant };
NotificationWeight WeightOfTemplate(std::string_view template_id);

// Where one message goes in its recipient's line (docs/architecture.md, "Order and weight").
// `event` is when the thing it tells happened (or, for a reminder, when it is due); `recent` the
// times already scheduled for the address (for the cap); `latest_earlier` the latest time a still
// pending message to the address about an earlier event is scheduled for.
//  - chatter goes at `event`, never before `latest_earlier` (one recipient hears things in the
//    order they happened), out of quiet hours and past the cap;
//  - important and urgent messages go at `event` (out of quiet hours unless urgent), whatever the
//    cap says; earlier messages held past that time come forward to it (`pull_earlier`), so the
//    order holds and the important message is never held behind chatter. An urgent message inside
//    quiet hours (a code at night) goes alone and pulls nothing.
//  - a message whose slot comes at or after `send_by` (Notification::send_by) is of no use then:
//    it is `too_late`, kept as skipped and never sent, and moves no other message.
struct DeliverySlot {
  absl::Time at;
  bool pull_earlier = false;  // move pending earlier messages scheduled after `at` to `at`
  bool too_late = false;
};
DeliverySlot PlanDelivery(absl::Time event, int utc_offset_minutes, bool urgent,
                          NotificationWeight weight, std::vector<absl::Time> recent,
                          std::optional<absl::Time> latest_earlier, const NotificationPolicy& p,
                          absl::Time send_by = absl::InfiniteFuture());

// A courier's visit to a clinic, as told to the clinic: the window on its day.
struct VisitWindow {
  absl::Time start;
  absl::Time end;
};

// How far a planned visit may move before the clinic is told again.
inline constexpr absl::Duration kVisitAnnounceMargin = absl::Minutes(30);

// Whether re-planning tells the clinic (again): when it was never told (`told` empty), or when
// either end of the window moved by more than `margin` from what it was told (a new day always
// does). Small shifts of the router's plan stay quiet.
bool ShouldAnnounceVisit(const std::optional<VisitWindow>& told, const VisitWindow& planned,
                         absl::Duration margin = kVisitAnnounceMargin);

// Who hears about a courier's visit to a stop. A stop at a partner clinic: the clinic, by its
// phone (gateway) and its e-mail, in Bahasa Indonesia; never the health worker whose papers they
// are (a clinic with no contact on file gets nothing, and sees its stops in ListStops). A stop
// that is not at a clinic: the applicant.
struct VisitContacts {
  std::string clinic_id;  // empty: the stop is not at a clinic
  std::string clinic_name;
  std::string clinic_phone;
  std::string clinic_email;
  std::string applicant_name;
  std::string applicant_phone;
  std::string applicant_language;
};
std::vector<Notification> CourierVisitNotifications(const VisitContacts& to, int64_t case_id,
                                                    std::string_view template_id,
                                                    std::map<std::string, std::string> params);

// What a clinic with stops on a day closed for couriers hears: "courier.day_closed" (the clinic,
// the day, the day the stops moved to, the reason or "-") by its phone (gateway) and its e-mail,
// whichever are on file; urgent, as it changes tomorrow's plans. Empty without a contact.
std::vector<Notification> CourierDayClosedNotifications(const VisitContacts& clinic,
                                                        absl::CivilDay day, absl::CivilDay new_day,
                                                        std::string_view reason);

// How a message names the office's clock ("WITA", ...): the one definition in common/.
using ::loket::OfficeZoneName;

// Retry delay after `attempt` failed attempts (1-based): base * 2^(attempt-1), capped, then
// multiplied by a factor in [1 - jitter, 1 + jitter] drawn from `unit_random` (in [0, 1)).
absl::Duration BackoffDelay(int attempt, absl::Duration base, absl::Duration cap, double jitter,
                            double unit_random);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_NOTIFICATION_H_
