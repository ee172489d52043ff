#include "server/store/database.h"

#include <sys/socket.h>

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "server/store/migrations.h"
#include "server/store/pg.h"

namespace loket::store {
namespace {

thread_local const CallContext* t_call = nullptr;

// libpq's own clocks, unless the connection string sets them: a connection attempt gives up after
// 5 s, and TCP keepalives notice a peer that vanished from the network.
std::string WithClientTimeouts(const std::string& conninfo, int connect_seconds = 5) {
  if (conninfo.starts_with("postgres://") || conninfo.starts_with("postgresql://")) return conninfo;
  std::string out = conninfo;
  const std::string connect = absl::StrCat("connect_timeout=", connect_seconds);
  for (const std::string& kv :
       {connect, std::string("keepalives=1"), std::string("keepalives_idle=10"),
        std::string("keepalives_interval=5"), std::string("keepalives_count=3")}) {
    const std::string key = kv.substr(0, kv.find('=') + 1);
    if (out.find(key) == std::string::npos) absl::StrAppend(&out, " ", kv);
  }
  return out;
}

std::string Millis(absl::Duration d) { return absl::StrCat(absl::ToInt64Milliseconds(d), "ms"); }

// The answer for a call that is gone (deadline passed, caller away) at `when`, or OK.
absl::Status CallGone(const CallContext* call, absl::Time deadline, const char* when) {
  if (call == nullptr) return absl::OkStatus();
  if (absl::Now() >= deadline) {
    return absl::DeadlineExceededError(
        absl::StrCat("the call's deadline passed ", when, "; nothing was saved"));
  }
  if (call->cancelled()) {
    return absl::CancelledError(absl::StrCat("the caller went away ", when, "; nothing was saved"));
  }
  return absl::OkStatus();
}

// Lends one connection from the pool; gives it back (or drops it when broken) on destruction.
class Lease {
 public:
  Lease(Database::Impl& db, std::unique_ptr<PooledConnection> pc) : db_(db), pc_(std::move(pc)) {}
  ~Lease() {
    absl::MutexLock lock(&db_.mu);
    if (pc_ && !broken_ && pc_->conn && pc_->conn->is_open()) {
      db_.free.push_back(std::move(pc_));
    } else {
      --db_.open_or_lent;
    }
  }
  PooledConnection& get() { return *pc_; }
  void MarkBroken() { broken_ = true; }
  bool broken() const { return broken_; }

