#include "common/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>

#include "absl/strings/escaping.h"
#include "common/log.h"

namespace loket {

std::string Sha256(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // EVP_Digest is one-shot and thread-safe; it fails only on allocation failure, which we
  // cannot recover from here (the interface returns a digest, not a status).
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1 ||
      length != 32) {
    log::Error("Sha256: OpenSSL EVP_Digest failed");
    std::abort();
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string Sha256Hex(std::string_view data) { return absl::BytesToHexString(Sha256(data)); }

}  // namespace loket
