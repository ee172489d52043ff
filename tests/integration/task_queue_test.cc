// The task queue: leasing, fencing, expiry and takeover, coalescing, back-off, dead letters.
// Through TaskService over gRPC where a worker would go; through the store for coalescing, which
// only loketd's own transactions can do.
#include "server/store/task_queue.h"

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/ids.h"
#include "common/testing/fake_clock.h"
#include "gmock/gmock.h"
#include "loket/v1/task.grpc.pb.h"
#include "server/store/database.h"
#include "server/store/notification_outbox.h"
#include "server/store/pg.h"
#include "server/store/retention.h"
#include "server/store/task_enqueue.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::testing::HasSubstr;

class TaskQueueTest : public ServerTest {
 protected:
  static void SetUpTestSuite() {
    configure_ = [](api::ServerOptions& o) {
      o.on_poll_wait = [] {
        absl::MutexLock lock(&poll_waits_mu_);
        ++poll_waits_;
      };
    };
    ServerTest::SetUpTestSuite();
    configure_ = nullptr;
  }

  static int PollWaits() {
    absl::MutexLock lock(&poll_waits_mu_);
    return poll_waits_;
  }

  // Blocks until a PollTask went to wait after `seen` waits in all, or until `deadline`.
  static bool AwaitPollWait(int seen, absl::Time deadline) {
    absl::MutexLock lock(&poll_waits_mu_);
    auto waited = [seen]()
                      ABSL_SHARED_LOCKS_REQUIRED(poll_waits_mu_) { return poll_waits_ > seen; };
    return poll_waits_mu_.AwaitWithDeadline(absl::Condition(&waited), deadline);
  }

  void SetUp() override {
    worker_ = server_->TokenFor("bpp", "worker");
    tasks_ = v1::TaskService::NewStub(server_->channel());
    db_ = std::make_unique<store::Database>(store::DatabaseOptions{server_->conninfo(), 2});
    // Each test starts from an empty queue.
    server_->Query(
        "UPDATE tasks SET state = 'done', lease_expires_at = NULL WHERE state <> 'done'");
  }

  int64_t Enqueue(const std::string& queue, const std::string& dedupe = "", int max_attempts = 8) {
    int64_t id = 0;
    absl::Status s = db_->impl().RunTx([&](store::Tx& tx) {
      id = store::EnqueueInTx(
          tx, {"bpp", queue, dedupe, "payload", absl::InfinitePast(), max_attempts});
      return absl::OkStatus();
    });
    EXPECT_THAT(s, IsOk()) << s;
    return id;
  }

  std::optional<v1::Task> Poll(const std::string& queue, int lease_seconds = 30,
                               int wait_seconds = 1, const std::string& token = "") {
    v1::PollTaskRequest req;
    req.set_queue(queue);
    req.set_worker_id("test-worker");
    req.set_lease_seconds(lease_seconds);
    req.set_wait_seconds(wait_seconds);
    v1::PollTaskResponse resp;
    grpc::Status s = tasks_->PollTask(Ctx(token.empty() ? worker_ : token).get(), req, &resp);
    EXPECT_THAT(s, IsOk()) << s.error_message();
    if (!resp.has_task()) return std::nullopt;
    return resp.task();
  }

  grpc::Status Complete(const v1::Task& t) {
    v1::CompleteTaskRequest req;
    req.set_task_id(t.id());
    req.set_attempt(t.attempt());
    req.mutable_notify()->set_delivered(true);
    v1::CompleteTaskResponse resp;
    return tasks_->CompleteTask(Ctx(worker_).get(), req, &resp);
  }

  grpc::Status Fail(const v1::Task& t, bool permanent, v1::FailTaskResponse* resp) {
    v1::FailTaskRequest req;
    req.set_task_id(t.id());
    req.set_attempt(t.attempt());
    req.set_error("gateway said 500");
    req.set_permanent(permanent);
    return tasks_->FailTask(Ctx(worker_).get(), req, resp);
  }

  // A lease's time runs out now: the test moves it into the past instead of sleeping past it.
  void ExpireLease(int64_t id) {
    server_->Query(absl::StrCat(
        "UPDATE tasks SET lease_expires_at = now() - interval '1 second' WHERE id = ", id));
  }

  std::string State(int64_t id) {
    return server_->Query(absl::StrCat("SELECT state FROM tasks WHERE id = ", id));
  }

  std::string worker_;
  std::unique_ptr<v1::TaskService::Stub> tasks_;
  std::unique_ptr<store::Database> db_;
  // PollTasks that found nothing to lease and went to wait (ServerOptions::on_poll_wait).
  static inline absl::Mutex poll_waits_mu_;
  static inline int poll_waits_ ABSL_GUARDED_BY(poll_waits_mu_) = 0;
};

TEST_F(TaskQueueTest, OnlyWorkersMayPoll) {
  v1::PollTaskRequest req;
  req.set_queue("notify.send");
  v1::PollTaskResponse resp;
  EXPECT_THAT(tasks_->PollTask(Ctx(officer_).get(), req, &resp), StatusIs(grpc::PERMISSION_DENIED));
  EXPECT_THAT(tasks_->PollTask(Ctx("").get(), req, &resp), StatusIs(grpc::UNAUTHENTICATED));
}

