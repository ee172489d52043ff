#include "common/ids.h"

#include <set>

#include "gtest/gtest.h"

namespace loket {
namespace {

TEST(IdsTest, UuidsAreCanonicalAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string u = NewUuid();
    EXPECT_TRUE(IsUuid(u)) << u;
    EXPECT_EQ(u[14], '4') << u;  // version 4
    EXPECT_TRUE(seen.insert(u).second);
  }
}

TEST(IdsTest, IsUuidRejectsMalformed) {
  EXPECT_FALSE(IsUuid(""));
  EXPECT_FALSE(IsUuid("not-a-uuid"));
  EXPECT_FALSE(IsUuid("123e4567-e89b-12d3-a456-42661417400"));   // one short
  EXPECT_FALSE(IsUuid("123e4567-e89b-12d3-a456-42661417400g"));  // not hex
  EXPECT_FALSE(IsUuid("123e4567ae89b-12d3-a456-426614174000"));  // dash missing
  EXPECT_TRUE(IsUuid("123E4567-E89B-12D3-A456-426614174000"));
}

TEST(IdsTest, TokensAre256BitsOfHex) {
  std::string t = NewToken();
  ASSERT_EQ(t.size(), 64u);
  for (char c : t) EXPECT_TRUE(isxdigit(static_cast<unsigned char>(c)) && !isupper(c)) << t;
  EXPECT_NE(t, NewToken());
}

TEST(IdsTest, ReadableCodesAvoidLookAlikes) {
  for (int i = 0; i < 100; ++i) {
    std::string code = NewReadableCode(10);
    ASSERT_EQ(code.size(), 10u);
    EXPECT_EQ(code.find_first_of("01OIL"), std::string::npos) << code;
  }
}

}  // namespace
}  // namespace loket
