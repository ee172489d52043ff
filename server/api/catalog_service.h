// loket.v1.CatalogService. Thread-safe (stateless).
#ifndef LOKET_SERVER_API_CATALOG_SERVICE_H_
#define LOKET_SERVER_API_CATALOG_SERVICE_H_

#include "loket/v1/catalog.grpc.pb.h"
#include "server/api/auth.h"
#include "server/store/catalog_repository.h"

namespace loket::api {

class CatalogServiceImpl final : public v1::CatalogService::Service {
 public:
  CatalogServiceImpl(store::CatalogRepository& catalog, const Authorizer& auth)
      : catalog_(catalog), auth_(auth) {}

  grpc::Status ListPermitTypes(grpc::ServerContext* ctx, const v1::ListPermitTypesRequest* req,
                               v1::ListPermitTypesResponse* resp) override;
  grpc::Status ListHolidays(grpc::ServerContext* ctx, const v1::ListHolidaysRequest* req,
                            v1::ListHolidaysResponse* resp) override;

 private:
  store::CatalogRepository& catalog_;
  const Authorizer& auth_;
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_CATALOG_SERVICE_H_