TEST_F(TaskQueueTest, ACaseTransitionEnqueuesItsNotificationsInTheSameTransaction) {
  v1::Case c = SubmitAsClinicA();  // phone and e-mail on file: two messages
  auto first = Poll("notify.send");
  auto second = Poll("notify.send");
  ASSERT_TRUE(first && second);
  v1::NotifySend a, b;
  ASSERT_TRUE(a.ParseFromString(first->payload()));
  ASSERT_TRUE(b.ParseFromString(second->payload()));
  EXPECT_EQ(a.case_id(), c.id());
  EXPECT_EQ(a.template_id(), "case.submitted");
  std::set<std::string> channels = {a.channel(), b.channel()};
  EXPECT_EQ(channels, (std::set<std::string>{"webhook", "email"}));
  EXPECT_EQ(a.params().at("due_date"), "2026-03-31");
  ASSERT_THAT(Complete(*first), IsOk());
  // The outcome shows on the case.
  v1::GetCaseRequest get;
  get.set_case_id(c.id());
  v1::Case shown;
  ASSERT_THAT(cases().GetCase(Ctx(officer_).get(), get, &shown), IsOk());
  ASSERT_EQ(shown.notifications_size(), 2);
  int sent = 0;
  for (const auto& n : shown.notifications()) sent += n.status() == "sent";
  EXPECT_EQ(sent, 1);
  // A failed transition enqueues nothing.
  v1::Case out;
  EXPECT_THAT(Do(&v1::CaseService::Stub::Approve, approver_, c.id(), "", &out),
              StatusIs(grpc::FAILED_PRECONDITION));
  // (The clinic's submission also planned a courier pickup: one route.plan task.)
  EXPECT_EQ(server_->Query("SELECT count(*) FROM tasks WHERE state = 'ready'"
                           " AND queue = 'notify.send'"),
            "0");
}

TEST_F(TaskQueueTest, StaleCompleteIsRefusedAndChangesNothing) {
  int64_t id = Enqueue("notify.send");
  auto first = Poll("notify.send", /*lease_seconds=*/1);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id(), id);
  EXPECT_EQ(first->attempt(), 1);
  ExpireLease(id);  // the first worker stalls past its lease
  auto second = Poll("notify.send");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id(), id);
  EXPECT_EQ(second->attempt(), 2);  // taken over
  grpc::Status late = Complete(*first);
  EXPECT_THAT(late, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(late.error_message(), HasSubstr("no longer leased"));
  EXPECT_EQ(State(id), "leased");
  v1::HeartbeatRequest hb;
  hb.set_task_id(id);
  hb.set_attempt(1);
  v1::HeartbeatResponse hr;
  EXPECT_THAT(tasks_->Heartbeat(Ctx(worker_).get(), hb, &hr), StatusIs(grpc::FAILED_PRECONDITION));
  ASSERT_THAT(Complete(*second), IsOk());
  EXPECT_EQ(State(id), "done");
  // And a repeat of the winning answer is refused too: applied exactly once.
  EXPECT_THAT(Complete(*second), StatusIs(grpc::FAILED_PRECONDITION));
}

TEST_F(TaskQueueTest, ALeaseExpiringOnTheLastAttemptDeadLetters) {
  int64_t id = Enqueue("notify.send", "", /*max_attempts=*/1);
  auto t = Poll("notify.send", /*lease_seconds=*/1);
  ASSERT_TRUE(t);
  ExpireLease(id);  // the worker died holding it
  EXPECT_FALSE(Poll("notify.send", 30, 0).has_value());
  EXPECT_EQ(State(id), "dead");
  EXPECT_THAT(server_->Query(absl::StrCat("SELECT last_error FROM tasks WHERE id = ", id)),
              HasSubstr("lease expired"));
  EXPECT_THAT(Complete(*t), StatusIs(grpc::FAILED_PRECONDITION));
}

TEST_F(TaskQueueTest, HeartbeatKeepsTheLease) {
  int64_t id = Enqueue("notify.send");
  auto t = Poll("notify.send", 1);
  ASSERT_TRUE(t);
  for (int i = 0; i < 3; ++i) {
    // The lease is about to run out (moved to 100 ms from now rather than waited for); each
    // heartbeat gives it its full 30 seconds again, from the heartbeat's own now (updated_at), so
    // no assertion depends on how long the call took.
    server_->Query(absl::StrCat(
        "UPDATE tasks SET lease_expires_at = now() + interval '100 milliseconds' WHERE id = ", id));
    v1::HeartbeatRequest hb;
    hb.set_task_id(id);
    hb.set_attempt(t->attempt());
    hb.set_lease_seconds(30);
    v1::HeartbeatResponse hr;
    ASSERT_THAT(tasks_->Heartbeat(Ctx(worker_).get(), hb, &hr), IsOk());
    // The equality holds for any clock the statement used; the margin (10 s less than the lease,
    // not a timing bound) shows that clock was the database's now, not a stale one.
    EXPECT_EQ(server_->Query(absl::StrCat(
                  "SELECT lease_expires_at = updated_at + interval '30 seconds' AND "
                  "lease_expires_at > now() + interval '20 seconds' FROM tasks WHERE id = ",
                  id)),
              "t");
  }
  EXPECT_FALSE(Poll("notify.send", 30, 0).has_value());  // still ours
  EXPECT_THAT(Complete(*t), IsOk());
}

