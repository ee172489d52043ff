// loket.v1.AdminService: principals, tokens, and the office's reference data (holidays, permit
// types, clinics, counters, the office). Thread-safe (stateless).
#ifndef LOKET_SERVER_API_ADMIN_SERVICE_H_
#define LOKET_SERVER_API_ADMIN_SERVICE_H_

#include "loket/v1/admin.grpc.pb.h"
#include "server/api/auth.h"
#include "server/api/unary_pool.h"
#include "server/store/auth_repository.h"
#include "server/store/catalog_repository.h"

namespace loket::api {

class AdminServiceImpl final : public v1::AdminService::CallbackService, public PooledUnaryCalls {
 public:
  AdminServiceImpl(store::AuthRepository& principals, store::CatalogRepository& catalog,
                   const Authorizer& auth)
      : principals_(principals), catalog_(catalog), auth_(auth) {}

  LOKET_POOLED_UNARY(CreatePrincipal, v1::CreatePrincipalRequest, v1::Principal);
  LOKET_POOLED_UNARY(ListPrincipals, v1::ListPrincipalsRequest, v1::ListPrincipalsResponse);
  LOKET_POOLED_UNARY(CreateToken, v1::CreateTokenRequest, v1::CreateTokenResponse);
  LOKET_POOLED_UNARY(RevokeToken, v1::RevokeTokenRequest, v1::RevokeTokenResponse);
  LOKET_POOLED_UNARY(SetPrincipalDisabled, v1::SetPrincipalDisabledRequest, v1::Principal);
  LOKET_POOLED_UNARY(ListTokens, v1::ListTokensRequest, v1::ListTokensResponse);
  LOKET_POOLED_UNARY(WhoAmI, v1::WhoAmIRequest, v1::Principal);
  LOKET_POOLED_UNARY(ListClinics, v1::ListClinicsRequest, v1::ListClinicsResponse);
  // Issue 13: the reference data the admin keeps (store/catalog_repository.h).
  LOKET_POOLED_UNARY(AddHoliday, v1::AddHolidayRequest, v1::Holiday);
  LOKET_POOLED_UNARY(RemoveHoliday, v1::RemoveHolidayRequest, v1::RemoveHolidayResponse);
  LOKET_POOLED_UNARY(ImportHolidays, v1::ImportHolidaysRequest, v1::ImportHolidaysResponse);
  LOKET_POOLED_UNARY(SetPermitType, v1::SetPermitTypeRequest, v1::PermitType);
  LOKET_POOLED_UNARY(SetClinic, v1::SetClinicRequest, v1::Clinic);
  LOKET_POOLED_UNARY(SetCounter, v1::SetCounterRequest, v1::Counter);
  LOKET_POOLED_UNARY(ListCounters, v1::ListCountersRequest, v1::ListCountersResponse);
  LOKET_POOLED_UNARY(GetOffice, v1::GetOfficeRequest, v1::Office);
  LOKET_POOLED_UNARY(UpdateOffice, v1::UpdateOfficeRequest, v1::Office);
  LOKET_POOLED_UNARY(ListAdminAudit, v1::ListAdminAuditRequest, v1::ListAdminAuditResponse);

 private:
  store::AuthRepository& principals_;
  store::CatalogRepository& catalog_;
  const Authorizer& auth_;
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_ADMIN_SERVICE_H_
