// loket.v1.AdminService: principals, tokens, clinics. Thread-safe (stateless).
#ifndef LOKET_SERVER_API_ADMIN_SERVICE_H_
#define LOKET_SERVER_API_ADMIN_SERVICE_H_

#include "loket/v1/admin.grpc.pb.h"
#include "server/api/auth.h"
#include "server/store/auth_repository.h"
#include "server/store/catalog_repository.h"

namespace loket::api {

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  AdminServiceImpl(store::AuthRepository& principals, store::CatalogRepository& catalog,
                   const Authorizer& auth)
      : principals_(principals), catalog_(catalog), auth_(auth) {}

  grpc::Status CreatePrincipal(grpc::ServerContext* ctx, const v1::CreatePrincipalRequest* req,
                               v1::Principal* resp) override;
  grpc::Status ListPrincipals(grpc::ServerContext* ctx, const v1::ListPrincipalsRequest* req,
                              v1::ListPrincipalsResponse* resp) override;
  grpc::Status CreateToken(grpc::ServerContext* ctx, const v1::CreateTokenRequest* req,
                           v1::CreateTokenResponse* resp) override;
  grpc::Status RevokeToken(grpc::ServerContext* ctx, const v1::RevokeTokenRequest* req,
                           v1::RevokeTokenResponse* resp) override;
  grpc::Status WhoAmI(grpc::ServerContext* ctx, const v1::WhoAmIRequest* req,
                      v1::Principal* resp) override;
  grpc::Status ListClinics(grpc::ServerContext* ctx, const v1::ListClinicsRequest* req,
                           v1::ListClinicsResponse* resp) override;

 private:
  store::AuthRepository& principals_;
  store::CatalogRepository& catalog_;
  const Authorizer& auth_;
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_ADMIN_SERVICE_H_
