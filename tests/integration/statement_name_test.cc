// Issue 14: two prepared statements with one name fail loudly instead of one silently running the
// other's SQL (statements are prepared per connection on first use, by name).
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "server/store/database.h"
#include "server/store/pg.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {
namespace {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
using ::testing::HasSubstr;

constexpr store::Statement kFirst{"test_same_name", "SELECT 1"};
constexpr store::Statement kSecond{"test_same_name", "SELECT 2"};
constexpr store::Statement kSameText{"test_same_name", "SELECT 1"};

class StatementNameTest : public ServerTest {};

TEST_F(StatementNameTest, TheSecondStatementOfOneNameIsRefusedNamingIt) {
  store::Database db(store::DatabaseOptions{server_->conninfo(), 2});
  int got = 0;
  auto run = [&](const store::Statement& st) {
    return db.impl().RunTx([&](store::Tx& tx) {
      got = tx.Exec(st)[0][0].as<int>();
      return absl::OkStatus();
    });
  };
  ASSERT_THAT(run(kFirst), IsOk());
  EXPECT_EQ(got, 1);
  ASSERT_THAT(run(kSameText), IsOk());  // the same statement declared twice is fine
  got = 0;
  EXPECT_THAT(run(kSecond), StatusIs(absl::StatusCode::kInternal,
                                     HasSubstr("two SQL statements are named \"test_same_name\"")));
  EXPECT_EQ(got, 0);  // "SELECT 1" did not run in its place
}

}  // namespace
}  // namespace loket::itest
