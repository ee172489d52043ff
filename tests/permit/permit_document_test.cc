// The permit letter as a signed PDF (issue 13), checked with the tools anyone has: poppler's
// pdftotext and pdfsig, zbar's decoder. Each test makes its own small CA and office certificate
// with openssl in a temporary directory, and an NSS database trusting that CA for pdfsig.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "server/permit/permit_letter.h"
#include "tests/support/status_matchers.h"

namespace loket::permit {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
using ::testing::HasSubstr;
namespace {

namespace fs = std::filesystem;

// Runs `cmd` with sh; returns its stdout and stderr together.
std::string Shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return "popen failed";
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  pclose(p);
  return out;
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

class PermitDocumentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/loket-permit-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    MakeCa("ca", "Loket Test CA");
    MakeOfficeCert("office", "ca", "DPMPTSP Kota Uji");
    MakeNssDb("nss", "ca");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string P(const std::string& name) const { return (dir_ / name).string(); }

  void MakeCa(const std::string& name, const std::string& cn) {
    std::string out = Shell(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
        "-keyout " +
        P(name + ".key") + " -out " + P(name + ".pem") + " -days 30 -subj '/CN=" + cn + "'");
    ASSERT_TRUE(fs::exists(P(name + ".pem"))) << out;
  }
  void MakeOfficeCert(const std::string& name, const std::string& ca, const std::string& cn) {
    WriteFile(P(name + ".ext"),
              "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,nonRepudiation\n");
    std::string out =
        Shell("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
              P(name + ".key") + " -out " + P(name + ".csr") + " -subj '/CN=" + cn + "/O=Uji' && " +
              "openssl x509 -req -in " + P(name + ".csr") + " -CA " + P(ca + ".pem") + " -CAkey " +
              P(ca + ".key") + " -CAcreateserial -days 30 -extfile " + P(name + ".ext") + " -out " +
              P(name + ".pem"));
    ASSERT_TRUE(fs::exists(P(name + ".pem"))) << out;
  }
  // An NSS database (what pdfsig validates certificates with) trusting `ca`.
  void MakeNssDb(const std::string& name, const std::string& ca) {
    fs::create_directory(dir_ / name);
    std::string out = Shell("certutil -N -d sql:" + P(name) +
                            " --empty-password && certutil -A -d sql:" + P(name) +
                            " -n test-ca -t CT,C,C -i " + P(ca + ".pem"));
    ASSERT_TRUE(fs::exists(dir_ / name / "cert9.db")) << out;
  }

  static PermitLetter Letter() {
    PermitLetter l;
    l.office_name = "DPMPTSP Kota Uji";
    l.office_address = "Jl. Jenderal Sudirman No. 1";
    l.permit_type_code = "SIP_PERAWAT";
    l.permit_type_name = "Surat Izin Praktik Perawat (SIPP)";
    l.permit_number = "503/0042/SIP_PERAWAT/UJI/2026";
    l.holder_name = "Ns. Herlina Simanjuntak";
    l.holder_nik = "6471015507900002";
    l.practice_place = "Klinik Pratama Sehat";
    l.str_number = "STR-19-0042";
    l.issued_on = "2026-11-30";
    l.valid_until = "2031-11-29";
    l.official_name = "Dra. Rina Kusuma";
    l.official_position = "Kepala DPMPTSP Kota Uji";
    l.verify_url = "https://loket.uji.go.id/#/verify?number=503%2F0042&code=K7Q2M9XR4T";
    return l;
  }

  std::string SignedPermit() {
    absl::StatusOr<std::unique_ptr<PermitSigner>> signer =
        PermitSigner::Load(P("office.key"), P("office.pem"), "");
    EXPECT_THAT(signer, IsOk()) << signer.status();
    if (!signer.ok()) return "";
    absl::StatusOr<std::string> pdf = RenderSignedPermit(Letter(), **signer);
    EXPECT_THAT(pdf, IsOk()) << pdf.status();
    return pdf.ok() ? *pdf : "";
  }

