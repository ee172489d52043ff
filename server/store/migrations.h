// The schema migrations, compiled into the binary from server/store/migrations/NNNN_name.sql so a
// deployed loketd needs no files beside it.
#ifndef LOKET_SERVER_STORE_MIGRATIONS_H_
#define LOKET_SERVER_STORE_MIGRATIONS_H_

#include <string>
#include <vector>

namespace loket::store {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// In ascending version order.
const std::vector<Migration>& EmbeddedMigrations();

// "NNNN_name.sql": the file under server/store/migrations the migration was embedded from.
std::string MigrationFileName(const Migration& m);

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_MIGRATIONS_H_
