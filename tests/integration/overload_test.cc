// Bounded under faults (issue 12): a row locked by somebody else, callers who give up, a burst
// beyond the pool. Real PostgreSQL, the real server, gRPC clients; outcomes only, no timings.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/grpc_status.h"
#include "gmock/gmock.h"
#include "loket/v1/session.grpc.pb.h"
#include "loket/v1/task.grpc.pb.h"
#include "server/api/call_scope.h"
#include "server/api/unary_pool.h"
#include "server/store/database.h"
#include "server/store/pg.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using Stub = v1::CaseService::Stub;

// A refusal's `message` and the `wait` its grpc-retry-pushback-ms asked for: about the 1 s of a
// first refusal (RetryHint's floor, +-10 %; a few later ones a little more), and the same wait in
// words at the end of the message.
void ExpectAskedToWait(const std::string& message, const std::optional<absl::Duration>& wait) {
  ASSERT_TRUE(wait.has_value()) << "no " << kRetryPushbackKey << " with: " << message;
  EXPECT_GE(*wait, absl::Milliseconds(750));
  EXPECT_LE(*wait, absl::Milliseconds(2500));
  EXPECT_THAT(message, ::testing::EndsWith(absl::StrCat(
                           "; try again in ",
                           absl::ToInt64Seconds(absl::Ceil(*wait, absl::Seconds(1))), " s")));
}

class OverloadTest : public ServerTest {
 protected:
  // A transaction of "a slow report" holding case `id`'s row FOR UPDATE until it is destroyed.
  struct RowLock {
    RowLock(const std::string& conninfo, int64_t id) : conn(conninfo), tx(conn) {
      tx.exec(absl::StrCat("SELECT 1 FROM cases WHERE id = ", id, " FOR UPDATE"));
    }
    pqxx::connection conn;
    pqxx::work tx;
  };

  std::unique_ptr<grpc::ClientContext> CtxWithin(const std::string& token,
                                                 std::chrono::milliseconds deadline) {
    auto ctx = Ctx(token);
    ctx->set_deadline(std::chrono::system_clock::now() + deadline);
    return ctx;
  }

