#include "server/domain/validation.h"

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/case.h"
#include "tests/support/status_matchers.h"

namespace loket::domain {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using absl::CivilDay;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const CivilDay kToday(2026, 3, 17);

std::string NikMessage(std::string_view nik) {
  return std::string(ValidateNik(nik, "applicant.nik", kToday).message());
}

// --- NIK ---------------------------------------------------------------------------------------

TEST(NikTest, AcceptsSyntheticBalikpapanNikOfAWoman) {
  // 64.71.06 Balikpapan Kota; 57 = 17 + 40 (female); born 17-08-1990; serial 0001.
  EXPECT_THAT(ValidateNik("6471065708900001", "applicant.nik", kToday), IsOk());
}

TEST(NikTest, AcceptsStdnumExampleFrom1945) {
  // 2045-08-17 lies after today, so the century is 19.
  EXPECT_THAT(ValidateNik("3171015708450001", "applicant.nik", kToday), IsOk());
}

TEST(NikTest, AcceptsAManAndEveryProvinceOfKalimantan) {
  EXPECT_THAT(ValidateNik("6471061708900001", "applicant.nik", kToday), IsOk());
  for (const char* nik : {"6101011708900001", "6201011708900001", "6301011708900001",
                          "6401011708900001", "6501011708900001", "9601011708900001"}) {
    EXPECT_THAT(ValidateNik(nik, "applicant.nik", kToday), IsOk()) << nik;
  }
}

TEST(NikTest, RejectsWrongLength) {
  EXPECT_EQ(NikMessage("647106570890001"), "applicant.nik: must be 16 digits");    // 15
  EXPECT_EQ(NikMessage("64710657089000011"), "applicant.nik: must be 16 digits");  // 17
  EXPECT_EQ(NikMessage(""), "applicant.nik: must be 16 digits");
}

TEST(NikTest, RejectsLetters) {
  EXPECT_EQ(NikMessage("64710657089O0001"), "applicant.nik: must be 16 digits");
  EXPECT_EQ(NikMessage("6471 0657 0890 01"), "applicant.nik: must be 16 digits");
}

TEST(NikTest, RejectsUnknownProvince) {
  EXPECT_EQ(NikMessage("9971065708900001"), "applicant.nik: province code 99 is unknown");
  EXPECT_EQ(NikMessage("2071065708900001"), "applicant.nik: province code 20 is unknown");
  // 97 is a BPS code (Papua Pegunungan), not a Kemendagri one; NIKs use Kemendagri codes.
  EXPECT_EQ(NikMessage("9771065708900001"), "applicant.nik: province code 97 is unknown");
  EXPECT_EQ(NikMessage("0071065708900001"), "applicant.nik: province code 00 is unknown");
}

TEST(NikTest, RejectsZeroRegionCodes) {
  EXPECT_EQ(NikMessage("6400065708900001"), "applicant.nik: kabupaten/kota code 00 is invalid");
  EXPECT_EQ(NikMessage("6471005708900001"), "applicant.nik: kecamatan code 00 is invalid");
}

TEST(NikTest, RejectsImpossibleBirthDates) {
  EXPECT_EQ(NikMessage("6471063102900001"), "applicant.nik: birth date 310290 is not a date");
  EXPECT_EQ(NikMessage("6471061713900001"), "applicant.nik: birth date 171390 is not a date");
  EXPECT_EQ(NikMessage("6471061700900001"), "applicant.nik: birth date 170090 is not a date");
  EXPECT_EQ(NikMessage("6471063208900001"), "applicant.nik: birth date 320890 is not a date");
  EXPECT_EQ(NikMessage("6471060008900001"), "applicant.nik: birth date 000890 is not a date");
  EXPECT_EQ(NikMessage("6471064008900001"), "applicant.nik: birth date 400890 is not a date");
}

TEST(NikTest, RejectsWomansDayOver71) {
  // 72 - 40 = 32: no month has it.
  EXPECT_EQ(NikMessage("6471067208900001"), "applicant.nik: birth date 720890 is not a date");
  // 71 - 40 = 31 is fine in August, not in April.
  EXPECT_THAT(ValidateNik("6471067108900001", "applicant.nik", kToday), IsOk());
  EXPECT_EQ(NikMessage("6471067104900001"), "applicant.nik: birth date 710490 is not a date");
}

TEST(NikTest, LeapDaysDependOnTheCentury) {
  EXPECT_THAT(ValidateNik("6471062902000001", "applicant.nik", kToday), IsOk());  // 2000-02-29
  EXPECT_THAT(ValidateNik("6471062902960001", "applicant.nik", kToday), IsOk());  // 1996-02-29
  EXPECT_EQ(NikMessage("6471062902010001"), "applicant.nik: birth date 290201 is not a date");
}

TEST(NikTest, FutureDateIsReadAsPreviousCentury) {
  // 1 April 2026 is after today, so YY=26 means 1926: a birth date can never lie in the future
  // under the century rule, and this NIK is accepted as a centenarian's.
  EXPECT_THAT(ValidateNik("6471060104260001", "applicant.nik", kToday), IsOk());
  // A baby born today keeps the current century.
  EXPECT_THAT(ValidateNik("6471061703260001", "applicant.nik", kToday), IsOk());
  // 29 Feb 2028 is in the future; 1928 was a leap year too, so it is still a date.
  EXPECT_THAT(ValidateNik("6471062902280001", "applicant.nik", kToday), IsOk());
}

TEST(NikTest, RejectsSerialZero) {
  EXPECT_EQ(NikMessage("6471065708900000"), "applicant.nik: serial 0000 is invalid");
}

TEST(NikTest, MessageUsesTheCallersFieldName) {
  EXPECT_EQ(ValidateNik("123", "holder.nik", kToday).message(), "holder.nik: must be 16 digits");
  EXPECT_THAT(ValidateNik("123", "holder.nik", kToday),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// --- Phone -------------------------------------------------------------------------------------

TEST(PhoneTest, NormalisesToE164) {
  for (const char* input : {"08123456789", "628123456789", "+628123456789", "+62 812-3456-789",
                            "0812 3456 789", " 0812-3456-789 "}) {
    const absl::StatusOr<std::string> phone = NormalizePhone(input, "applicant.phone");
    ASSERT_THAT(phone, IsOk()) << input << ": " << phone.status();
    EXPECT_EQ(*phone, "+628123456789") << input;
  }
}

TEST(PhoneTest, AcceptsEightToTwelveDigitsAfterCountryCode) {
  EXPECT_EQ(*NormalizePhone("054212345", "f"), "+6254212345");          // 8 digits, landline
  EXPECT_EQ(*NormalizePhone("0812345678901", "f"), "+62812345678901");  // 12 digits
}

TEST(PhoneTest, RejectsBadNumbers) {
  auto message = [](std::string_view phone) {
    return std::string(NormalizePhone(phone, "applicant.phone").status().message());
  };
  EXPECT_EQ(message(""), "applicant.phone: required");
  EXPECT_EQ(message(" - "), "applicant.phone: required");
  EXPECT_EQ(message("+1 555 123 4567"), "applicant.phone: must start with +62, 62 or 0");
  EXPECT_EQ(message("8123456789"), "applicant.phone: must start with +62, 62 or 0");
  EXPECT_EQ(message("0812abc45678"), "applicant.phone: must contain only digits after the prefix");
  EXPECT_EQ(message("+62(812)3456789"),
            "applicant.phone: must contain only digits after the prefix");
  EXPECT_EQ(message("0812345"), "applicant.phone: must have 8 to 12 digits after +62");
  EXPECT_EQ(message("08123456789012"), "applicant.phone: must have 8 to 12 digits after +62");
  EXPECT_EQ(message("+6208123456789"), "applicant.phone: must not have 0 right after +62");
}

// --- E-mail ------------------------------------------------------------------------------------

TEST(EmailTest, AcceptsPlainAddresses) {
  for (const char* email : {"siti@example.com", "siti.rahma+loket@dinkes.balikpapan.go.id",
                            "a_b-c@sub-domain.example.co.id", "X@EXAMPLE.COM"}) {
    EXPECT_THAT(ValidateEmail(email, "applicant.email", true), IsOk()) << email;
  }
}

TEST(EmailTest, EmptyOnlyWhenOptional) {
  EXPECT_THAT(ValidateEmail("", "applicant.email", false), IsOk());
  EXPECT_EQ(ValidateEmail("", "applicant.email", true).message(), "applicant.email: required");
}

TEST(EmailTest, RejectsMalformedAddresses) {
  for (const char* email :
       {"siti", "siti@", "@example.com", "siti@example", "siti@@example.com", "siti@exa mple.com",
        "si..ti@example.com", ".siti@example.com", "siti.@example.com", "siti@-example.com",
        "siti@example-.com", "siti@example..com", "siti@example.c0m", "siti@example.c",
        "si ti@example.com", "siti@example.com.", "siti(at)example.com"}) {
    const absl::Status s = ValidateEmail(email, "applicant.email", false);
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument)) << email;
    EXPECT_THAT(std::string(s.message()), StartsWith("applicant.email: ")) << email;
  }
}

TEST(EmailTest, RejectsOverlongAddress) {
  const std::string email = std::string(60, 'a') + "@" + std::string(190, 'b') + ".com";  // 255
  EXPECT_EQ(ValidateEmail(email, "applicant.email", true).message(),
            "applicant.email: longer than 254 characters");
}

// --- Person names ------------------------------------------------------------------------------

TEST(PersonNameTest, TrimsAndCollapsesSpaces) {
  EXPECT_EQ(*NormalizePersonName("  Siti   Rahmawati ", "applicant.name"), "Siti Rahmawati");
}

TEST(PersonNameTest, AcceptsPunctuationUsedInNames) {
  EXPECT_EQ(*NormalizePersonName("Muh. Ma'ruf, S.Kep", "n"), "Muh. Ma'ruf, S.Kep");
  EXPECT_EQ(*NormalizePersonName("Anak Agung Ngurah-Putra", "n"), "Anak Agung Ngurah-Putra");
  EXPECT_EQ(*NormalizePersonName("Ma\u2019ruf", "n"), "Ma'ruf");  // typographic apostrophe
}

TEST(PersonNameTest, AcceptsNonAsciiLetters) {
  EXPECT_EQ(*NormalizePersonName("Zo\u00eb \u00d1\u00fa\u00f1ez", "n"),
            "Zo\u00eb \u00d1\u00fa\u00f1ez");
  EXPECT_THAT(NormalizePersonName("\u0645\u062d\u0645\u062f", "n"), IsOk());  // Arabic script
}

TEST(PersonNameTest, RejectsDigitsAndSymbols) {
  for (const char* name :
       {"Siti2", "Siti@Rahma", "Siti_Rahma", "Siti (Rahma)", "Siti \xf0\x9f\x98\x80", "Siti\u00a9",
        "Siti\nRahma", "Siti\u2022Rahma"}) {
    EXPECT_EQ(NormalizePersonName(name, "applicant.name").status().message(),
              "applicant.name: may contain only letters, spaces and . , ' -")
        << name;
  }
}

TEST(PersonNameTest, RejectsBadLengthAndNoLetters) {
  EXPECT_EQ(NormalizePersonName("A", "applicant.name").status().message(),
            "applicant.name: must be 2 to 100 characters");
  EXPECT_EQ(NormalizePersonName("   ", "applicant.name").status().message(),
            "applicant.name: must be 2 to 100 characters");
  EXPECT_EQ(NormalizePersonName(std::string(101, 'a'), "applicant.name").status().message(),
            "applicant.name: must be 2 to 100 characters");
  EXPECT_THAT(NormalizePersonName(std::string(100, 'a'), "applicant.name"), IsOk());
  // Length is in characters: 100 two-byte letters are fine.
  std::string long_utf8;
  for (int i = 0; i < 100; ++i) long_utf8 += "\u00e9";
  EXPECT_THAT(NormalizePersonName(long_utf8, "applicant.name"), IsOk());
  EXPECT_EQ(NormalizePersonName("--", "applicant.name").status().message(),
            "applicant.name: must contain a letter");
}

TEST(PersonNameTest, RejectsInvalidUtf8) {
  EXPECT_EQ(NormalizePersonName("Siti \xff", "applicant.name").status().message(),
            "applicant.name: not valid UTF-8");
  EXPECT_EQ(NormalizePersonName("Siti \xc3", "applicant.name").status().message(),
            "applicant.name: not valid UTF-8");  // truncated sequence
  EXPECT_EQ(NormalizePersonName("Siti \xc0\xaf", "applicant.name").status().message(),
            "applicant.name: not valid UTF-8");  // overlong '/'
}

// --- Free text ---------------------------------------------------------------------------------

TEST(TextTest, AcceptsMultiLineUtf8WithinLimit) {
  EXPECT_THAT(ValidateText("Baris satu\nBaris dua\tdan \u00e9", "note", 100, true), IsOk());
  EXPECT_THAT(ValidateText("", "note", 100, false), IsOk());
  EXPECT_THAT(ValidateText(std::string(100, 'x'), "note", 100, true), IsOk());
}

TEST(TextTest, RejectsMissingOverlongInvalidAndControl) {
  EXPECT_EQ(ValidateText(" ", "note", 100, true).message(), "note: required");
  EXPECT_EQ(ValidateText(std::string(101, 'x'), "note", 100, true).message(),
            "note: 101 bytes is over the 100-byte limit");
  EXPECT_EQ(ValidateText("abc\xfe", "note", 100, true).message(), "note: not valid UTF-8");
  EXPECT_EQ(ValidateText("\xed\xa0\x80", "note", 100, true).message(),
            "note: not valid UTF-8");  // a UTF-16 surrogate
  EXPECT_EQ(ValidateText("bell\x07", "note", 100, true).message(),
            "note: contains a control character");
  EXPECT_EQ(ValidateText("del\x7f", "note", 100, true).message(),
            "note: contains a control character");
  EXPECT_EQ(ValidateText("nel\u0085", "note", 100, true).message(),
            "note: contains a control character");
  EXPECT_EQ(ValidateText(std::string("nul\0x", 5), "note", 100, true).message(),
            "note: contains a control character");
}

TEST(LineTest, OneLineFieldsRefuseLineBreaksTabsAndControls) {
  EXPECT_THAT(ValidateLine("STR 1234/KTKI/2026 \u00e9", "str_number", 64, true), IsOk());
  EXPECT_THAT(ValidateLine("", "str_number", 64, false), IsOk());
  for (const char* bad : {"STR-1\nforged line", "STR-1\r", "a\u2028b", "a\u2029b"}) {
    EXPECT_EQ(ValidateLine(bad, "str_number", 64, true).message(),
              "str_number: must be one line (no line break)")
        << bad;
  }
  EXPECT_EQ(ValidateLine("a\tb", "name", 64, true).message(), "name: contains a control character");
  EXPECT_EQ(ValidateLine("esc\x1b[2J", "name", 64, true).message(),
            "name: contains a control character");
  EXPECT_EQ(ValidateLine("abc\xfe", "name", 64, true).message(), "name: not valid UTF-8");
  EXPECT_EQ(ValidateLine(" ", "name", 64, true).message(), "name: required");
}

// --- Applicant ---------------------------------------------------------------------------------

Applicant GoodApplicant() {
  Applicant a;
  a.nik = " 6471065708900001 ";
  a.name = "  Siti  Rahmawati ";
  a.phone = "0812-3456-789";
  a.email = " Siti@Example.COM ";
  a.priority = PriorityClass::kHealthWorker;
  a.needs = {AccessibilityNeed::kSeatedService, AccessibilityNeed::kWheelchair,
             AccessibilityNeed::kSeatedService};
  return a;
}

TEST(ApplicantTest, NormalisesEveryField) {
  Applicant a = GoodApplicant();
  ASSERT_THAT(ValidateApplicant(a, kToday), IsOk());
  EXPECT_EQ(a.nik, "6471065708900001");
  EXPECT_EQ(a.name, "Siti Rahmawati");
  EXPECT_EQ(a.phone, "+628123456789");
  EXPECT_EQ(a.email, "Siti@example.com");
  EXPECT_EQ(a.priority, PriorityClass::kHealthWorker);
  EXPECT_EQ(a.needs, (std::vector<AccessibilityNeed>{AccessibilityNeed::kWheelchair,
                                                     AccessibilityNeed::kSeatedService}));
}

TEST(ApplicantTest, EmailIsOptional) {
  Applicant a = GoodApplicant();
  a.email = "";
  EXPECT_THAT(ValidateApplicant(a, kToday), IsOk());
}

TEST(ApplicantTest, ErrorsNameTheApplicantField) {
  auto message = [](void (*spoil)(Applicant&)) {
    Applicant a = GoodApplicant();
    spoil(a);
    return std::string(ValidateApplicant(a, kToday).message());
  };
  EXPECT_EQ(message([](Applicant& a) { a.nik = "123"; }), "applicant.nik: must be 16 digits");
  EXPECT_EQ(message([](Applicant& a) { a.name = "R2D2"; }),
            "applicant.name: may contain only letters, spaces and . , ' -");
  EXPECT_EQ(message([](Applicant& a) { a.phone = "12345"; }),
            "applicant.phone: must start with +62, 62 or 0");
  EXPECT_THAT(message([](Applicant& a) { a.email = "siti@"; }), StartsWith("applicant.email: "));
  EXPECT_THAT(message([](Applicant& a) { a.priority = static_cast<PriorityClass>(9); }),
              StartsWith("applicant.priority: "));
  EXPECT_THAT(message([](Applicant& a) { a.needs = {static_cast<AccessibilityNeed>(0)}; }),
              StartsWith("applicant.needs: "));
}

TEST(ApplicantTest, UnchangedOnError) {
  Applicant a = GoodApplicant();
  a.email = "not-an-address";
  const Applicant before = a;
  EXPECT_THAT(ValidateApplicant(a, kToday), StatusIs(absl::StatusCode::kInvalidArgument));
  // The name and phone before the bad e-mail were valid, but nothing is half-normalised.
  EXPECT_EQ(a.nik, before.nik);
  EXPECT_EQ(a.name, before.name);
  EXPECT_EQ(a.phone, before.phone);
  EXPECT_EQ(a.email, before.email);
  EXPECT_EQ(a.needs, before.needs);
}

// --- Documents ---------------------------------------------------------------------------------

const std::string kPdf = "%PDF-1.7 surat tempat praktik";
const std::string kPdfSha = "2642a32723736f26f66cbee48bb1ce899f775112d08abf1bba55241e7d251fb3";

TEST(DocumentTest, AcceptsMatchingChecksum) {
  EXPECT_EQ(Sha256Hex(kPdf), kPdfSha);
  EXPECT_THAT(ValidateDocument("str.pdf", "application/pdf", kPdf, kPdfSha), IsOk());
}

const std::string kJpeg = "\xff\xd8\xff\xe0 JFIF foto";
const std::string kPng = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);

