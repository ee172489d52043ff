// loket.v1.CatalogService. Thread-safe (stateless).
#ifndef LOKET_SERVER_API_CATALOG_SERVICE_H_
#define LOKET_SERVER_API_CATALOG_SERVICE_H_

#include "loket/v1/catalog.grpc.pb.h"
#include "server/api/auth.h"
#include "server/api/unary_pool.h"
#include "server/store/catalog_repository.h"

namespace loket::api {

class CatalogServiceImpl final : public v1::CatalogService::CallbackService,
                                 public PooledUnaryCalls {
 public:
  CatalogServiceImpl(store::CatalogRepository& catalog, const Authorizer& auth)
      : catalog_(catalog), auth_(auth) {}

  LOKET_POOLED_UNARY(ListPermitTypes, v1::ListPermitTypesRequest, v1::ListPermitTypesResponse);
  LOKET_POOLED_UNARY(ListHolidays, v1::ListHolidaysRequest, v1::ListHolidaysResponse);

 private:
  store::CatalogRepository& catalog_;
  const Authorizer& auth_;
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_CATALOG_SERVICE_H_