 private:
  Database::Impl& db_;
  std::unique_ptr<PooledConnection> pc_;
  bool broken_ = false;
};

absl::StatusOr<std::unique_ptr<Lease>> Acquire(Database::Impl& db, absl::Time deadline) {
  std::unique_ptr<PooledConnection> pc;
  {
    absl::MutexLock lock(&db.mu);
    auto available = [&db]() ABSL_SHARED_LOCKS_REQUIRED(db.mu) {
      return !db.free.empty() || db.open_or_lent < db.options.pool_size;
    };
    if (!available()) {
      // Admission: a bounded queue waits for a connection; beyond it a call is refused at once,
      // so a burst costs callers a retry, not a pile of threads that time out anyway.
      const int limit = db.options.max_waiting > 0 ? db.options.max_waiting : db.options.pool_size;
      if (db.waiting >= limit) {
        return absl::ResourceExhaustedError(absl::StrCat(kBusy, "all ", db.options.pool_size,
                                                         " database connections are in use and ",
                                                         db.waiting, " calls wait for one"));
      }
      // A call spends at most half of the time it has left waiting, so the other half remains
      // for its work: one that got a connection just before its deadline would only be cut off.
      const absl::Time now = absl::Now();
      const absl::Time half_way =
          deadline == absl::InfiniteFuture() ? absl::InfiniteFuture() : now + (deadline - now) / 2;
      const bool shed = half_way < now + db.options.acquire_timeout;
      ++db.waiting;
      const bool got = db.mu.AwaitWithDeadline(absl::Condition(&available),
                                               shed ? half_way : now + db.options.acquire_timeout);
      --db.waiting;
      if (!got) {
        if (shed) {
          return absl::ResourceExhaustedError(
              absl::StrCat(kBusy,
                           "no database connection came free within half of the call's "
                           "remaining time; nothing was saved"));
        }
        return absl::UnavailableError("database: no free connection in the pool; retry");
      }
    }
    if (!db.free.empty()) {
      pc = std::move(db.free.back());
      db.free.pop_back();
    } else {
      ++db.open_or_lent;
      pc = std::make_unique<PooledConnection>();
    }
  }
  auto lease = std::make_unique<Lease>(db, std::move(pc));
  if (!lease->get().conn) {
    // A new slot (or one whose connection broke): connect now, outside the lock.
    try {
      auto conn = std::make_unique<pqxx::connection>(WithClientTimeouts(db.options.conninfo));
      const pqxx::result r =
          pqxx::nontransaction(*conn).exec(db.session_settings + "; SELECT pg_backend_pid()");
      const int pid = r[0][0].as<int>();
      lease->get().backend_pid = pid == conn->backendpid() ? pid : 0;
      lease->get().conn = std::move(conn);
      lease->get().prepared.clear();
      absl::MutexLock lock(&db.mu);
      ++db.counters.connections_opened;
    } catch (const std::exception& e) {
      lease->MarkBroken();
      return absl::UnavailableError(absl::StrCat("database unreachable: ", e.what()));
    }
  }
  return lease;
}

// One transaction (or autocommit run) of `fn` on a lent connection; pqxx exceptions become
// statuses here.
absl::Status RunOn(Database::Impl& db, Lease& lease, const std::function<absl::Status(Tx&)>& fn,
                   bool autocommit, InFlight& watched) {
  const CallContext* call = watched.call;
  const absl::Time deadline = watched.deadline;
  try {
    if (autocommit) {
      pqxx::nontransaction work(*lease.get().conn);
      Tx tx(work, lease.get(), watched, db.options.task_clock);
      return fn(tx);
    }
    pqxx::work work(*lease.get().conn);
    Tx tx(work, lease.get(), watched, db.options.task_clock);
    absl::Status s = fn(tx);
    // A caller who gave up does not get work committed behind its back. `committing` first,
    // then the watchdog's verdict: it either sees `committing` and cuts, or we see it stopped.
    if (s.ok()) s = CallGone(call, deadline, "before its transaction committed");
    if (s.ok()) {
      watched.committing.store(true);
      if (watched.stopped.load() != InFlight::Stop::kNone) throw CallStopped();
      work.commit();
    }
    return s;  // pqxx::work rolls back in its destructor when not committed
  } catch (const CallStopped&) {
    return absl::CancelledError("stopped");  // Run gives the reason
  } catch (const pqxx::broken_connection& e) {
    lease.MarkBroken();
    return absl::UnavailableError(absl::StrCat("database connection lost: ", e.what()));
  } catch (const pqxx::in_doubt_error& e) {
    lease.MarkBroken();
    return absl::UnavailableError(absl::StrCat("database commit in doubt: ", e.what()));
  } catch (const pqxx::serialization_failure& e) {
    return absl::AbortedError(absl::StrCat("concurrent update; retry: ", e.what()));
  } catch (const pqxx::deadlock_detected& e) {
    return absl::AbortedError(absl::StrCat("concurrent update; retry: ", e.what()));
  } catch (const pqxx::unique_violation& e) {
    return absl::AlreadyExistsError(e.what());
  } catch (const pqxx::check_violation& e) {
    return absl::InvalidArgumentError(e.what());
  } catch (const pqxx::foreign_key_violation& e) {
    return absl::InvalidArgumentError(e.what());
  } catch (const pqxx::sql_error& e) {
    // 57P01 admin_shutdown and the 08 class mean the server went away mid-statement.
    const std::string& state = e.sqlstate();
    // 22001 too long, 22P02 bad text form, 23502 missing value: the caller's input.
    if (state == "22001" || state == "22P02" || state == "23502") {
      return absl::InvalidArgumentError(absl::StrCat("invalid value: ", e.what()));
    }
    // 55P03: lock_timeout passed waiting for a row another transaction holds.
    if (state == "55P03") {
      return absl::AbortedError(
          absl::StrCat("concurrent update; retry: a row this call needs is locked by another "
                       "transaction (waited ",
                       Millis(db.options.lock_timeout), "); try again in 1 s: ", e.what()));
    }
    // 57014 statement timeout (or our cancel: Run says which), 40003 commit outcome unknown:
    // retry (with the same request_id). After 57014 the connection is sound; after 40003 not.
    if (state == "57014" || state == "40003") {
      if (state == "40003") lease.MarkBroken();
      return absl::UnavailableError(absl::StrCat("database did not answer in time: ", e.what()));
    }
    if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03") {
      lease.MarkBroken();
      return absl::UnavailableError(absl::StrCat("database unavailable: ", e.what()));
    }
    return absl::InternalError(absl::StrCat("database error ", state, ": ", e.what()));
  } catch (const std::exception& e) {
    lease.MarkBroken();
    return absl::InternalError(absl::StrCat("database error: ", e.what()));
  }
}

}  // namespace

