// Retention (issue 12): the sweep deletes finished tasks and idempotency records past their
// periods, keeps everything younger and every live task, keeps a request_id's replay for 24 hours,
// and runs safely on two replicas at once. Rows are backdated; the sweep uses the database's now().
#include "server/store/retention.h"

#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/store/database.h"
#include "server/store/pg.h"
#include "server/store/task_enqueue.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

class RetentionTest : public ServerTest {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::Database>(store::DatabaseOptions{server_->conninfo(), 4});
  }
  // Other suites in this binary count tasks: leave none of ours behind.
  void TearDown() override { server_->Query("DELETE FROM tasks WHERE queue LIKE 'retention.%'"); }

  // A task of queue `queue` in `state`, due and finished `age` ago (an SQL interval).
  int64_t Task(const std::string& queue, const std::string& state, const std::string& age) {
    int64_t id = 0;
    absl::Status s = db_->impl().RunTx([&](store::Tx& tx) {
      id = store::EnqueueInTx(tx, {"bpp", queue, "", "payload", absl::InfinitePast(), 8});
      return absl::OkStatus();
    });
    EXPECT_THAT(s, IsOk()) << s;
    server_->Query(absl::StrCat("UPDATE tasks SET state = '", state,
                                "', updated_at = now() - interval '", age,
                                "', run_after = now() - interval '", age, "' WHERE id = ", id));
    return id;
  }
  bool TaskExists(int64_t id) {
    return server_->Query(absl::StrCat("SELECT count(*) FROM tasks WHERE id = ", id)) == "1";
  }
  std::string Count(const std::string& table) {
    return server_->Query("SELECT count(*) FROM " + table);
  }
  // Backdates the idempotency record of `request_id` by `age`.
  void Backdate(const std::string& request_id, const std::string& age) {
    server_->Query(absl::StrCat("UPDATE idempotency SET created_at = now() - interval '", age,
                                "' WHERE request_id = '", request_id, "'"));
  }
  absl::StatusOr<store::SweepCounts> Sweep(domain::RetentionPolicy p = {}) {
    return store::Retention(*db_, p).SweepOnce();
  }

  std::unique_ptr<store::Database> db_;
};

TEST_F(RetentionTest, OldFinishedTasksGoAndLiveYoungAndDeadOnesStay) {
  int64_t old_done = Task("retention.a", "done", "8 days");
  int64_t young_done = Task("retention.a", "done", "6 days");
  int64_t old_dead = Task("retention.a", "dead", "90 days");
  int64_t old_ready = Task("retention.b", "ready", "30 days");  // waiting for a worker: live
  // Dropped by an admin before it was due: kept while its due time is not past retention either
  // (a slot's reserved-seat release is enqueued once ever, asked while its cut-off is ahead).
  int64_t dropped_early = Task("retention.a", "done", "8 days");
  server_->Query(absl::StrCat("UPDATE tasks SET run_after = now() + interval '10 days' WHERE id = ",
                              dropped_early));
  // A notification keeps its history when its task is swept (the link is cleared).
  v1::Case c = SubmitAsClinicA();
  server_->Query(absl::StrCat(
      "INSERT INTO notifications (office_id, case_id, channel, address, template_id, task_id)"
      " VALUES ('bpp', ",
      c.id(), ", 'email', 'retention@example.org', 'case.submitted', ", old_done, ")"));

  auto n = Sweep();  // the defaults: done tasks 7 days, dead tasks never
  ASSERT_THAT(n, IsOk()) << n.status();
  EXPECT_GE(n->done_tasks, 1);
  EXPECT_EQ(n->dead_tasks, 0);
  EXPECT_FALSE(TaskExists(old_done));
  EXPECT_TRUE(TaskExists(young_done));
  EXPECT_TRUE(TaskExists(old_dead));
  EXPECT_TRUE(TaskExists(old_ready));
  EXPECT_TRUE(TaskExists(dropped_early));
  EXPECT_EQ(server_->Query("SELECT coalesce(task_id::text, 'null') FROM notifications"
                           " WHERE address = 'retention@example.org'"),
            "null");

  // With a dead-task retention, old dead tasks go too.
  domain::RetentionPolicy p;
  p.dead_tasks = absl::Hours(30 * 24);
  n = Sweep(p);
  ASSERT_THAT(n, IsOk()) << n.status();
  EXPECT_EQ(n->dead_tasks, 1);
  EXPECT_FALSE(TaskExists(old_dead));
  EXPECT_TRUE(TaskExists(young_done));
  EXPECT_TRUE(TaskExists(old_ready));
}

TEST_F(RetentionTest, ReplayHoldsWithinRetentionAndOldRecordsGo) {
  v1::SubmitApplicationRequest young = NurseApplication(), old = NurseApplication();
  v1::Case young_first, old_first;
  ASSERT_THAT(cases().SubmitApplication(Ctx(clinic_a_).get(), young, &young_first), IsOk());
  ASSERT_THAT(cases().SubmitApplication(Ctx(clinic_a_).get(), old, &old_first), IsOk());
  Backdate(young.request_id(), "23 hours 50 minutes");  // still inside the API's 24 hours
  Backdate(old.request_id(), "49 hours");               // past the default 48 hours

  auto n = Sweep();
  ASSERT_THAT(n, IsOk()) << n.status();
  EXPECT_GE(n->idempotency, 1);
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT count(*) FROM idempotency WHERE request_id = '",
                                        old.request_id(), "'")),
            "0");

  // A retry of the young request_id still gets the original answer and creates nothing.
  std::string before = Count("cases");
  v1::Case again;
  ASSERT_THAT(cases().SubmitApplication(Ctx(clinic_a_).get(), young, &again), IsOk());
  EXPECT_EQ(again.SerializeAsString(), young_first.SerializeAsString());
  EXPECT_EQ(Count("cases"), before);

  // Even the shortest retention allowed keeps a request_id for the 24 hours the API promises.
  domain::RetentionPolicy shortest;
  shortest.idempotency = domain::kReplayPromise;
  n = Sweep(shortest);
  ASSERT_THAT(n, IsOk()) << n.status();
  ASSERT_THAT(cases().SubmitApplication(Ctx(clinic_a_).get(), young, &again), IsOk());
  EXPECT_EQ(again.SerializeAsString(), young_first.SerializeAsString());
  EXPECT_EQ(Count("cases"), before);

  // Shorter than the promise is refused, naming the flag.
  shortest.idempotency = absl::Hours(23);
  EXPECT_THAT(Sweep(shortest), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_NE(std::string(Sweep(shortest).status().message()).find("--idempotency_retention"),
            std::string::npos);
}