TEST(DocumentTest, AcceptsEachTypeWithItsSignature) {
  EXPECT_THAT(ValidateDocument("foto.jpg", "image/jpeg", kJpeg, Sha256Hex(kJpeg)), IsOk());
  EXPECT_THAT(ValidateDocument("scan.png", "image/png", kPng, Sha256Hex(kPng)), IsOk());
  EXPECT_TRUE(ContentMatchesMediaType("application/pdf", "%PDF-1.4"));
  EXPECT_FALSE(ContentMatchesMediaType("application/pdf", "%PDF"));  // too short to be a PDF
  EXPECT_FALSE(ContentMatchesMediaType("image/png", "\x89PNG\r\n"));
  EXPECT_FALSE(ContentMatchesMediaType("image/gif", "GIF89a"));
}

TEST(DocumentTest, RejectsContentThatIsNotItsDeclaredType) {
  // A Windows executable ("MZ") uploaded as a PNG, a PDF called a JPEG, a PNG called a PDF.
  const std::string exe = std::string("MZ\x90\0\x03\0\0\0", 8) + "This program cannot be run";
  EXPECT_EQ(ValidateDocument("scan.png", "image/png", exe, Sha256Hex(exe)).message(),
            "document.content: is not a PNG file: its first bytes are not the PNG signature that "
            "document.media_type image/png requires");
  EXPECT_THAT(std::string(ValidateDocument("foto.jpg", "image/jpeg", kPdf, kPdfSha).message()),
              StartsWith("document.content: is not a JPEG file"));
  EXPECT_THAT(
      std::string(ValidateDocument("str.pdf", "application/pdf", kPng, Sha256Hex(kPng)).message()),
      StartsWith("document.content: is not a PDF file"));
  // The signature is checked before the checksum, so a wrong type is named even with a bad sum.
  EXPECT_THAT(std::string(ValidateDocument("x.png", "image/png", exe, kPdfSha).message()),
              StartsWith("document.content: "));
}

