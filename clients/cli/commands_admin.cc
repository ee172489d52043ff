// Commands about the server and the office rather than one case: health, who am I, the catalog and
// calendar, and the admin's principals, tokens and partner clinics.
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/cli/command.h"
#include "clients/cli/enum_names.h"
#include "clients/cli/output.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "loket/v1/admin.grpc.pb.h"
#include "loket/v1/catalog.grpc.pb.h"
#include "loket/v1/session.grpc.pb.h"

namespace loket::cli {
namespace {

using HealthResponse = grpc::health::v1::HealthCheckResponse;

std::unique_ptr<v1::AdminService::Stub> AdminStub(const Invocation& in) {
  return v1::AdminService::NewStub(in.session().channel());
}

std::unique_ptr<v1::CatalogService::Stub> CatalogStub(const Invocation& in) {
  return v1::CatalogService::NewStub(in.session().channel());
}

int Health(const Invocation& in) {
  auto stub = grpc::health::v1::Health::NewStub(in.session().channel());
  grpc::health::v1::HealthCheckRequest req;  // service "": the server as a whole
  HealthResponse reply;
  grpc::Status status =
      in.session().Call([&](grpc::ClientContext& ctx) { return stub->Check(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  in.Reply(reply, HealthResponse::ServingStatus_Name(reply.status()) + "\n");
  return reply.status() == HealthResponse::SERVING ? kExitOk : kExitFailed;
}

int WhoAmI(const Invocation& in) {
  auto stub = AdminStub(in);
  v1::WhoAmIRequest req;
  v1::Principal reply;
  grpc::Status status =
      in.session().Call([&](grpc::ClientContext& ctx) { return stub->WhoAmI(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, FormatPrincipal(reply));
}

int Catalog(const Invocation& in) {
  auto stub = CatalogStub(in);
  v1::ListPermitTypesRequest req;
  v1::ListPermitTypesResponse reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->ListPermitTypes(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, FormatPermitTypes(reply));
}

int Holidays(const Invocation& in) {
  v1::ListHolidaysRequest req;
  if (in.args().Has("year")) {
    int year = 0;
    if (!absl::SimpleAtoi(in.args().Get("year"), &year) || year < 1900 || year > 9999) {
      return in.UsageError("--year must be a year, e.g. 2026");
    }
    req.set_year(year);
  }
  auto stub = CatalogStub(in);
  v1::ListHolidaysResponse reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->ListHolidays(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, FormatHolidays(reply));
}

int CreatePrincipal(const Invocation& in) {
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  v1::CreatePrincipalRequest req;
  req.set_request_id(*request_id);
  req.set_name(in.args().Get("name"));
  v1::Role role;
  if (absl::Status s = Parse("role", in.args().Get("role"), &role); !s.ok()) {
    return in.UsageError(s.message());
  }
  req.set_role(role);
  req.set_clinic_id(in.args().Get("clinic"));
  req.set_courier_id(in.args().Get("courier"));
  if (role == v1::ROLE_COURIER && req.courier_id().empty()) {
    // The server wants a courier label; an operator expects the name to do: "Joko Susilo" ->
    // "joko-susilo". The vehicle and shift come with `admin courier add`.
    std::string label;
    for (char ch : req.name()) {
      if (absl::ascii_isalnum(static_cast<unsigned char>(ch))) {
        label += absl::ascii_tolower(static_cast<unsigned char>(ch));
      } else if (!label.empty() && label.back() != '-') {
        label += '-';
      }
    }
    while (!label.empty() && label.back() == '-') label.pop_back();
    req.set_courier_id(label.empty() ? "courier" : label.substr(0, 64));
  }
  auto stub = AdminStub(in);
  v1::Principal reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->CreatePrincipal(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, FormatPrincipal(reply));
}

int ListPrincipals(const Invocation& in) {
  auto stub = AdminStub(in);
  v1::ListPrincipalsRequest req;
  v1::ListPrincipalsResponse reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->ListPrincipals(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  std::string human;
  for (const v1::Principal& p : reply.principals()) human += FormatPrincipal(p);
  return in.Reply(reply, human);
}

int CreateToken(const Invocation& in) {
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  absl::StatusOr<int64_t> principal = ParsePositive("--principal", in.args().Get("principal"));
  if (!principal.ok()) return in.UsageError(principal.status().message());
  v1::CreateTokenRequest req;
  req.set_request_id(*request_id);
  req.set_principal_id(*principal);
  auto stub = AdminStub(in);
  v1::CreateTokenResponse reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->CreateToken(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  // The token alone on the first line, so that `loket admin token create ... | head -n1` is it.
  return in.Reply(reply,
                  absl::StrCat(reply.token(), "\n", "Token ", reply.token_id(), " for ",
                               reply.principal().name(), " (", Name(reply.principal().role()),
                               "). It is shown only this once: the server keeps only its "
                               "SHA-256.\n"));
}

int RevokeToken(const Invocation& in) {
  absl::StatusOr<int64_t> id = in.IdArg(0);
  if (!id.ok()) return in.UsageError(id.status().message());
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  v1::RevokeTokenRequest req;
  req.set_request_id(*request_id);
  req.set_token_id(*id);
  auto stub = AdminStub(in);
  v1::RevokeTokenResponse reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->RevokeToken(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, absl::StrCat("Token ", *id, " revoked.\n"));
}

// `admin principal disable|enable ID`: disabling also revokes every token and session it has.
int SetPrincipalDisabled(const Invocation& in, bool disabled) {
  absl::StatusOr<int64_t> id = in.IdArg(0);
  if (!id.ok()) return in.UsageError(id.status().message());
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  v1::SetPrincipalDisabledRequest req;
  req.set_request_id(*request_id);
  req.set_principal_id(*id);
  req.set_disabled(disabled);
  auto stub = AdminStub(in);
  v1::Principal reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->SetPrincipalDisabled(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, FormatPrincipal(reply));
}
int DisablePrincipal(const Invocation& in) { return SetPrincipalDisabled(in, true); }
int EnablePrincipal(const Invocation& in) { return SetPrincipalDisabled(in, false); }

int ListTokens(const Invocation& in) {
  absl::StatusOr<int64_t> principal = ParsePositive("--principal", in.args().Get("principal"));
  if (!principal.ok()) return in.UsageError(principal.status().message());
  v1::ListTokensRequest req;
  req.set_principal_id(*principal);
  auto stub = AdminStub(in);
  v1::ListTokensResponse reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->ListTokens(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  std::string human;
  for (const v1::TokenInfo& t : reply.tokens()) {
    absl::StrAppend(&human, "Token ", t.id(), "  ", t.kind() == "session" ? "sign-in" : "api",
                    "  created ", OfficeTime(t.created_at()));
    if (!t.last_used_at().empty())
      absl::StrAppend(&human, "  last used ", OfficeTime(t.last_used_at()));
    if (!t.expires_at().empty()) absl::StrAppend(&human, "  ends ", OfficeTime(t.expires_at()));
    human += "\n";
  }
  if (human.empty()) human = "No live token or sign-in.\n";
  return in.Reply(reply, human);
}

// The password comes from a file or standard input, never from the command line (which other
// users of the machine can read in the process list). One trailing newline is dropped.
absl::StatusOr<std::string> ReadPassword(const std::string& path) {
  std::stringstream ss;
  if (path == "-") {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::InvalidArgumentError(absl::StrCat("--password-file: cannot read ", path));
    ss << in.rdbuf();
  }
  std::string password = ss.str();
  if (!password.empty() && password.back() == '\n') password.pop_back();
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

int SetPassword(const Invocation& in) {
  absl::StatusOr<int64_t> id = in.IdArg(0);
  if (!id.ok()) return in.UsageError(id.status().message());
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  if (!in.args().Has("username")) return in.UsageError("--username is required");
  if (!in.args().Has("password-file")) {
    return in.UsageError("--password-file FILE is required ('-' reads standard input)");
  }
  absl::StatusOr<std::string> password = ReadPassword(in.args().Get("password-file"));
  if (!password.ok()) return in.UsageError(password.status().message());
  v1::SetPasswordRequest req;
  req.set_request_id(*request_id);
  req.set_principal_id(*id);
  req.set_username(in.args().Get("username"));
  req.set_password(*password);
  auto stub = v1::SessionService::NewStub(in.session().channel());
  v1::SetPasswordResponse reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->SetPassword(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(
      reply, absl::StrCat("Principal ", reply.principal().id(), " signs in as ",
                          reply.principal().username(), "; its earlier sessions have ended.\n"));
}

int Clinics(const Invocation& in) {
  auto stub = AdminStub(in);
  v1::ListClinicsRequest req;
  v1::ListClinicsResponse reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->ListClinics(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, FormatClinics(reply));
}

// ---- Issue 13: the reference data the admin keeps --------------------------------------------
// An edit starts from what the server has (read first) and changes only the flags given, so
// `loket admin clinic set pkm-a --hours 07:30-14:00` keeps the clinic's name and place.

template <typename Req, typename Resp, typename Fn>
int Mutate(const Invocation& in, Req& req, Fn call,
           const std::function<std::string(const Resp&)>& human) {
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  req.set_request_id(*request_id);
  auto stub = AdminStub(in);
  Resp reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return ((*stub).*call)(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, human(reply));
}

int AddHoliday(const Invocation& in) {
  v1::AddHolidayRequest req;
  req.set_date(in.args().Get("date"));
  req.set_name(in.args().Get("name"));
  return Mutate<v1::AddHolidayRequest, v1::Holiday>(
      in, req, &v1::AdminService::Stub::AddHoliday, [](const v1::Holiday& h) {
        return absl::StrCat("Holiday ", h.date(), " ", h.name(), " saved.\n");
      });
}

int RemoveHoliday(const Invocation& in) {
  v1::RemoveHolidayRequest req;
  req.set_date(in.args().Get("date"));
  return Mutate<v1::RemoveHolidayRequest, v1::RemoveHolidayResponse>(
      in, req, &v1::AdminService::Stub::RemoveHoliday, [](const v1::RemoveHolidayResponse& r) {
        return absl::StrCat("Holiday ", r.removed().date(), " ", r.removed().name(), " removed.\n");
      });
}

int ImportHolidays(const Invocation& in) {
  v1::ImportHolidaysRequest req;
  int year = 0;
  if (!absl::SimpleAtoi(in.args().Get("year"), &year)) {
    return in.UsageError("--year must be a year, e.g. 2027");
  }
  req.set_year(year);
  std::ifstream file(in.args().Get("file"), std::ios::binary);
  if (!file) return in.UsageError(absl::StrCat("--file: cannot read ", in.args().Get("file")));
  std::stringstream ss;
  ss << file.rdbuf();
  req.set_csv(ss.str());
  req.set_replace(in.args().Has("replace"));
  return Mutate<v1::ImportHolidaysRequest, v1::ImportHolidaysResponse>(
      in, req, &v1::AdminService::Stub::ImportHolidays,
      [year](const v1::ImportHolidaysResponse& r) {
        std::string out =
            absl::StrCat(year, ": ", r.added(), " added, ", r.updated(), " already there, ",
                         r.removed(), " removed; ", r.holidays_size(), " holidays now:\n");
        for (const v1::Holiday& h : r.holidays())
          absl::StrAppend(&out, h.date(), "  ", h.name(), "\n");
        return out;
      });
}

// "KTP*=KTP; STR*=Surat Tanda Registrasi; PAS_FOTO=Pas foto 4x6": '*' marks a mandatory document.
absl::Status ParseDocuments(const std::string& spec, v1::PermitType& t) {
  t.clear_required_documents();
  for (absl::string_view item : absl::StrSplit(spec, ';', absl::SkipWhitespace())) {
    std::vector<std::string> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
    if (kv.size() != 2) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--documents: \"", item, "\" is not CODE=Name (CODE* for a mandatory document)"));
    }
    std::string code(absl::StripAsciiWhitespace(kv[0]));
    v1::RequiredDocument* d = t.add_required_documents();
    d->set_mandatory(!code.empty() && code.back() == '*');
    if (d->mandatory()) code.pop_back();
    d->set_code(code);
    d->set_name(std::string(absl::StripAsciiWhitespace(kv[1])));
  }
  return absl::OkStatus();
}

absl::Status SetInt(const Invocation& in, const char* flag,
                    const std::function<void(int64_t)>& set) {
  if (!in.args().Has(flag)) return absl::OkStatus();
  int64_t v = 0;
  if (!absl::SimpleAtoi(in.args().Get(flag), &v)) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, " must be a whole number"));
  }
  set(v);
  return absl::OkStatus();
}

absl::StatusOr<bool> YesNo(const Invocation& in, const char* flag) {
  std::string v = absl::AsciiStrToLower(in.args().Get(flag));
  if (v == "yes" || v == "ya" || v == "true") return true;
  if (v == "no" || v == "tidak" || v == "false") return false;
  return absl::InvalidArgumentError(absl::StrCat("--", flag, " must be yes or no"));
}

int SetPermitType(const Invocation& in) {
  v1::SetPermitTypeRequest req;
  v1::PermitType* t = req.mutable_permit_type();
  {  // the type as it is, when it exists
    auto stub = CatalogStub(in);
    v1::ListPermitTypesResponse list;
    grpc::Status status = in.session().Call([&](grpc::ClientContext& ctx) {
      return stub->ListPermitTypes(&ctx, v1::ListPermitTypesRequest(), &list);
    });
    if (!status.ok()) return in.ServerError(status);
    for (const v1::PermitType& p : list.permit_types()) {
      if (p.code() == in.args().Get("code")) *t = p;
    }
  }
  t->set_code(in.args().Get("code"));
  if (in.args().Has("name")) t->set_name(in.args().Get("name"));
  if (in.args().Has("number-code")) t->set_number_code(in.args().Get("number-code"));
  for (absl::Status s : {SetInt(in, "fee", [&](int64_t v) { t->set_fee_idr(v); }),
                         SetInt(in, "service-days",
                                [&](int64_t v) { t->set_service_level_days(static_cast<int>(v)); }),
                         SetInt(in, "validity-months",
                                [&](int64_t v) { t->set_validity_months(static_cast<int>(v)); })}) {
    if (!s.ok()) return in.UsageError(s.message());
  }
  if (in.args().Has("health-worker")) {
    absl::StatusOr<bool> hw = YesNo(in, "health-worker");
    if (!hw.ok()) return in.UsageError(hw.status().message());
    t->set_health_worker(*hw);
  }
  if (in.args().Has("documents")) {
    if (absl::Status s = ParseDocuments(in.args().Get("documents"), *t); !s.ok()) {
      return in.UsageError(s.message());
    }
  }
  return Mutate<v1::SetPermitTypeRequest, v1::PermitType>(
      in, req, &v1::AdminService::Stub::SetPermitType, [](const v1::PermitType& p) {
        v1::ListPermitTypesResponse one;
        *one.add_permit_types() = p;
        return absl::StrCat("Saved:\n", FormatPermitTypes(one), "valid for ", p.validity_months(),
                            " months\n");
      });
}

std::string FormatClinic(const v1::Clinic& c) {
  std::string out =
      absl::StrCat(c.id(), "  ", c.kind(), "  ", c.name(), "  ", c.opens(), "-", c.closes());
  if (!c.phone().empty()) absl::StrAppend(&out, "  ", c.phone());
  if (c.latitude() != 0 || c.longitude() != 0) {
    absl::StrAppend(&out, "  (", c.latitude(), ", ", c.longitude(), ")");
  }
  if (!c.address().empty()) absl::StrAppend(&out, "  ", c.address());
  return out + "\n";
}

absl::Status ParseLocation(const Invocation& in, const std::function<void(double, double)>& set) {
  if (!in.args().Has("lat") && !in.args().Has("lng")) return absl::OkStatus();
  double lat = 0, lng = 0;
  if (!absl::SimpleAtod(in.args().Get("lat"), &lat) ||
      !absl::SimpleAtod(in.args().Get("lng"), &lng)) {
    return absl::InvalidArgumentError("--lat and --lng: give both, as decimal degrees");
  }
  set(lat, lng);
  return absl::OkStatus();
}

int SetClinic(const Invocation& in) {
  v1::SetClinicRequest req;
  v1::Clinic* c = req.mutable_clinic();
  {
    auto stub = AdminStub(in);
    v1::ListClinicsResponse list;
    grpc::Status status = in.session().Call([&](grpc::ClientContext& ctx) {
      return stub->ListClinics(&ctx, v1::ListClinicsRequest(), &list);
    });
    if (!status.ok()) return in.ServerError(status);
    for (const v1::Clinic& x : list.clinics()) {
      if (x.id() == in.arg(0)) *c = x;
    }
  }
  c->set_id(in.arg(0));
  if (in.args().Has("name")) c->set_name(in.args().Get("name"));
  if (in.args().Has("kind")) c->set_kind(in.args().Get("kind"));
  if (in.args().Has("address")) c->set_address(in.args().Get("address"));
  if (in.args().Has("phone")) c->set_phone(in.args().Get("phone"));
  if (in.args().Has("hours")) {
    std::vector<std::string> hm = absl::StrSplit(in.args().Get("hours"), '-');
    if (hm.size() != 2) return in.UsageError("--hours must be HH:MM-HH:MM, e.g. 08:00-15:00");
    c->set_opens(hm[0]);
    c->set_closes(hm[1]);
  }
  if (absl::Status s = ParseLocation(in,
                                     [&](double lat, double lng) {
                                       c->set_latitude(lat);
                                       c->set_longitude(lng);
                                     });
      !s.ok()) {
    return in.UsageError(s.message());
  }
  return Mutate<v1::SetClinicRequest, v1::Clinic>(
      in, req, &v1::AdminService::Stub::SetClinic,
      [](const v1::Clinic& x) { return "Saved: " + FormatClinic(x); });
}

std::string FormatCounter(const v1::Counter& c) {
  return absl::StrCat(c.id(), "  ", c.name(), "  serves ",
                      c.services().empty() ? "every service" : absl::StrJoin(c.services(), ","),
                      c.seated() ? "  (seated service)" : "", c.open() ? "" : "  (closed)", "\n");
}

int SetCounter(const Invocation& in) {
  v1::SetCounterRequest req;
  v1::Counter* c = req.mutable_counter();
  {
    auto stub = AdminStub(in);
    v1::ListCountersResponse list;
    grpc::Status status = in.session().Call([&](grpc::ClientContext& ctx) {
      return stub->ListCounters(&ctx, v1::ListCountersRequest(), &list);
    });
    if (!status.ok()) return in.ServerError(status);
    for (const v1::Counter& x : list.counters()) {
      if (x.id() == in.arg(0)) *c = x;
    }
  }
  c->set_id(in.arg(0));
  if (in.args().Has("name")) c->set_name(in.args().Get("name"));
  if (in.args().Has("services")) {
    c->clear_services();
    std::string v = in.args().Get("services");
    if (v != "all") {
      for (absl::string_view code : absl::StrSplit(v, ',', absl::SkipWhitespace())) {
        c->add_services(std::string(absl::StripAsciiWhitespace(code)));
      }
    }
  }
  if (in.args().Has("seated-service")) {
    absl::StatusOr<bool> seated = YesNo(in, "seated-service");
    if (!seated.ok()) return in.UsageError(seated.status().message());
    c->set_seated(*seated);
  }
  return Mutate<v1::SetCounterRequest, v1::Counter>(
      in, req, &v1::AdminService::Stub::SetCounter,
      [](const v1::Counter& x) { return "Saved: " + FormatCounter(x); });
}

int Counters(const Invocation& in) {
  auto stub = AdminStub(in);
  v1::ListCountersResponse reply;
  grpc::Status status = in.session().Call([&](grpc::ClientContext& ctx) {
    return stub->ListCounters(&ctx, v1::ListCountersRequest(), &reply);
  });
  if (!status.ok()) return in.ServerError(status);
  std::string human;
  for (const v1::Counter& c : reply.counters()) human += FormatCounter(c);
  return in.Reply(reply, human);
}

std::string FormatOffice(const v1::Office& o) {
  std::string out =
      absl::StrCat(o.id(), "  ", o.name(), "  UTC", o.utc_offset_minutes() >= 0 ? "+" : "-",
                   std::abs(o.utc_offset_minutes()) / 60);
  if (o.utc_offset_minutes() % 60 != 0)
    absl::StrAppend(&out, ":", std::abs(o.utc_offset_minutes()) % 60);
  if (o.latitude() != 0 || o.longitude() != 0) {
    absl::StrAppend(&out, "  (", o.latitude(), ", ", o.longitude(), ")");
  }
  if (!o.address().empty()) absl::StrAppend(&out, "  ", o.address());
  return out + "\n";
}

absl::StatusOr<v1::Office> ReadOffice(const Invocation& in, grpc::Status& status) {
  auto stub = AdminStub(in);
  v1::Office reply;
  status = in.session().Call([&](grpc::ClientContext& ctx) {
    return stub->GetOffice(&ctx, v1::GetOfficeRequest(), &reply);
  });
  return reply;
}

int ShowOffice(const Invocation& in) {
  grpc::Status status;
  absl::StatusOr<v1::Office> office = ReadOffice(in, status);
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(*office, FormatOffice(*office));
}

int SetOffice(const Invocation& in) {
  grpc::Status status;
  absl::StatusOr<v1::Office> office = ReadOffice(in, status);
  if (!status.ok()) return in.ServerError(status);
  v1::UpdateOfficeRequest req;
  v1::Office* o = req.mutable_office();
  *o = *office;
  if (in.args().Has("name")) o->set_name(in.args().Get("name"));
  if (in.args().Has("address")) o->set_address(in.args().Get("address"));
  if (absl::Status s = SetInt(in, "utc-offset",
                              [&](int64_t v) { o->set_utc_offset_minutes(static_cast<int>(v)); });
      !s.ok()) {
    return in.UsageError(s.message());
  }
  if (absl::Status s = ParseLocation(in,
                                     [&](double lat, double lng) {
                                       o->set_latitude(lat);
                                       o->set_longitude(lng);
                                     });
      !s.ok()) {
    return in.UsageError(s.message());
  }
  return Mutate<v1::UpdateOfficeRequest, v1::Office>(
      in, req, &v1::AdminService::Stub::UpdateOffice,
      [](const v1::Office& x) { return "Saved: " + FormatOffice(x); });
}

int Audit(const Invocation& in) {
  v1::ListAdminAuditRequest req;
  if (absl::Status s =
          SetInt(in, "limit", [&](int64_t v) { req.set_page_size(static_cast<int>(v)); });
      !s.ok()) {
    return in.UsageError(s.message());
  }
  auto stub = AdminStub(in);
  v1::ListAdminAuditResponse reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->ListAdminAudit(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  std::string human;
  for (const v1::AdminAuditEntry& e : reply.entries()) {
    absl::StrAppend(&human, e.at(), "  ", e.actor_name(), " (", e.actor_id(), ")  ", e.action(),
                    " ", e.entity(),
                    "\n    before: ", e.before_json().empty() ? "-" : e.before_json(),
                    "\n    after:  ", e.after_json().empty() ? "-" : e.after_json(), "\n");
  }
  return in.Reply(reply, human);
}

}  // namespace

std::vector<Command> AdminCommands() {
  return {
      {"health", "", "is the server serving? (exit 0 if so)", Health},
      {"whoami", "", "the principal behind the token", WhoAmI},
      {"catalog", "", "permit types, fees, service levels and documents", Catalog},
      {"holidays", "[--year Y]", "the office's holidays", Holidays},
      {"admin principal create",
       "--name NAME --role officer|approver|counter|clinic|courier|worker|display|admin "
       "[--clinic ID] "
       "[--courier LABEL] [--request-id UUID]",
       "create a principal (--clinic for a clinic; a courier's label defaults to its name)",
       CreatePrincipal},
      {"admin principal list", "", "every principal of the office", ListPrincipals},
      {"admin principal set-password",
       "ID --username NAME --password-file FILE|- [--request-id UUID]",
       "set or reset the user name and password a person signs in with (browser pages)",
       SetPassword},
      {"admin token create", "--principal ID [--request-id UUID]",
       "create a bearer token (shown once)", CreateToken},
      {"admin principal disable", "ID [--request-id UUID]",
       "disable a principal (someone who left, a lost phone): every token and sign-in of it is "
       "revoked at once",
       DisablePrincipal},
      {"admin principal enable", "ID [--request-id UUID]",
       "enable a disabled principal again (it needs a new token or password sign-in)",
       EnablePrincipal},
      {"admin token list", "--principal ID", "the tokens and sign-ins that still let it in",
       ListTokens},
      {"admin token revoke", "ID [--request-id UUID]", "revoke a token", RevokeToken},
      {"admin clinics", "", "the partner clinics and their ids", Clinics},
      {"admin holiday add", "--date YYYY-MM-DD --name NAME [--request-id UUID]",
       "add a holiday (YYYY-MM-DD), or rename the one on that day; the SLA clock skips it at once",
       AddHoliday},
      {"admin holiday remove", "--date YYYY-MM-DD [--request-id UUID]", "remove a holiday",
       RemoveHoliday},
      {"admin holiday import", "--year Y --file CSV [--replace] [--request-id UUID]",
       "import a year's holidays from a CSV with columns date,name (kind, source ignored); "
       "--replace removes the year's holidays not in the file",
       ImportHolidays},
      {"admin permit-type set",
       "--code CODE [--name NAME] [--number-code SHORT] [--fee IDR] [--service-days D] "
       "[--validity-months M] [--health-worker yes|no] [--documents SPEC] "
       "[--request-id UUID]",
       "create or change a permit type (flags not given keep their value); --number-code is what "
       "its permit numbers carry (0001/SIPP/DPMPTSP-BPP/2026; '' for the code); --documents "
       "replaces the list: 'KTP*=KTP; STR*=Surat Tanda Registrasi; PAS_FOTO=Pas foto', '*' = "
       "mandatory",
       SetPermitType},
      {"admin clinic set",
       "ID [--name NAME] [--kind hospital|puskesmas|clinic] [--address A] [--lat LAT --lng LNG] "
       "[--hours HH:MM-HH:MM] [--phone P] [--request-id UUID]",
       "add or change a partner clinic (flags not given keep their value)", SetClinic},
      {"admin counters", "", "the counters and the services each serves", Counters},
      {"admin counter set",
       "ID [--name NAME] [--services CODE,CODE|all] [--seated-service yes|no] [--request-id UUID]",
       "add or change a counter and the permit types it serves", SetCounter},
      {"admin office", "", "the office: name, time zone, location, address", ShowOffice},
      {"admin office set",
       "[--name NAME] [--address A] [--lat LAT --lng LNG] [--utc-offset MINUTES] "
       "[--request-id UUID]",
       "change the office (WITA is --utc-offset 480)", SetOffice},
      {"admin audit", "[--limit N]",
       "who changed which reference data, newest first, with the row before and after", Audit},
  };
}

}  // namespace loket::cli