TEST_F(RetentionTest, TwoReplicasSweepingAtOnceDeleteEachOldRowOnce) {
  // 2,500 old done tasks in batches of 100: many batches, two sweepers racing for them.
  server_->Query(
      "INSERT INTO tasks (office_id, queue, state, run_after, updated_at)"
      " SELECT 'bpp', 'retention.c', 'done', now() - interval '10 days',"
      " now() - interval '10 days' FROM generate_series(1, 2500)");
  int64_t young = Task("retention.c", "done", "1 day");
  domain::RetentionPolicy p;
  p.batch = 100;
  std::vector<absl::StatusOr<store::SweepCounts>> results(2, absl::UnknownError("not run"));
  std::vector<std::thread> replicas;
  for (int i = 0; i < 2; ++i) {
    replicas.emplace_back([&, i] {
      store::Database own({server_->conninfo(), 2});  // a replica has its own pool
      store::Retention r(own, p);
      // A replica that yielded to the other goes again, as the next interval would.
      int64_t total = 0;
      for (int round = 0; round < 100; ++round) {
        results[i] = r.SweepOnce();
        if (!results[i].ok()) return;
        total += results[i]->done_tasks;
        if (!results[i]->yielded) break;
      }
      results[i]->done_tasks = total;
    });
  }
  for (auto& t : replicas) t.join();
  ASSERT_THAT(results[0], IsOk()) << results[0].status();
  ASSERT_THAT(results[1], IsOk()) << results[1].status();
  EXPECT_EQ(results[0]->done_tasks + results[1]->done_tasks, 2500);
  EXPECT_EQ(server_->Query("SELECT count(*) FROM tasks WHERE queue = 'retention.c'"), "1");
  EXPECT_TRUE(TaskExists(young));
}

TEST_F(RetentionTest, LoketdSweepsByItselfEveryInterval) {
  int64_t old_done = Task("retention.d", "done", "8 days");
  int64_t young_done = Task("retention.d", "done", "1 day");
  // The sweeper's time is the test's: each wait it asks for is recorded; the one after start and
  // the one after the first round pass at once, then it rests for its interval. Nobody calls a
  // sweep: loketd runs both rounds by itself.
  absl::Mutex mu;
  std::vector<absl::Duration> waits;  // guarded by mu
  bool old_gone_after_first = false, young_kept_after_first = false;
  api::ServerOptions o;  // a second replica on the same database, sweeping every 10 minutes
  o.db_conninfo = server_->conninfo();
  o.listen = "127.0.0.1:0";
  o.log_requests = false;
  o.retention_sweep_interval = absl::Minutes(10);
  o.expiry_reminder_interval = absl::ZeroDuration();  // the sweep is all it does by itself
  o.retention_sweep_wait = [&](absl::Duration wait) {
    absl::MutexLock lock(&mu);
    waits.push_back(wait);
    if (waits.size() == 2) {  // the first round has ended; the young task ages past retention
      old_gone_after_first = !TaskExists(old_done);
      young_kept_after_first = TaskExists(young_done);
      server_->Query(
          absl::StrCat("UPDATE tasks SET updated_at = now() - interval '8 days',"
                       " run_after = now() - interval '8 days' WHERE id = ",
                       young_done));
    }
    return waits.size() <= 2 ? absl::ZeroDuration() : wait;
  };
  auto replica = api::LoketServer::Start(o, server_->clock());
  ASSERT_THAT(replica, IsOk()) << replica.status();
  {
    // Two rounds have ended when the sweeper asks for its third wait; the deadline only ends a
    // failure (a sweeper that never runs).
    absl::MutexLock lock(&mu);
    ASSERT_TRUE(mu.AwaitWithTimeout(
        absl::Condition(
            +[](std::vector<absl::Duration>* w) { return w->size() >= 3; }, &waits),
        absl::Seconds(60)));
    EXPECT_EQ(waits[0], absl::Minutes(1));   // the first round soon after start
    EXPECT_EQ(waits[1], absl::Minutes(10));  // then one every interval
    EXPECT_EQ(waits[2], absl::Minutes(10));
  }
  EXPECT_TRUE(old_gone_after_first);
  EXPECT_TRUE(young_kept_after_first);
  EXPECT_FALSE(TaskExists(young_done));  // the second round's
}

TEST_F(RetentionTest, LoketdRefusesARetentionShorterThanTheReplayPromise) {
  api::ServerOptions o;
  o.db_conninfo = server_->conninfo();
  o.listen = "127.0.0.1:0";
  o.retention.idempotency = absl::Hours(12);
  auto s = api::LoketServer::Start(o, server_->clock());
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace loket::itest
