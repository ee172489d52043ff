// Issue 11: every mutation runs in a folded transaction (Database::Impl::RunFolded): BEGIN goes
// with its first statements (the request_id lock and the replay lookup) in one round trip. What
// must not change: a failure rolls back everything, the pooled connection is clean for the next
// call, arguments arrive byte for byte, and a read sent after a lock in one round trip sees what
// the lock's previous holder committed.
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "server/store/database.h"
#include "server/store/pg.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {
namespace {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;

constexpr store::Statement kInsert{"folded_test_insert",
                                   "INSERT INTO folded_test (id, note) VALUES ($1, $2)"};
constexpr store::Statement kNote{"folded_test_note", "SELECT note FROM folded_test WHERE id = $1"};
constexpr store::Statement kCount{"folded_test_count", "SELECT count(*) FROM folded_test"};
constexpr store::Statement kLock{"folded_test_lock", "SELECT pg_advisory_xact_lock($1)"};
constexpr store::Statement kDivide{"folded_test_divide", "SELECT 1 / $1::int"};

class FoldedTransactionTest : public ServerTest {
 protected:
  void SetUp() override {
    ASSERT_THAT(db_.impl().RunAutocommit([](store::Tx& tx) {
      tx.ExecRaw("DROP TABLE IF EXISTS folded_test");
      tx.ExecRaw("CREATE TABLE folded_test (id int PRIMARY KEY, note text NOT NULL)");
      return absl::OkStatus();
    }),
                IsOk());
  }

  int64_t Count() {
    int64_t n = -1;
    EXPECT_THAT(db_.impl().RunTx([&](store::Tx& tx) {
      n = tx.Exec(kCount)[0][0].as<int64_t>();
      return absl::OkStatus();
    }),
                IsOk());
    return n;
  }

  // One connection: whatever a run leaves on it, the next run meets.
  store::Database db_{store::DatabaseOptions{server_->conninfo(), 1}};
  store::Database db_probe_{store::DatabaseOptions{server_->conninfo(), 1}};
};

TEST_F(FoldedTransactionTest, CommitsWhatRanWithBeginAndAfter) {
  ASSERT_THAT(db_.impl().RunFolded([](store::Tx& tx) {
    tx.ExecTogether(
        {tx.Bind(kInsert, 1, std::string("first")), tx.Bind(kInsert, 2, std::string("second"))});
    tx.Exec(kInsert, 3, std::string("third"));
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_EQ(Count(), 3);
}

TEST_F(FoldedTransactionTest, AnErrorRollsBackAndLeavesTheConnectionClean) {
  EXPECT_THAT(db_.impl().RunFolded([](store::Tx& tx) {
    tx.ExecTogether({tx.Bind(kInsert, 1, std::string("lost"))});
    tx.Exec(kInsert, 2, std::string("lost too"));
    return absl::InvalidArgumentError("refused by the rule");
  }),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(Count(), 0);
}

TEST_F(FoldedTransactionTest, AFailingStatementRollsBackAndLeavesTheConnectionClean) {
  EXPECT_THAT(db_.impl().RunFolded([](store::Tx& tx) {
    tx.Exec(kInsert, 1, std::string("lost"));
    tx.ExecTogether({tx.Bind(kDivide, 0)});  // division by zero
    return absl::OkStatus();
  }),
              StatusIs(absl::StatusCode::kInternal));
  // Had the aborted transaction stayed open on the one connection, this would fail with
  // "current transaction is aborted".
  EXPECT_EQ(Count(), 0);
}

TEST_F(FoldedTransactionTest, AFailureInTheFirstRoundTripRollsBack) {
  ASSERT_THAT(db_.impl().RunFolded([](store::Tx& tx) {
    tx.Exec(kInsert, 7, std::string("there first"));
    return absl::OkStatus();
  }),
              IsOk());
  // BEGIN has run and the statement after it failed: the transaction is open and aborted.
  EXPECT_THAT(db_.impl().RunFolded([](store::Tx& tx) {
    tx.ExecTogether({tx.Bind(kInsert, 8, std::string("lost")),
                     tx.Bind(kInsert, 7, std::string("duplicate key"))});
    return absl::OkStatus();
  }),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(Count(), 1);
}

TEST_F(FoldedTransactionTest, BoundArgumentsArriveByteForByte) {
  const std::string note = "Ns. O'Brien \\ \"TU\" -- ; DROP TABLE folded_test; é 世界 $1";
  std::string back;
  ASSERT_THAT(db_.impl().RunFolded([&](store::Tx& tx) {
    back = tx.ExecTogether({tx.Bind(kInsert, 1, note), tx.Bind(kNote, 1)})[0][0].as<std::string>();
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_EQ(back, note);
  EXPECT_EQ(Count(), 1);
}

// The lock and the read go in one round trip; the read must still take its snapshot after the
// lock is granted, or a retry of a request would not see its first attempt's record.
TEST_F(FoldedTransactionTest, AReadAfterALockInOneRoundTripSeesTheHoldersCommit) {
  store::Database other(store::DatabaseOptions{server_->conninfo(), 1});
  absl::Notification holding;
  absl::Notification waiter_started;
  std::thread holder([&] {
    EXPECT_THAT(other.impl().RunFolded([&](store::Tx& tx) {
      tx.Exec(kLock, int64_t{4242});
      holding.Notify();
      waiter_started.WaitForNotification();
      // Commit only once the waiter's request for this lock is queued behind ours.
      const absl::Time give_up = absl::Now() + absl::Seconds(30);
      bool queued = false;
      while (!queued && absl::Now() < give_up) {
        absl::SleepFor(absl::Milliseconds(2));  // polls a condition; waits for no time to pass
        EXPECT_THAT(db_probe_.impl().RunAutocommit([&](store::Tx& probe) {
          queued = probe
                       .ExecRaw(
                           "SELECT count(*) > 0 FROM pg_locks WHERE locktype = 'advisory'"
                           " AND objid = 4242 AND NOT granted AND database = (SELECT oid"
                           " FROM pg_database WHERE datname = current_database())")[0][0]
                       .as<bool>();
          return absl::OkStatus();
        }),
                    IsOk());
      }
      EXPECT_TRUE(queued) << "the waiter never asked for the lock";
      tx.Exec(kInsert, 1, std::string("committed by the holder"));
      return absl::OkStatus();
    }),
                IsOk());
  });
  holding.WaitForNotification();
  std::string seen;
  waiter_started.Notify();
  ASSERT_THAT(db_.impl().RunFolded([&](store::Tx& tx) {
    pqxx::result r = tx.ExecTogether({tx.Bind(kLock, int64_t{4242}), tx.Bind(kNote, 1)});
    if (!r.empty()) seen = r[0][0].as<std::string>();
    return absl::OkStatus();
  }),
              IsOk());
  holder.join();
  EXPECT_EQ(seen, "committed by the holder");
}

}  // namespace
}  // namespace loket::itest
