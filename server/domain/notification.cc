#include "server/domain/notification.h"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace loket::domain {
namespace {

struct TemplateChoice {
  const char* action;
  const char* template_id;
  bool urgent;
};

// Which transitions the applicant hears about. Verification start and revision receipt are quiet
// steps inside the office; everything that asks or tells the applicant something is sent.
constexpr TemplateChoice kTemplates[] = {
    {"Submit", "case.submitted", false},
    {"SubmitDraft", "case.submitted", false},
    {"RequestRevision", "case.revision_requested", false},
    {"SubmitRevision", "case.revision_received", false},
    {"Approve", "case.approved", false},
    {"Reject", "case.rejected", false},
    {"Issue", "case.issued", false},
    {"MarkCollected", "case.collected", false},
    {"MarkDelivered", "case.delivered", false},
    {"Withdraw", "case.withdrawn", false},
    {"Revoke", "case.revoked", false},
};

}  // namespace

std::string_view NotificationChannelName(NotificationChannel c) {
  return c == NotificationChannel::kEmail ? "email" : "webhook";
}

// `n` once per way the applicant can be reached: the SMS/WhatsApp gateway for a phone, e-mail.
static std::vector<Notification> ToApplicant(const Case& c, Notification n) {
  std::vector<Notification> out;
  if (!c.applicant.phone.empty()) {
    n.channel = NotificationChannel::kWebhook;
    n.address = c.applicant.phone;
    out.push_back(n);
  }
  if (!c.applicant.email.empty()) {
    n.channel = NotificationChannel::kEmail;
    n.address = c.applicant.email;
    out.push_back(n);
  }
  return out;
}

std::vector<Notification> NotificationsForTransition(const Case& c, std::string_view action,
                                                     std::string_view permit_name,
                                                     std::optional<absl::CivilDay> due) {
  const TemplateChoice* choice = nullptr;
  for (const auto& t : kTemplates) {
    if (action == t.action) choice = &t;
  }
  if (choice == nullptr) return {};
  Notification n;
  n.case_id = c.id;
  n.recipient_name = c.applicant.name;
  n.language = c.applicant.language.empty() ? "id" : c.applicant.language;
  n.template_id = choice->template_id;
  n.urgent = choice->urgent;
  n.params["name"] = c.applicant.name;
  n.params["case_id"] = absl::StrCat(c.id);
  n.params["tracking_code"] = c.tracking_code;
  n.params["permit_name"] = std::string(permit_name);
  n.params["permit_type"] = c.permit_type;
  n.params["date"] = c.sla.started_on ? absl::FormatCivilTime(*c.sla.started_on) : "";
  n.params["due_date"] = due ? absl::FormatCivilTime(*due) : "-";
  n.params["reason"] = c.state == CaseState::kRejected || c.state == CaseState::kWithdrawn
                           ? c.decision_note
                       : c.state == CaseState::kRevoked ? c.revoke_reason
                                                        : c.revision_reason;
  if (n.params["reason"].empty()) n.params["reason"] = "-";
  n.params["permit_number"] = c.permit_number;
  n.params["verification_code"] = c.verification_code;
  n.params["valid_until_date"] = c.valid_until ? absl::FormatCivilTime(*c.valid_until) : "-";

  return ToApplicant(c, n);
}

std::vector<Notification> ExpiryReminderNotifications(const Case& c, std::string_view permit_name,
                                                      int days_before) {
  Notification n;
  n.case_id = c.id;
  n.recipient_name = c.applicant.name;
  n.language = c.applicant.language.empty() ? "id" : c.applicant.language;
  n.template_id = "permit.expiry_reminder";
  n.params["name"] = c.applicant.name;
  n.params["case_id"] = absl::StrCat(c.id);
  n.params["permit_name"] = std::string(permit_name);
  n.params["permit_type"] = c.permit_type;
  n.params["permit_number"] = c.permit_number;
  n.params["valid_until_date"] = c.valid_until ? absl::FormatCivilTime(*c.valid_until) : "-";
  n.params["days"] = absl::StrCat(days_before);
  return ToApplicant(c, n);
}

