#include "server/domain/queue_rules.h"

#include <algorithm>

#include "common/status_macros.h"

namespace loket::domain {

absl::StatusOr<CheckInRequest> NormalizeCheckInRequest(std::string_view appointment_code,
                                                       const std::optional<WalkInDetails>& walk_in,
                                                       const Screening& screening) {
  CheckInRequest r;
  r.by_code = !appointment_code.empty();
  if (r.by_code == walk_in.has_value()) {
    return absl::InvalidArgumentError(
        "appointment_code: give either an appointment code or walk_in details, not both");
  }
  LOKET_RETURN_IF_ERROR(ValidateScreening(screening));
  if (r.by_code) {
    LOKET_ASSIGN_OR_RETURN(r.code, NormalizeAppointmentCode(appointment_code));
  } else {
    LOKET_ASSIGN_OR_RETURN(r.walk, NormalizeWalkIn(*walk_in));
  }
  return r;
}

bool ShowsWaitEstimate(std::string_view ticket_state) { return ticket_state == "waiting"; }

size_t BoardNextCount(size_t waiting) { return std::min(waiting, kBoardNextShown); }

}  // namespace loket::domain
