#include "server/api/public_throttle.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace loket::api {

absl::Status PublicThrottle::Admit(const std::string& address, domain::PublicCallKind kind) {
  domain::PublicLimit limit = domain::LimitFor(kind);
  absl::Time now = clock_.Now();
  absl::MutexLock lock(&mu_);
  if (buckets_.size() > kMaxBuckets) buckets_.clear();
  auto [it, fresh] = buckets_.try_emplace({address, static_cast<int>(kind)});
  Bucket& b = it->second;
  if (fresh) {
    b.tokens = limit.burst;
  } else {
    double minutes = absl::ToDoubleMinutes(now - b.refilled);
    b.tokens = std::min(limit.burst, b.tokens + std::max(0.0, minutes) * limit.per_minute);
  }
  b.refilled = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return absl::OkStatus();
  }
  double wait_seconds = std::ceil((1 - b.tokens) * 60 / limit.per_minute);
  return absl::ResourceExhaustedError(
      absl::StrCat("too many requests from your address; try again in ", wait_seconds, " s"));
}

absl::Status PublicThrottle::AdmitCall(const grpc::ServerContextBase& ctx, const char* method,
                                       domain::PublicCallKind kind) {
  absl::Status s = Admit(auth_.ClientAddress(ctx), kind);
  if (!s.ok()) metrics_.RecordPublicRefusal(method);
  return s;
}

}  // namespace loket::api
