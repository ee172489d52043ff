// MD5 (RFC 1321) for record versions (etags), computed by OpenSSL's EVP as common/sha256.h is. Not
// for anything secret: an etag only tells two versions of a record apart. Pure; thread-safe.
#ifndef LOKET_COMMON_MD5_H_
#define LOKET_COMMON_MD5_H_

#include <string>
#include <string_view>

namespace loket {

// The digest of the bytes of `data` as 32 lower-case hex digits: the text PostgreSQL's md5(text)
// gives for the same UTF-8 string.
std::string Md5Hex(std::string_view data);

}  // namespace loket

#endif  // LOKET_COMMON_MD5_H_
