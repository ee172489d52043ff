// Password hashing with Argon2id (libsodium's crypto_pwhash_str, "interactive" limits: 64 MiB and
// about a tenth of a second per hash on these machines). The stored string carries its own salt
// and parameters. Thread-safe.
#ifndef LOKET_COMMON_PASSWORD_H_
#define LOKET_COMMON_PASSWORD_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace loket {

// The Argon2id string to store. INTERNAL when libsodium cannot get the memory it needs.
absl::StatusOr<std::string> HashPassword(std::string_view password);

// True when `password` matches `stored` (a HashPassword result). An empty or malformed `stored`
// still costs one hash, so that an unknown user name answers as slowly as a wrong password.
bool VerifyPassword(std::string_view password, const std::string& stored);

}  // namespace loket

#endif  // LOKET_COMMON_PASSWORD_H_
