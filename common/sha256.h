// SHA-256 (FIPS 180-4) for document checksums and token hashes, computed by OpenSSL's EVP
// (libssl-dev; gRPC links OpenSSL already). Pure functions, safe from any thread.
#ifndef LOKET_COMMON_SHA256_H_
#define LOKET_COMMON_SHA256_H_

#include <string>
#include <string_view>

namespace loket {

// The 32-byte digest of `data`.
std::string Sha256(std::string_view data);
// The digest as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view data);

}  // namespace loket

#endif  // LOKET_COMMON_SHA256_H_
