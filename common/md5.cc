#include "common/md5.h"

#include <openssl/evp.h>

#include <cstdlib>

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
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

}  // namespace loket