Database::Impl::Impl(DatabaseOptions o) : options(std::move(o)) {
  // Timestamps come back in UTC, so parsing never depends on the server's time zone. A backend
  // checks every second that its client is still there, so a connection the watchdog cut off
  // ends its transaction (and gives up its locks) even while it waits for a lock.
  // application_name: an operator finds loketd's sessions in pg_stat_activity.
  session_settings = absl::StrCat(
      "SET TIME ZONE 'UTC'; SET client_connection_check_interval = '1s'",
      "; SET application_name = 'loketd'", "; SET lock_timeout = '", Millis(options.lock_timeout),
      "'", "; SET statement_timeout = '", Millis(options.statement_timeout), "'");
  watchdog = std::thread([this] { Watch(); });
  canceller = std::thread([this] { Cancel(); });
}

Database::Impl::~Impl() {
  {
    absl::MutexLock lock(&mu);
    stopping = true;
    if (canceller_sock >= 0) ::shutdown(canceller_sock, SHUT_RDWR);  // one stuck on a hung server
  }
  watchdog.join();
  canceller.join();
}

void Database::Impl::Watch() {
  absl::MutexLock lock(&mu);
  auto stop_or_work = [this]()
                          ABSL_SHARED_LOCKS_REQUIRED(mu) { return stopping || !in_flight.empty(); };
  auto stop = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu) { return stopping; };
  // The lender's libpq call returns with the connection broken, and the pool drops it.
  auto cut = [this](InFlight& f) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    f.cut = true;
    ++counters.connections_cut;
    ::shutdown(f.sock, SHUT_RDWR);
  };
  while (!stopping) {
    if (in_flight.empty()) {
      mu.Await(absl::Condition(&stop_or_work));
      continue;
    }
    // Statements are checked every 50 ms while any runs: a cut-off lands within that of the
    // deadline. IsCancelled is cheap and thread-safe.
    if (mu.AwaitWithTimeout(absl::Condition(&stop), absl::Milliseconds(50))) break;
    const absl::Time now = absl::Now();
    const bool database_hung = hung.load();
    if (canceller_sock >= 0 && cancel_batch_since != absl::InfiniteFuture() &&
        (database_hung || now >= cancel_batch_since + kCutAfter)) {
      ::shutdown(canceller_sock, SHUT_RDWR);  // its call fails; it reconnects for the next batch
      canceller_sock = -1;
    }
    for (InFlight* f : in_flight) {
      if (f->cut) continue;
      if (f->stopped.load() != InFlight::Stop::kNone) {
        // Asked to cancel, and still running: the request did not take, the caller's own code
        // between two statements has run on, or the database hangs. Cut it off.
        if (database_hung || now >= f->stopped_at + kCutAfter) cut(*f);
        continue;
      }
      InFlight::Stop why = InFlight::Stop::kNone;
      if (database_hung) {
        why = InFlight::Stop::kHung;
      } else if (now >= f->deadline) {
        why = InFlight::Stop::kDeadline;
      } else if (f->call != nullptr && f->call->cancelled()) {
        why = InFlight::Stop::kCancelled;
      }
      if (why == InFlight::Stop::kNone) continue;
      f->stopped.store(why);
      f->stopped_at = now;
      if (why == InFlight::Stop::kHung || f->backend_pid == 0 || f->committing.load()) {
        // A cancel request would hang like everything else, has no pid to go to, or would end a
        // commit's wait for its standby with the commit standing: cut at once.
        cut(*f);
      } else {
        cancel_pids.push_back(f->backend_pid);
        f->cancel_ticket = ++cancels_requested;
      }
    }
  }
}

