#include "server/domain/principal.h"

#include <optional>
#include <string_view>

namespace loket::domain {
namespace {

constexpr Role kAllRoles[] = {Role::kAdmin,   Role::kOfficer, Role::kApprover,
                              Role::kCounter, Role::kClinic,  Role::kCourier,
                              Role::kWorker,  Role::kDisplay, Role::kPublic};

}  // namespace

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kAdmin:
      return "admin";
    case Role::kOfficer:
      return "officer";
    case Role::kApprover:
      return "approver";
    case Role::kCounter:
      return "counter";
    case Role::kClinic:
      return "clinic";
    case Role::kCourier:
      return "courier";
    case Role::kWorker:
      return "worker";
    case Role::kDisplay:
      return "display";
    case Role::kPublic:
      return "public";
  }
  // An out-of-range value cast from a wire integer; never a name the database accepts.
  return "unknown";
}

std::optional<Role> RoleFromName(std::string_view name) {
  for (Role r : kAllRoles) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

absl::Status ValidateNewPrincipal(std::string_view name, Role role, std::string_view clinic_id,
                                  std::string_view courier_id) {
  if (name.empty() || name.size() > 100) {
    return absl::InvalidArgumentError("name: 1 to 100 characters");
  }
  if (role == Role::kClinic && clinic_id.empty()) {
    return absl::InvalidArgumentError("clinic_id: required for role clinic");
  }
  if (role != Role::kClinic && !clinic_id.empty()) {
    return absl::InvalidArgumentError("clinic_id: only for role clinic");
  }
  if (role == Role::kCourier && courier_id.empty()) {
    return absl::InvalidArgumentError("courier_id: required for role courier");
  }
  return absl::OkStatus();
}

absl::Status CheckSetDisabled(int64_t actor_id, int64_t target_id, bool disabled) {
  if (target_id <= 0) return absl::InvalidArgumentError("principal_id: required");
  if (disabled && actor_id == target_id) {
    return absl::FailedPreconditionError(
        "principal_id: you cannot disable your own account; another admin can");
  }
  return absl::OkStatus();
}

}  // namespace loket::domain
