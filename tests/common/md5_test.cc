#include "common/md5.h"

#include <string>

#include "gtest/gtest.h"

namespace loket {
namespace {

// RFC 1321, appendix A.5.
TEST(Md5Test, Rfc1321Vectors) {
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(
      Md5Hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
      "57edf4a22be3c955ac49da2e2107b67a");
}

// Etags were PostgreSQL's `SELECT md5($1)` of a record's JSON before loketd computed them: these
// are what PostgreSQL 15 (server_encoding UTF8) answers for the same strings, so an etag a client
// read then is still the record's etag now. tests/integration/refdata_test.cc asks PostgreSQL too.
TEST(Md5Test, SameTextAsPostgresMd5ForUtf8) {
  EXPECT_EQ(Md5Hex("Puskesmas Klandasan Ilir — Jl. Jend. Sudirman № 5"),
            "bfc3f8c9bbb38f9289a0181c943a9e56");
  EXPECT_EQ(Md5Hex("Hari Raya Idul Fitri 1447 H 🌙"), "43fe68b228a80f59549289ba1af44d80");
  EXPECT_EQ(Md5Hex(R"({"id": "pkm-1", "name": "Klinik Ñandú 日本", "phone": ""})"),
            "e74db675d716813c75dbb5e4bc37c0d4");
}

TEST(Md5Test, BytesAfterANulCount) { EXPECT_NE(Md5Hex(std::string("a\0b", 3)), Md5Hex("a")); }

}  // namespace
}  // namespace loket
