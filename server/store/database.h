// The connection to PostgreSQL: a fixed pool of connections, shared by every repository.
//
// Thread-safe. Connections are opened lazily and re-opened after a failure, so loketd starts while
// the database is down and recovers by itself when it returns: calls in between fail with
// UNAVAILABLE. pqxx stays behind this header (DESIGN.md section 2): repositories reach it through
// store/pg.h.
#ifndef LOKET_SERVER_STORE_DATABASE_H_
#define LOKET_SERVER_STORE_DATABASE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace loket {
class Clock;  // common/clock.h
}  // namespace loket

namespace loket::store {

struct Migration;  // server/store/migrations.h

// How every refusal for want of a free connection (RESOURCE_EXHAUSTED) begins. The api layer adds
// how long to wait, as for its own refusals (server/api/server.cc).
inline constexpr char kBusy[] = "loketd is busy: ";

struct DatabaseOptions {
  std::string conninfo;  // libpq connection string
  int pool_size = 8;
  absl::Duration acquire_timeout = absl::Seconds(5);
  // Calls that may wait for a connection when all are lent; the next is refused at once
  // (RESOURCE_EXHAUSTED) instead of queueing behind them. 0: pool_size. A waiting call waits at
  // most acquire_timeout and at most half of the time to its deadline.
  int max_waiting = 0;
  // Every statement of the pool gives up waiting for a row lock after lock_timeout (ABORTED, retry)
  // and runs at most statement_timeout (UNAVAILABLE, retry): one locked row or one slow query
  // costs only the calls that need it. Zero: PostgreSQL's default (no limit).
  absl::Duration lock_timeout = absl::Seconds(2);
  absl::Duration statement_timeout = absl::Seconds(15);
  // The task queue's time (not owned): when set, tasks are enqueued, leased and backed off by this
  // clock, so a loketd whose office time is shifted (--clock_start) sees its tasks come due in that
  // time. Null: PostgreSQL's now(), which every replica shares.
  const Clock* task_clock = nullptr;
};

// The RPC a thread is serving, as far as the store needs to know it: the api layer sets it around
// every handler (SetCurrentCall), and the pool stops the call's database work, in PostgreSQL too,
// when its deadline passes or its caller goes away. Implementations are thread-safe.
class CallContext {
 public:
  virtual ~CallContext() = default;
  virtual absl::Time deadline() const = 0;  // absl::InfiniteFuture() when the caller set none
  virtual bool cancelled() const = 0;       // the caller went away (or the deadline passed)
};

// The current thread's call; nullptr (no call: background work) clears it.
void SetCurrentCall(const CallContext* call);
const CallContext* CurrentCall();

// Background work with a deadline: the current thread's database work is a call that ends at
// `deadline` (and is never cancelled) until this goes out of scope.
class ScopedDeadline final : public CallContext {
 public:
  explicit ScopedDeadline(absl::Time deadline) : deadline_(deadline), outer_(CurrentCall()) {
    SetCurrentCall(this);
  }
  ~ScopedDeadline() override { SetCurrentCall(outer_); }
  ScopedDeadline(const ScopedDeadline&) = delete;
  ScopedDeadline& operator=(const ScopedDeadline&) = delete;
  absl::Time deadline() const override { return deadline_; }
  bool cancelled() const override { return false; }

 private:
  absl::Time deadline_;
  const CallContext* outer_;
};

// What the pool has done since start (loketd's metrics): a reconnect storm shows as
// connections_opened climbing while calls are cut off.
struct PoolCounters {
  int64_t connections_opened = 0;
  int64_t statements_cancelled = 0;  // cancel requests PostgreSQL took; the connections are kept
  int64_t connections_cut = 0;       // the socket shut down instead (docs/operations.md says when)
};

class Database {
 public:
  struct Impl;

  explicit Database(DatabaseOptions options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // The health probe: `SELECT 1` on a connection of its own, given at most `timeout` (a hung
  // server, e.g. stopped with SIGSTOP, accepts connections and never answers: only a clock on our
  // side sees it). While the probe fails, calls fail at once with UNAVAILABLE and the statements
  // in flight are cut off, instead of every caller hanging until its deadline.
  absl::Status Probe(absl::Duration timeout);

  // Applies the embedded migrations not yet recorded in schema_migrations, in order, each in its
  // own transaction, under an advisory lock so concurrent replicas and tests do not race. Returns
  // UNAVAILABLE when the database cannot be reached, INTERNAL when a migration fails, and
  // FAILED_PRECONDITION naming the file (before applying anything) when an applied migration's
  // file text no longer has the SHA-256 recorded for it. Checksums missing (applied before 0020)
  // are recorded from the files as they are.
  absl::Status Migrate();
  // The same with the given migrations instead of the embedded ones (tests: a changed file).
  absl::Status Migrate(const std::vector<Migration>& migrations);

  PoolCounters Counters();
  const Clock* task_clock() const;

  Impl& impl() { return *impl_; }

 private:
  struct Prober;
  // Records missing checksums of applied migrations; refuses a file whose checksum changed.
  absl::Status CheckMigrationChecksums(const std::vector<Migration>& migrations);
  std::unique_ptr<Prober> prober_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_DATABASE_H_
