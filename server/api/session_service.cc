#include "server/api/session_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/password.h"
#include "server/api/convert.h"

namespace loket::api {
namespace {

using domain::SignInKey;

constexpr char kWrongCredentials[] = "wrong user name or password";
// Said only to whoever knows the password: the account's owner, not a guesser, learns why sign-in
// fails.
constexpr char kAccountDisabled[] =
    "account disabled: an administrator of the office can enable it again";

}  // namespace

grpc::Status SessionServiceImpl::SignIn(grpc::ServerContext* ctx, const v1::SignInRequest* req,
                                        v1::SignInResponse* resp) {
  // Per client address before anything else: each sign-in costs an Argon2id hash.
  if (absl::Status admitted = auth_.AdmitSignIn(*ctx); !admitted.ok()) {
    return ToGrpcStatus(admitted);
  }
  // A malformed user name cannot belong to anyone: answer like a wrong password, but do not count
  // it against an account key built from arbitrary bytes.
  bool valid_name = domain::ValidateUsername(req->username()).ok();
  if (req->password().empty() || req->password().size() > 256) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "password: 1 to 256 bytes");
  }
  std::string address_key = absl::StrCat("address:", auth_.ClientAddress(*ctx));
  std::string account_key =
      valid_name ? absl::StrCat("account:", absl::AsciiStrToLower(req->username())) : "";
  std::vector<std::string> keys = {address_key};
  if (valid_name) keys.push_back(account_key);
  if (absl::Status allowed = auth_repo_.CheckSignInAllowed(keys); !allowed.ok()) {
    return ToGrpcStatus(allowed);
  }

  absl::StatusOr<store::LoginRecord> login =
      valid_name ? auth_repo_.FindLogin(req->username())
                 : absl::StatusOr<store::LoginRecord>(absl::NotFoundError(""));
  if (!login.ok() && !absl::IsNotFound(login.status())) return ToGrpcStatus(login.status());
  // Always one Argon2id verification, so that an unknown name costs as long as a wrong password.
  bool match = VerifyPassword(req->password(), login.ok() ? login->password_hash : "");
  if (!match || !login.ok()) {
    for (const auto& [key, kind] : {std::pair{address_key, SignInKey::kAddress},
                                    std::pair{account_key, SignInKey::kAccount}}) {
      if (key.empty()) continue;
      auto failures = auth_repo_.RecordSignInFailure(
          key, domain::ThrottleFor(kind).forget_after,
          [kind = kind](int n) { return domain::BlockAfterFailure(kind, n); });
      if (!failures.ok()) return ToGrpcStatus(failures.status());
    }
    return grpc::Status(grpc::UNAUTHENTICATED, kWrongCredentials);
  }
  if (absl::Status cleared = auth_repo_.ClearSignInFailures(account_key); !cleared.ok()) {
    return ToGrpcStatus(cleared);
  }
  if (login->principal.disabled) {
    return grpc::Status(grpc::PERMISSION_DENIED, kAccountDisabled);
  }
  auto session =
      auth_repo_.CreateSession(login->principal.principal, limits_.absolute, limits_.idle);
  if (!session.ok()) return ToGrpcStatus(session.status());
  resp->set_session_token(session->token);
  *resp->mutable_principal() = ToProto(login->principal);
  resp->set_expires_at(FormatUtc(session->expires_at));
  resp->set_idle_timeout_seconds(static_cast<int32_t>(absl::ToInt64Seconds(session->idle)));
  return grpc::Status::OK;
}

grpc::Status SessionServiceImpl::SignOut(grpc::ServerContext* ctx, const v1::SignOutRequest* req,
                                         v1::SignOutResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "SessionService.SignOut");
  (void)p;  // any signed-in principal may end its own session
  if (absl::Status s = auth_repo_.EndSession(BearerDigest(*ctx)); !s.ok()) return ToGrpcStatus(s);
  auth_.ForgetTokens();
  return grpc::Status::OK;
}

grpc::Status SessionServiceImpl::SetPassword(grpc::ServerContext* ctx,
                                             const v1::SetPasswordRequest* req,
                                             v1::SetPasswordResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "SessionService.SetPassword");
  if (req->principal_id() <= 0) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "principal_id: required");
  }
  if (absl::Status s = domain::ValidateUsername(req->username()); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = domain::ValidateNewPassword(req->password()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  // Hash before the transaction: Argon2id takes a tenth of a second and 64 MiB.
  auto hash = HashPassword(req->password());
  if (!hash.ok()) return ToGrpcStatus(hash.status());
  auto bytes = auth_repo_.SetPassword(
      {req->request_id(), "SessionService.SetPassword", p, TerminalOf(*ctx)}, req->principal_id(),
      req->username(), *hash, [](const store::PrincipalRecord& r) {
        v1::SetPasswordResponse out;
        *out.mutable_principal() = ToProto(r);
        return out.SerializeAsString();
      });
  if (!bytes.ok()) return ToGrpcStatus(bytes.status());
  if (!resp->ParseFromString(*bytes)) return grpc::Status(grpc::INTERNAL, "bad stored response");
  auth_.ForgetTokens();  // the principal's sessions ended
  return grpc::Status::OK;
}

}  // namespace loket::api