  // Backends of the test database waiting for a lock right now.
  int LockWaiters() {
    return std::stoi(
        server_->Query("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                       "AND datname = current_database()"));
  }

  // A transaction of one statement, `sql`.
  static std::function<absl::Status(store::Tx&)> OneStatement(std::string sql) {
    return [sql = std::move(sql)](store::Tx& tx) {
      tx.ExecRaw(sql);
      return absl::OkStatus();
    };
  }

  // The pool `db` opened one connection and kept it through `cancelled` stopped statements.
  static void ExpectOneConnectionKept(store::Database& db, int cancelled) {
    const store::PoolCounters counters = db.Counters();
    EXPECT_EQ(counters.statements_cancelled, cancelled);
    EXPECT_EQ(counters.connections_cut, 0);
    EXPECT_EQ(counters.connections_opened, 1);
  }

  // A loketd of its own with one database connection (one waiter for it, so a pool of two threads
  // and two queue places) whose lock waits last 30 s; nullptr (and a failure) when it did not
  // start.
  std::unique_ptr<api::LoketServer> StartOneConnectionLoketd() {
    api::ServerOptions o;
    o.listen = "127.0.0.1:0";
    o.db_conninfo = server_->conninfo();
    o.pool_size = 1;
    o.db_max_waiting = 1;
    o.db_lock_timeout = absl::Seconds(30);
    auto started = api::LoketServer::Start(o, server_->clock());
    EXPECT_THAT(started, IsOk()) << started.status();
    return started.ok() ? std::move(*started) : nullptr;
  }

  // Polls for up to 10 s until no backend waits for a lock; returns the last count.
  int LockWaitersAfterSettling() {
    int n = LockWaiters();
    for (int i = 0; i < 100 && n > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      n = LockWaiters();
    }
    return n;
  }
};

// A client retries a transition on a row another session holds: each try gives up at its
// deadline (in PostgreSQL too), so the pool keeps connections for everybody else, nothing queues
// up in PostgreSQL behind the lock, and nothing of the abandoned tries is saved afterwards.
TEST_F(OverloadTest, OneLockedRowCostsOnlyTheCallsOnThatRow) {
  const v1::Case hot = SubmitAsClinicA();
  const v1::Case cold = SubmitAsClinicA();
  AttachAll(hot.id(), clinic_a_);
  const std::string events_before =
      server_->Query(absl::StrCat("SELECT count(*) FROM case_events WHERE case_id = ", hot.id()));

  std::map<int, int> hot_codes;
  std::mutex hot_mu;
  int others_ok = 0, others_failed = 0;
  std::string other_error;
  {
    RowLock lock(server_->conninfo(), hot.id());
    std::atomic<bool> stop{false};
    std::vector<std::thread> retriers;
    // Six impatient clients (1 s deadline) retrying on the locked row, on a pool of eight.
    for (int t = 0; t < 6; ++t) {
      retriers.emplace_back([&] {
        while (!stop) {
          v1::Case out;
          grpc::Status s =
              cases().StartVerification(CtxWithin(officer_, std::chrono::milliseconds(1000)).get(),
                                        Transition(hot.id()), &out);
          std::lock_guard<std::mutex> g(hot_mu);
          ++hot_codes[s.error_code()];
        }
      });
    }
    // Meanwhile everybody else works as usual.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < until) {
      v1::GetCaseRequest get;
      get.set_case_id(cold.id());
      v1::Case out;
      grpc::Status s =
          cases().GetCase(CtxWithin(officer_, std::chrono::milliseconds(3000)).get(), get, &out);
      v1::Case submitted;
      grpc::Status sub =
          cases().SubmitApplication(CtxWithin(clinic_a_, std::chrono::milliseconds(3000)).get(),
                                    NurseApplication(), &submitted);
      for (const grpc::Status& r : {s, sub}) {
        if (r.ok()) {
          ++others_ok;
        } else {
          ++others_failed;
          other_error = absl::StrCat(r.error_code(), " ", r.error_message());
        }
      }
    }
    stop = true;
    for (std::thread& t : retriers) t.join();
    // While the lock is still held, nothing of the abandoned tries waits in PostgreSQL.
    EXPECT_EQ(LockWaitersAfterSettling(), 0);
  }  // the slow report ends

  EXPECT_EQ(others_failed, 0) << "last error: " << other_error;
  EXPECT_GT(others_ok, 4);
  EXPECT_EQ(hot_codes[grpc::OK], 0);
  int gave_up = 0;
  for (const auto& [code, n] : hot_codes) {
    if (n == 0) continue;
    EXPECT_THAT(code, ::testing::AnyOf(grpc::DEADLINE_EXCEEDED, grpc::ABORTED,
                                       grpc::RESOURCE_EXHAUSTED, grpc::UNAVAILABLE))
        << n << " calls ended with code " << code;
    gave_up += n;
  }
  EXPECT_GT(gave_up, 6);
  // The lock is gone: no abandoned try wakes up and commits behind its caller's back. Every call
  // the server took has ended (a try still waiting would have had the row by now); the deadline
  // only ends a failure.
  EXPECT_TRUE(api::AwaitNoCallsInFlight(absl::Now() + absl::Seconds(30)))
      << api::CallsInFlight() << " calls still in the server";
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT state FROM cases WHERE id = ", hot.id())),
            "SUBMITTED");
  EXPECT_EQ(
      server_->Query(absl::StrCat("SELECT count(*) FROM case_events WHERE case_id = ", hot.id())),
      events_before);
  // And the row serves the next caller at once.
  EXPECT_THAT(Do(&Stub::StartVerification, officer_, hot.id()), IsOk());
}

// A statement whose deadline passes while it waits on a locked row is cancelled in PostgreSQL
// and its connection goes back to the pool: a burst of cut-off calls does not turn into a burst of
// new connections (each a backend to fork and every statement to prepare again), which on a
// loaded machine made every later call late too.
TEST_F(OverloadTest, AStatementStoppedAtItsDeadlineKeepsItsConnection) {
  const v1::Case hot = SubmitAsClinicA();
  store::Database db(store::DatabaseOptions{server_->conninfo(), 2});
  const auto lock_row =
      OneStatement(absl::StrCat("SELECT 1 FROM cases WHERE id = ", hot.id(), " FOR UPDATE"));
  ASSERT_THAT(db.impl().RunTx(lock_row), IsOk());  // the connection is open before the clock runs
  {
    RowLock lock(server_->conninfo(), hot.id());
    for (int i = 0; i < 10; ++i) {
      store::ScopedDeadline within(absl::Now() + absl::Milliseconds(200));
      EXPECT_THAT(db.impl().RunTx(lock_row), StatusIs(absl::StatusCode::kDeadlineExceeded));
    }
    EXPECT_EQ(LockWaitersAfterSettling(), 0);  // each stopped in PostgreSQL, not only here
  }
  // The one connection served all ten, and serves the next statement.
  EXPECT_THAT(db.impl().RunTx(lock_row), IsOk());
  ExpectOneConnectionKept(db, 10);
}

