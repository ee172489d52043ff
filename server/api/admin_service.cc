#include "server/api/admin_service.h"

#include <optional>
#include <string_view>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "server/api/convert.h"
#include "server/domain/refdata.h"
#include "server/domain/validation.h"

namespace loket::api {
namespace {
v1::Clinic ClinicProto(const domain::ClinicInfo& c);
}  // namespace

grpc::Status AdminServiceImpl::DoCreatePrincipal(grpc::ServerContextBase* ctx,
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

grpc::Status AdminServiceImpl::DoListPrincipals(grpc::ServerContextBase* ctx,
                                                const v1::ListPrincipalsRequest* req,
                                                v1::ListPrincipalsResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "AdminService.ListPrincipals");
  auto list = principals_.ListPrincipals(p.office_id);
  if (!list.ok()) return ToGrpcStatus(list.status());
  for (const auto& r : *list) *resp->add_principals() = ToProto(r);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::DoCreateToken(grpc::ServerContextBase* ctx,
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

grpc::Status AdminServiceImpl::DoRevokeToken(grpc::ServerContextBase* ctx,
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

grpc::Status AdminServiceImpl::DoSetPrincipalDisabled(grpc::ServerContextBase* ctx,
                                                      const v1::SetPrincipalDisabledRequest* req,
                                                      v1::Principal* resp) {
  LOKET_AUTHORIZE(p, ctx, "AdminService.SetPrincipalDisabled");
  auto bytes = principals_.SetDisabled(
      {req->request_id(), "AdminService.SetPrincipalDisabled", p, TerminalOf(*ctx)},
      req->principal_id(), req->disabled(),
      [](const store::PrincipalRecord& r) { return ToProto(r).SerializeAsString(); });
  if (!bytes.ok()) return ToGrpcStatus(bytes.status());
  // Its tokens were revoked: a lookup cached here must not let them in for another few seconds.
  auth_.ForgetTokens();
  if (!resp->ParseFromString(*bytes)) return grpc::Status(grpc::INTERNAL, "bad stored response");
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::DoListTokens(grpc::ServerContextBase* ctx,
                                            const v1::ListTokensRequest* req,
                                            v1::ListTokensResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "AdminService.ListTokens");
  if (req->principal_id() <= 0) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "principal_id: required");
  }
  auto tokens = principals_.ListLiveTokens(p.office_id, req->principal_id());
  if (!tokens.ok()) return ToGrpcStatus(tokens.status());
  for (const auto& t : *tokens) {
    v1::TokenInfo& out = *resp->add_tokens();
    out.set_id(t.id);
    out.set_principal_id(t.principal_id);
    out.set_kind(t.kind);
    out.set_created_at(FormatUtc(t.created_at));
    if (t.last_used_at) out.set_last_used_at(FormatUtc(*t.last_used_at));
    if (t.expires_at) out.set_expires_at(FormatUtc(*t.expires_at));
  }
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::DoWhoAmI(grpc::ServerContextBase* ctx, const v1::WhoAmIRequest* req,
                                        v1::Principal* resp) {
  LOKET_AUTHORIZE(p, ctx, "AdminService.WhoAmI");
  auto rec = principals_.GetPrincipal(p.office_id, p.id);
  if (!rec.ok()) return ToGrpcStatus(rec.status());
  *resp = ToProto(*rec);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::DoListClinics(grpc::ServerContextBase* ctx,
                                             const v1::ListClinicsRequest* req,
                                             v1::ListClinicsResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "AdminService.ListClinics");
  auto clinics = catalog_.ListClinicDetails(p.office_id);
  if (!clinics.ok()) return ToGrpcStatus(clinics.status());
  for (const auto& c : *clinics) *resp->add_clinics() = ClinicProto(c);
  return grpc::Status::OK;
}

// ---- Issue 13: reference data ----------------------------------------------------------------

namespace {

v1::Holiday HolidayProto(const store::Holiday& h) {
  v1::Holiday out;
  out.set_date(absl::FormatCivilTime(h.day));
  out.set_name(h.name);
  return out;
}

// Latitude and longitude 0 and 0 (proto3's unset) mean "no location".
void LocationFromProto(double lat, double lng, std::optional<double>& out_lat,
                       std::optional<double>& out_lng) {
  if (lat == 0 && lng == 0) return;
  out_lat = lat;
  out_lng = lng;
}

v1::Clinic ClinicProto(const domain::ClinicInfo& c) {
  v1::Clinic out;
  out.set_id(c.id);
  out.set_name(c.name);
  out.set_kind(c.kind);
  out.set_address(c.address);
  out.set_latitude(c.latitude.value_or(0));
  out.set_longitude(c.longitude.value_or(0));
  out.set_opens(domain::FormatClockMinutes(c.opens));
  out.set_closes(domain::FormatClockMinutes(c.closes));
  out.set_phone(c.phone);
  out.set_etag(c.etag);
  return out;
}

v1::Counter CounterProto(const domain::CounterInfo& c) {
  v1::Counter out;
  out.set_id(c.id);
  out.set_name(c.name);
  for (const auto& s : c.services) out.add_services(s);
  out.set_seated(c.seated);
  out.set_open(c.open);
  out.set_etag(c.etag);
  return out;
}

v1::Office OfficeProto(const domain::OfficeInfo& o) {
  v1::Office out;
  out.set_id(o.id);
  out.set_name(o.name);
  out.set_address(o.address);
  out.set_latitude(o.latitude.value_or(0));
  out.set_longitude(o.longitude.value_or(0));
  out.set_utc_offset_minutes(o.utc_offset_minutes);
  out.set_etag(o.etag);
  return out;
}

template <typename Proto>
grpc::Status Decode(const absl::StatusOr<std::string>& bytes, Proto* resp) {
  if (!bytes.ok()) return ToGrpcStatus(bytes.status());
  if (!resp->ParseFromString(*bytes)) return grpc::Status(grpc::INTERNAL, "bad stored response");
  return grpc::Status::OK;
}

}  // namespace

grpc::Status AdminServiceImpl::DoAddHoliday(grpc::ServerContextBase* ctx,
                                            const v1::AddHolidayRequest* req, v1::Holiday* resp) {
  LOKET_AUTHORIZE(p, ctx, "AdminService.AddHoliday");
  absl::StatusOr<absl::CivilDay> day = domain::ParseRefDate(req->date(), "date");
  if (!day.ok()) return ToGrpcStatus(day.status());
  store::Holiday h{*day, req->name()};
  if (absl::Status s = domain::ValidateHolidayName(h.name, "name"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  return Decode(catalog_.AddHoliday(
                    {req->request_id(), "AdminService.AddHoliday", p, TerminalOf(*ctx)}, h,
                    [](const store::Holiday& x) { return HolidayProto(x).SerializeAsString(); }),
                resp);
}

grpc::Status AdminServiceImpl::DoRemoveHoliday(grpc::ServerContextBase* ctx,
                                               const v1::RemoveHolidayRequest* req,
                                               v1::RemoveHolidayResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "AdminService.RemoveHoliday");
  absl::StatusOr<absl::CivilDay> day = domain::ParseRefDate(req->date(), "date");
  if (!day.ok()) return ToGrpcStatus(day.status());
  return Decode(catalog_.RemoveHoliday(
                    {req->request_id(), "AdminService.RemoveHoliday", p, TerminalOf(*ctx)}, *day,
                    [](const store::Holiday& x) {
                      v1::RemoveHolidayResponse r;
                      *r.mutable_removed() = HolidayProto(x);
                      return r.SerializeAsString();
                    }),
                resp);
}

grpc::Status AdminServiceImpl::DoImportHolidays(grpc::ServerContextBase* ctx,
                                                const v1::ImportHolidaysRequest* req,
                                                v1::ImportHolidaysResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "AdminService.ImportHolidays");
  absl::StatusOr<std::vector<store::Holiday>> rows =
      domain::ParseHolidayCsv(req->csv(), req->year());
  if (!rows.ok()) return ToGrpcStatus(rows.status());
  if (rows->empty() && req->replace()) {
    // A header-only file would silently empty the whole year.
    return ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
        "csv: no holidays in the file; with replace it would remove all of ", req->year(), "'s")));
  }
  return Decode(catalog_.ImportHolidays(
                    {req->request_id(), "AdminService.ImportHolidays", p, TerminalOf(*ctx)},
                    req->year(), *rows, req->replace(),
                    [](const store::HolidayImport& x) {
                      v1::ImportHolidaysResponse r;
                      r.set_added(x.added);
                      r.set_updated(x.updated);
                      r.set_removed(x.removed);
                      for (const auto& h : x.holidays) *r.add_holidays() = HolidayProto(h);
                      return r.SerializeAsString();
                    }),
                resp);
}

