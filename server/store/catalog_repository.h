// The office's catalog, calendar and partner clinics: read by every replica, written by the seed.
// Thread-safe (holds only a Database reference).
#ifndef LOKET_SERVER_STORE_CATALOG_REPOSITORY_H_
#define LOKET_SERVER_STORE_CATALOG_REPOSITORY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "server/domain/case.h"
#include "server/store/database.h"

namespace loket::store {

struct Holiday {
  absl::CivilDay day;
  std::string name;
};

struct Clinic {
  std::string id;
  std::string name;
  std::string kind;
  std::string address;
  double latitude = 0;
  double longitude = 0;
};

class CatalogRepository {
 public:
  explicit CatalogRepository(Database& db) : db_(db) {}

  // Every permit type of the office with its required documents, by code.
  absl::StatusOr<std::vector<domain::PermitType>> ListPermitTypes(const std::string& office_id);
  // Holidays of `year` (every year when 0), by day.
  absl::StatusOr<std::vector<Holiday>> ListHolidays(const std::string& office_id, int year);
  absl::StatusOr<std::vector<Clinic>> ListClinics(const std::string& office_id);

 private:
  Database& db_;
};

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_CATALOG_REPOSITORY_H_
