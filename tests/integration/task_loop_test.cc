// workers/runtime's TaskLoop against a real loketd (issue 14): what a handler's answer does to its
// task, and that Stop() finishes the task in hand instead of dropping it.
#include "workers/runtime/task_loop.h"

#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "server/store/database.h"
#include "server/store/pg.h"
#include "server/store/task_enqueue.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {

using ::loket::testing::IsOk;
namespace {

// Issue 12, "workers reconnect slowly": the channel a worker builds retries connecting 100 ms after
// loketd went away and then at most every second (gRPC's own back-off grows to two minutes; the
// values were once declared here and never passed to the channel, which kept 200 ms to 2 s).
TEST(TaskLoopChannelTest, RetriesConnectingAtMostEverySecond) {
  grpc::ChannelArguments args = workers::TaskLoop::ChannelArgs();
  const grpc_channel_args c = args.c_channel_args();
  std::map<std::string, int> ints;
  for (size_t i = 0; i < c.num_args; ++i) {
    if (c.args[i].type == GRPC_ARG_INTEGER) ints[c.args[i].key] = c.args[i].value.integer;
  }
  EXPECT_EQ(ints[GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS], 100);
  EXPECT_EQ(ints[GRPC_ARG_MAX_RECONNECT_BACKOFF_MS], 1000);
  EXPECT_EQ(ints[GRPC_ARG_MIN_RECONNECT_BACKOFF_MS], 5000);
  EXPECT_EQ(ints[GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH], 64 * 1024 * 1024);
}

class TaskLoopTest : public ServerTest {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::Database>(store::DatabaseOptions{server_->conninfo(), 2});
    server_->Query(
        "UPDATE tasks SET state = 'done', lease_expires_at = NULL WHERE state <> 'done'");
  }

  // A notify.send task whose payload tells the test's handler what to answer.
  int64_t Enqueue(const std::string& payload, int max_attempts = 8) {
    int64_t id = 0;
    absl::Status s = db_->impl().RunTx([&](store::Tx& tx) {
      id = store::EnqueueInTx(
          tx, {"bpp", "notify.send", "", payload, absl::InfinitePast(), max_attempts});
      return absl::OkStatus();
    });
    EXPECT_THAT(s, IsOk()) << s;
    return id;
  }

  workers::WorkerOptions Options() {
    workers::WorkerOptions o;
    o.addr = absl::StrCat("127.0.0.1:", server_->port());
    o.token = server_->TokenFor("bpp", "worker");
    o.queue = "notify.send";
    o.wait_seconds = 1;
    return o;
  }

  std::string State(int64_t id) {
    return server_->Query(absl::StrCat("SELECT state FROM tasks WHERE id = ", id));
  }

  // Waits (bounded) until `done` holds; the test's assertions follow, not a timing.
  static bool Eventually(const std::function<bool()>& done) {
    for (int i = 0; i < 300 && !done(); ++i) absl::SleepFor(absl::Milliseconds(20));
    return done();
  }

  std::unique_ptr<store::Database> db_;
};

TEST_F(TaskLoopTest, AHandlersAnswerCompletesRetriesOrDeadLettersItsTask) {
  int64_t ok = Enqueue("ok");
  int64_t bad = Enqueue("bad");
  int64_t flaky = Enqueue("flaky");
  workers::TaskLoop loop(Options(), [](const v1::Task& t, v1::CompleteTaskRequest* done) {
    if (t.payload() == "bad") return absl::InvalidArgumentError("address: not a phone number");
    if (t.payload() == "flaky") return absl::UnavailableError("gateway did not answer");
    done->mutable_notify()->set_delivered(true);
    return absl::OkStatus();
  });
  std::thread run([&] { loop.Run(); });
  ASSERT_TRUE(Eventually(
      [&] { return loop.counters().completed.load() + loop.counters().failed.load() >= 3; }));
  loop.Stop();
  run.join();
  EXPECT_EQ(State(ok), "done");
  EXPECT_EQ(State(bad), "dead");  // permanent: no second attempt
  EXPECT_THAT(server_->Query(absl::StrCat("SELECT last_error FROM tasks WHERE id = ", bad)),
              ::testing::HasSubstr("not a phone number"));
  EXPECT_EQ(State(flaky), "ready");  // retried after loketd's back-off
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT run_after > now() FROM tasks WHERE id = ", flaky)),
            "t");
  EXPECT_EQ(loop.counters().completed.load(), 1);
  EXPECT_EQ(loop.counters().failed.load(), 2);
}

TEST_F(TaskLoopTest, StopFinishesTheTaskInHandAndTakesNoOther) {
  int64_t first = Enqueue("first");
  absl::Notification started, release;
  workers::TaskLoop loop(Options(), [&](const v1::Task&, v1::CompleteTaskRequest* done) {
    started.Notify();
    release.WaitForNotification();
    done->mutable_notify()->set_delivered(true);
    return absl::OkStatus();
  });
  std::thread run([&] { loop.Run(); });
  started.WaitForNotification();
  int64_t second = Enqueue("second");
  loop.Stop();  // while the first is in hand
  release.Notify();
  run.join();
  EXPECT_EQ(State(first), "done");
  EXPECT_EQ(State(second), "ready");
  EXPECT_EQ(loop.counters().completed.load(), 1);
}

}  // namespace
}  // namespace loket::itest