void Database::Impl::Cancel() {
  std::unique_ptr<pqxx::connection> conn;
  // Connects now, so the first cancel does not wait for it; false when loketd is stopping.
  auto connect = [this, &conn]() -> bool {
    if (conn) return true;
    try {
      conn = std::make_unique<pqxx::connection>(WithClientTimeouts(options.conninfo, 2));
      {
        absl::MutexLock lock(&mu);
        if (stopping) return false;
        canceller_sock = conn->sock();  // from here on the watchdog and the destructor can cut it
      }
      pqxx::nontransaction(*conn).exec("SET application_name = 'loketd canceller'");
    } catch (const std::exception&) {
      {
        absl::MutexLock lock(&mu);
        canceller_sock = -1;  // before the descriptor is closed and its number reused
      }
      conn.reset();  // the database is away: tried again with the next batch
    }
    return true;
  };
  if (!connect()) return;
  mu.Lock();
  for (;;) {
    auto wanted = [this]()
                      ABSL_SHARED_LOCKS_REQUIRED(mu) { return stopping || !cancel_pids.empty(); };
    mu.Await(absl::Condition(&wanted));
    if (stopping) break;
    std::vector<int> pids;
    pids.swap(cancel_pids);
    const uint64_t ticket = cancels_requested;
    cancel_batch_since = absl::Now();
    const bool cut_loose = conn && canceller_sock < 0;  // by the watchdog, after the last batch
    mu.Unlock();
    if (cut_loose) conn.reset();
    int64_t taken = 0;
    bool failed = false;
    try {
      if (!connect()) {
        mu.Lock();
        break;
      }
      if (!conn) throw std::runtime_error("database unreachable");
      // PostgreSQL has signalled each backend when this returns: a connection given back to the
      // pool after it cannot have its next statement cancelled by mistake. (A pid whose backend
      // has ended counts false.)
      taken = pqxx::nontransaction(*conn)
                  .exec(absl::StrCat("SELECT count(*) FROM unnest('{", absl::StrJoin(pids, ","),
                                     "}'::int[]) p WHERE pg_cancel_backend(p)"))[0][0]
                  .as<int64_t>();
    } catch (const std::exception&) {
      // Not sent, or sent and not answered: a database that stalls may still run it later. The
      // lenders of this batch drop their connections (their backends end, so a late cancel stops
      // nothing of anybody else's); the watchdog cuts whatever still runs after kCutAfter.
      failed = true;
      {
        absl::MutexLock lock(&mu);
        canceller_sock = -1;  // before the descriptor is closed and its number reused
      }
      conn.reset();
    }
    mu.Lock();
    cancel_batch_since = absl::InfiniteFuture();
    counters.statements_cancelled += taken;
    if (failed) cancels_failed_through = ticket;
    cancels_done = ticket;
  }
  cancels_done = cancels_requested;  // stopping: nobody waits for these
  mu.Unlock();
}

