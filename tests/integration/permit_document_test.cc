// The signed permit document end to end (issue 13): loketd with a signing key renders and signs
// the permit in the issuing transaction and stores it once; the clinic (its own cases) and the
// officers download it; the public check answers for a document by its SHA-256.
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "tests/integration/fixture.h"
#include "tests/integration/permit_keys.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::testing::HasSubstr;
using Stub = v1::CaseService::Stub;

class PermitDocumentTest : public ServerTest {
 protected:
  static void SetUpTestSuite() {
    keys_ = MakePermitKeys();
    ASSERT_TRUE(keys_.ok()) << keys_.log;
    configure_ = [](api::ServerOptions& o) { UsePermitKeys(o, keys_); };
    ServerTest::SetUpTestSuite();
  }
  static void TearDownTestSuite() {
    ServerTest::TearDownTestSuite();
    configure_ = nullptr;
    keys_.Remove();
  }

  // A clinic A nurse case taken to ISSUED; returns the Issue answer.
  v1::Case Issued() {
    v1::Case c = SubmitAsClinicA();
    AttachAll(c.id(), clinic_a_);
    EXPECT_THAT(Do(&Stub::StartVerification, officer_, c.id()), IsOk());
    EXPECT_THAT(Do(&Stub::Approve, approver_, c.id()), IsOk());
    v1::Case out;
    grpc::Status s = Do(&Stub::Issue, officer_, c.id(), "", &out);
    EXPECT_THAT(s, IsOk()) << s.error_message();
    return out;
  }

  grpc::Status Download(const std::string& token, int64_t case_id, v1::PermitDocument* out) {
    v1::GetPermitDocumentRequest req;
    req.set_case_id(case_id);
    return cases().GetPermitDocument(Ctx(token).get(), req, out);
  }

  v1::VerifyPermitResponse Verify(const std::string& number, const std::string& code,
                                  const std::string& sha, grpc::Status* status = nullptr) {
    v1::VerifyPermitRequest req;
    req.set_permit_number(number);
    req.set_verification_code(code);
    req.set_document_sha256(sha);
    v1::VerifyPermitResponse resp;
    grpc::Status s = cases().VerifyPermit(Ctx("").get(), req, &resp);
    if (status != nullptr) {
      *status = s;
    } else {
      EXPECT_THAT(s, IsOk()) << s.error_message();
    }
    return resp;
  }

  static inline PermitKeys keys_;
};

TEST_F(PermitDocumentTest, IssueStoresOneSignedDocumentThatClinicAndOfficersDownload) {
  v1::Case issued = Issued();
  ASSERT_EQ(issued.state(), v1::CASE_STATE_ISSUED);
  ASSERT_EQ(issued.permit_document_sha256().size(), 64u) << "the Issue answer names the document";
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT count(*) FROM permit_documents WHERE case_id = ",
                                        issued.id())),
            "1");

  v1::PermitDocument mine;
  grpc::Status s = Download(clinic_a_, issued.id(), &mine);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(mine.sha256_hex(), issued.permit_document_sha256());
  EXPECT_EQ(Sha256Hex(mine.content()), mine.sha256_hex());
  EXPECT_EQ(mine.content().substr(0, 5), "%PDF-");
  EXPECT_EQ(mine.media_type(), "application/pdf");
  EXPECT_EQ(mine.signer(), "DPMPTSP Kota Balikpapan");
  EXPECT_EQ(mine.permit_number(), issued.permit_number());
  // Officers, the approver and the counter get the same bytes: it was stored once.
  for (const std::string* token : {&officer_, &approver_, &counter_}) {
    v1::PermitDocument theirs;
    ASSERT_THAT(Download(*token, issued.id(), &theirs), IsOk());
    EXPECT_EQ(theirs.content(), mine.content());
  }
  v1::Case again;
  v1::GetCaseRequest get;
  get.set_case_id(issued.id());
  ASSERT_THAT(cases().GetCase(Ctx(clinic_a_).get(), get, &again), IsOk());
  EXPECT_EQ(again.permit_document_sha256(), mine.sha256_hex());

  // Another clinic, another office: as if the case did not exist.
  v1::PermitDocument none;
  EXPECT_THAT(Download(clinic_b_, issued.id(), &none), StatusIs(grpc::NOT_FOUND));
  EXPECT_THAT(Download(other_office_officer_, issued.id(), &none), StatusIs(grpc::NOT_FOUND));
  EXPECT_THAT(Download("", issued.id(), &none), StatusIs(grpc::UNAUTHENTICATED));

  // What it says, and its signature against the test CA.
  const std::string path = keys_.dir + "/downloaded.pdf";
  std::ofstream(path, std::ios::binary) << mine.content();
  std::string text = Shell("pdftotext " + path + " -");
  EXPECT_THAT(text, HasSubstr(issued.permit_number()));
  EXPECT_THAT(text, HasSubstr(issued.applicant().nik()));
  EXPECT_THAT(text, HasSubstr("SURAT IZIN PRAKTIK PERAWAT"));
  EXPECT_THAT(text, HasSubstr("Dra. Rina Kusuma"));
  std::string sig = Shell("pdfsig -nssdir sql:" + keys_.nssdb + " " + path);
  EXPECT_THAT(sig, HasSubstr("Signature is Valid."));
  EXPECT_THAT(sig, HasSubstr("Certificate is Trusted."));
  Shell("pdftoppm -r 150 -png -singlefile " + path + " " + keys_.dir + "/page");
  std::string qr = Shell("zbarimg -q --raw " + keys_.dir + "/page.png");
  EXPECT_THAT(qr, HasSubstr(absl::StrCat("https://loket.test/#/verify?number=")));
  EXPECT_THAT(qr, HasSubstr(absl::StrCat("&code=", issued.verification_code())));
  // GetCase names the same address, for the page that prints the permit (zbarimg may say more
  // on stderr, which Shell keeps: the code's text is a line of its own).
  EXPECT_THAT(again.verify_url(), ::testing::StartsWith("https://loket.test/#/verify?number="));
  EXPECT_THAT(qr, HasSubstr(absl::StrCat(again.verify_url(), "\n")));
}