grpc::Status AdminServiceImpl::DoSetPermitType(grpc::ServerContextBase* ctx,
                                               const v1::SetPermitTypeRequest* req,
                                               v1::PermitType* resp) {
  LOKET_AUTHORIZE(p, ctx, "AdminService.SetPermitType");
  const v1::PermitType& in = req->permit_type();
  domain::PermitType t;
  t.code = in.code();
  t.name = in.name();
  t.fee_idr = in.fee_idr();
  t.service_level_days = in.service_level_days();
  t.health_worker = in.health_worker();
  // proto3's 0 is "not given": the default validity (5 years, the longest an SIP may run).
  t.validity_months = in.validity_months() == 0 ? 60 : in.validity_months();
  t.number_code = in.number_code();
  for (const v1::RequiredDocument& d : in.required_documents()) {
    t.required_documents.push_back({d.code(), d.name(), d.mandatory()});
  }
  if (absl::Status s = domain::ValidatePermitType(t); !s.ok()) return ToGrpcStatus(s);
  return Decode(
      catalog_.SetPermitType({req->request_id(), "AdminService.SetPermitType", p, TerminalOf(*ctx)},
                             t, in.etag(),
                             [](const domain::PermitType& x, const std::string& etag) {
                               v1::PermitType out = ToProto(x);
                               out.set_etag(etag);
                               return out.SerializeAsString();
                             }),
      resp);
}

