// What a hostile or careless client sends: files that are not what they claim, huge or broken
// values, control characters, negative sizes. Each must be refused with INVALID_ARGUMENT naming
// the field, and nothing may be stored.
#include <string>

#include "absl/strings/str_cat.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/fixture.h"

namespace loket::itest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class HostileInputTest : public ServerTest {};

TEST_F(HostileInputTest, AnExecutableCalledImagePngIsRefusedNamingTheField) {
  v1::Case c = SubmitAsClinicA();
  const std::string exe =
      std::string("MZ\x90\0\x03\0\0\0", 8) + "This program cannot be run in DOS";
  v1::AttachDocumentRequest r = Document(c.id(), "KTP", exe);
  r.set_file_name("ktp.png");
  r.set_media_type("image/png");
  v1::Case out;
  grpc::Status s = cases().AttachDocument(Ctx(clinic_a_).get(), r, &out);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("document.content: is not a PNG file"));
  EXPECT_THAT(s.error_message(), HasSubstr("document.media_type image/png"));

  // A PDF called a JPEG is refused too; the same bytes as a PDF are stored.
  v1::AttachDocumentRequest pdf_as_jpeg = Document(c.id(), "KTP");
  pdf_as_jpeg.set_media_type("image/jpeg");
  s = cases().AttachDocument(Ctx(clinic_a_).get(), pdf_as_jpeg, &out);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("is not a JPEG file"));
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT count(*) FROM documents WHERE case_id = ", c.id())),
            "0");

  const std::string png = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + "pixels";
  v1::AttachDocumentRequest good = Document(c.id(), "KTP", png);
  good.set_file_name("ktp.png");
  good.set_media_type("image/png");
  s = cases().AttachDocument(Ctx(clinic_a_).get(), good, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(
      server_->Query(absl::StrCat("SELECT media_type FROM documents WHERE case_id = ", c.id())),
      "image/png");
}

}  // namespace
}  // namespace loket::itest
