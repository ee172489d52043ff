// Private to store/: the pqxx side of Database. Only store/*.cc include this header.
//
// A Tx is one transaction on one pooled connection. Statements are named and prepared once per
// connection on first use.
#ifndef LOKET_SERVER_STORE_PG_H_
#define LOKET_SERVER_STORE_PG_H_

#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/store/database.h"

namespace loket::store {

// A named SQL statement, prepared per connection on first use.
struct Statement {
  const char* name;
  const char* sql;
};

struct PooledConnection {
  std::unique_ptr<pqxx::connection> conn;
  // The server process behind `conn`, as PostgreSQL reports it; 0 when libpq was told another
  // (a pooler in between): then a statement is never cancelled by pid, only cut off.
  int backend_pid = 0;
  std::map<std::string, const char*> prepared;  // name -> the SQL it was prepared with
};

// Fails (std::logic_error naming both) when `st.name` was first seen with other SQL anywhere in
// this process: two statements with one name would otherwise run whichever a connection prepared
// first. Called once per connection and name, when the statement is prepared.
void CheckStatementName(const Statement& st);

// A statement in flight on a lent connection, watched for its call's deadline and cancellation.
struct InFlight {
  int sock = -1;
  int backend_pid = 0;
  absl::Time deadline = absl::InfiniteFuture();
  const CallContext* call = nullptr;
  // Why the watchdog stopped the statement (set once, by the watchdog, under Impl::mu).
  enum class Stop { kNone, kDeadline, kCancelled, kHung };
  std::atomic<Stop> stopped{Stop::kNone};
  // Set with `stopped`: when, and the cancel request's ticket (Impl::cancels_done reaches it once
  // PostgreSQL has the request). `cut`: the socket was shut down instead (the connection is lost).
  absl::Time stopped_at;
  uint64_t cancel_ticket = 0;
  bool cut = false;
  // Set by the lender before anything commits (from the start in autocommit). A cancel during a
  // commit ends its wait for a synchronous standby and the commit succeeds, committed locally
  // only: a committing statement is cut instead, and the lender does not commit once stopped.
  std::atomic<bool> committing{false};
};

// Thrown by Tx before a statement of a call the watchdog stopped: a cancel that came between two
// statements found the backend idle and PostgreSQL dropped it, so the rest of the transaction is
// not sent. Database::Run answers with the reason.
struct CallStopped : std::runtime_error {
  CallStopped() : std::runtime_error("the call was stopped") {}
};

class Tx {
 public:
  Tx(pqxx::transaction_base& work, PooledConnection& pc, const InFlight& watched,
     const Clock* task_clock)
      : work_(work), pc_(pc), watched_(watched), task_clock_(task_clock) {}

  template <typename... Args>
  pqxx::result Exec(const Statement& st, const Args&... args) {
    ThrowIfStopped();
    auto [it, fresh] = pc_.prepared.emplace(st.name, st.sql);
    if (fresh) {
      CheckStatementName(st);
      pc_.conn->prepare(st.name, st.sql);
    } else if (it->second != st.sql && std::strcmp(it->second, st.sql) != 0) {
      CheckStatementName(st);  // throws: this connection prepared the name with other SQL
    }
    return work_.exec_prepared(st.name, args...);
  }
  pqxx::result ExecRaw(const std::string& sql) {
    ThrowIfStopped();
    return work_.exec(sql);
  }
  // An unprepared statement with text parameters $1..$n, planned for these values each time (a
  // search whose criteria vary: a generic plan of a prepared statement would fit none of them).
  pqxx::result ExecParams(const std::string& sql, const std::vector<std::string>& params) {
    ThrowIfStopped();
    return work_.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
  }
  // Wakes the workers of `queue` when this transaction commits; once per queue per transaction
  // (PostgreSQL folds duplicates anyway, this saves the round trips).
  void NotifyOnce(const std::string& queue) {
    static constexpr Statement kNotify{"tx_notify", "SELECT pg_notify('loket_tasks', $1)"};
    if (notified_.insert(queue).second) Exec(kNotify, queue);
  }
  // For a statement that called pg_notify itself (one round trip fewer): NotifyOnce skips `queue`.
  void MarkNotified(const std::string& queue) { notified_.insert(queue); }
  // The office's reference-data version as first read in this transaction (office_context.cc):
  // the office snapshot and its permit types are checked against one reading.
  std::map<std::string, int64_t>& refdata_versions() { return refdata_versions_; }
  // The task queue's clock (DatabaseOptions::task_clock); null: PostgreSQL's now().
  const Clock* task_clock() const { return task_clock_; }

 private:
  void ThrowIfStopped() const {
    if (watched_.stopped.load() != InFlight::Stop::kNone) {
      throw CallStopped();
    }
  }

  pqxx::transaction_base& work_;
  PooledConnection& pc_;
  const InFlight& watched_;
  const Clock* task_clock_;
  std::set<std::string> notified_;
  std::map<std::string, int64_t> refdata_versions_;
};

struct Database::Impl {
  explicit Impl(DatabaseOptions o);
  ~Impl();