grpc::Status AdminServiceImpl::DoSetClinic(grpc::ServerContextBase* ctx,
                                           const v1::SetClinicRequest* req, v1::Clinic* resp) {
  LOKET_AUTHORIZE(p, ctx, "AdminService.SetClinic");
  const v1::Clinic& in = req->clinic();
  domain::ClinicInfo c;
  c.id = in.id();
  c.name = in.name();
  c.kind = in.kind();
  c.address = in.address();
  LocationFromProto(in.latitude(), in.longitude(), c.latitude, c.longitude);
  if (!in.opens().empty()) {
    absl::StatusOr<int> m = domain::ParseClockMinutes(in.opens(), "clinic.opens");
    if (!m.ok()) return ToGrpcStatus(m.status());
    c.opens = *m;
  }
  if (!in.closes().empty()) {
    absl::StatusOr<int> m = domain::ParseClockMinutes(in.closes(), "clinic.closes");
    if (!m.ok()) return ToGrpcStatus(m.status());
    c.closes = *m;
  }
  c.phone = in.phone();
  c.etag = in.etag();
  if (absl::Status s = domain::ValidateClinic(c); !s.ok()) return ToGrpcStatus(s);
  return Decode(catalog_.SetClinic(
                    {req->request_id(), "AdminService.SetClinic", p, TerminalOf(*ctx)}, c,
                    [](const domain::ClinicInfo& x) { return ClinicProto(x).SerializeAsString(); }),
                resp);
}