// Issue 14: the queue names no kind. A kind registered once hears of every attempt that ends
// without success (a failure, the last lease expiring), in the same transaction; others do not.
TEST_F(TaskQueueTest, ARegisteredKindHearsOfItsFailedAttemptsAndNoOthers) {
  std::vector<std::string> heard;
  store::TaskQueue queue(*db_);
  queue.AddKind(
      {"test.kind", [&](store::Tx&, const store::TaskRecord& t, const std::string& why, bool dead) {
         heard.push_back(absl::StrCat(t.id, "/", t.attempt, " ", why, dead ? " dead" : ""));
       }});
  int64_t id = Enqueue("test.kind", "", /*max_attempts=*/2);
  int64_t other = Enqueue("test.other", "", /*max_attempts=*/1);
  auto first = queue.Lease("bpp", "test.kind", "w", absl::Seconds(30));
  ASSERT_TRUE(first.ok() && first->has_value());
  ASSERT_THAT(queue.Fail("bpp", id, 1, "gateway said 500", false), IsOk());
  // Its second and last attempt's lease runs out (moved into the past rather than waited for).
  server_->Query(absl::StrCat("UPDATE tasks SET run_after = now() WHERE id = ", id));
  auto second = queue.Lease("bpp", "test.kind", "w", absl::Seconds(30));
  ASSERT_TRUE(second.ok() && second->has_value());
  ExpireLease(id);
  auto none = queue.Lease("bpp", "test.kind", "w", absl::Seconds(30));
  ASSERT_THAT(none, IsOk());
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(State(id), "dead");
  auto o = queue.Lease("bpp", "test.other", "w", absl::Seconds(30));
  ASSERT_TRUE(o.ok() && o->has_value());
  ASSERT_THAT(queue.Fail("bpp", other, 1, "not heard", true), IsOk());
  EXPECT_THAT(heard, ::testing::ElementsAre(absl::StrCat(id, "/1 gateway said 500"),
                                            absl::StrCat(id, "/2 lease expired dead")));
}

// Issue 14: the queue's time can be given. On a test's clock a lease runs out, a back-off passes
// and a task ages when the clock moves: nothing waits and no row is rewritten.
TEST_F(TaskQueueTest, LeasesAndBackOffsRunOnAGivenClock) {
  int64_t id = Enqueue("test.clock", "", /*max_attempts=*/3);  // due at the database's now()
  FakeClock clock(store::ParseTimestamp(server_->Query("SELECT now()::text")));
  store::TaskQueue queue(*db_, store::RetryPolicy{absl::Seconds(10), absl::Minutes(10), 0, 1},
                         &clock);
  auto first = queue.Lease("bpp", "test.clock", "w1", absl::Seconds(30));
  ASSERT_TRUE(first.ok() && first->has_value());
  // Within its lease no one else gets it; one second past it, the next worker does.
  clock.Advance(absl::Seconds(29));
  auto early = queue.Lease("bpp", "test.clock", "w2", absl::Seconds(30));
  ASSERT_THAT(early, IsOk());
  EXPECT_FALSE(early->has_value());
  clock.Advance(absl::Seconds(2));
  auto taken = queue.Lease("bpp", "test.clock", "w2", absl::Seconds(30));
  ASSERT_TRUE(taken.ok() && taken->has_value());
  EXPECT_EQ((*taken)->id, id);
  EXPECT_EQ((*taken)->attempt, 2);
  EXPECT_TRUE((*taken)->took_over_expired_lease);
  EXPECT_EQ((*taken)->lease_expires_at, clock.Now() + absl::Seconds(30));
  // A failed attempt waits out its back-off (10 s after attempt 2, no jitter) on the same clock.
  auto failed = queue.Fail("bpp", id, 2, "gateway said 500", false);
  ASSERT_THAT(failed, IsOk());
  EXPECT_EQ(failed->state, "ready");
  EXPECT_GT(failed->run_after, clock.Now());
  auto waiting = queue.Lease("bpp", "test.clock", "w3", absl::Seconds(30));
  ASSERT_THAT(waiting, IsOk());
  EXPECT_FALSE(waiting->has_value());
  clock.Set(failed->run_after);
  auto again = queue.Lease("bpp", "test.clock", "w3", absl::Seconds(30));
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->attempt, 3);
}

