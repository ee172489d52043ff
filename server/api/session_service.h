// loket.v1.SessionService: people sign in with a user name and password and get a session token;
// admins set passwords. The throttling rules are domain/signin.h's. Thread-safe (stateless).
#ifndef LOKET_SERVER_API_SESSION_SERVICE_H_
#define LOKET_SERVER_API_SESSION_SERVICE_H_

#include "loket/v1/session.grpc.pb.h"
#include "server/api/auth.h"
#include "server/domain/signin.h"
#include "server/store/auth_repository.h"

namespace loket::api {

class SessionServiceImpl final : public v1::SessionService::Service {
 public:
  SessionServiceImpl(store::AuthRepository& auth_repo, const Authorizer& auth,
                     domain::SessionLimits limits)
      : auth_repo_(auth_repo), auth_(auth), limits_(limits) {}

  grpc::Status SignIn(grpc::ServerContext* ctx, const v1::SignInRequest* req,
                      v1::SignInResponse* resp) override;
  grpc::Status SignOut(grpc::ServerContext* ctx, const v1::SignOutRequest* req,
                       v1::SignOutResponse* resp) override;
  grpc::Status SetPassword(grpc::ServerContext* ctx, const v1::SetPasswordRequest* req,
                           v1::SetPasswordResponse* resp) override;

 private:
  store::AuthRepository& auth_repo_;
  const Authorizer& auth_;
  domain::SessionLimits limits_;
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_SESSION_SERVICE_H_