TEST(DocumentTest, ChecksumIsCaseInsensitive) {
  std::string upper = kPdfSha;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_THAT(ValidateDocument("str.pdf", "application/pdf", kPdf, upper), IsOk());
}

TEST(DocumentTest, RejectsChecksumMismatch) {
  const std::string wrong = Sha256Hex("something else");
  const absl::Status s = ValidateDocument("str.pdf", "application/pdf", kPdf, wrong);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(s.message(), "document.sha256_hex: does not match the content (got " + wrong +
                             ", computed " + kPdfSha + ")");
}

TEST(DocumentTest, RejectsMalformedChecksum) {
  EXPECT_EQ(ValidateDocument("str.pdf", "application/pdf", kPdf, "abc").message(),
            "document.sha256_hex: must be 64 hex digits");
  EXPECT_EQ(ValidateDocument("str.pdf", "application/pdf", kPdf, std::string(64, 'g')).message(),
            "document.sha256_hex: must be 64 hex digits");
}

TEST(DocumentTest, RejectsOversizeAndEmptyContent) {
  const std::string big(6291456, 'x');
  EXPECT_EQ(ValidateDocument("big.pdf", "application/pdf", big, kPdfSha).message(),
            "document.content: 6291456 bytes is over the 5242880-byte limit");
  EXPECT_EQ(ValidateDocument("empty.pdf", "application/pdf", "", kPdfSha).message(),
            "document.content: empty");
  const std::string at_limit = kPdf + std::string(kMaxDocumentBytes - kPdf.size(), 'x');
  EXPECT_THAT(ValidateDocument("max.pdf", "application/pdf", at_limit, Sha256Hex(at_limit)),
              IsOk());
}

