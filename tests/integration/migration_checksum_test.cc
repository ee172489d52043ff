// Issue 14, section 3: schema_migrations keeps the SHA-256 of each applied migration file, and
// Database::Migrate (loketd's start) refuses, naming the file, when an applied file changed.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "server/store/database.h"
#include "server/store/migrations.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {
namespace {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

class MigrationChecksumTest : public ServerTest {
 protected:
  // What schema_migrations records for `version` ("" when NULL or absent).
  std::string Recorded(int version) {
    return server_->Query(
        absl::StrCat("SELECT checksum FROM schema_migrations WHERE version = ", version));
  }
  void ExpectEveryChecksumMatchesItsFile() {
    for (const store::Migration& m : store::EmbeddedMigrations()) {
      EXPECT_EQ(Recorded(m.version), Sha256Hex(m.sql)) << store::MigrationFileName(m);
    }
  }
  const store::Migration& Embedded(int version) {
    for (const store::Migration& m : store::EmbeddedMigrations()) {
      if (m.version == version) return m;
    }
    ADD_FAILURE() << "no migration " << version;
    return store::EmbeddedMigrations().front();
  }
};

TEST_F(MigrationChecksumTest, EveryAppliedMigrationRecordsTheChecksumOfItsFile) {
  ASSERT_GE(store::EmbeddedMigrations().size(), 2u);
  EXPECT_EQ(store::MigrationFileName(Embedded(3)), "0003_siber.sql");
  ExpectEveryChecksumMatchesItsFile();
}

TEST_F(MigrationChecksumTest, AChangedFileIsRefusedNamingItBeforeAnythingNewerIsApplied) {
  std::vector<store::Migration> changed = store::EmbeddedMigrations();
  for (store::Migration& m : changed) {
    if (m.version == 3) m.sql += "\n-- edited after it was applied\n";
  }
  // A migration the refused start must not apply.
  changed.push_back({9999, "probe", "CREATE TABLE checksum_probe (x integer)"});
  store::Database db(store::DatabaseOptions{server_->conninfo(), 1});
  EXPECT_THAT(db.Migrate(changed),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("0003_siber.sql"), HasSubstr(Sha256Hex(Embedded(3).sql)))));
  EXPECT_EQ(server_->Query("SELECT to_regclass('checksum_probe')::text"), "");
  EXPECT_EQ(server_->Query("SELECT count(*) FROM schema_migrations WHERE version = 9999"), "0");
  // The unchanged files still pass.
  EXPECT_THAT(db.Migrate(), IsOk());
  ExpectEveryChecksumMatchesItsFile();
}

// A migration's checksum commits with the migration: when a later one fails, the one applied
// before it is already checked on the next start.
TEST_F(MigrationChecksumTest, AMigrationRecordsItsChecksumInItsOwnTransaction) {
  std::vector<store::Migration> more = store::EmbeddedMigrations();
  more.push_back({9001, "probe_ok", "CREATE TABLE checksum_probe_ok (x integer)"});
  more.push_back({9002, "probe_broken", "CREATE TABLE checksum_probe_broken (x nonsense_type)"});
  store::Database db(store::DatabaseOptions{server_->conninfo(), 1});
  EXPECT_THAT(db.Migrate(more),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("9002_probe_broken")));
  EXPECT_EQ(Recorded(9001), Sha256Hex(more[more.size() - 2].sql));
  EXPECT_EQ(server_->Query("SELECT count(*) FROM schema_migrations WHERE version = 9002"), "0");
  server_->Query("DELETE FROM schema_migrations WHERE version = 9001 RETURNING 1");
  server_->Query("DROP TABLE checksum_probe_ok");
}

TEST_F(MigrationChecksumTest, AnAlteredRecordedChecksumIsRefusedNamingTheFile) {
  server_->Query(
      "UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE version = 5 RETURNING 1");
  store::Database db(store::DatabaseOptions{server_->conninfo(), 1});
  EXPECT_THAT(db.Migrate(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("0005_queue.sql"), HasSubstr(std::string(64, '0')))));
  EXPECT_EQ(Recorded(5), std::string(64, '0'));  // a refusal changes nothing
  server_->Query(absl::StrCat("UPDATE schema_migrations SET checksum = '",
                              Sha256Hex(Embedded(5).sql), "' WHERE version = 5 RETURNING 1"));
  EXPECT_THAT(db.Migrate(), IsOk());
}

TEST_F(MigrationChecksumTest, MissingChecksumsAreRecordedOnTheNextStart) {
  server_->Query("UPDATE schema_migrations SET checksum = NULL RETURNING 1");
  EXPECT_EQ(Recorded(1), "");
  store::Database db(store::DatabaseOptions{server_->conninfo(), 1});
  ASSERT_THAT(db.Migrate(), IsOk());
  ExpectEveryChecksumMatchesItsFile();
  // Recorded once: from now on a changed file is refused.
  std::vector<store::Migration> changed = store::EmbeddedMigrations();
  changed.front().sql += " ";
  EXPECT_THAT(db.Migrate(changed), StatusIs(absl::StatusCode::kFailedPrecondition,
                                            HasSubstr(store::MigrationFileName(changed.front()))));
}

TEST_F(MigrationChecksumTest, ADatabaseFromBeforeChecksumsGetsThemOnItsFirstStart) {
  // The database as an older loketd left it: no checksum column, no migration 0020.
  server_->Query(
      "WITH d AS (DELETE FROM schema_migrations WHERE name = 'migration_checksums' RETURNING 1)"
      " SELECT count(*) FROM d");
  server_->Query("ALTER TABLE schema_migrations DROP COLUMN checksum");
  EXPECT_EQ(server_->Query("SELECT count(*) FROM information_schema.columns WHERE table_name ="
                           " 'schema_migrations' AND column_name = 'checksum'"),
            "0");
  store::Database db(store::DatabaseOptions{server_->conninfo(), 1});
  ASSERT_THAT(db.Migrate(), IsOk());
  EXPECT_EQ(server_->Query("SELECT count(*) FROM schema_migrations WHERE name ="
                           " 'migration_checksums'"),
            "1");
  ExpectEveryChecksumMatchesItsFile();
}

}  // namespace
}  // namespace loket::itest
