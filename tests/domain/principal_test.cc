// The rule a principal an admin creates must meet (issue 14: checked before the store writes it).
#include "server/domain/principal.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace loket::domain {
namespace {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;

TEST(NewPrincipalTest, ANameOf1To100Bytes) {
  EXPECT_THAT(ValidateNewPrincipal("Siti", Role::kOfficer, "", ""), IsOk());
  EXPECT_THAT(ValidateNewPrincipal(std::string(100, 'a'), Role::kOfficer, "", ""), IsOk());
  EXPECT_THAT(ValidateNewPrincipal("", Role::kOfficer, "", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, "name: 1 to 100 characters"));
  EXPECT_THAT(ValidateNewPrincipal(std::string(101, 'a'), Role::kOfficer, "", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, "name: 1 to 100 characters"));
}

TEST(NewPrincipalTest, AClinicIdForRoleClinicAndForNoOther) {
  EXPECT_THAT(ValidateNewPrincipal("PKM", Role::kClinic, "pkm-a", ""), IsOk());
  EXPECT_THAT(ValidateNewPrincipal("PKM", Role::kClinic, "", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, "clinic_id: required for role clinic"));
  EXPECT_THAT(ValidateNewPrincipal("Budi", Role::kOfficer, "pkm-a", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, "clinic_id: only for role clinic"));
}

TEST(NewPrincipalTest, ACourierIdForRoleCourier) {
  EXPECT_THAT(ValidateNewPrincipal("Kurir", Role::kCourier, "", "K-01"), IsOk());
  EXPECT_THAT(
      ValidateNewPrincipal("Kurir", Role::kCourier, "", ""),
      StatusIs(absl::StatusCode::kInvalidArgument, "courier_id: required for role courier"));
}

TEST(SetDisabledTest, AnAdminDisablesOthersButNotItself) {
  EXPECT_THAT(CheckSetDisabled(1, 2, true), IsOk());
  EXPECT_THAT(CheckSetDisabled(1, 1, false), IsOk());  // enabling oneself changes nothing
  EXPECT_THAT(CheckSetDisabled(1, 1, true),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "principal_id: you cannot disable your own account; another admin can"));
  EXPECT_THAT(CheckSetDisabled(1, 0, true),
              StatusIs(absl::StatusCode::kInvalidArgument, "principal_id: required"));
}

}  // namespace
}  // namespace loket::domain
