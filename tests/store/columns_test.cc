// Issue 14, typed rows: the column list builds the SELECT text and names the positions reads use
// (server/store/columns.h). Pure compile-time helpers: no database.
#include "server/store/columns.h"

#include <string>

#include "gtest/gtest.h"

namespace loket::store {
namespace {

constexpr auto kFoo = MakeColumns({{"id"}, {"name"}, {"clinic_id", "coalesce(clinic_id, '')"}});

// Checked by the compiler already; the tests below say the same at run time.
static_assert(kFoo.size() == 3);
static_assert(kFoo["id"] == 0 && kFoo["name"] == 1 && kFoo["clinic_id"] == 2);
static_assert(std::string_view(kSelectSql<"SELECT ", kFoo, " FROM foo">) ==
              "SELECT id, name, coalesce(clinic_id, '') FROM foo");

TEST(ColumnsTest, TheSelectTextJoinsTheExpressionsBetweenHeadAndTail) {
  EXPECT_EQ(std::string(kSelectSql<"SELECT ", kFoo, " FROM foo WHERE id = $1">),
            "SELECT id, name, coalesce(clinic_id, '') FROM foo WHERE id = $1");
  EXPECT_EQ(std::string(kSelectList<kFoo>), "id, name, coalesce(clinic_id, '')");
}

TEST(ColumnsTest, ANameGivesItsPositionInTheSelectList) {
  constexpr int id = kFoo["id"];
  constexpr int clinic = kFoo["clinic_id"];  // by its name, not its expression
  EXPECT_EQ(id, 0);
  EXPECT_EQ(clinic, 2);
}

TEST(ColumnsTest, TheNamesTextJoinsTheNamesInstead) {
  EXPECT_EQ(std::string(kSelectNamesSql<"SELECT ", kFoo, " FROM hit">),
            "SELECT id, name, clinic_id FROM hit");
}

constexpr auto kFooWithBlob = MakeColumns(kFoo, {{"blob"}});

TEST(ColumnsTest, ALongerRecordAppendsColumnsToAnother) {
  EXPECT_EQ(std::string(kSelectList<kFooWithBlob>), "id, name, coalesce(clinic_id, ''), blob");
  constexpr int blob = kFooWithBlob["blob"];
  constexpr int name = kFooWithBlob["name"];
  EXPECT_EQ(blob, 3);
  EXPECT_EQ(name, 1);
}

constexpr auto kOne = MakeColumns({{"only"}});

TEST(ColumnsTest, OneColumnHasNoSeparator) {
  EXPECT_EQ(std::string(kSelectSql<"SELECT ", kOne, " FROM t">), "SELECT only FROM t");
}

// A misspelt name, or a repeated one, does not compile (tried by hand):
//   kFoo["nmae"];                      // call to consteval function is not a constant expression
//   MakeColumns({{"a"}, {"a"}});       // "a column name is repeated"

}  // namespace
}  // namespace loket::store
