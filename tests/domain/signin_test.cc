#include "server/domain/signin.h"

#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace loket::domain {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

TEST(SignInTest, AccountSlowsDownAfterThreeAndLocksAtFive) {
  EXPECT_EQ(BlockAfterFailure(SignInKey::kAccount, 1), absl::ZeroDuration());
  EXPECT_EQ(BlockAfterFailure(SignInKey::kAccount, 2), absl::ZeroDuration());
  EXPECT_EQ(BlockAfterFailure(SignInKey::kAccount, 3), absl::Seconds(1));
  EXPECT_EQ(BlockAfterFailure(SignInKey::kAccount, 4), absl::Seconds(2));
  EXPECT_EQ(BlockAfterFailure(SignInKey::kAccount, 5), absl::Minutes(15));
  EXPECT_EQ(BlockAfterFailure(SignInKey::kAccount, 50), absl::Minutes(15));
}

TEST(SignInTest, AnAddressSharedByAnOfficeGetsMoreRoom) {
  EXPECT_EQ(BlockAfterFailure(SignInKey::kAddress, 9), absl::ZeroDuration());
  EXPECT_EQ(BlockAfterFailure(SignInKey::kAddress, 10), absl::Seconds(1));
  EXPECT_EQ(BlockAfterFailure(SignInKey::kAddress, 13), absl::Seconds(8));
  EXPECT_EQ(BlockAfterFailure(SignInKey::kAddress, 20), absl::Minutes(15));
}

TEST(SignInTest, UsernamesAndPasswordsAreValidatedNamingTheField) {
  EXPECT_THAT(ValidateUsername("dewi.s-2_x"), IsOk());
  EXPECT_EQ(ValidateUsername("ab").message(), "username: 3 to 64 characters");
  EXPECT_THAT(ValidateUsername("dewi s"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateUsername("dewi\"},{"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateUsername(std::string(65, 'a')), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateNewPassword("sepuluh-karakter"), IsOk());
  EXPECT_EQ(ValidateNewPassword("pendek").message(), "password: at least 10 characters");
  EXPECT_THAT(ValidateNewPassword(std::string("sepuluh\nkarakter")),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateNewPassword(std::string(257, 'a')),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(SignInTest, ABlockedKeyIsToldHowLongToWait) {
  EXPECT_THAT(CheckSignInBlock(0), IsOk());
  EXPECT_THAT(CheckSignInBlock(-3), IsOk());
  absl::Status s = CheckSignInBlock(42);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(s.message(), "sign-in: too many failed attempts; try again in 42 s");
}

}  // namespace
}  // namespace loket::domain
