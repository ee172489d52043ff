#include "common/password.h"

#include <sodium.h>

#include <cstdlib>

namespace loket {
namespace {

void InitSodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) std::abort();  // no usable random source: nothing secure can run
}

const std::string& DummyHash() {
  static const std::string* h = [] {
    char out[crypto_pwhash_STRBYTES];
    crypto_pwhash_str(out, "loket-dummy-password", 20, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                      crypto_pwhash_MEMLIMIT_INTERACTIVE);
    return new std::string(out);
  }();
  return *h;
}

}  // namespace

absl::StatusOr<std::string> HashPassword(std::string_view password) {
  InitSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return absl::InternalError("password hashing ran out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view password, const std::string& stored) {
  InitSodium();
  const std::string& hash =
      stored.empty() || stored.size() >= crypto_pwhash_STRBYTES ? DummyHash() : stored;
  bool match = crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
  return match && &hash == &stored;
}

}  // namespace loket