bool Database::Impl::IdleAfterCancel(PooledConnection& pc) {
  // Watched like a statement, but cut (no cancel: its pid is left out) if it does not answer
  // within kCutAfter, e.g. when the database hangs right now.
  InFlight check;
  check.sock = pc.conn->sock();
  check.deadline = absl::Now() + kCutAfter;
  std::list<InFlight*>::iterator entry;
  {
    absl::MutexLock lock(&mu);
    entry = in_flight.insert(in_flight.end(), &check);
  }
  // A cancel that lands after the statement ended finds the backend idle and is dropped, but one
  // that lands as the ROLLBACK (or this check) starts stops that instead, and a cancelled ROLLBACK
  // leaves the transaction open and aborted. So: a SELECT 1 that is cancelled has used the cancel
  // up, and the one after shows the connection idle and sound; anything else drops it.
  bool idle = false;
  for (int attempt = 0; attempt < 2 && !idle; ++attempt) {
    try {
      pqxx::nontransaction(*pc.conn).exec("SELECT 1");
      idle = true;
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != "57014") break;
    } catch (const std::exception&) {
      break;
    }
  }
  absl::MutexLock lock(&mu);
  in_flight.erase(entry);
  return idle && !check.cut;
}

absl::Status Database::Impl::RunTx(const std::function<absl::Status(Tx&)>& fn) {
  return Run(fn, /*autocommit=*/false);
}

absl::Status Database::Impl::RunAutocommit(const std::function<absl::Status(Tx&)>& fn) {
  return Run(fn, /*autocommit=*/true);
}

absl::Status Database::Impl::Run(const std::function<absl::Status(Tx&)>& fn, bool autocommit) {
  const CallContext* call = t_call;
  const absl::Time deadline = call != nullptr ? call->deadline() : absl::InfiniteFuture();
  if (absl::Status gone = CallGone(call, deadline, "before its database work began"); !gone.ok()) {
    return gone;
  }
  if (hung.load()) {
    return absl::UnavailableError(
        "database is not answering (loketd's health probe timed out); try again in a few seconds");
  }
  LOKET_ASSIGN_OR_RETURN(std::unique_ptr<Lease> held, Acquire(*this, deadline));
  Lease& lease = *held;
  InFlight watched;
  watched.sock = lease.get().conn->sock();
  watched.backend_pid = lease.get().backend_pid;
  watched.deadline = deadline;
  watched.call = call;
  watched.committing.store(autocommit);  // every statement commits by itself
  std::list<InFlight*>::iterator entry;
  {
    absl::MutexLock lock(&mu);
    entry = in_flight.insert(in_flight.end(), &watched);
  }
  absl::Status s = RunOn(*this, lease, fn, autocommit, watched);
  bool keep = false;  // a stopped statement's connection goes back to the pool
  {
    absl::MutexLock lock(&mu);
    in_flight.erase(entry);
    if (watched.stopped.load() != InFlight::Stop::kNone && !watched.cut) {
      // Only once PostgreSQL has the cancel request: it must not land on the next lender's work.
      auto landed = [this, &watched]() ABSL_SHARED_LOCKS_REQUIRED(mu) {
        return cancels_done >= watched.cancel_ticket;
      };
      keep = mu.AwaitWithTimeout(absl::Condition(&landed), kCutAfter) &&
             watched.cancel_ticket > cancels_failed_through;
    }
  }
  const InFlight::Stop stopped = watched.stopped.load();
  if (stopped == InFlight::Stop::kNone) return s;
  // (A broken connection is never checked: libpqxx would quietly open a new one, unwatched.)
  if (keep && !lease.broken() && lease.get().conn->is_open()) {
    keep = IdleAfterCancel(lease.get());
  } else {
    keep = false;
  }
  if (!keep) lease.MarkBroken();
  if (s.ok()) return s;  // it had committed before the cancel or the cut-off
  switch (stopped) {
    case InFlight::Stop::kDeadline:
      return absl::DeadlineExceededError(
          "the call's deadline passed during its database work, which was stopped; what had not "
          "committed was rolled back (a retry with the same request_id is safe)");
    case InFlight::Stop::kCancelled:
      return absl::CancelledError(
          "the caller went away during its database work, which was stopped; what had not "
          "committed was rolled back");
    default:
      return absl::UnavailableError(
          "database is not answering (loketd's health probe timed out); the statement was cut "
          "off; retry with the same request_id");
  }
}

