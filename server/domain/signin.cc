#include "server/domain/signin.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace loket::domain {

SignInThrottle ThrottleFor(SignInKey key) {
  switch (key) {
    case SignInKey::kAccount:
      return {3, 5, absl::Minutes(15), absl::Minutes(15)};
    case SignInKey::kAddress:
      return {10, 20, absl::Minutes(15), absl::Minutes(15)};
  }
  return {3, 5, absl::Minutes(15), absl::Minutes(15)};
}

absl::Duration BlockAfterFailure(SignInKey key, int failures) {
  SignInThrottle t = ThrottleFor(key);
  if (failures >= t.lock_after) return t.lock_for;
  if (failures < t.slow_after) return absl::ZeroDuration();
  int doublings = std::min(failures - t.slow_after, 10);
  return absl::Seconds(1 << doublings);
}

absl::Status ValidateUsername(std::string_view username) {
  if (username.size() < 3 || username.size() > 64) {
    return absl::InvalidArgumentError("username: 3 to 64 characters");
  }
  for (char c : username) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') {
      return absl::InvalidArgumentError("username: only letters, digits, '.', '-' and '_'");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckSignInBlock(int64_t seconds_left) {
  if (seconds_left <= 0) return absl::OkStatus();
  return absl::ResourceExhaustedError(
      absl::StrCat("sign-in: too many failed attempts; try again in ", seconds_left, " s"));
}

absl::Status ValidateNewPassword(std::string_view password) {
  if (password.size() < 10) return absl::InvalidArgumentError("password: at least 10 characters");
  if (password.size() > 256) return absl::InvalidArgumentError("password: at most 256 bytes");
  for (char c : password) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError("password: no control characters");
    }
  }
  return absl::OkStatus();
}

}  // namespace loket::domain
