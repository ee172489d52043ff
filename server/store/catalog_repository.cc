#include "server/store/catalog_repository.h"

#include <map>

#include "server/store/pg.h"

namespace loket::store {
namespace {

constexpr Statement kPermitTypes{
    "catalog_permit_types",
    "SELECT code, name, fee_idr, service_level_days, health_worker FROM permit_types"
    " WHERE office_id = $1 ORDER BY code"};
constexpr Statement kDocuments{
    "catalog_documents",
    "SELECT permit_type, code, name, mandatory FROM permit_type_documents WHERE office_id = $1"
    " ORDER BY permit_type, position, code"};
constexpr Statement kHolidays{"catalog_holidays",
                              "SELECT day::text, name FROM holidays WHERE office_id = $1"
                              " AND ($2 = 0 OR extract(year FROM day) = $2) ORDER BY day"};
constexpr Statement kClinics{
    "catalog_clinics",
    "SELECT id, name, kind, address, coalesce(latitude, 0), coalesce(longitude, 0) FROM clinics"
    " WHERE office_id = $1 ORDER BY name"};

}  // namespace

absl::StatusOr<std::vector<domain::PermitType>> CatalogRepository::ListPermitTypes(
    const std::string& office_id) {
  std::vector<domain::PermitType> out;
  absl::Status s = db_.impl().RunTx([&](Tx& tx) {
    std::map<std::string, size_t> index;
    for (const auto& row : tx.Exec(kPermitTypes, office_id)) {
      domain::PermitType p;
      p.code = row[0].as<std::string>();
      p.name = row[1].as<std::string>();
      p.fee_idr = row[2].as<int64_t>();
      p.service_level_days = row[3].as<int>();
      p.health_worker = row[4].as<bool>();
      index[p.code] = out.size();
      out.push_back(std::move(p));
    }
    for (const auto& row : tx.Exec(kDocuments, office_id)) {
      auto it = index.find(row[0].as<std::string>());
      if (it == index.end()) continue;
      out[it->second].required_documents.push_back(
          {row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<bool>()});
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<Holiday>> CatalogRepository::ListHolidays(const std::string& office_id,
                                                                     int year) {
  std::vector<Holiday> out;
  absl::Status s = db_.impl().RunTx([&](Tx& tx) {
    for (const auto& row : tx.Exec(kHolidays, office_id, year)) {
      out.push_back({ParseDay(row[0].as<std::string>()), row[1].as<std::string>()});
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<Clinic>> CatalogRepository::ListClinics(const std::string& office_id) {
  std::vector<Clinic> out;
  absl::Status s = db_.impl().RunTx([&](Tx& tx) {
    for (const auto& row : tx.Exec(kClinics, office_id)) {
      out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                     row[3].as<std::string>(), row[4].as<double>(), row[5].as<double>()});
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace loket::store