void CheckStatementName(const Statement& st) {
  static absl::Mutex mu(absl::kConstInit);
  static auto* seen = new std::map<std::string, std::string>();
  absl::MutexLock lock(&mu);
  auto [it, inserted] = seen->emplace(st.name, st.sql);
  if (!inserted && it->second != st.sql) {
    // RunOn turns this into INTERNAL and drops the connection, whose set holds the name unprepared.
    throw std::logic_error(absl::StrCat(
        "two SQL statements are named \"", st.name,
        "\": a store file must give each its own name (first: ", it->second.substr(0, 80),
        "; now: ", std::string(st.sql).substr(0, 80), ")"));
  }
}

PoolCounters Database::Counters() {
  absl::MutexLock lock(&impl_->mu);
  return impl_->counters;
}

const Clock* Database::task_clock() const { return impl_->options.task_clock; }

void SetCurrentCall(const CallContext* call) { t_call = call; }
const CallContext* CurrentCall() { return t_call; }

// The health probe's own thread and connection: a probe that hangs blocks only this thread, and
// the next Probe waits for it instead of starting another.
struct Database::Prober {
  explicit Prober(Database::Impl& db) : db(db), thread([this] { Loop(); }) {}
  ~Prober() {
    {
      absl::MutexLock lock(&mu);
      stopping = true;
      if (sock >= 0) ::shutdown(sock, SHUT_RDWR);  // unblocks a probe stuck on a hung server
    }
    thread.join();
  }

  void Loop() {
    std::unique_ptr<pqxx::connection> conn;
    mu.Lock();
    for (;;) {
      auto wanted = [this]()
                        ABSL_SHARED_LOCKS_REQUIRED(mu) { return stopping || requested > done; };
      mu.Await(absl::Condition(&wanted));
      if (stopping) break;
      const uint64_t serving = requested;
      mu.Unlock();
      absl::Status result = absl::OkStatus();
      try {
        if (!conn) {
          conn = std::make_unique<pqxx::connection>(WithClientTimeouts(db.options.conninfo, 2));
          absl::MutexLock l(&mu);
          sock = conn->sock();
        }
        pqxx::nontransaction(*conn).exec("SELECT 1");
      } catch (const std::exception& e) {
        result = absl::UnavailableError(absl::StrCat("database unreachable: ", e.what()));
        conn.reset();
        absl::MutexLock l(&mu);
        sock = -1;
      }
      mu.Lock();
      done = serving;
      last = result;
    }
    mu.Unlock();
  }

  Database::Impl& db;
  absl::Mutex mu;
  uint64_t requested ABSL_GUARDED_BY(mu) = 0;
  uint64_t done ABSL_GUARDED_BY(mu) = 0;
  absl::Status last ABSL_GUARDED_BY(mu);
  int sock ABSL_GUARDED_BY(mu) = -1;
  bool stopping ABSL_GUARDED_BY(mu) = false;
  std::thread thread;  // last: starts once the fields above exist
};

