// Private to store/: a permit type and its required documents as rows (one column list and one
// mapping each, issue 14), shared by the case repository (one type, cached) and the catalog (all).
#ifndef LOKET_SERVER_STORE_PERMIT_TYPE_ROWS_H_
#define LOKET_SERVER_STORE_PERMIT_TYPE_ROWS_H_

#include <cstdint>
#include <string>

#include "server/domain/case.h"
#include "server/store/columns.h"
#include "server/store/pg.h"

namespace loket::store {

// Selected FROM permit_types.
inline constexpr auto kPermitTypeColumns = MakeColumns({{"code"},
                                                        {"name"},
                                                        {"fee_idr"},
                                                        {"service_level_days"},
                                                        {"health_worker"},
                                                        {"validity_months"},
                                                        {"number_code"}});
// Selected FROM permit_type_documents.
inline constexpr auto kRequiredDocumentColumns =
    MakeColumns({{"permit_type"}, {"code"}, {"name"}, {"mandatory"}});

// A row of kPermitTypeColumns; its required documents are read separately.
inline domain::PermitType PermitTypeFromRow(const pqxx::row& row) {
  constexpr const auto& k = kPermitTypeColumns;
  domain::PermitType p;
  p.code = row[k["code"]].as<std::string>();
  p.name = row[k["name"]].as<std::string>();
  p.fee_idr = row[k["fee_idr"]].as<int64_t>();
  p.service_level_days = row[k["service_level_days"]].as<int>();
  p.health_worker = row[k["health_worker"]].as<bool>();
  p.validity_months = row[k["validity_months"]].as<int>();
  p.number_code = row[k["number_code"]].as<std::string>();
  return p;
}

inline domain::RequiredDocument RequiredDocumentFromRow(const pqxx::row& row) {
  constexpr const auto& k = kRequiredDocumentColumns;
  return {row[k["code"]].as<std::string>(), row[k["name"]].as<std::string>(),
          row[k["mandatory"]].as<bool>()};
}

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_PERMIT_TYPE_ROWS_H_