TEST(DocumentTest, RejectsOtherMediaTypes) {
  for (const char* type : {"text/html", "application/PDF", "image/gif", ""}) {
    EXPECT_EQ(ValidateDocument("x.pdf", type, kPdf, kPdfSha).message(),
              std::string("document.media_type: must be application/pdf, image/jpeg or image/png "
                          "(got \"") +
                  type + "\")");
  }
}

TEST(DocumentTest, RejectsBadFileNames) {
  EXPECT_EQ(ValidateDocument("", "application/pdf", kPdf, kPdfSha).message(),
            "document.file_name: required");
  EXPECT_EQ(ValidateDocument("../etc/passwd", "application/pdf", kPdf, kPdfSha).message(),
            "document.file_name: must be a plain file name");
  EXPECT_EQ(ValidateDocument("c:\\str.pdf", "application/pdf", kPdf, kPdfSha).message(),
            "document.file_name: must be a plain file name");
  EXPECT_EQ(ValidateDocument(std::string(256, 'a'), "application/pdf", kPdf, kPdfSha).message(),
            "document.file_name: 256 bytes is over the 255-byte limit");
  EXPECT_THAT(std::string(ValidateDocument("a\nb.pdf", "application/pdf", kPdf, kPdfSha).message()),
              StartsWith("document.file_name: "));
}

