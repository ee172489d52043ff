// Principals and their bearer tokens (DESIGN.md section 6). Only SHA-256 digests of tokens are
// stored. Every change an admin makes to them is written to the change log (admin_audit.h).
// Thread-safe (holds only a Database reference).
#ifndef LOKET_SERVER_STORE_AUTH_REPOSITORY_H_
#define LOKET_SERVER_STORE_AUTH_REPOSITORY_H_

#include <cstdint>
#include <functional>
#include <optional>
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
  std::string username;  // empty: the principal cannot sign in with a password
};

// What sign-in needs of an account: the principal and its Argon2id hash.
struct LoginRecord {
  PrincipalRecord principal;
  std::string password_hash;
};

struct Session {
  std::string token;  // the secret, shown once
  absl::Time expires_at;
  absl::Duration idle;
};

struct IssuedToken {
  int64_t token_id = 0;
  std::string token;  // the secret; empty when a repeated request_id replays the first call
  PrincipalRecord principal;
  std::string response;  // the encoded response recorded for replay (without the secret)
};

// A token or session that still lets its principal in.
struct TokenRecord {
  int64_t id = 0;
  int64_t principal_id = 0;
  std::string kind;  // "api" or "session"
  absl::Time created_at;
  std::optional<absl::Time> last_used_at;  // sessions
  std::optional<absl::Time> expires_at;    // sessions
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

  // Disables or enables a principal of the caller's office (NOT_FOUND otherwise); disabling revokes
  // every token and session it has. domain::CheckSetDisabled first (not one's own account).
  absl::StatusOr<std::string> SetDisabled(
      const Mutation& m, int64_t principal_id, bool disabled,
      const std::function<std::string(const PrincipalRecord&)>& encode);

  // The tokens and sessions that still let this principal in, oldest first; NOT_FOUND for a
  // principal of another office.
  absl::StatusOr<std::vector<TokenRecord>> ListLiveTokens(const std::string& office_id,
                                                          int64_t principal_id);

  absl::StatusOr<PrincipalRecord> GetPrincipal(const std::string& office_id, int64_t id);

  // --- Password sign-in (the rules are in domain/signin.h) ---

  // OK when none of `keys` ("account:<name>", "address:<ip>") is blocked; else RESOURCE_EXHAUSTED
  // saying how many seconds to wait.
  absl::Status CheckSignInAllowed(const std::vector<std::string>& keys);
  // The enabled principal with this user name (any case), or NOT_FOUND.
  absl::StatusOr<LoginRecord> FindLogin(const std::string& username);
  // Counts a failure against `key` and blocks it for `block(failures)`; failures older than
  // `forget_after` are forgotten first. Returns the new count.
  absl::StatusOr<int> RecordSignInFailure(const std::string& key, absl::Duration forget_after,
                                          const std::function<absl::Duration(int)>& block);
  absl::Status ClearSignInFailures(const std::string& key);
  // A fresh session token for the principal, valid until `absolute` from now and ended by `idle`
  // without a call.
  absl::StatusOr<Session> CreateSession(const domain::Principal& p, absl::Duration absolute,
                                        absl::Duration idle);
  // Revokes the session whose token has this SHA-256 (an API token is left alone).
  absl::Status EndSession(const std::string& token_sha256);
  // Sets a principal's user name and Argon2id hash and ends its sessions. NOT_FOUND for a
  // principal of another office; ALREADY_EXISTS naming "username" when another principal has it.
  absl::StatusOr<std::string> SetPassword(
      const Mutation& m, int64_t principal_id, const std::string& username,
      const std::string& password_hash,
      const std::function<std::string(const PrincipalRecord&)>& encode);

 private:
  Database& db_;
};

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_AUTH_REPOSITORY_H_
