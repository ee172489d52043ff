// The live queue's smaller rules the store still carried (issue 14: the rules apart from the
// store): a check-in request's shape, a ticket id's, which tickets show a wait estimate and how
// many the board shows next. Pure; safe from any thread.
#ifndef LOKET_SERVER_DOMAIN_QUEUE_RULES_H_
#define LOKET_SERVER_DOMAIN_QUEUE_RULES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/domain/queue.h"
#include "server/domain/queue_checkin.h"

namespace loket::domain {

// A check-in as asked, checked before anything is read: an appointment code or a walk-in's
// details (exactly one), the screening's values, then the code or the details normalised
// (NormalizeAppointmentCode, NormalizeWalkIn). INVALID_ARGUMENT naming the field.
struct CheckInRequest {
  bool by_code = false;
  std::string code;    // normalised, when by_code
  WalkInDetails walk;  // normalised, otherwise
};
absl::StatusOr<CheckInRequest> NormalizeCheckInRequest(std::string_view appointment_code,
                                                       const std::optional<WalkInDetails>& walk_in,
                                                       const Screening& screening);

// Only a waiting ticket shows its calls ahead and estimated wait.
bool ShowsWaitEstimate(std::string_view ticket_state);

// The board shows the next this many tickets, in call order.
inline constexpr size_t kBoardNextShown = 10;
size_t BoardNextCount(size_t waiting);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_QUEUE_RULES_H_