// loketd --clock_start: the office clock is shifted from real time, and the queue runs on it
// (DatabaseOptions::task_clock). Whether it is behind (a test's past morning) or ahead (a demo's
// office morning at night), a task enqueued now is due now, on that clock.
TEST_F(TaskQueueTest, TasksComeDueOnAShiftedOfficeClock) {
  const absl::Time db_now = store::ParseTimestamp(server_->Query("SELECT now()::text"));
  for (absl::Duration shift : {absl::Hours(-24 * 30), absl::Hours(24 * 30)}) {
    SCOPED_TRACE(absl::StrCat("office clock shifted by ", absl::FormatDuration(shift)));
    const std::string kind = shift > absl::ZeroDuration() ? "test.ahead" : "test.behind";
    FakeClock office(db_now + shift);
    store::DatabaseOptions o{server_->conninfo(), 2};
    o.task_clock = &office;
    store::Database shifted(o);
    // A route plan is enqueued "now" (no time given); a message at the office's now, as the
    // outbox does.
    // A reminder is due a minute later, on that clock.
    int64_t plan = 0, message = 0, reminder = 0;
    ASSERT_THAT(shifted.impl().RunTx([&](store::Tx& tx) {
      plan = store::EnqueueInTx(tx, {"bpp", kind, "", "p", absl::InfinitePast(), 8});
      message = store::EnqueueInTx(tx, {"bpp", kind, "", "m", office.Now(), 8});
      reminder = store::EnqueueInTx(tx, {"bpp", kind, "", "r", office.Now() + absl::Minutes(1), 8});
      return absl::OkStatus();
    }),
                IsOk());
    store::TaskQueue queue(shifted);  // no clock of its own: the database's
    std::set<int64_t> leased;
    for (int i = 0; i < 3; ++i) {
      auto t = queue.Lease("bpp", kind, "w", absl::Seconds(30));
      ASSERT_THAT(t, IsOk());
      if (!t->has_value()) break;
      leased.insert((*t)->id);
      EXPECT_EQ((*t)->lease_expires_at, office.Now() + absl::Seconds(30));
    }
    EXPECT_EQ(leased, (std::set<int64_t>{plan, message}));
    office.Advance(absl::Minutes(1));
    auto later = queue.Lease("bpp", kind, "w", absl::Seconds(30));
    ASSERT_TRUE(later.ok() && later->has_value());
    EXPECT_EQ((*later)->id, reminder);
  }
}

// A task finished on a shifted clock is as old as that clock says: the retention sweep, on the
// same clock, keeps it for its days (on PostgreSQL's now() it was 30 days old at once, and gone).
TEST_F(TaskQueueTest, ATaskFinishedOnAShiftedClockIsKeptForItsRetention) {
  FakeClock office(store::ParseTimestamp(server_->Query("SELECT now()::text")) -
                   absl::Hours(24 * 30));
  store::DatabaseOptions o{server_->conninfo(), 2};
  o.task_clock = &office;
  store::Database shifted(o);
  int64_t id = 0;
  ASSERT_THAT(shifted.impl().RunTx([&](store::Tx& tx) {
    id = store::EnqueueInTx(tx, {"bpp", "test.kept", "", "p", absl::InfinitePast(), 8});
    return absl::OkStatus();
  }),
              IsOk());
  store::TaskQueue queue(shifted);
  auto t = queue.Lease("bpp", "test.kept", "w", absl::Seconds(30));
  ASSERT_TRUE(t.ok() && t->has_value());
  ASSERT_THAT(shifted.impl().RunTx([&](store::Tx& tx) {
    return store::FinishLeasedInTx(tx, "bpp", id, 1, "test.kept");
  }),
              IsOk());
  domain::RetentionPolicy week;  // done tasks kept 7 days
  ASSERT_THAT(store::Retention(shifted, week).SweepOnce(), IsOk());
  EXPECT_EQ(State(id), "done");
  office.Advance(absl::Hours(24 * 8));
  ASSERT_THAT(store::Retention(shifted, week).SweepOnce(), IsOk());
  EXPECT_EQ(State(id), "");
}

// Issue 14: the back-off's jitter takes a seed, so a test can know each delay.
TEST_F(TaskQueueTest, TheBackOffsJitterFollowsItsSeed) {
  auto first_delay = [&](uint64_t seed) {
    store::TaskQueue queue(*db_,
                           store::RetryPolicy{absl::Seconds(2), absl::Minutes(10), 0.2, seed});
    int64_t id = Enqueue("test.seed");
    auto t = queue.Lease("bpp", "test.seed", "w", absl::Seconds(30));
    EXPECT_TRUE(t.ok() && t->has_value() && (*t)->id == id);
    EXPECT_THAT(queue.Fail("bpp", id, 1, "gateway said 500", false), IsOk());
    // run_after and updated_at come from one statement's now(): their difference is the delay.
    return server_->Query(absl::StrCat(
        "SELECT extract(epoch FROM run_after - updated_at)::text FROM tasks WHERE id = ", id));
  };
  const std::string a = first_delay(42);
  EXPECT_EQ(first_delay(42), a);
  EXPECT_NE(first_delay(43), a);
}

TEST_F(TaskQueueTest, DedupeKeyCoalescesLiveTasks) {
  int64_t a = Enqueue("test.coalesce", "bpp:2026-03-18");
  int64_t b = Enqueue("test.coalesce", "bpp:2026-03-18");
  EXPECT_EQ(a, b);
  EXPECT_NE(Enqueue("test.coalesce", "bpp:2026-03-19"), a);
  // A leased one still coalesces; once done, a new burst makes a new task.
  auto t = Poll("test.coalesce");
  ASSERT_TRUE(t);
  EXPECT_EQ(Enqueue("test.coalesce", t->dedupe_key()), t->id());
  v1::FailTaskResponse fr;
  ASSERT_THAT(Fail(*t, /*permanent=*/true, &fr), IsOk());
  EXPECT_NE(Enqueue("test.coalesce", t->dedupe_key()), t->id());
}

