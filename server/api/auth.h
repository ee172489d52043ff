// Authentication and the one policy table of which role may call which RPC (DESIGN.md section 6).
// Row scope (which case) is the domain's job, not this table's. Thread-safe.
#ifndef LOKET_SERVER_API_AUTH_H_
#define LOKET_SERVER_API_AUTH_H_

#include <grpcpp/server_context.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "common/grpc_status.h"
#include "common/ttl_cache.h"
#include "server/api/metrics.h"
#include "server/domain/principal.h"
#include "server/store/auth_repository.h"

namespace loket::api {

// Who may call one RPC: anyone without a token (public), or a signed-in principal of one of
// `roles`. A public method's handler does not call Authorize; its own throttles guard it.
struct MethodPolicy {
  bool is_public = false;
  std::set<domain::Role> roles;  // empty when public
  std::string_view note;         // why a method is public, where that needs saying
};

// The one policy table: every RPC of every loket.v1 service, named "Service.Method" (e.g.
// "CaseService.Approve"), public ones listed explicitly; policy_test fails on an RPC of the protos
// missing from it. gRPC's own health and reflection services are public and not in it.
const std::map<std::string_view, MethodPolicy>& PolicyTable();
// The table's entry for `method`, or nullptr.
const MethodPolicy* FindPolicy(std::string_view method);
// True when `role` may call `method`; false for public and unknown methods (deny by default).
bool RoleMayCall(domain::Role role, std::string_view method);

class Authorizer {
 public:
  // Token lookups are cached for `cache_ttl`: a token revoked on another replica stops working
  // there within that time (at once on the replica that revoked it, see ForgetTokens). `clock`
  // (not owned) measures that time.
  Authorizer(store::AuthRepository& auth, const Clock& clock,
             absl::Duration cache_ttl = absl::Seconds(5))
      : auth_(auth),
        cache_(clock, cache_ttl),
        bad_tokens_(clock, kBadTokenBurst, kBadTokenPerMinute),
        sign_ins_(clock, kSignInBurst, kSignInPerMinute) {}

  // The caller of `method`. UNAUTHENTICATED without a valid "authorization: Bearer <token>";
  // PERMISSION_DENIED when the principal's role may not call `method`; UNAVAILABLE when the
  // database is down.
  absl::StatusOr<domain::Principal> Authorize(const grpc::ServerContextBase& ctx,
                                              std::string_view method) const;

  // For each look of a long stream. The first (`p` empty) authorises the caller into `p`, as
  // Authorize. Later ones check the caller again through the same cache, so a revoked token or a
  // changed role or scope ends the stream within cache_ttl: UNAUTHENTICATED when the token no
  // longer works, PERMISSION_DENIED when the role may no longer call `method` or the principal's
  // office, clinic or courier changed, and OK while the database is down (keep streaming).
  absl::Status AuthorizeStream(const grpc::ServerContextBase& ctx, std::string_view method,
                               std::optional<domain::Principal>& p) const;

  // Callers without a valid token, per client address (ClientAddress): each missing, malformed,
  // unknown or revoked token costs one of kBadTokenBurst tokens, refilled at kBadTokenPerMinute;
  // an address without any left gets RESOURCE_EXHAUSTED (with when to retry) before its token is
  // even looked up, so garbage cannot keep the database busy. Counted in /metrics.
  static constexpr double kBadTokenBurst = 120, kBadTokenPerMinute = 120;
  // A public call that runs expensive work (SessionService.SignIn: one Argon2id hash per call),
  // per client address: kSignInBurst at once (an office signs in behind one NAT address), then
  // kSignInPerMinute. OK or RESOURCE_EXHAUSTED with when to retry; refusals counted in /metrics.
  static constexpr double kSignInBurst = 120, kSignInPerMinute = 60;
  absl::Status AdmitSignIn(const grpc::ServerContextBase& ctx) const;
  // Where refusals and unauthenticated calls are counted; none by default (tests).
  void SetMetrics(ServerMetrics* metrics) { metrics_ = metrics; }

  // Drops every cached lookup (after a revocation here).
  void ForgetTokens() const { cache_.Clear(); }

  // The browser's address as loket-web reports it ("x-loket-client-addr"), believed only when the
  // call also carries loket-web's key ("x-loket-edge-key", compared in constant time with the
  // one given to SetEdgeKey); otherwise the peer's IP address. For throttling, never for audit.
  std::string ClientAddress(const grpc::ServerContextBase& ctx) const;
  // The secret loket-web presents; empty (the default) trusts no forwarded address.
  void SetEdgeKey(std::string key) { edge_key_ = std::move(key); }
  // The key in the first line of `path` (loketd --edge_key_file); INVALID_ARGUMENT naming the
  // file when it is unreadable or the key is shorter than 32 characters.
  static absl::StatusOr<std::string> ReadEdgeKeyFile(const std::string& path);

 private:
  store::AuthRepository& auth_;
  mutable TtlCache<std::string, domain::Principal> cache_;
  std::string edge_key_;
  ServerMetrics* metrics_ = nullptr;

  // A token bucket per address, for the two limits above. Cleared when it grows past a bound.
  class AddressBuckets {
   public:
    AddressBuckets(const Clock& clock, double burst, double per_minute)
        : clock_(clock), burst_(burst), per_minute_(per_minute) {}
    // Takes one token; false (and the seconds until one is back) when none is left.
    bool Take(const std::string& address, double* retry_seconds);
    // Whether `address` has a token left, without taking it.
    bool HasAny(const std::string& address, double* retry_seconds);

   private:
    struct Bucket {
      double tokens;
      absl::Time refilled;
    };
    Bucket& Refill(const std::string& address) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
    const Clock& clock_;
    const double burst_, per_minute_;
    absl::Mutex mu_;
    std::map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
  };
  // A refusal of a call without a valid token: `s` itself, or RESOURCE_EXHAUSTED when the address
  // has used up its allowance.
  absl::Status BadToken(const grpc::ServerContextBase& ctx, absl::Status s) const;
  mutable AddressBuckets bad_tokens_;
  mutable AddressBuckets sign_ins_;
};

// SHA-256 of the bearer token of the call, or empty when there is none.
std::string BearerDigest(const grpc::ServerContextBase& ctx);

// Where a call came from, for the audit log: the x-loket-terminal header, else the peer address.
std::string TerminalOf(const grpc::ServerContextBase& ctx);

}  // namespace loket::api

// In a service handler with an `auth_` member: authorises the call as `method` and binds the
// caller to `principal`, or returns the error from the handler.
#define LOKET_AUTHORIZE(principal, ctx, method)                                    \
  auto principal##_or = auth_.Authorize(*(ctx), method);                           \
  if (!principal##_or.ok()) return ::loket::ToGrpcStatus(principal##_or.status()); \
  const ::loket::domain::Principal& principal = *principal##_or

#endif  // LOKET_SERVER_API_AUTH_H_