// --- Quoting values in messages ------------------------------------------------------------

TEST(QuoteTest, ShortValuesAreQuotedWhole) {
  EXPECT_EQ(QuoteValue("image/gif"), "\"image/gif\"");
  EXPECT_EQ(QuoteValue(""), "\"\"");
  EXPECT_EQ(QuoteValue(std::string(32, 'a')), "\"" + std::string(32, 'a') + "\"");
}

TEST(QuoteTest, LongValuesKeep32CharactersAndTheLength) {
  EXPECT_EQ(QuoteValue(std::string(7168, 'A')),
            "\"" + std::string(32, 'A') + "\u2026\" (7168 bytes)");
  // Cut on a character boundary: 40 two-byte characters keep 32 of them (64 bytes).
  std::string e;
  for (int i = 0; i < 40; ++i) e += "\u00e9";
  std::string kept;
  for (int i = 0; i < 32; ++i) kept += "\u00e9";
  EXPECT_EQ(QuoteValue(e), "\"" + kept + "\u2026\" (80 bytes)");
}

TEST(QuoteTest, ControlsQuotesAndBadBytesAreEscaped) {
  EXPECT_EQ(QuoteValue("a\nb\"c\\"), "\"a\\x0Ab\\\"c\\\\\"");
  EXPECT_EQ(QuoteValue("x\xff\xfe"), "\"x\\xFF\\xFE\"");
  EXPECT_EQ(QuoteValue("nel\u0085"), "\"nel\\u0085\"");
}

