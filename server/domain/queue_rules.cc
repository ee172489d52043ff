#include "server/domain/queue_rules.h"

#include <algorithm>

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
  if (absl::Status s = ValidateScreening(screening); !s.ok()) return s;
  if (r.by_code) {
    absl::StatusOr<std::string> code = NormalizeAppointmentCode(appointment_code);
    if (!code.ok()) return code.status();
    r.code = *std::move(code);
  } else {
    absl::StatusOr<WalkInDetails> walk = NormalizeWalkIn(*walk_in);
    if (!walk.ok()) return walk.status();
    r.walk = *std::move(walk);
  }
  return r;
}

bool ShowsWaitEstimate(std::string_view ticket_state) { return ticket_state == "waiting"; }

size_t BoardNextCount(size_t waiting) { return std::min(waiting, kBoardNextShown); }

}  // namespace loket::domain