TEST_F(PermitDocumentTest, NoDocumentBeforeIssue) {
  v1::Case c = SubmitAsClinicA();
  v1::PermitDocument none;
  grpc::Status s = Download(clinic_a_, c.id(), &none);
  EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(s.error_message(), HasSubstr("case_id"));
  EXPECT_THAT(s.error_message(), HasSubstr("SUBMITTED"));
}

TEST_F(PermitDocumentTest, PublicCheckAnswersForTheDocument) {
  v1::Case issued = Issued();
  v1::PermitDocument doc;
  ASSERT_THAT(Download(clinic_a_, issued.id(), &doc), IsOk());
  const std::string sha = Sha256Hex(doc.content());

  // The document alone finds its permit.
  v1::VerifyPermitResponse r = Verify("", "", sha);
  EXPECT_TRUE(r.valid());
  EXPECT_TRUE(r.document_matches());
  EXPECT_EQ(r.document_sha256(), sha);
  EXPECT_EQ(r.issued_on(), issued.permit_number().empty() ? "" : "2026-03-17");

  // One changed byte: no permit was issued as that document.
  std::string changed = doc.content();
  changed[changed.size() / 2] ^= 0x01;
  r = Verify("", "", Sha256Hex(changed));
  EXPECT_FALSE(r.valid());
  EXPECT_FALSE(r.document_matches());
  EXPECT_TRUE(r.permit_type().empty());

  // Number and code right, document changed: the permit is valid, the document is not its own.
  r = Verify(issued.permit_number(), issued.verification_code(), Sha256Hex(changed));
  EXPECT_TRUE(r.valid());
  EXPECT_FALSE(r.document_matches());
  EXPECT_EQ(r.document_sha256(), sha);

  // Another permit's document under this number does not match either.
  v1::Case other = Issued();
  r = Verify(issued.permit_number(), issued.verification_code(), other.permit_document_sha256());
  EXPECT_TRUE(r.valid());
  EXPECT_FALSE(r.document_matches());

  // Number and the right document, without the code: the document carries the code.
  r = Verify(issued.permit_number(), "", sha);
  EXPECT_TRUE(r.valid());
  EXPECT_TRUE(r.document_matches());

  grpc::Status bad;
  Verify("", "", "not-a-hash", &bad);
  EXPECT_THAT(bad, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(bad.error_message(), HasSubstr("document_sha256"));
}

}  // namespace
}  // namespace loket::itest
