// Principals and their bearer tokens (DESIGN.md section 6). Only SHA-256 digests of tokens are
// stored. Thread-safe (holds only a Database reference).
#ifndef LOKET_SERVER_STORE_AUTH_REPOSITORY_H_
#define LOKET_SERVER_STORE_AUTH_REPOSITORY_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/principal.h"
#include "server/store/database.h"
#include "server/store/mutation.h"

namespace loket::store {

struct PrincipalRecord {
  domain::Principal principal;
  bool disabled = false;
  absl::Time created_at;
};

struct IssuedToken {
  int64_t token_id = 0;
  std::string token;  // the secret; empty when a repeated request_id replays the first call
  PrincipalRecord principal;
  std::string response;  // the encoded response recorded for replay (without the secret)
};

class AuthRepository {
 public:
  explicit AuthRepository(Database& db) : db_(db) {}

  // The principal owning the token with this SHA-256 digest. UNAUTHENTICATED when the token is
  // unknown, revoked, or its principal disabled.
  absl::StatusOr<domain::Principal> Authenticate(const std::string& token_sha256);

  // Creates a principal in the caller's office. INVALID_ARGUMENT names a bad field (a clinic
  // principal needs a known clinic_id). The response bytes come from `encode`, for replay.
  absl::StatusOr<std::string> CreatePrincipal(
      const Mutation& m, const std::string& name, domain::Role role, const std::string& clinic_id,
      const std::string& courier_id,
      const std::function<std::string(const PrincipalRecord&)>& encode);

  absl::StatusOr<std::vector<PrincipalRecord>> ListPrincipals(const std::string& office_id);

  // Creates a token for a principal of the caller's office (NOT_FOUND otherwise). The secret is
  // returned once: a replay by request_id gives the recorded response with an empty token.
  absl::StatusOr<IssuedToken> CreateToken(
      const Mutation& m, int64_t principal_id,
      const std::function<std::string(const IssuedToken&)>& encode);

  // Revokes a token of the caller's office. NOT_FOUND when there is none with that id.
  absl::StatusOr<std::string> RevokeToken(const Mutation& m, int64_t token_id);

  absl::StatusOr<PrincipalRecord> GetPrincipal(const std::string& office_id, int64_t id);

 private:
  Database& db_;
};

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_AUTH_REPOSITORY_H_
