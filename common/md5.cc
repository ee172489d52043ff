#include "common/md5.h"

#include <openssl/evp.h>

#include <cstdlib>

#include "absl/strings/escaping.h"
#include "common/log.h"

namespace loket {

std::string Md5Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // As in Sha256: EVP_Digest fails only on allocation failure, which we cannot recover from here.
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_md5(), nullptr) != 1 ||
      length != 16) {
    log::Error("Md5Hex: OpenSSL EVP_Digest failed");
    std::abort();
  }
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace loket