TEST(QuoteTest, TheMediaTypeMessageQuotesAPrefixOfA7kBValue) {
  const std::string huge = "image/" + std::string(7 * 1024, 'x');
  const std::string m(ValidateDocument("x.pdf", huge, kPdf, kPdfSha).message());
  EXPECT_EQ(m,
            "document.media_type: must be application/pdf, image/jpeg or image/png (got \"image/" +
                std::string(26, 'x') + "\u2026\" (7174 bytes))");
}

// --- Masks -------------------------------------------------------------------------------------

TEST(MaskTest, Nik) {
  EXPECT_EQ(MaskNik("6471065708900001"), "6471**********01");
  EXPECT_EQ(MaskNik("123"), "***");
  EXPECT_EQ(MaskNik(""), "");
}

TEST(MaskTest, Phone) {
  EXPECT_EQ(MaskPhone("+628123456789"), "+62812****789");
  EXPECT_EQ(MaskPhone("+6281234567890"), "+62812*****890");
  EXPECT_EQ(MaskPhone("12345"), "*****");
}

TEST(MaskTest, Email) {
  EXPECT_EQ(MaskEmail("siti@example.com"), "s***@example.com");
  EXPECT_EQ(MaskEmail("s@example.com"), "s***@example.com");
  EXPECT_EQ(MaskEmail("no-at-sign"), "***");
  EXPECT_EQ(MaskEmail(""), "");
}