// A planner's task whose input changed while it was leased (an enqueue of its key set `rerun`)
// is not simply done: finishing it enqueues it once more, with its key, payload and attempts.
TEST_F(TaskQueueTest, ATaskChangedWhileLeasedRunsOnceMore) {
  int64_t a = Enqueue("test.rerun", "bpp:2026-03-18", /*max_attempts=*/3);
  auto t = Poll("test.rerun");
  ASSERT_TRUE(t);
  EXPECT_EQ(Enqueue("test.rerun", "bpp:2026-03-18"), a);  // coalesced, marked to run again
  auto finish = [&](const v1::Task& leased) {
    return db_->impl().RunTx([&](store::Tx& tx) {
      return store::FinishLeasedInTx(tx, "bpp", leased.id(), leased.attempt(), "test.rerun");
    });
  };
  ASSERT_THAT(finish(*t), IsOk());
  auto again = Poll("test.rerun");
  ASSERT_TRUE(again);
  EXPECT_NE(again->id(), a);
  EXPECT_EQ(again->dedupe_key(), "bpp:2026-03-18");
  EXPECT_EQ(again->payload(), "payload");
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT max_attempts FROM tasks WHERE id = ", again->id())),
            "3");
  // Nothing changed this time: done, and nothing follows.
  ASSERT_THAT(finish(*again), IsOk());
  EXPECT_FALSE(Poll("test.rerun", 30, 0).has_value());
}

TEST_F(TaskQueueTest, FailureBacksOffThenDeadLettersAndAdminRetries) {
  int64_t id = Enqueue("notify.send", "", /*max_attempts=*/2);
  auto t = Poll("notify.send");
  ASSERT_TRUE(t);
  v1::FailTaskResponse fr;
  ASSERT_THAT(Fail(*t, false, &fr), IsOk());
  EXPECT_EQ(fr.state(), v1::TASK_STATE_READY);
  // Back-off: not due yet (base 2 s, jitter 20%: at least 1.6 s later).
  EXPECT_EQ(server_->Query(absl::StrCat(
                "SELECT run_after > now() + interval '1.5 seconds' FROM tasks WHERE id = ", id)),
            "t");
  EXPECT_FALSE(Poll("notify.send", 30, 0).has_value());
  server_->Query(absl::StrCat("UPDATE tasks SET run_after = now() WHERE id = ", id));
  auto again = Poll("notify.send");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->attempt(), 2);
  ASSERT_THAT(Fail(*again, false, &fr), IsOk());
  EXPECT_EQ(fr.state(), v1::TASK_STATE_DEAD);  // out of attempts
  EXPECT_EQ(State(id), "dead");

  auto admin = v1::TaskAdminService::NewStub(server_->channel());
  v1::ListTasksRequest lr;
  lr.set_state(v1::TASK_STATE_DEAD);
  v1::ListTasksResponse list;
  ASSERT_THAT(admin->ListTasks(Ctx(admin_).get(), lr, &list), IsOk());
  ASSERT_GE(list.tasks_size(), 1);
  EXPECT_EQ(list.tasks(0).id(), id);
  EXPECT_THAT(list.tasks(0).last_error(), HasSubstr("gateway said 500"));
  v1::RetryTaskRequest rr;
  rr.set_request_id(NewUuid());
  rr.set_task_id(id);
  v1::Task retried;
  ASSERT_THAT(admin->RetryTask(Ctx(admin_).get(), rr, &retried), IsOk());
  EXPECT_EQ(retried.state(), v1::TASK_STATE_READY);
  auto third = Poll("notify.send");
  ASSERT_TRUE(third);
  EXPECT_EQ(third->id(), id);
  EXPECT_THAT(Complete(*third), IsOk());
  // Retrying a done task is refused; dropping a ready one works.
  rr.set_request_id(NewUuid());
  EXPECT_THAT(admin->RetryTask(Ctx(admin_).get(), rr, &retried),
              StatusIs(grpc::FAILED_PRECONDITION,
                       absl::StrCat("task ", id, " is done; only dead tasks are retried")));
  rr.set_request_id(NewUuid());
  rr.set_task_id(id + 1000000);
  EXPECT_THAT(admin->RetryTask(Ctx(admin_).get(), rr, &retried),
              StatusIs(grpc::NOT_FOUND, absl::StrCat("task ", id + 1000000, " not found")));
  int64_t other = Enqueue("notify.send");
  v1::DropTaskRequest dr;
  dr.set_request_id(NewUuid());
  dr.set_task_id(other);
  ASSERT_THAT(admin->DropTask(Ctx(admin_).get(), dr, &retried), IsOk());
  EXPECT_EQ(State(other), "done");
  dr.set_request_id(NewUuid());
  EXPECT_THAT(
      admin->DropTask(Ctx(admin_).get(), dr, &retried),
      StatusIs(grpc::FAILED_PRECONDITION,
               absl::StrCat("task ", other, " is done; only ready or dead tasks can be dropped")));
}

