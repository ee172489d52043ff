#include "server/store/database.h"

#include <string>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/store/migrations.h"
#include "server/store/pg.h"

namespace loket::store {
namespace {

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

 private:
  Database::Impl& db_;
  std::unique_ptr<PooledConnection> pc_;
  bool broken_ = false;
};

absl::StatusOr<std::unique_ptr<Lease>> Acquire(Database::Impl& db) {
  std::unique_ptr<PooledConnection> pc;
  {
    absl::MutexLock lock(&db.mu);
    auto available = [&db]() ABSL_SHARED_LOCKS_REQUIRED(db.mu) {
      return !db.free.empty() || db.open_or_lent < db.options.pool_size;
    };
    if (!db.mu.AwaitWithTimeout(absl::Condition(&available), db.options.acquire_timeout)) {
      return absl::UnavailableError("database: no free connection in the pool; retry");
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
      auto conn = std::make_unique<pqxx::connection>(db.options.conninfo);
      // Timestamps come back in UTC, so parsing never depends on the server's time zone.
      pqxx::nontransaction(*conn).exec("SET TIME ZONE 'UTC'");
      lease->get().conn = std::move(conn);
      lease->get().prepared.clear();
    } catch (const std::exception& e) {
      lease->MarkBroken();
      return absl::UnavailableError(absl::StrCat("database unreachable: ", e.what()));
    }
  }
  return lease;
}

}  // namespace

Database::Impl::Impl(DatabaseOptions o) : options(std::move(o)) {}

absl::Status Database::Impl::RunTx(const std::function<absl::Status(Tx&)>& fn) {
  return Run(fn, /*autocommit=*/false);
}

absl::Status Database::Impl::RunAutocommit(const std::function<absl::Status(Tx&)>& fn) {
  return Run(fn, /*autocommit=*/true);
}

absl::Status Database::Impl::Run(const std::function<absl::Status(Tx&)>& fn, bool autocommit) {
  auto lease_or = Acquire(*this);
  if (!lease_or.ok()) return lease_or.status();
  Lease& lease = **lease_or;
  try {
    if (autocommit) {
      pqxx::nontransaction work(*lease.get().conn);
      Tx tx(work, lease.get());
      return fn(tx);
    }
    pqxx::work work(*lease.get().conn);
    Tx tx(work, lease.get());
    absl::Status s = fn(tx);
    if (s.ok()) work.commit();
    return s;  // pqxx::work rolls back in its destructor when not committed
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
    // 57014 statement timeout, 40003 commit outcome unknown: retry (with the same request_id).
    if (state == "57014" || state == "40003") {
      lease.MarkBroken();
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

Database::Database(DatabaseOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Database::~Database() = default;

absl::Status Database::Ping() {
  static constexpr Statement kPing{"ping", "SELECT 1"};
  return impl_->RunTx([](Tx& tx) {
    tx.Exec(kPing);
    return absl::OkStatus();
  });
}

absl::Status Database::Migrate() {
  static constexpr Statement kLock{"migrate_lock", "SELECT pg_advisory_xact_lock(7406001)"};
  static constexpr Statement kCreate{"migrate_create",
                                     "CREATE TABLE IF NOT EXISTS schema_migrations (version "
                                     "integer PRIMARY KEY, name text NOT NULL,"
                                     " applied_at timestamptz NOT NULL DEFAULT now())"};
  static constexpr Statement kApplied{"migrate_applied",
                                      "SELECT 1 FROM schema_migrations WHERE version = $1"};
  static constexpr Statement kRecord{
      "migrate_record", "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)"};
  for (const Migration& m : EmbeddedMigrations()) {
    absl::Status s = impl_->RunTx([&](Tx& tx) -> absl::Status {
      tx.Exec(kLock);  // held until this transaction ends; serialises replicas and parallel tests
      tx.Exec(kCreate);
      if (!tx.Exec(kApplied, m.version).empty()) return absl::OkStatus();
      tx.ExecRaw(m.sql);
      tx.Exec(kRecord, m.version, m.name);
      return absl::OkStatus();
    });
    if (!s.ok()) {
      if (absl::IsUnavailable(s)) return s;
      return absl::InternalError(
          absl::StrFormat("migration %04d_%s: %s", m.version, m.name, s.message()));
    }
  }
  return absl::OkStatus();
}

std::string FormatDay(absl::CivilDay d) { return absl::FormatCivilTime(d); }

absl::CivilDay ParseDay(const std::string& s) {
  absl::CivilDay d;
  absl::ParseCivilTime(s, &d);
  return d;
}

std::optional<absl::CivilDay> OptionalDay(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return ParseDay(f.c_str());
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

std::string BytesOf(const pqxx::field& f) {
  pqxx::binarystring b(f);
  return b.str();
}

absl::CivilDay LocalDay(absl::Time now, int utc_offset_minutes) {
  return absl::ToCivilDay(now, absl::FixedTimeZone(utc_offset_minutes * 60));
}

}  // namespace loket::store
