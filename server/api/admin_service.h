// loket.v1.AdminService: principals, tokens, and the office's reference data (holidays, permit
// types, clinics, counters, the office). Thread-safe (stateless).
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
  // Issue 13: the reference data the admin keeps (store/catalog_repository.h).
  grpc::Status AddHoliday(grpc::ServerContext* ctx, const v1::AddHolidayRequest* req,
                          v1::Holiday* resp) override;
  grpc::Status RemoveHoliday(grpc::ServerContext* ctx, const v1::RemoveHolidayRequest* req,
                             v1::RemoveHolidayResponse* resp) override;
  grpc::Status ImportHolidays(grpc::ServerContext* ctx, const v1::ImportHolidaysRequest* req,
                              v1::ImportHolidaysResponse* resp) override;
  grpc::Status SetPermitType(grpc::ServerContext* ctx, const v1::SetPermitTypeRequest* req,
                             v1::PermitType* resp) override;
  grpc::Status SetClinic(grpc::ServerContext* ctx, const v1::SetClinicRequest* req,
                         v1::Clinic* resp) override;
  grpc::Status SetCounter(grpc::ServerContext* ctx, const v1::SetCounterRequest* req,
                          v1::Counter* resp) override;
  grpc::Status ListCounters(grpc::ServerContext* ctx, const v1::ListCountersRequest* req,
                            v1::ListCountersResponse* resp) override;
  grpc::Status GetOffice(grpc::ServerContext* ctx, const v1::GetOfficeRequest* req,
                         v1::Office* resp) override;
  grpc::Status UpdateOffice(grpc::ServerContext* ctx, const v1::UpdateOfficeRequest* req,
                            v1::Office* resp) override;
  grpc::Status ListAdminAudit(grpc::ServerContext* ctx, const v1::ListAdminAuditRequest* req,
                              v1::ListAdminAuditResponse* resp) override;

 private:
  store::AuthRepository& principals_;
  store::CatalogRepository& catalog_;
  const Authorizer& auth_;
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_ADMIN_SERVICE_H_