// The deadline passes between two statements of a transaction, where the cancel finds nothing
// running (PostgreSQL drops it): the next statement is not sent, so the call ends at once instead
// of waiting on the lock until the watchdog cuts its connection, and the connection is kept.
TEST_F(OverloadTest, ADeadlineBetweenTwoStatementsStopsTheNextOne) {
  const v1::Case hot = SubmitAsClinicA();
  store::Database db(store::DatabaseOptions{server_->conninfo(), 2});
  RowLock lock(server_->conninfo(), hot.id());
  const auto select_1 = OneStatement("SELECT 1");
  ASSERT_THAT(db.impl().RunTx(select_1), IsOk());  // the connection is open before the clock runs
  bool reached_second = false;
  {
    store::ScopedDeadline within(absl::Now() + absl::Milliseconds(500));
    EXPECT_THAT(db.impl().RunTx([&](store::Tx& tx) {
      tx.ExecRaw("SELECT 1");
      // The caller's code between two statements outlasts the deadline: wait until PostgreSQL
      // has taken the cancel (it found the backend idle in the transaction).
      const absl::Time give_up = absl::Now() + absl::Seconds(10);
      while (db.Counters().statements_cancelled == 0 && absl::Now() < give_up) {
        absl::SleepFor(absl::Milliseconds(10));
      }
      reached_second = true;
      tx.ExecRaw(absl::StrCat("SELECT 1 FROM cases WHERE id = ", hot.id(), " FOR UPDATE"));
      return absl::OkStatus();
    }),
                StatusIs(absl::StatusCode::kDeadlineExceeded));
  }
  EXPECT_TRUE(reached_second);
  EXPECT_EQ(LockWaiters(), 0);
  EXPECT_THAT(db.impl().RunTx(select_1), IsOk());
  ExpectOneConnectionKept(db, 1);
}

// In autocommit every statement commits by itself, and a cancel that reaches a commit waiting for
// a synchronous standby ends the wait with the commit standing: such a run is cut off instead
// (its connection dropped), never cancelled.
TEST_F(OverloadTest, AnAutocommitRunStoppedAtItsDeadlineIsCutNotCancelled) {
  const v1::Case hot = SubmitAsClinicA();
  store::Database db(store::DatabaseOptions{server_->conninfo(), 2});
  RowLock lock(server_->conninfo(), hot.id());
  {
    store::ScopedDeadline within(absl::Now() + absl::Milliseconds(200));
    EXPECT_THAT(db.impl().RunAutocommit(OneStatement(
                    absl::StrCat("SELECT 1 FROM cases WHERE id = ", hot.id(), " FOR UPDATE"))),
                StatusIs(absl::StatusCode::kDeadlineExceeded));
  }
  const store::PoolCounters counters = db.Counters();
  EXPECT_EQ(counters.statements_cancelled, 0);
  EXPECT_EQ(counters.connections_cut, 1);
}

// A statement stuck behind a lock past lock_timeout gives up by itself with ABORTED and a hint,
// even for a caller without a deadline.
TEST_F(OverloadTest, ALockWaitEndsAtLockTimeoutWithARetryHint) {
  const v1::Case c = SubmitAsClinicA();
  RowLock lock(server_->conninfo(), c.id());
  auto ctx = Ctx(officer_);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  v1::Case out;
  grpc::Status s = cases().StartVerification(ctx.get(), Transition(c.id()), &out);
  EXPECT_THAT(s, StatusIs(grpc::ABORTED)) << s.error_message();
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("locked by another transaction"));
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("try again"));
}

