// A visit that failed its health screening at the door goes on without the queue (issue 14: the
// rule apart from the store): online handling, or a SIBER courier fetching the case's papers.
// The store loads the visit (and its case) under the office's lock, asks DecideRedirect and
// writes the answer in the same transaction. Pure; safe from any thread.
#ifndef LOKET_SERVER_DOMAIN_QUEUE_REDIRECT_H_
#define LOKET_SERVER_DOMAIN_QUEUE_REDIRECT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/domain/notification.h"

namespace loket::domain {

enum class Redirect { kOnline, kSiberPickup };
std::string_view RedirectName(Redirect r);  // the visit's outcome: "online", "siber_pickup"

// Checked before anything is read. A SIBER pickup needs the address (1..300 bytes) and plausible
// coordinates of the place the courier collects from (not 0,0). INVALID_ARGUMENT naming the field.
absl::Status ValidateRedirect(int64_t visit_id, Redirect handling, std::string_view address,
                              double latitude, double longitude);

// The visit as loaded.
struct VisitToRedirect {
  int64_t id = 0;
  std::string outcome;  // queued, redirect_pending, online, siber_pickup
  int64_t case_id = 0;  // 0: none
  // With case_id: the case's state (CaseStateName's text) when it is this office's.
  std::optional<std::string> case_state;
  bool has_appointment = false;
  // The visitor, as recorded at the door: whom a message goes to (phone empty: nobody to tell).
  std::string name;
  std::string phone;
  std::string language;
};

struct RedirectDecision {
  bool request_pickup = false;   // send a SIBER courier for the case's papers
  bool end_appointment = false;  // the still-booked appointment ends as "redirected"
  // The message telling the visitor that the case goes on online ("visit.online"), to enqueue.
  std::optional<Notification> tell_online;
};

// Only a visit awaiting a redirect is redirected, once (FAILED_PRECONDITION naming its outcome).
// A SIBER pickup needs a case (FAILED_PRECONDITION), of this office (NOT_FOUND), whose papers are
// still needed (CheckPaperPickup). A booked appointment ends either way; online handling tells
// the visitor when there is a phone to tell.
absl::StatusOr<RedirectDecision> DecideRedirect(Redirect handling, const VisitToRedirect& visit);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_QUEUE_REDIRECT_H_
