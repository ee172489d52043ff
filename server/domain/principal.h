// Who is calling: a principal with a role and a scope (DESIGN.md section 6). Plain data, and the
// rule a new principal must meet.
#ifndef LOKET_SERVER_DOMAIN_PRINCIPAL_H_
#define LOKET_SERVER_DOMAIN_PRINCIPAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace loket::domain {

// Numbering matches loket.v1.Role.
enum class Role {
  kAdmin = 1,
  kOfficer = 2,
  kApprover = 3,
  kCounter = 4,
  kClinic = 5,
  kCourier = 6,
  kWorker = 7,
  kDisplay = 8,  // a waiting-room board: reads the live queue only
  kPublic = 9,   // the applicant through public self-service; never holds a token
};
std::string_view RoleName(Role r);  // "admin", "officer", ... (lower case, as stored)
std::optional<Role> RoleFromName(std::string_view name);

struct Principal {
  int64_t id = 0;
  std::string office_id;
  std::string name;
  Role role = Role::kOfficer;
  std::string clinic_id;   // kClinic only
  std::string courier_id;  // kCourier only
};

// A principal an admin creates: a name of 1..100 bytes; a clinic_id for role clinic and for no
// other; a courier_id for role courier. INVALID_ARGUMENT naming the field. (That the clinic exists
// in the office is for the store to check.)
absl::Status ValidateNewPrincipal(std::string_view name, Role role, std::string_view clinic_id,
                                  std::string_view courier_id);

// An admin disabling (`disabled`) principal `target_id`: not its own account, which would lock
// the office out of its admin page with nobody left to undo it. FAILED_PRECONDITION naming
// principal_id.
absl::Status CheckSetDisabled(int64_t actor_id, int64_t target_id, bool disabled);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_PRINCIPAL_H_