Database::Database(DatabaseOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Database::~Database() { prober_.reset(); }

absl::Status Database::Probe(absl::Duration timeout) {
  if (!prober_) prober_ = std::make_unique<Prober>(*impl_);  // one caller: the health watcher
  Prober& p = *prober_;
  absl::Status result;
  {
    absl::MutexLock lock(&p.mu);
    if (p.done == p.requested) ++p.requested;  // else the last probe still runs: wait for it
    const uint64_t want = p.requested;
    auto answered = [&p, want]() ABSL_SHARED_LOCKS_REQUIRED(p.mu) { return p.done >= want; };
    if (p.mu.AwaitWithTimeout(absl::Condition(&answered), timeout)) {
      result = p.last;
    } else {
      result = absl::DeadlineExceededError(
          absl::StrCat("database did not answer SELECT 1 within ", absl::FormatDuration(timeout)));
    }
  }
  // Only silence is a hang (no answer, or a connection attempt that timed out); a refused
  // connection fails fast by itself.
  impl_->hung.store(absl::IsDeadlineExceeded(result) ||
                    (!result.ok() && absl::StrContains(result.message(), "timeout expired")));
  return result;
}

namespace {

constexpr Statement kMigrateLock{"migrate_lock", "SELECT pg_advisory_xact_lock(7406001)"};
constexpr Statement kMigrateCreate{"migrate_create",
                                   "CREATE TABLE IF NOT EXISTS schema_migrations (version "
                                   "integer PRIMARY KEY, name text NOT NULL,"
                                   " applied_at timestamptz NOT NULL DEFAULT now())"};

// The checksum column comes with migration 0020: before it is applied there is nothing to record.
constexpr Statement kHasChecksumColumn{
    "migrate_has_checksum",
    "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()"
    " AND table_name = 'schema_migrations' AND column_name = 'checksum'"};
constexpr Statement kFillChecksum{
    "migrate_fill_checksum",
    "UPDATE schema_migrations SET checksum = $2 WHERE version = $1 AND checksum IS NULL"};

}  // namespace

std::string MigrationFileName(const Migration& m) {
  return absl::StrFormat("%04d_%s.sql", m.version, m.name);
}

absl::Status Database::CheckMigrationChecksums(const std::vector<Migration>& migrations) {
  static constexpr Statement kRecorded{"migrate_checksums",
                                       "SELECT version, checksum FROM schema_migrations"};
  return impl_->RunTx([&](Tx& tx) -> absl::Status {
    tx.ExecRaw("SET LOCAL lock_timeout = 0; SET LOCAL statement_timeout = 0");
    tx.Exec(kMigrateLock);
    tx.Exec(kMigrateCreate);
    if (tx.Exec(kHasChecksumColumn).empty()) return absl::OkStatus();
    std::map<int, std::optional<std::string>> recorded;
    for (const auto& row : tx.Exec(kRecorded)) {
      recorded[row["version"].as<int>()] =
          row["checksum"].is_null() ? std::nullopt
                                    : std::optional<std::string>(row["checksum"].c_str());
    }
    for (const Migration& m : migrations) {
      auto it = recorded.find(m.version);
      if (it == recorded.end()) continue;  // not applied yet
      const std::string sum = Sha256Hex(m.sql);
      if (!it->second) {
        // Applied before checksums were kept: recorded once, trusting the file as it is now.
        tx.Exec(kFillChecksum, m.version, sum);
      } else if (*it->second != sum) {
        return absl::FailedPreconditionError(absl::StrFormat(
            "migration file %s changed after it was applied (schema_migrations has sha256 %s, the "
            "file now %s): migrations are forward-only, restore the file and put the change in a "
            "new migration",
            MigrationFileName(m), *it->second, sum));
      }
    }
    return absl::OkStatus();
  });
}

absl::Status Database::Migrate() { return Migrate(EmbeddedMigrations()); }

absl::Status Database::Migrate(const std::vector<Migration>& migrations) {
  // First refuse a changed file, before anything newer is applied on top of it; then apply, each
  // migration recording its checksum in its own transaction; then fill the checksums of those
  // applied before 0020 (once).
  LOKET_RETURN_IF_ERROR(CheckMigrationChecksums(migrations));
  static constexpr Statement kApplied{"migrate_applied",
                                      "SELECT 1 FROM schema_migrations WHERE version = $1"};
  static constexpr Statement kRecord{
      "migrate_record", "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)"};
  for (const Migration& m : migrations) {
    absl::Status s = impl_->RunTx([&](Tx& tx) -> absl::Status {
      // A migration may take long, and waits for a replica that is migrating: no pool limits.
      tx.ExecRaw("SET LOCAL lock_timeout = 0; SET LOCAL statement_timeout = 0");
      tx.Exec(kMigrateLock);  // held until this tx ends; serialises replicas and parallel tests
      tx.Exec(kMigrateCreate);
      if (!tx.Exec(kApplied, m.version).empty()) return absl::OkStatus();
      tx.ExecRaw(m.sql);
      tx.Exec(kRecord, m.version, m.name);
      // Its checksum commits with it: a later failure or a crash leaves no applied file unchecked.
      if (!tx.Exec(kHasChecksumColumn).empty()) tx.Exec(kFillChecksum, m.version, Sha256Hex(m.sql));
      return absl::OkStatus();
    });
    if (!s.ok()) {
      if (absl::IsUnavailable(s)) return s;
      return absl::InternalError(
          absl::StrFormat("migration %04d_%s: %s", m.version, m.name, s.message()));
    }
  }
  return CheckMigrationChecksums(migrations);
}

std::string FormatDay(absl::CivilDay d) { return absl::FormatCivilTime(d); }

std::string ArrayLiteral(const std::vector<int64_t>& ids) {
  return absl::StrCat("{", absl::StrJoin(ids, ","), "}");
}

std::string ArrayLiteral(const std::vector<std::string>& words) {
  return absl::StrCat("{", absl::StrJoin(words, ","), "}");
}

std::string ArrayLiteral(const std::vector<absl::CivilDay>& days) {
  return absl::StrCat(
      "{",
      absl::StrJoin(days, ",",
                    [](std::string* out, absl::CivilDay d) { out->append(FormatDay(d)); }),
      "}");
}

absl::CivilDay ParseDay(const std::string& s) {
  absl::CivilDay d;
  absl::ParseCivilTime(s, &d);
  return d;
}

std::optional<absl::CivilDay> OptionalDay(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return ParseDay(f.c_str());
}

std::set<absl::CivilDay> DaysOf(const pqxx::result& r) {
  std::set<absl::CivilDay> days;
  for (const auto& row : r) days.insert(ParseDay(row[0].as<std::string>()));
  return days;
}

std::optional<std::string> DayOrNull(const std::optional<absl::CivilDay>& d) {
  if (!d) return std::nullopt;
  return FormatDay(*d);
}

absl::Time ParseTimestamp(const std::string& s) {
  // PostgreSQL's text form in UTC: "2026-11-28 02:03:04.123456+00".
  absl::Time t;
  std::string err;
  std::string iso = s;
  if (iso.size() > 10 && iso[10] == ' ') iso[10] = 'T';
  if (iso.size() >= 3 && (iso.substr(iso.size() - 3) == "+00")) iso += ":00";
  if (!absl::ParseTime("%Y-%m-%dT%H:%M:%E*S%Ez", iso, &t, &err)) return absl::UnixEpoch();
  return t;
}

std::string FormatTimestamp(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

std::string Ts(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6S+00:00", t, absl::UTCTimeZone());
}

std::optional<absl::Time> OptionalTs(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return ParseTimestamp(f.as<std::string>());
}

std::optional<double> OptionalDouble(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<double>();
}

std::optional<std::string> NullIfEmpty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

std::string BytesOf(const pqxx::field& f) {
  pqxx::binarystring b(f);
  return b.str();
}

absl::CivilDay LocalDay(absl::Time now, int utc_offset_minutes) {
  return absl::ToCivilDay(now, absl::FixedTimeZone(utc_offset_minutes * 60));
}

}  // namespace loket::store
