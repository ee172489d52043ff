// loket.v1.SessionService: people sign in with a user name and password and get a session token;
// admins set passwords. The throttling rules are domain/signin.h's. Thread-safe (stateless).
#ifndef LOKET_SERVER_API_SESSION_SERVICE_H_
#define LOKET_SERVER_API_SESSION_SERVICE_H_

#include "loket/v1/session.grpc.pb.h"
#include "server/api/auth.h"
#include "server/api/unary_pool.h"
#include "server/domain/signin.h"
#include "server/store/auth_repository.h"

namespace loket::api {

class SessionServiceImpl final : public v1::SessionService::CallbackService {
 public:
  SessionServiceImpl(store::AuthRepository& auth_repo, const Authorizer& auth,
                     domain::SessionLimits limits)
      : auth_repo_(auth_repo), auth_(auth), limits_(limits) {}

  LOKET_POOLED_UNARY(SignIn, v1::SignInRequest, v1::SignInResponse);
  LOKET_POOLED_UNARY(SignOut, v1::SignOutRequest, v1::SignOutResponse);
  LOKET_POOLED_UNARY(SetPassword, v1::SetPasswordRequest, v1::SetPasswordResponse);

  // Runs the unary calls (set before the server starts).
  void SetUnaryPool(UnaryPool* unary) { unary_ = unary; }

 private:
  UnaryPool* unary_ = nullptr;
  store::AuthRepository& auth_repo_;
  const Authorizer& auth_;
  domain::SessionLimits limits_;
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_SESSION_SERVICE_H_
