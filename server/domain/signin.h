// The rules of password sign-in (DESIGN.md section 6): which user names are valid, how long a
// session lives, and how repeated failures slow down and then lock sign-in. Pure values; the store
// keeps the counters and applies them inside its transaction. Thread-safe (no state).
#ifndef LOKET_SERVER_DOMAIN_SIGNIN_H_
#define LOKET_SERVER_DOMAIN_SIGNIN_H_

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace loket::domain {

// Failures are counted per account and per client address. An office's staff often share one
// address behind a NAT, so the address gets more room than an account before it slows down.
enum class SignInKey { kAccount, kAddress };

struct SignInThrottle {
  int slow_after = 0;           // from this many failures on, each try waits
  int lock_after = 0;           // this many failures lock sign-in for `lock_for`
  absl::Duration lock_for;      // how long a lock lasts
  absl::Duration forget_after;  // failures older than this (since the last one) are forgotten
};
SignInThrottle ThrottleFor(SignInKey key);

// How long sign-in stays closed for a key after its `failures`-th consecutive failure: nothing
// before `slow_after`, then 1 s, 2 s, 4 s ... (doubling), and `lock_for` from `lock_after` on.
absl::Duration BlockAfterFailure(SignInKey key, int failures);

// Sign-in for a set of keys while the longest block among them has `seconds_left` (0: none):
// RESOURCE_EXHAUSTED saying how long to wait, or OK.
absl::Status CheckSignInBlock(int64_t seconds_left);

// OK for 3..64 characters of letters, digits, '.', '-', '_'; INVALID_ARGUMENT naming "username".
absl::Status ValidateUsername(std::string_view username);
// OK for 10..256 bytes without control characters; INVALID_ARGUMENT naming "password".
absl::Status ValidateNewPassword(std::string_view password);

struct SessionLimits {
  absl::Duration absolute = absl::Hours(12);  // a working day and then some
  absl::Duration idle = absl::Minutes(30);    // a desk left alone signs itself out
};

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_SIGNIN_H_
