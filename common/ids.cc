#include "common/ids.h"

#include <cstdint>
#include <fstream>
#include <random>

#include "absl/base/call_once.h"
#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"

namespace loket {
namespace {

// Tokens must be unpredictable: read the kernel's CSPRNG rather than a seeded generator.
void RandomBytes(unsigned char* out, size_t n) {
  static absl::Mutex mu;
  absl::MutexLock lock(&mu);
  static std::ifstream* urandom = new std::ifstream("/dev/urandom", std::ios::binary);
  urandom->read(reinterpret_cast<char*>(out), static_cast<std::streamsize>(n));
  if (!*urandom) {
    // /dev/urandom is always there on Linux; std::random_device reads it too, as a fallback.
    std::random_device rd;
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<unsigned char>(rd());
  }
}

}  // namespace

std::string NewUuid() {
  unsigned char b[16];
  RandomBytes(b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  return absl::StrFormat("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                         b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
                         b[12], b[13], b[14], b[15]);
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!absl::ascii_isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

std::string NewToken() {
  unsigned char b[32];
  RandomBytes(b, sizeof b);
  std::string out;
  for (unsigned char c : b) out += absl::StrFormat("%02x", c);
  return out;
}

std::string NewReadableCode(int n) {
  static constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  std::string out;
  unsigned char b[64];
  while (static_cast<int>(out.size()) < n) {
    RandomBytes(b, sizeof b);
    for (unsigned char c : b) {
      // Rejection sampling keeps every letter equally likely.
      if (c >= 248) continue;
      out += kAlphabet[c % kAlphabet.size()];
      if (static_cast<int>(out.size()) == n) break;
    }
  }
  return out;
}

}  // namespace loket
