// The connection to PostgreSQL: a fixed pool of connections, shared by every repository.
//
// Thread-safe. Connections are opened lazily and re-opened after a failure, so loketd starts while
// the database is down and recovers by itself when it returns: calls in between fail with
// UNAVAILABLE. pqxx stays behind this header (DESIGN.md section 2): repositories reach it through
// store/pg.h.
#ifndef LOKET_SERVER_STORE_DATABASE_H_
#define LOKET_SERVER_STORE_DATABASE_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace loket::store {

struct DatabaseOptions {
  std::string conninfo;  // libpq connection string
  int pool_size = 8;
  absl::Duration acquire_timeout = absl::Seconds(5);
};

class Database {
 public:
  struct Impl;

  explicit Database(DatabaseOptions options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs `SELECT 1`. Returns UNAVAILABLE when the database cannot be reached.
  absl::Status Ping();

  // Applies the embedded migrations not yet recorded in schema_migrations, in order, each in its
  // own transaction, under an advisory lock so concurrent replicas and tests do not race. Returns
  // UNAVAILABLE when the database cannot be reached, INTERNAL when a migration fails.
  absl::Status Migrate();

  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_DATABASE_H_