// --- language (one rule for applicants, bookings, walk-ins and the public page) ----------------

TEST(LanguageTest, DefaultsToIndonesianAndAcceptsOnlyIdOrEn) {
  EXPECT_EQ(LanguageOrDefault("", "applicant.language").value(), "id");
  EXPECT_EQ(LanguageOrDefault("id", "applicant.language").value(), "id");
  EXPECT_EQ(LanguageOrDefault("en", "walk_in.language").value(), "en");
  for (const char* bad : {"EN", "jv", "en-US", " id", "indonesia"}) {
    absl::StatusOr<std::string> l = LanguageOrDefault(bad, "walk_in.language");
    EXPECT_THAT(l, StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
    EXPECT_EQ(l.status().message(), "walk_in.language: id or en") << bad;
  }
  // Each caller's field is the one named.
  EXPECT_EQ(LanguageOrDefault("fr", "language").status().message(), "language: id or en");
}

TEST(RequestIdTest, RequiredAndAUuid) {
  EXPECT_THAT(ValidateRequestId("0b6c2f3e-8f8a-4c7e-9a51-3f1d2c4b5a69"), IsOk());
  EXPECT_THAT(ValidateRequestId(""),
              StatusIs(absl::StatusCode::kInvalidArgument, "request_id: required"));
  EXPECT_THAT(ValidateRequestId("retry-1"),
              StatusIs(absl::StatusCode::kInvalidArgument, "request_id: must be a UUID"));
}

TEST(RequestIdTest, ReplayOnlyToItsPrincipalAndMethod) {
  EXPECT_THAT(CheckReplay(7, "SubmitApplication", 7, "SubmitApplication"), IsOk());
  // Another principal learns nothing of the recorded call, not even its method.
  EXPECT_THAT(
      CheckReplay(7, "SubmitApplication", 8, "SubmitApplication"),
      StatusIs(absl::StatusCode::kInvalidArgument, "request_id: already used; use a new one"));
  EXPECT_THAT(CheckReplay(7, "SubmitApplication", 7, "Approve"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "request_id: already used for SubmitApplication; use a new one"));
}

// One reading of a time of day for every field that takes one: office and clinic hours, a
// courier's shift, a pickup window.
TEST(ClockMinutesTest, TwentyFourHourClockOrTheFieldNamedWithWhatWasSent) {
  for (auto [text, minutes] :
       {std::pair{"08:00", 8 * 60}, std::pair{"23:59", 23 * 60 + 59}, std::pair{"00:00", 0},
        std::pair{" 07:30 ", 450}, std::pair{"\t07:30\n", 450}}) {
    absl::StatusOr<int> m = ParseClockMinutes(text, "starts");
    ASSERT_THAT(m, IsOk()) << text;
    EXPECT_EQ(*m, minutes) << text;
  }
  for (const char* bad :
       {"8:00", "24:00", "12:60", "12-00", "ab:cd", "", "08:00:00", "1 :00", "+1:00", "08.30"}) {
    EXPECT_THAT(
        ParseClockMinutes(bad, "shift_ends"),
        StatusIs(absl::StatusCode::kInvalidArgument,
                 absl::StrCat("shift_ends: \"", bad, "\" is not a time (HH:MM, 00:00 to 23:59)")))
        << bad;
  }
  // The end of a span may be midnight at the day's end, and no later.
  EXPECT_EQ(*ParseClockMinutes("24:00", "closes", /*end_of_day=*/true), 24 * 60);
  EXPECT_THAT(ParseClockMinutes("24:01", "closes", true),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "closes: \"24:01\" is not a time (HH:MM, 00:00 to 24:00)"));
  EXPECT_EQ(FormatClockMinutes(485), "08:05");
  EXPECT_EQ(FormatClockMinutes(24 * 60), "24:00");
}

}  // namespace
}  // namespace loket::domain