grpc::Status AdminServiceImpl::DoSetCounter(grpc::ServerContextBase* ctx,
                                            const v1::SetCounterRequest* req, v1::Counter* resp) {
  LOKET_AUTHORIZE(p, ctx, "AdminService.SetCounter");
  const v1::Counter& in = req->counter();
  domain::CounterInfo c;
  c.id = in.id();
  c.name = in.name();
  c.services.assign(in.services().begin(), in.services().end());
  c.seated = in.seated();
  c.etag = in.etag();
  if (absl::Status s = domain::ValidateCounter(c); !s.ok()) return ToGrpcStatus(s);
  return Decode(
      catalog_.SetCounter(
          {req->request_id(), "AdminService.SetCounter", p, TerminalOf(*ctx)}, c,
          [](const domain::CounterInfo& x) { return CounterProto(x).SerializeAsString(); }),
      resp);
}

grpc::Status AdminServiceImpl::DoListCounters(grpc::ServerContextBase* ctx,
                                              const v1::ListCountersRequest* req,
                                              v1::ListCountersResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "AdminService.ListCounters");
  auto list = catalog_.ListCounters(p.office_id);
  if (!list.ok()) return ToGrpcStatus(list.status());
  for (const auto& c : *list) *resp->add_counters() = CounterProto(c);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::DoGetOffice(grpc::ServerContextBase* ctx,
                                           const v1::GetOfficeRequest* req, v1::Office* resp) {
  LOKET_AUTHORIZE(p, ctx, "AdminService.GetOffice");
  auto o = catalog_.GetOffice(p.office_id);
  if (!o.ok()) return ToGrpcStatus(o.status());
  *resp = OfficeProto(*o);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::DoUpdateOffice(grpc::ServerContextBase* ctx,
                                              const v1::UpdateOfficeRequest* req,
                                              v1::Office* resp) {
  LOKET_AUTHORIZE(p, ctx, "AdminService.UpdateOffice");
  const v1::Office& in = req->office();
  if (!in.id().empty() && in.id() != p.office_id) {
    return grpc::Status(grpc::PERMISSION_DENIED,
                        "office.id: an administrator changes only their own office");
  }
  domain::OfficeInfo o;
  o.id = p.office_id;
  o.name = in.name();
  o.address = in.address();
  LocationFromProto(in.latitude(), in.longitude(), o.latitude, o.longitude);
  o.utc_offset_minutes = in.utc_offset_minutes();
  o.etag = in.etag();
  if (absl::Status s = domain::ValidateOffice(o); !s.ok()) return ToGrpcStatus(s);
  return Decode(catalog_.UpdateOffice(
                    {req->request_id(), "AdminService.UpdateOffice", p, TerminalOf(*ctx)}, o,
                    [](const domain::OfficeInfo& x) { return OfficeProto(x).SerializeAsString(); }),
                resp);
}

grpc::Status AdminServiceImpl::DoListAdminAudit(grpc::ServerContextBase* ctx,
                                                const v1::ListAdminAuditRequest* req,
                                                v1::ListAdminAuditResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "AdminService.ListAdminAudit");
  if (req->page_size() < 0 || req->page_size() > 500) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "page_size: 0 (50) to 500");
  }
  if (req->before_id() < 0) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "before_id: must not be negative");
  }
  auto list = catalog_.ListAudit(p.office_id, req->page_size() == 0 ? 50 : req->page_size(),
                                 req->before_id());
  if (!list.ok()) return ToGrpcStatus(list.status());
  for (const auto& a : *list) {
    v1::AdminAuditEntry* e = resp->add_entries();
    e->set_id(a.id);
    e->set_at(absl::FormatTime(absl::RFC3339_sec, a.at, absl::UTCTimeZone()));
    e->set_actor_id(a.actor_id);
    e->set_actor_name(a.actor_name);
    e->set_terminal(a.terminal);
    e->set_action(a.action);
    e->set_entity(a.entity);
    e->set_before_json(a.before_json);
    e->set_after_json(a.after_json);
  }
  return grpc::Status::OK;
}

}  // namespace loket::api
