// Random identifiers: request ids, bearer tokens, verification codes. Thread-safe.
#ifndef LOKET_COMMON_IDS_H_
#define LOKET_COMMON_IDS_H_

#include <string>
#include <string_view>

namespace loket {

// A random (version 4) UUID in canonical lower-case form.
std::string NewUuid();
// True when `s` is a canonical UUID (8-4-4-4-12 hex digits).
bool IsUuid(std::string_view s);
// 256 random bits as 64 lower-case hex digits: a bearer token.
std::string NewToken();
// `n` characters from an alphabet without look-alikes (no 0/O, 1/I/L): a code people read aloud.
std::string NewReadableCode(int n);

}  // namespace loket

#endif  // LOKET_COMMON_IDS_H_