// More callers than the pool and its queue hold: the rest are refused at once with
// RESOURCE_EXHAUSTED (and a retry hint) instead of piling up until their deadlines.
TEST_F(OverloadTest, ABurstBeyondThePoolAndItsQueueIsRefusedAtOnce) {
  const v1::Case c = SubmitAsClinicA();
  RowLock lock(server_->conninfo(), c.id());
  // Pool 8, queue 8: 8 calls hold connections (waiting on the lock) and 8 wait for one, on 16 of
  // the unary pool's threads; 16 more wait for a thread, and the last 16 are refused at once
  // ("at its limit of calls in flight"). The store refuses the ones past its queue as they run.
  std::vector<std::thread> callers;
  std::map<int, int> codes;
  // Each refusal's message and the wait it asks for, the pool's and the store's alike.
  std::vector<std::pair<std::string, std::optional<absl::Duration>>> asked;
  std::mutex mu;
  for (int t = 0; t < 48; ++t) {
    callers.emplace_back([&] {
      v1::Case out;
      auto ctx = CtxWithin(officer_, std::chrono::milliseconds(4000));
      grpc::Status s = cases().StartVerification(ctx.get(), Transition(c.id()), &out);
      std::lock_guard<std::mutex> g(mu);
      ++codes[s.error_code()];
      if (s.error_code() != grpc::RESOURCE_EXHAUSTED) return;
      asked.emplace_back(s.error_message(), AskedWait(s, *ctx));
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_GT(codes[grpc::RESOURCE_EXHAUSTED], 0);
  EXPECT_EQ(codes[grpc::OK], 0);
  // Every refusal, the pool's ("at its limit of calls in flight") and the store's ("loketd is
  // busy: ... database connections"), asks for the wait in a form gRPC's retry policy honours too,
  // and names it to a person: about the 1 s of a first refusal (RetryHint's floor, +-10 %).
  ASSERT_FALSE(asked.empty());
  for (const auto& [message, wait] : asked) ExpectAskedToWait(message, wait);
}

// The public's reads are exempt from that refusal (issue 12): a loketd with one connection and
// a pool of two threads and two queue places, all taken by staff calls stuck behind a locked row,
// refuses the next staff call at once, but someone checking a printed permit waits in the public
// reads' own queue and is answered once the row is let go.
TEST_F(OverloadTest, APublicReadIsNotRefusedWhileStaffCallsFillThePool) {
  std::unique_ptr<api::LoketServer> loketd = StartOneConnectionLoketd();
  ASSERT_NE(loketd, nullptr);
  auto stub = v1::CaseService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", loketd->port()), grpc::InsecureChannelCredentials()));

  const v1::Case c = SubmitAsClinicA();
  std::optional<RowLock> lock;
  lock.emplace(server_->conninfo(), c.id());
  // Staff calls one after another until four are in: with at most two in the queue, both threads
  // then hold one (stuck on the row, or waiting for the connection) and the queue is full, so the
  // next staff call is refused. (One that came before a thread took its call may be refused too.)
  const int before = api::CallsInFlight();
  std::vector<std::thread> staff;
  std::atomic<int> refused{0};
  auto staff_call = [&] {
    staff.emplace_back([&] {
      v1::Case out;
      grpc::Status st = stub->StartVerification(
          CtxWithin(officer_, std::chrono::milliseconds(30000)).get(), Transition(c.id()), &out);
      if (st.error_code() == grpc::RESOURCE_EXHAUSTED) ++refused;
    });
  };
  for (int i = 0; i < 20 && api::CallsInFlight() < before + 4; ++i) {
    const int refused_before = refused;
    const int in_before = api::CallsInFlight();
    staff_call();
    for (int k = 0; k < 400 && api::CallsInFlight() == in_before && refused == refused_before;
         ++k) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  ASSERT_EQ(api::CallsInFlight(), before + 4) << "the staff calls did not fill the pool";
  const int refused_before = refused;
  staff_call();
  for (int k = 0; k < 400 && refused == refused_before; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(refused, refused_before + 1) << "a staff call past the full queue was not refused";

  grpc::Status checked;
  v1::VerifyPermitResponse resp;
  std::thread public_read([&] {
    v1::VerifyPermitRequest req;
    req.set_permit_number("0001/SIP_PERAWAT/DPMPTSP-BPP/2026");
    req.set_verification_code("ABCD-EFGH");
    grpc::ClientContext ctx;  // no token: the public
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    checked = stub->VerifyPermit(&ctx, req, &resp);
  });
  // Let the row go once the check waits (a refusal would have come at once).
  for (int i = 0; i < 500 && api::CallsInFlight() < before + 5 && !checked.ok(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  lock.reset();
  public_read.join();
  for (std::thread& t : staff) t.join();
  ASSERT_THAT(checked, IsOk());  // answered: no such permit
  EXPECT_FALSE(resp.valid());
}

// The store's refusal for want of a connection asks for a wait as the pool's does: loketd has one
// connection, held by a call stuck on a locked row, so a sign-in (a synchronous method, outside
// the pool) and a pooled call each give up waiting for it at half their time, and are told how
// long to wait, in words and as grpc-retry-pushback-ms.
TEST_F(OverloadTest, NoFreeConnectionAsksForAWaitAsThePoolDoes) {
  std::unique_ptr<api::LoketServer> loketd = StartOneConnectionLoketd();
  ASSERT_NE(loketd, nullptr);
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", loketd->port()),
                                     grpc::InsecureChannelCredentials());
  auto one_connection = v1::CaseService::NewStub(channel);

  const v1::Case c = SubmitAsClinicA();
  std::optional<RowLock> lock;
  lock.emplace(server_->conninfo(), c.id());
  grpc::Status held;
  std::thread holder([&] {
    v1::Case out;
    held = one_connection->StartVerification(
        CtxWithin(officer_, std::chrono::milliseconds(20000)).get(), Transition(c.id()), &out);
  });
  for (int i = 0; i < 100 && LockWaiters() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(LockWaiters(), 1) << "the call did not reach the locked row";

  auto ExpectNoFreeConnection = [](const grpc::Status& s, const grpc::ClientContext& ctx) {
    EXPECT_THAT(s, StatusIs(grpc::RESOURCE_EXHAUSTED)) << s.error_message();
    EXPECT_THAT(s.error_message(), ::testing::StartsWith(store::kBusy));
    ExpectAskedToWait(s.error_message(), AskedWait(s, ctx));
  };
  {
    auto sessions = v1::SessionService::NewStub(channel);
    v1::SignInRequest r;
    r.set_username("siti");
    r.set_password("not-her-password");
    v1::SignInResponse resp;
    auto ctx = CtxWithin("", std::chrono::milliseconds(1000));
    ExpectNoFreeConnection(sessions->SignIn(ctx.get(), r, &resp), *ctx);
  }
  {
    v1::ListCasesRequest r;
    v1::ListCasesResponse resp;
    auto ctx = CtxWithin(officer_, std::chrono::milliseconds(1000));
    ExpectNoFreeConnection(one_connection->ListCases(ctx.get(), r, &resp), *ctx);
  }
  lock.reset();
  holder.join();
  EXPECT_THAT(held, StatusIs(grpc::OK)) << held.error_message();
}

TEST_F(OverloadTest, ASpentThreadQuotaAsksForAWaitAsThePoolDoes) {
  api::ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.db_conninfo = server_->conninfo();
  o.grpc_max_threads = 16;  // the least loketd takes
  o.pool_size = 32;         // so that no poll is refused for a database connection instead
  o.db_max_waiting = 32;
  auto started = api::LoketServer::Start(o, server_->clock());
  ASSERT_THAT(started, IsOk()) << started.status();
  std::unique_ptr<api::LoketServer> loketd = std::move(*started);
  auto tasks = v1::TaskService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", loketd->port()), grpc::InsecureChannelCredentials()));
  const std::string worker = server_->TokenFor("bpp", "worker");

  // Workers long-polling an empty queue each hold one of the threads of the synchronous methods
  // (no database connection while they wait); past the quota gRPC refuses a call before any code
  // of ours runs, with an empty message, and loketd words it as the unary pool does.
  constexpr int kPollers = 40;
  std::mutex mu;
  std::vector<std::pair<std::string, std::optional<absl::Duration>>> refused;
  int answered = 0;
  std::vector<std::thread> pollers;
  for (int i = 0; i < kPollers; ++i) {
    pollers.emplace_back([&, i] {
      v1::PollTaskRequest poll;
      poll.set_queue("slots.allocate");
      poll.set_worker_id(absl::StrCat("quota-test-", i));
      poll.set_wait_seconds(3);
      v1::PollTaskResponse resp;
      auto ctx = CtxWithin(worker, std::chrono::milliseconds(10000));
      const grpc::Status s = tasks->PollTask(ctx.get(), poll, &resp);
      std::lock_guard<std::mutex> l(mu);
      if (s.error_code() == grpc::RESOURCE_EXHAUSTED) {
        refused.emplace_back(s.error_message(), AskedWait(s, *ctx));
      } else {
        EXPECT_THAT(s, IsOk()) << s.error_message();
        ++answered;
      }
    });
  }
  for (std::thread& t : pollers) t.join();
  ASSERT_FALSE(refused.empty()) << kPollers << " long polls fit in the thread quota";
  EXPECT_GT(answered, 0);
  for (const auto& [message, wait] : refused) {
    EXPECT_THAT(message, ::testing::StartsWith(api::kAtItsLimit));
    ExpectAskedToWait(message, wait);
  }
}

}  // namespace
}  // namespace loket::itest