// Issue 11: one recipient's messages are leased one at a time, in order, whatever concurrent
// workers and retries do; other recipients are not held.
TEST_F(TaskQueueTest, OneAddressesMessagesAreLeasedOneAtATimeInOrder) {
  v1::Case c = SubmitAsClinicA();  // case.submitted to the phone and the e-mail
  ASSERT_THAT(Do(&v1::CaseService::Stub::Withdraw, clinic_a_, c.id(), "diajukan ulang"), IsOk());
  auto template_of = [](const v1::Task& t) {
    v1::NotifySend n;
    EXPECT_TRUE(n.ParseFromString(t.payload()));
    return n.channel() + " " + n.template_id();
  };
  auto a = Poll("notify.send", 30, 0);
  auto b = Poll("notify.send", 30, 0);
  ASSERT_TRUE(a && b);
  std::set<std::string> first = {template_of(*a), template_of(*b)};
  EXPECT_EQ(first, (std::set<std::string>{"webhook case.submitted", "email case.submitted"}));
  EXPECT_FALSE(Poll("notify.send", 30, 0).has_value())
      << "case.withdrawn waits while case.submitted to the same address is out";
  const v1::Task& phone = template_of(*a) == "webhook case.submitted" ? *a : *b;
  const v1::Task& mail = template_of(*a) == "webhook case.submitted" ? *b : *a;
  // The gateway fails: the phone's later message still waits through the back-off.
  v1::FailTaskResponse fr;
  ASSERT_THAT(Fail(phone, false, &fr), IsOk());
  ASSERT_THAT(Complete(mail), IsOk());
  auto next = Poll("notify.send", 30, 0);
  ASSERT_TRUE(next);
  EXPECT_EQ(template_of(*next), "email case.withdrawn") << "the e-mail address is not held";
  ASSERT_THAT(Complete(*next), IsOk());
  EXPECT_FALSE(Poll("notify.send", 30, 0).has_value());
  server_->Query(absl::StrCat("UPDATE tasks SET run_after = now() WHERE id = ", phone.id()));
  auto retry = Poll("notify.send", 30, 0);
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->id(), phone.id());
  ASSERT_THAT(Complete(*retry), IsOk());
  auto last = Poll("notify.send", 30, 0);
  ASSERT_TRUE(last);
  EXPECT_EQ(template_of(*last), "webhook case.withdrawn");
  ASSERT_THAT(Complete(*last), IsOk());
}

// notify.send's hook, registered with its kind in server.cc, runs in the failing transaction: the
// message's row shows each failed attempt, and turns "failed" when no attempt follows.
TEST_F(TaskQueueTest, AMessagesRowShowsItsFailedAttemptsAndItsEnd) {
  v1::Case c = SubmitAsClinicA();  // case.submitted to the phone and the e-mail
  auto row_of = [&](const v1::Task& t) {
    return server_->Query(absl::StrCat(
        "SELECT status || ' ' || attempts || ' ' || detail FROM notifications WHERE task_id = ",
        t.id()));
  };
  auto first = Poll("notify.send", 30, 0);
  ASSERT_TRUE(first);
  v1::FailTaskResponse fr;
  ASSERT_THAT(Fail(*first, false, &fr), IsOk());
  EXPECT_EQ(row_of(*first), "pending 1 gateway said 500");
  auto second = Poll("notify.send", 30, 0);
  ASSERT_TRUE(second);
  ASSERT_NE(second->id(), first->id());
  ASSERT_THAT(Fail(*second, true, &fr), IsOk());
  EXPECT_EQ(row_of(*second), "failed 1 gateway said 500");
}

// A message whose moment passed before it went (a notifier back after an outage: a phone code
// already expired, a reminder for a visit begun) is never leased, holds back none of its address's
// later messages, and is finished unrun: the task done "too late", the message "skipped".
TEST_F(TaskQueueTest, AMessagePastItsSendByIsSkippedAndHoldsNoOneBack) {
  v1::Case c = SubmitAsClinicA();  // case.submitted to the phone and the e-mail
  ASSERT_THAT(Do(&v1::CaseService::Stub::Withdraw, clinic_a_, c.id(), "diajukan ulang"), IsOk());
  const std::string late_id = server_->Query(absl::StrCat(
      "UPDATE tasks t SET run_before = now() - interval '1 minute' FROM notifications n"
      " WHERE n.task_id = t.id AND n.case_id = ",
      c.id(), " AND n.channel = 'webhook' AND n.template_id = 'case.submitted' RETURNING t.id"));
  ASSERT_FALSE(late_id.empty());
  auto template_of = [](const v1::Task& t) {
    v1::NotifySend n;
    EXPECT_TRUE(n.ParseFromString(t.payload()));
    return n.channel() + " " + n.template_id();
  };
  // Eight polls: one of them (every 8th) finishes the late task; none leases it.
  std::multiset<std::string> sent;
  for (int i = 0; i < 8; ++i) {
    auto t = Poll("notify.send", 30, 0);
    if (!t) continue;
    EXPECT_NE(absl::StrCat(t->id()), late_id);
    sent.insert(template_of(*t));
    ASSERT_THAT(Complete(*t), IsOk());
  }
  EXPECT_EQ(sent, (std::multiset<std::string>{"email case.submitted", "email case.withdrawn",
                                              "webhook case.withdrawn"}))
      << "the phone's later message is not held behind the late one";
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT state || ' ' || attempt || ' ' ||"
                                        " (last_error LIKE 'too late: not run by %')"
                                        " FROM tasks WHERE id = ",
                                        late_id)),
            "done 0 true");
  EXPECT_EQ(server_->Query(absl::StrCat(
                "SELECT status || ' ' || (detail LIKE 'too late%') || ' ' || (sent_at IS NULL)"
                " FROM notifications WHERE task_id = ",
                late_id)),
            "skipped true true");
}