  // Runs `fn` in one transaction and commits when it returns OK; rolls back otherwise.
  // pqxx exceptions become statuses here (the only place they are caught): a lost connection gives
  // UNAVAILABLE, a serialization failure or deadlock ABORTED, a unique violation ALREADY_EXISTS,
  // a check violation INVALID_ARGUMENT, anything else INTERNAL.
  absl::Status RunTx(const std::function<absl::Status(Tx&)>& fn);
  // Like RunTx, but every statement commits by itself (no BEGIN/COMMIT round trips): for single
  // statements, or sequences whose statements are each safe alone.
  absl::Status RunAutocommit(const std::function<absl::Status(Tx&)>& fn);

  absl::Status Run(const std::function<absl::Status(Tx&)>& fn, bool autocommit);

  // Stops every statement whose call's deadline passed or whose caller went away: PostgreSQL is
  // asked to cancel it (pg_cancel_backend, on the canceller's own connection), so the statement
  // ends, its transaction rolls back and the connection goes back to the pool. A statement still
  // running kCutAfter later (the cancel did not reach it), and every statement while the
  // database hangs, is cut off instead: shutdown(2) of its socket, which never blocks; PostgreSQL
  // sees the client gone (client_connection_check_interval) and the pool drops the connection.
  void Watch();
  // Sends the cancel requests Watch queued, in one statement per batch.
  void Cancel();
  // After a cancel has landed: whether `pc` is idle and sound again, so it may go back to the pool.
  bool IdleAfterCancel(PooledConnection& pc);
  static constexpr absl::Duration kCutAfter = absl::Seconds(1);

  DatabaseOptions options;
  std::string session_settings;  // SET statements run on every new connection
  absl::Mutex mu;
  std::vector<std::unique_ptr<PooledConnection>> free ABSL_GUARDED_BY(mu);
  int open_or_lent ABSL_GUARDED_BY(mu) = 0;
  int waiting ABSL_GUARDED_BY(mu) = 0;
  std::list<InFlight*> in_flight ABSL_GUARDED_BY(mu);
  std::vector<int> cancel_pids ABSL_GUARDED_BY(mu);  // queued for the canceller
  // When the canceller took the batch it is sending (InfiniteFuture while it waits): one stuck
  // on a database that stalls is cut loose by the watchdog.
  absl::Time cancel_batch_since ABSL_GUARDED_BY(mu) = absl::InfiniteFuture();
  uint64_t cancels_requested ABSL_GUARDED_BY(mu) = 0;
  uint64_t cancels_done ABSL_GUARDED_BY(mu) = 0;
  uint64_t cancels_failed_through ABSL_GUARDED_BY(mu) = 0;  // the last ticket of a failed batch
  int canceller_sock ABSL_GUARDED_BY(mu) = -1;              // shut down to unblock it at exit
  PoolCounters counters ABSL_GUARDED_BY(mu);
  bool stopping ABSL_GUARDED_BY(mu) = false;
  std::atomic<bool> hung{false};  // set by the health probe
  std::thread watchdog;
  std::thread canceller;
};

// Conversions used by every repository.
std::string FormatDay(absl::CivilDay d);
absl::CivilDay ParseDay(const std::string& s);  // "YYYY-MM-DD"; the database always sends this form
std::optional<absl::CivilDay> OptionalDay(const pqxx::field& f);
std::optional<std::string> DayOrNull(const std::optional<absl::CivilDay>& d);
std::set<absl::CivilDay> DaysOf(const pqxx::result& r);  // a result of one date column
// timestamptz arrives as text in the session time zone, which the pool pins to UTC.
absl::Time ParseTimestamp(const std::string& s);
std::string FormatTimestamp(absl::Time t);  // RFC 3339 UTC
// A timestamptz parameter to the microsecond, PostgreSQL's own precision, so what is written reads
// back equal. (FormatTimestamp cuts to the millisecond: kept where a store already writes that.)
std::string Ts(absl::Time t);
std::optional<absl::Time> OptionalTs(const pqxx::field& f);  // NULL -> nullopt
std::optional<double> OptionalDouble(const pqxx::field& f);  // NULL -> nullopt
// A text parameter that is NULL when empty ("no clinic", "no dedupe key").
std::optional<std::string> NullIfEmpty(const std::string& s);
std::string BytesOf(const pqxx::field& f);  // bytea -> raw bytes
// The office's local day at `now`.
absl::CivilDay LocalDay(absl::Time now, int utc_offset_minutes);
// A PostgreSQL array literal of values that need no quoting, for a $n::bigint[] or $n::date[]
// or $n::text[] parameter: "{1,2}", "{2026-04-22,2026-04-24}", "{pending,allocated}".
std::string ArrayLiteral(const std::vector<int64_t>& ids);
std::string ArrayLiteral(const std::vector<absl::CivilDay>& days);
std::string ArrayLiteral(const std::vector<std::string>& words);  // words: no quoting, no comma

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_PG_H_
