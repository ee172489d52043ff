// Per-client-address limits of public calls (issue 10): a token bucket per address and kind of
// call (domain/public_booking.h LimitFor). In memory, per replica: with N replicas behind a
// balancer an address gets at most N times the limit, which is still far from an attack's rate.
// Thread-safe (one mutex; the map is cleared when it grows past a bound, so memory stays bounded).
#ifndef LOKET_SERVER_API_PUBLIC_THROTTLE_H_
#define LOKET_SERVER_API_PUBLIC_THROTTLE_H_

#include <grpcpp/server_context.h>

#include <map>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "server/api/auth.h"
#include "server/api/metrics.h"
#include "server/domain/public_booking.h"

namespace loket::api {

class PublicThrottle {
 public:
  PublicThrottle(const Clock& clock, const Authorizer& auth, ServerMetrics& metrics)
      : clock_(clock), auth_(auth), metrics_(metrics) {}

  // OK, or RESOURCE_EXHAUSTED saying when to try again, for one call of `kind` from `address`.
  absl::Status Admit(const std::string& address, domain::PublicCallKind kind);
  // The same for a call from the client of `ctx` (its address as Authorizer::ClientAddress
  // tells); a refusal is counted in /metrics under `method`.
  absl::Status AdmitCall(const grpc::ServerContextBase& ctx, const char* method,
                         domain::PublicCallKind kind);

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time refilled;
  };
  static constexpr size_t kMaxBuckets = 100000;

  const Clock& clock_;
  const Authorizer& auth_;
  ServerMetrics& metrics_;
  absl::Mutex mu_;
  std::map<std::pair<std::string, int>, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_PUBLIC_THROTTLE_H_