// The same through the store, where the queue's polls can be counted: between its probes a late
// message is left ready, unleased, and its address's next message goes past it; the probe (every
// 8th poll) finishes it with its kind's hook. A message whose turn (quiet hours, the hourly limit)
// would come only after it is of use is stored skipped at once.
TEST_F(TaskQueueTest, ALateMessageIsNeverLeasedAndOneWhoseTurnComesTooLateIsStoredSkipped) {
  store::TaskQueue queue(*db_);  // its first poll is a probe
  queue.AddKind({"notify.send", nullptr, [](store::Tx& tx, const store::TaskRecord& t) {
                   store::RecordSkippedInTx(tx, t.id, t.last_error);
                 }});
  const absl::Time now = absl::Now();
  // A booking code by default: urgent, so due now whatever the hour this test runs at.
  auto enqueue = [&](absl::Time send_by, const char* template_id = "booking.code",
                     bool urgent = true, domain::NotificationPolicy policy = {}) {
    int64_t id = 0;
    EXPECT_THAT(db_->impl().RunTx([&](store::Tx& tx) {
      domain::Notification n;
      n.address = "+6281299990001";
      n.template_id = template_id;
      n.urgent = urgent;
      n.send_by = send_by;
      id = store::EnqueueNotificationInTx(
          tx, [](const domain::Notification&) { return std::string("payload"); }, policy,
          {"bpp", "DPMPTSP", 480}, now, n);
      return absl::OkStatus();
    }),
                IsOk());
    return absl::StrCat(id);
  };
  auto row = [&](const std::string& notification) {
    return server_->Query(
        "SELECT n.status || ' ' || t.state || ' ' || (t.last_error LIKE 'too late:%')"
        " FROM notifications n JOIN tasks t ON t.id = n.task_id WHERE n.id = " +
        notification);
  };
  ASSERT_THAT(queue.Lease("bpp", "nothing.here", "w", absl::Seconds(30)), IsOk());  // the probe
  const std::string late = enqueue(now + absl::Hours(1));
  const std::string next = enqueue(absl::InfiniteFuture());
  server_->Query(
      "UPDATE tasks SET run_before = now() - interval '1 minute' FROM notifications n"
      " WHERE n.task_id = tasks.id AND n.id = " +
      late);
  auto leased = queue.LeaseMany("bpp", "notify.send", "w", absl::Seconds(30), 5);
  ASSERT_THAT(leased, IsOk());
  ASSERT_EQ(leased->size(), 1u) << "the late one is not leased";
  EXPECT_EQ(server_->Query(
                absl::StrCat("SELECT id FROM notifications WHERE task_id = ", leased->front().id)),
            next)
      << "and the address's next message is not held behind it";
  EXPECT_EQ(row(late), "pending ready false");
  for (int i = 0; i < 6; ++i) {
    ASSERT_THAT(queue.Lease("bpp", "nothing.here", "w", absl::Seconds(30)), IsOk());
  }
  ASSERT_THAT(queue.Lease("bpp", "notify.send", "w", absl::Seconds(30)), IsOk());  // a probe
  EXPECT_EQ(row(late), "skipped done true");

  // The next one's lease runs out and its time passes: skipped at the next probe. Its sender then
  // reports that the gateway took it after all: the row says sent.
  const store::TaskRecord out = leased->front();
  server_->Query(
      absl::StrCat("UPDATE tasks SET lease_expires_at = now() - interval '1 second',"
                   " run_before = now() - interval '1 second' WHERE id = ",
                   out.id));
  for (int i = 0; i < 7; ++i) {
    ASSERT_THAT(queue.Lease("bpp", "nothing.here", "w", absl::Seconds(30)), IsOk());
  }
  ASSERT_THAT(queue.Lease("bpp", "notify.send", "w", absl::Seconds(30)), IsOk());  // a probe
  EXPECT_EQ(row(next), "skipped done true");
  auto reported = store::RecordDeliveries(*db_, "bpp", {{out.id, out.attempt, true, "gw-7", ""}});
  ASSERT_THAT(reported, IsOk());
  EXPECT_THAT(reported->at(0), IsOk());
  EXPECT_EQ(row(next), "sent done true");

  // Its turn, past the hourly limit of 1 (or quiet hours), would come after its use: stored
  // skipped, never due.
  domain::NotificationPolicy one_an_hour;
  one_an_hour.max_per_window = 1;
  // A reminder is chatter, under the cap; not urgent, it is held by quiet hours at night and by
  // the cap by day: late either way.
  const std::string capped =
      enqueue(now + absl::Minutes(5), "appointment.reminder", false, one_an_hour);
  EXPECT_EQ(row(capped), "skipped done true");
  // Never sent, it takes no place under the cap, nor hides the message that was sent: the next
  // chatter goes an hour after that one (the turn the skipped one had). Counting the skipped one
  // let it go at once, a second message within the hour.
  const std::string after =
      enqueue(absl::InfiniteFuture(), "appointment.reminder", false, one_an_hour);
  auto slot = [&](const std::string& notification) {
    return server_->Query("SELECT scheduled_for FROM notifications WHERE id = " + notification);
  };
  EXPECT_EQ(slot(after), slot(capped));
}