absl::Status ParseQuietHours(std::string_view text, NotificationPolicy& p) {
  if (text == "off") {
    p.quiet_start_hour = p.quiet_end_hour = 0;
    return absl::OkStatus();
  }
  std::vector<std::string> hours = absl::StrSplit(std::string(text), '-');
  int start = -1, end = -1;
  if (hours.size() != 2 || !absl::SimpleAtoi(hours[0], &start) ||
      !absl::SimpleAtoi(hours[1], &end) || start < 0 || start > 23 || end < 0 || end > 23) {
    return absl::InvalidArgumentError("quiet_hours: START-END in hours 0-23 (e.g. 21-7), or off");
  }
  p.quiet_start_hour = start;
  p.quiet_end_hour = end;
  return absl::OkStatus();
}

absl::Time ScheduleNotification(absl::Time now, int utc_offset_minutes, bool urgent,
                                std::vector<absl::Time> scheduled, const NotificationPolicy& p) {
  absl::TimeZone tz = absl::FixedTimeZone(utc_offset_minutes * 60);
  absl::Time t = now;
  auto out_of_quiet_hours = [&](absl::Time at) {
    if (urgent) return at;
    absl::CivilHour h = absl::ToCivilHour(at, tz);
    int hour = h.hour();
    bool quiet = p.quiet_start_hour > p.quiet_end_hour
                     ? (hour >= p.quiet_start_hour || hour < p.quiet_end_hour)
                     : (hour >= p.quiet_start_hour && hour < p.quiet_end_hour);
    if (!quiet) return at;
    absl::CivilDay day = absl::ToCivilDay(at, tz);
    if (hour >= p.quiet_end_hour) day += 1;  // evening: the quiet hours end tomorrow morning
    return absl::FromCivil(absl::CivilHour(day.year(), day.month(), day.day(), p.quiet_end_hour),
                           tz);
  };
  std::sort(scheduled.begin(), scheduled.end());
  // At most max_per_window messages in any trailing window (t - window, t]. Each step moves t past
  // one blocking message (or out of quiet hours), so the loop ends.
  for (int guard = 0; guard < 10000; ++guard) {
    t = out_of_quiet_hours(t);
    if (urgent || p.max_per_window <= 0) return t;
    std::vector<absl::Time> in_window;
    for (absl::Time s : scheduled) {
      if (s > t - p.window && s <= t) in_window.push_back(s);
    }
    if (static_cast<int>(in_window.size()) < p.max_per_window) return t;
    // Wait until enough of the oldest leave the window.
    size_t leave = in_window.size() - p.max_per_window;
    t = in_window[leave] + p.window;
  }
  return t;
}

NotificationWeight WeightOfTemplate(std::string_view template_id) {
  static constexpr std::string_view kImportant[] = {
      "case.revision_requested",
      "case.rejected",
      "case.issued",
      "case.revoked",
      "permit.expiry_reminder",
      "case.collected",
      "case.delivered",
      "appointment.confirmed",
      "appointment.cancelled",
      "booking.code",
      "courier.pickup_planned",
      "courier.delivery_planned",
      "courier.near",
      "courier.day_closed",
  };
  for (std::string_view id : kImportant) {
    if (template_id == id) return NotificationWeight::kImportant;
  }
  return NotificationWeight::kChatter;
}

