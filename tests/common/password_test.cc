#include "common/password.h"

#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace loket {

using ::loket::testing::IsOk;
namespace {

TEST(PasswordTest, HashIsArgon2idSaltedAndVerifies) {
  auto a = HashPassword("rahasia-panjang");
  auto b = HashPassword("rahasia-panjang");
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->rfind("$argon2id$", 0), 0u);
  EXPECT_NE(*a, *b);  // a fresh salt each time
  EXPECT_TRUE(VerifyPassword("rahasia-panjang", *a));
  EXPECT_FALSE(VerifyPassword("rahasia-panjanG", *a));
  EXPECT_FALSE(VerifyPassword("", *a));
}

TEST(PasswordTest, MissingOrMalformedHashNeverMatches) {
  EXPECT_FALSE(VerifyPassword("loket-dummy-password", ""));
  EXPECT_FALSE(VerifyPassword("x", "not a hash"));
}

}  // namespace
}  // namespace loket
