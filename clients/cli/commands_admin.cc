// Commands about the server and the office rather than one case: health, who am I, the catalog and
// calendar, and the admin's principals, tokens and partner clinics.
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
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
       "[--courier ID] [--request-id UUID]",
       "create a principal (--clinic for a clinic; a courier's label defaults to its name)",
       CreatePrincipal},
      {"admin principal list", "", "every principal of the office", ListPrincipals},
      {"admin principal set-password",
       "ID --username NAME --password-file FILE|- [--request-id UUID]",
       "set or reset the user name and password a person signs in with (browser pages)",
       SetPassword},
      {"admin token create", "--principal ID [--request-id UUID]",
       "create a bearer token (shown once)", CreateToken},
      {"admin token revoke", "ID [--request-id UUID]", "revoke a token", RevokeToken},
      {"admin clinics", "", "the partner clinics and their ids", Clinics},
  };
}

}  // namespace loket::cli
