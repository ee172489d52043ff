#include "server/domain/queue_redirect.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/domain/siber.h"
#include "server/domain/validation.h"

namespace loket::domain {

std::string_view RedirectName(Redirect r) {
  return r == Redirect::kOnline ? "online" : "siber_pickup";
}

absl::Status ValidateRedirect(int64_t visit_id, Redirect handling, std::string_view address,
                              double latitude, double longitude) {
  LOKET_RETURN_IF_ERROR(ValidateId(visit_id, "visit_id"));
  if (handling != Redirect::kSiberPickup) return absl::OkStatus();
  if (address.empty() || address.size() > 300) {
    return absl::InvalidArgumentError(
        "address: required for a SIBER pickup, where the courier collects the documents");
  }
  if (latitude < -90 || latitude > 90 || longitude < -180 || longitude > 180 ||
      (latitude == 0 && longitude == 0)) {
    return absl::InvalidArgumentError("latitude: the pickup place's coordinates are required");
  }
  return absl::OkStatus();
}

absl::StatusOr<RedirectDecision> DecideRedirect(Redirect handling, const VisitToRedirect& visit) {
  if (visit.outcome != "redirect_pending") {
    return absl::FailedPreconditionError(
        absl::StrCat("visit ", visit.id, " is ", visit.outcome,
                     ": only a visit that failed its screening is redirected, once"));
  }
  RedirectDecision d;
  if (handling == Redirect::kSiberPickup) {
    if (visit.case_id == 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("visit ", visit.id,
                       " has no case: a SIBER pickup carries a case's documents; use ONLINE"));
    }
    if (!visit.case_state) {
      return absl::NotFoundError(absl::StrCat("case ", visit.case_id, " not found"));
    }
    LOKET_RETURN_IF_ERROR(CheckPaperPickup(visit.case_id, *visit.case_state));
    d.request_pickup = true;
  }
  // Still booked (a failed screening does not check in): the seat is freed, unsent reminders are
  // withdrawn and the seat is offered to the day's waitlist.
  d.end_appointment = visit.has_appointment;
  if (handling == Redirect::kOnline && !visit.phone.empty()) {
    Notification& n = d.tell_online.emplace();
    n.case_id = visit.case_id;
    n.channel = NotificationChannel::kWebhook;
    n.address = visit.phone;
    n.recipient_name = visit.name;
    n.language = visit.language;
    n.template_id = "visit.online";
    n.params = {{"name", visit.name},
                {"case_id", visit.case_id != 0 ? absl::StrCat(visit.case_id) : "-"}};
  }
  return d;
}

}  // namespace loket::domain
