#include "server/domain/case_search.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace loket::domain {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ErrorOf(const CaseSearchInput& in) {
  absl::StatusOr<CaseSearch> s = CheckCaseSearch(in);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  return std::string(s.status().message());
}

TEST(CaseSearchTest, NothingGivenIsRefusedNamingTheCriteria) {
  EXPECT_THAT(ErrorOf({}), HasSubstr("criteria:"));
  CaseSearchInput blank;
  blank.name = "   ";
  blank.nik = " ";
  EXPECT_THAT(ErrorOf(blank), HasSubstr("criteria:"));
}

TEST(CaseSearchTest, NameSplitsIntoWordsAndNeedsOneOfThreeLetters) {
  CaseSearchInput in;
  in.name = "  sri   Ra ";
  absl::StatusOr<CaseSearch> s = CheckCaseSearch(in);
  ASSERT_THAT(s, IsOk()) << s.status();
  EXPECT_THAT(s->name_words, ElementsAre("sri", "Ra"));
  in.name = "Jo Ed";
  EXPECT_THAT(ErrorOf(in), HasSubstr("name:"));
  in.name = "Jé";  // an accented letter counts once
  EXPECT_THAT(ErrorOf(in), HasSubstr("name:"));
  in.name = "Joé";
  EXPECT_THAT(CheckCaseSearch(in), IsOk());
  // Words the name fold empties (Greek, sharp s, apostrophes) would match every name: refused.
  in.name = "Ωμέγα";
  EXPECT_THAT(ErrorOf(in), HasSubstr("name:"));
  in.name = "ßßß ’’’";
  EXPECT_THAT(ErrorOf(in), HasSubstr("name:"));
  in.name = "Ωμέγα Müller";  // the Latin word is searched, the other dropped
  absl::StatusOr<CaseSearch> mixed = CheckCaseSearch(in);
  ASSERT_THAT(mixed, IsOk()) << mixed.status();
  EXPECT_THAT(mixed->name_words, ElementsAre("Müller"));
  in.name = "a b c d e f ggg";
  EXPECT_THAT(ErrorOf(in), HasSubstr("at most 6 words"));
  // Letters of Latin Extended Additional fold to plain letters (migration 0026) and count once.
  in.name = "Ḍwi";
  EXPECT_THAT(CheckCaseSearch(in), IsOk());
  in.name = "ḌḌ Ễ";
  EXPECT_THAT(ErrorOf(in), HasSubstr("name:"));
  // A separate combining accent is no letter: a word of only accents is dropped.
  in.name = "\u0301\u0301\u0301 Jose\u0301";
  absl::StatusOr<CaseSearch> marks = CheckCaseSearch(in);
  ASSERT_THAT(marks, IsOk()) << marks.status();
  EXPECT_THAT(marks->name_words, ElementsAre("Jose\u0301"));
}

TEST(CaseSearchTest, NormalisesPhoneAndTrackingCode) {
  CaseSearchInput in;
  in.phone = " 0812-3456-7890 ";
  in.tracking_code = "k7m4-qx2p";
  absl::StatusOr<CaseSearch> s = CheckCaseSearch(in);
  ASSERT_THAT(s, IsOk()) << s.status();
  EXPECT_EQ(s->phone, "+6281234567890");
  EXPECT_EQ(s->tracking_code, "K7M4QX2P");
  in.phone = "5551234";
  EXPECT_THAT(ErrorOf(in), HasSubstr("phone:"));
  in.phone.clear();
  in.tracking_code = "abc/def";
  EXPECT_THAT(ErrorOf(in), HasSubstr("tracking_code:"));
}

TEST(CaseSearchTest, PermitNumberAsIssuedWhateverTheCase) {
  CaseSearchInput in;
  in.permit_number = " 0007/sip_perawat/dpmptsp-bpp/2026 ";
  absl::StatusOr<CaseSearch> s = CheckCaseSearch(in);
  ASSERT_THAT(s, IsOk()) << s.status();
  EXPECT_EQ(s->permit_number, "0007/SIP_PERAWAT/DPMPTSP-BPP/2026");
}

TEST(CaseSearchTest, NikMustBeSixteenDigits) {
  CaseSearchInput in;
  in.nik = "647106570890000";
  EXPECT_THAT(ErrorOf(in), HasSubstr("nik:"));
  in.nik = "64710657089000a1";
  EXPECT_THAT(ErrorOf(in), HasSubstr("nik:"));
  in.nik = " 6471065708900001 ";
  absl::StatusOr<CaseSearch> s = CheckCaseSearch(in);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->nik, "6471065708900001");
}

TEST(CaseSearchTest, DateRangeParsesAndMustBeInOrder) {
  CaseSearchInput in;
  in.submitted_from = "2026-12-01";
  in.submitted_to = "2026-12-31";
  absl::StatusOr<CaseSearch> s = CheckCaseSearch(in);
  ASSERT_THAT(s, IsOk()) << s.status();
  EXPECT_EQ(*s->submitted_from, absl::CivilDay(2026, 12, 1));
  EXPECT_EQ(*s->submitted_to, absl::CivilDay(2026, 12, 31));
  in.submitted_to = "2026-11-30";
  EXPECT_THAT(ErrorOf(in), HasSubstr("submitted_to:"));
  in.submitted_to = "31-12-2026";
  EXPECT_THAT(ErrorOf(in), HasSubstr("submitted_to:"));
  in.submitted_to.clear();
  in.submitted_from = "2026-02-30";
  EXPECT_THAT(ErrorOf(in), HasSubstr("submitted_from:"));
}

TEST(CaseSearchTest, SubmissionDaysAreTheOfficesDays) {
  CaseSearch q;
  EXPECT_EQ(SubmissionWindowOf(q, 480).from, std::nullopt);
  EXPECT_EQ(SubmissionWindowOf(q, 480).until, std::nullopt);
  q.submitted_from = absl::CivilDay(2026, 3, 2);
  q.submitted_to = absl::CivilDay(2026, 3, 3);
  // WITA (UTC+8): 2 March 00:00 local is 1 March 16:00 UTC; the end is 3 March 16:00 UTC.
  const SubmissionWindow w = SubmissionWindowOf(q, 480);
  EXPECT_EQ(w.from, absl::FromCivil(absl::CivilSecond(2026, 3, 1, 16, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(w.until, absl::FromCivil(absl::CivilSecond(2026, 3, 3, 16, 0, 0), absl::UTCTimeZone()));
}

}  // namespace
}  // namespace loket::domain
