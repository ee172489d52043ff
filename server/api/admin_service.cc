#include "server/api/admin_service.h"

#include <string_view>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "server/api/convert.h"
#include "server/domain/validation.h"

namespace loket::api {

grpc::Status AdminServiceImpl::CreatePrincipal(grpc::ServerContext* ctx,
                                               const v1::CreatePrincipalRequest* req,
                                               v1::Principal* resp) {
  LOKET_AUTHORIZE(p, ctx, "AdminService.CreatePrincipal");
  // The name is shown in audit lines and sign-in pages: one line, no control characters.
  for (const auto& [value, field, max] :
       {std::tuple(&req->name(), "name", 100), std::tuple(&req->clinic_id(), "clinic_id", 64),
        std::tuple(&req->courier_id(), "courier_id", 64)}) {
    absl::Status line = domain::ValidateLine(*value, field, max, field == std::string_view("name"));
    if (!line.ok()) return ToGrpcStatus(line);
  }
  absl::StatusOr<domain::Role> role = RoleFromProto(req->role());
  if (!role.ok()) return ToGrpcStatus(role.status());
  auto bytes = principals_.CreatePrincipal(
      {req->request_id(), "AdminService.CreatePrincipal", p, TerminalOf(*ctx)}, req->name(), *role,
      req->clinic_id(), req->courier_id(),
      [](const store::PrincipalRecord& r) { return ToProto(r).SerializeAsString(); });
  if (!bytes.ok()) return ToGrpcStatus(bytes.status());
  if (!resp->ParseFromString(*bytes)) return grpc::Status(grpc::INTERNAL, "bad stored response");
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::ListPrincipals(grpc::ServerContext* ctx,
                                              const v1::ListPrincipalsRequest* req,
                                              v1::ListPrincipalsResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "AdminService.ListPrincipals");
  auto list = principals_.ListPrincipals(p.office_id);
  if (!list.ok()) return ToGrpcStatus(list.status());
  for (const auto& r : *list) *resp->add_principals() = ToProto(r);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::CreateToken(grpc::ServerContext* ctx,
                                           const v1::CreateTokenRequest* req,
                                           v1::CreateTokenResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "AdminService.CreateToken");
  if (req->principal_id() <= 0) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "principal_id: required");
  }
  auto issued =
      principals_.CreateToken({req->request_id(), "AdminService.CreateToken", p, TerminalOf(*ctx)},
                              req->principal_id(), [](const store::IssuedToken& t) {
                                v1::CreateTokenResponse r;
                                r.set_token_id(t.token_id);
                                *r.mutable_principal() = ToProto(t.principal);
                                return r.SerializeAsString();
                              });
  if (!issued.ok()) return ToGrpcStatus(issued.status());
  if (issued->token.empty()) {
    // A retry of a call that already succeeded: the secret was shown once and is not kept.
    v1::CreateTokenResponse first;
    first.ParseFromString(issued->response);
    return grpc::Status(grpc::ALREADY_EXISTS,
                        absl::StrCat("request_id: token ", first.token_id(),
                                     " was already created by this request and is shown only "
                                     "once; revoke it and create a new one"));
  }
  resp->set_token(issued->token);
  resp->set_token_id(issued->token_id);
  *resp->mutable_principal() = ToProto(issued->principal);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::RevokeToken(grpc::ServerContext* ctx,
                                           const v1::RevokeTokenRequest* req,
                                           v1::RevokeTokenResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "AdminService.RevokeToken");
  if (req->token_id() <= 0) return grpc::Status(grpc::INVALID_ARGUMENT, "token_id: required");
  auto r = principals_.RevokeToken(
      {req->request_id(), "AdminService.RevokeToken", p, TerminalOf(*ctx)}, req->token_id());
  if (!r.ok()) return ToGrpcStatus(r.status());
  auth_.ForgetTokens();
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::WhoAmI(grpc::ServerContext* ctx, const v1::WhoAmIRequest* req,
                                      v1::Principal* resp) {
  LOKET_AUTHORIZE(p, ctx, "AdminService.WhoAmI");
  auto rec = principals_.GetPrincipal(p.office_id, p.id);
  if (!rec.ok()) return ToGrpcStatus(rec.status());
  *resp = ToProto(*rec);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::ListClinics(grpc::ServerContext* ctx,
                                           const v1::ListClinicsRequest* req,
                                           v1::ListClinicsResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "AdminService.ListClinics");
  auto clinics = catalog_.ListClinics(p.office_id);
  if (!clinics.ok()) return ToGrpcStatus(clinics.status());
  for (const auto& c : *clinics) {
    v1::Clinic* out = resp->add_clinics();
    out->set_id(c.id);
    out->set_name(c.name);
    out->set_kind(c.kind);
    out->set_address(c.address);
    out->set_latitude(c.latitude);
    out->set_longitude(c.longitude);
  }
  return grpc::Status::OK;
}

}  // namespace loket::api