  fs::path dir_;
};

TEST_F(PermitDocumentTest, TextNamesHolderPermitValidityAndOfficial) {
  WriteFile(P("sip.pdf"), SignedPermit());
  std::string text = Shell("pdftotext " + P("sip.pdf") + " -");
  for (const char* want :
       {"DPMPTSP Kota Uji", "SURAT IZIN PRAKTIK PERAWAT", "503/0042/SIP_PERAWAT/UJI/2026",
        "Ns. Herlina Simanjuntak", "6471015507900002", "Klinik Pratama Sehat", "STR-19-0042",
        "30 November 2026", "29 November 2031", "Dra. Rina Kusuma", "Kepala DPMPTSP Kota Uji"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << " missing from:\n" << text;
  }
}

TEST_F(PermitDocumentTest, QrCodeHoldsTheVerificationAddress) {
  WriteFile(P("sip.pdf"), SignedPermit());
  Shell("pdftoppm -r 150 -png -singlefile " + P("sip.pdf") + " " + P("page"));
  std::string decoded = Shell("zbarimg -q --raw " + P("page.png"));
  EXPECT_NE(decoded.find(Letter().verify_url + "\n"), std::string::npos) << decoded;
}

TEST_F(PermitDocumentTest, SignatureVerifiesAgainstTheOfficeCa) {
  WriteFile(P("sip.pdf"), SignedPermit());
  std::string out = Shell("pdfsig -nssdir sql:" + P("nss") + " " + P("sip.pdf"));
  EXPECT_NE(out.find("Signer Certificate Common Name: DPMPTSP Kota Uji"), std::string::npos) << out;
  EXPECT_NE(out.find("Signature Type: ETSI.CAdES.detached"), std::string::npos) << out;
  EXPECT_NE(out.find("Total document signed"), std::string::npos) << out;
  EXPECT_NE(out.find("Signature Validation: Signature is Valid."), std::string::npos) << out;
  EXPECT_NE(out.find("Certificate Validation: Certificate is Trusted."), std::string::npos) << out;
}

TEST_F(PermitDocumentTest, OneChangedByteFailsVerification) {
  std::string pdf = SignedPermit();
  ASSERT_GT(pdf.size(), 4000u);
  // A byte of the page content (in the first signed range), and one of the last signed range
  // (the incremental update's trailer area).
  for (size_t at : {size_t{2000}, pdf.size() - 40}) {
    std::string bad = pdf;
    bad[at] = static_cast<char>(bad[at] ^ 0x01);
    WriteFile(P("bad.pdf"), bad);
    std::string out = Shell("pdfsig -nssdir sql:" + P("nss") + " " + P("bad.pdf"));
    EXPECT_EQ(out.find("Signature is Valid."), std::string::npos) << "byte " << at << ":\n" << out;
  }
}

TEST_F(PermitDocumentTest, ACertificateFromAnotherCaIsNotTrusted) {
  MakeCa("other", "Some Other CA");
  MakeOfficeCert("impostor", "other", "DPMPTSP Kota Uji");
  absl::StatusOr<std::unique_ptr<PermitSigner>> signer =
      PermitSigner::Load(P("impostor.key"), P("impostor.pem"), "");
  ASSERT_THAT(signer, IsOk()) << signer.status();
  absl::StatusOr<std::string> pdf = RenderSignedPermit(Letter(), **signer);
  ASSERT_THAT(pdf, IsOk()) << pdf.status();
  WriteFile(P("impostor.pdf"), *pdf);
  std::string out = Shell("pdfsig -nssdir sql:" + P("nss") + " " + P("impostor.pdf"));
  EXPECT_NE(out.find("Signature is Valid."), std::string::npos) << out;  // intact, but...
  EXPECT_EQ(out.find("Certificate is Trusted."), std::string::npos) << out;
}

TEST_F(PermitDocumentTest, SignerRefusesAKeyThatIsNotTheCertificates) {
  absl::StatusOr<std::unique_ptr<PermitSigner>> signer =
      PermitSigner::Load(P("ca.key"), P("office.pem"), "");
  EXPECT_THAT(signer, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("does not belong")));
  signer = PermitSigner::Load(P("missing.key"), P("office.pem"), "");
  EXPECT_THAT(signer, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("key file")));
}

TEST(PermitLetterTest, RefusesALetterWithoutNumberOrHolder) {
  PermitLetter l;
  l.holder_name = "X";
  absl::StatusOr<std::string> pdf = RenderPermitPdf(l);
  EXPECT_THAT(pdf, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("permit_number")));
  l.permit_number = "1";
  l.holder_name = "";
  pdf = RenderPermitPdf(l);
  EXPECT_THAT(pdf, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("holder_name")));
}

TEST(PermitLetterTest, EachHealthPermitHasItsOwnTitleAndOthersTheirName) {
  EXPECT_EQ(TemplateFor("SIP_BIDAN", "x").title, "SURAT IZIN PRAKTIK BIDAN");
  EXPECT_EQ(TemplateFor("SIP_DOKTER", "x").title, "SURAT IZIN PRAKTIK DOKTER");
  LetterTemplate reklame = TemplateFor("IZIN_REKLAME", "Izin Reklame");
  EXPECT_EQ(reklame.title, "IZIN REKLAME");
  EXPECT_FALSE(reklame.health_worker);
}

}  // namespace
}  // namespace loket::permit