DeliverySlot PlanDelivery(absl::Time event, int utc_offset_minutes, bool urgent,
                          NotificationWeight weight, std::vector<absl::Time> recent,
                          std::optional<absl::Time> latest_earlier, const NotificationPolicy& p,
                          absl::Time send_by) {
  DeliverySlot slot;
  if (urgent || weight == NotificationWeight::kImportant) {
    NotificationPolicy uncapped = p;
    uncapped.max_per_window = 0;
    slot.at = ScheduleNotification(event, utc_offset_minutes, urgent, {}, uncapped);
    // An urgent message inside quiet hours (a code at 23:00) goes alone: the chatter it would
    // overtake keeps its morning slot rather than wake the recipient.
    bool quiet_now =
        urgent && ScheduleNotification(event, utc_offset_minutes, false, {}, uncapped) != slot.at;
    slot.pull_earlier = !quiet_now && latest_earlier.has_value() && *latest_earlier > slot.at;
  } else {
    absl::Time from = latest_earlier ? std::max(event, *latest_earlier) : event;
    slot.at = ScheduleNotification(from, utc_offset_minutes, urgent, std::move(recent), p);
  }
  if (slot.at >= send_by) {
    slot.too_late = true;
    slot.pull_earlier = false;
  }
  return slot;
}

bool ShouldAnnounceVisit(const std::optional<VisitWindow>& told, const VisitWindow& planned,
                         absl::Duration margin) {
  if (!told) return true;
  return absl::AbsDuration(planned.start - told->start) > margin ||
         absl::AbsDuration(planned.end - told->end) > margin;
}

std::vector<Notification> CourierVisitNotifications(const VisitContacts& to, int64_t case_id,
                                                    std::string_view template_id,
                                                    std::map<std::string, std::string> params) {
  Notification n;
  n.case_id = case_id;
  n.template_id = std::string(template_id);
  std::vector<Notification> out;
  if (!to.clinic_id.empty()) {
    n.recipient_name = to.clinic_name;
    n.language = "id";
    params["name"] = to.clinic_name;
    n.params = std::move(params);
    if (!to.clinic_phone.empty()) {
      n.channel = NotificationChannel::kWebhook;
      n.address = to.clinic_phone;
      out.push_back(n);
    }
    if (!to.clinic_email.empty()) {
      n.channel = NotificationChannel::kEmail;
      n.address = to.clinic_email;
      out.push_back(n);
    }
    return out;
  }
  if (to.applicant_phone.empty()) return out;
  n.recipient_name = to.applicant_name;
  n.language = to.applicant_language.empty() ? "id" : to.applicant_language;
  params["name"] = to.applicant_name;
  n.params = std::move(params);
  n.channel = NotificationChannel::kWebhook;
  n.address = to.applicant_phone;
  out.push_back(std::move(n));
  return out;
}

std::vector<Notification> CourierDayClosedNotifications(const VisitContacts& clinic,
                                                        absl::CivilDay day, absl::CivilDay new_day,
                                                        std::string_view reason) {
  Notification n;
  n.recipient_name = clinic.clinic_name;
  n.template_id = "courier.day_closed";
  n.params = {{"clinic", clinic.clinic_name},
              {"date", absl::FormatCivilTime(day)},
              {"new_date", absl::FormatCivilTime(new_day)},
              {"reason", reason.empty() ? "-" : std::string(reason)}};
  n.urgent = true;  // it changes tomorrow's plans: not held for quiet hours
  std::vector<Notification> out;
  for (auto [channel, address] : {std::pair{NotificationChannel::kWebhook, clinic.clinic_phone},
                                  std::pair{NotificationChannel::kEmail, clinic.clinic_email}}) {
    if (address.empty()) continue;
    n.channel = channel;
    n.address = address;
    out.push_back(n);
  }
  return out;
}

absl::Duration BackoffDelay(int attempt, absl::Duration base, absl::Duration cap, double jitter,
                            double unit_random) {
  if (attempt < 1) attempt = 1;
  absl::Duration d = base;
  for (int i = 1; i < attempt && d < cap; ++i) d *= 2;
  d = std::min(d, cap);
  double factor = 1.0 + jitter * (2.0 * unit_random - 1.0);
  return d * factor;
}

}  // namespace loket::domain