// Issue 12: a notifier leases a batch per poll and sends it concurrently. A batch holds at most
// one live message per address (the next waits for it), and CompleteTasks fences each item alone.
TEST_F(TaskQueueTest, ABatchLeaseHoldsOneMessagePerAddressAndCompletesInOneCall) {
  v1::Case c = SubmitAsClinicA();  // case.submitted to the phone and the e-mail
  ASSERT_THAT(Do(&v1::CaseService::Stub::Withdraw, clinic_a_, c.id(), "diajukan ulang"), IsOk());
  for (int i = 0; i < 3; ++i) Enqueue("notify.send");  // no order: all may go at once
  auto poll_batch = [&](int max_tasks) {
    v1::PollTaskRequest req;
    req.set_queue("notify.send");
    req.set_worker_id("batch-worker");
    req.set_max_tasks(max_tasks);
    v1::PollTaskResponse resp;
    grpc::Status s = tasks_->PollTask(Ctx(worker_).get(), req, &resp);
    EXPECT_THAT(s, IsOk()) << s.error_message();
    std::vector<v1::Task> out;
    if (resp.has_task()) out.push_back(resp.task());
    for (const auto& t : resp.more_tasks()) out.push_back(t);
    return out;
  };
  auto template_of = [](const v1::Task& t) {
    v1::NotifySend n;
    if (!n.ParseFromString(t.payload()) || n.template_id().empty()) return std::string("plain");
    return n.channel() + " " + n.template_id();
  };
  std::vector<v1::Task> batch = poll_batch(10);
  std::multiset<std::string> got;
  for (const auto& t : batch) got.insert(template_of(t));
  EXPECT_EQ(got, (std::multiset<std::string>{"webhook case.submitted", "email case.submitted",
                                             "plain", "plain", "plain"}))
      << "case.withdrawn waits while case.submitted to the same address is out";
  EXPECT_TRUE(poll_batch(10).empty());

  v1::CompleteTasksRequest req;
  for (const auto& t : batch) {
    v1::CompleteTaskRequest* done = req.add_tasks();
    done->set_task_id(t.id());
    done->set_attempt(t.attempt());
    done->mutable_notify()->set_delivered(true);
    done->mutable_notify()->set_channel("webhook");
  }
  v1::CompleteTaskRequest* stale = req.add_tasks();
  *stale = req.tasks(0);
  stale->set_attempt(batch[0].attempt() + 1);
  v1::CompleteTasksResponse resp;
  grpc::Status s = tasks_->CompleteTasks(Ctx(worker_).get(), req, &resp);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  ASSERT_EQ(resp.codes_size(), 6);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(resp.codes(i), grpc::OK) << resp.messages(i);
  EXPECT_EQ(resp.codes(5), grpc::FAILED_PRECONDITION);
  for (const auto& t : batch) EXPECT_EQ(State(t.id()), "done");
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT count(*) FROM notifications WHERE case_id = ",
                                        c.id(), " AND status = 'sent'")),
            "2");

  std::vector<v1::Task> next = poll_batch(10);
  got.clear();
  for (const auto& t : next) got.insert(template_of(t));
  EXPECT_EQ(got, (std::multiset<std::string>{"webhook case.withdrawn", "email case.withdrawn"}));

  v1::PollTaskRequest too_many;
  too_many.set_queue("notify.send");
  too_many.set_max_tasks(65);
  v1::PollTaskResponse ignored;
  grpc::Status refused = tasks_->PollTask(Ctx(worker_).get(), too_many, &ignored);
  EXPECT_THAT(refused, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(refused.error_message(), HasSubstr("max_tasks"));
}

TEST_F(TaskQueueTest, ConcurrentWorkersNeverHoldTheSameTask) {
  constexpr int kTasks = 200;
  for (int i = 0; i < kTasks; ++i) Enqueue("notify.send");
  std::mutex mu;
  std::vector<int64_t> seen;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      for (;;) {
        auto t = Poll("notify.send", 30, 0);
        if (!t) return;
        EXPECT_THAT(Complete(*t), IsOk());
        std::lock_guard<std::mutex> lock(mu);
        seen.push_back(t->id());
      }
    });
  }
  for (auto& w : workers) w.join();
  std::set<int64_t> distinct(seen.begin(), seen.end());
  EXPECT_EQ(seen.size(), static_cast<size_t>(kTasks));
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kTasks));
}

TEST_F(TaskQueueTest, LongPollReceivesATaskEnqueuedWhileItWaits) {
  const int waits_before = PollWaits();
  std::optional<v1::Task> got;
  std::thread poller([&] { got = Poll("notify.send", 30, /*wait_seconds=*/20); });
  // Enqueue once the poller found the queue empty and waits (the deadline only ends a failure).
  EXPECT_TRUE(AwaitPollWait(waits_before, absl::Now() + absl::Seconds(20)));
  int64_t id = Enqueue("notify.send");
  poller.join();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id(), id);
}

TEST_F(TaskQueueTest, CommittedEnqueueWakesListeners) {
  store::TaskWakeups wakeups(server_->conninfo());
  // The listener bumps the generation once connected; wait for that first.
  while (wakeups.Generation() == 0) wakeups.Wait(0, absl::Now() + absl::Seconds(1));
  uint64_t before = wakeups.Generation();
  Enqueue("notify.send");
  // Only a NOTIFY (or a reconnect) changes the generation; the deadline only bounds a failure.
  wakeups.Wait(before, absl::Now() + absl::Seconds(30));
  EXPECT_NE(wakeups.Generation(), before);
}

}  // namespace
}  // namespace loket::itest
