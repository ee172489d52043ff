// CaseService.SearchCases (issue 13, finding people): real PostgreSQL (migration 0017's folded
// name column and trigram index), the real server on port 0, a gRPC client.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using Stub = v1::CaseService::Stub;

class SearchCasesTest : public ServerTest {
 protected:
  // A nurse application with its own NIK (serial `serial`), name and phone, submitted by `token`.
  v1::Case Submit(const std::string& token, int serial, const std::string& name,
                  const std::string& phone = "081234567890") {
    v1::SubmitApplicationRequest r = NurseApplication();
    r.mutable_applicant()->set_nik(absl::StrFormat("647106570890%04d", serial));
    r.mutable_applicant()->set_name(name);
    r.mutable_applicant()->set_phone(phone);
    v1::Case c;
    grpc::Status s = cases().SubmitApplication(Ctx(token).get(), r, &c);
    EXPECT_THAT(s, IsOk()) << name << ": " << s.error_message();
    return c;
  }

  grpc::Status Search(const std::string& token, const v1::SearchCasesRequest& req,
                      v1::SearchCasesResponse* resp) {
    return cases().SearchCases(Ctx(token).get(), req, resp);
  }

  // The ids found by `token` for `req` (all pages); fails the test on error.
  std::vector<int64_t> Ids(const std::string& token, v1::SearchCasesRequest req) {
    std::vector<int64_t> ids;
    while (true) {
      v1::SearchCasesResponse resp;
      grpc::Status s = Search(token, req, &resp);
      EXPECT_THAT(s, IsOk()) << s.error_message();
      if (!s.ok()) return ids;
      for (const v1::Case& c : resp.cases()) ids.push_back(c.id());
      if (resp.next_page_token().empty()) return ids;
      req.set_page_token(resp.next_page_token());
    }
  }

  static v1::SearchCasesRequest ByName(const std::string& name) {
    v1::SearchCasesRequest r;
    r.set_name(name);
    return r;
  }
};

TEST_F(SearchCasesTest, NameMatchesAnyPartIgnoringAccentsAndCase) {
  v1::Case jose = Submit(clinic_a_, 101, "José Müller-Ñuñez");
  v1::Case sri = Submit(clinic_a_, 102, "Sri Rahayu");
  v1::Case nur = Submit(clinic_a_, 103, "Nur'aini Öztürk");

  EXPECT_THAT(Ids(officer_, ByName("MULLER")), UnorderedElementsAre(jose.id()));
  EXPECT_THAT(Ids(officer_, ByName("jose nunez")), UnorderedElementsAre(jose.id()));
  EXPECT_THAT(Ids(officer_, ByName("NÚÑEZ")), UnorderedElementsAre(jose.id()));
  EXPECT_THAT(Ids(officer_, ByName("ahay")), UnorderedElementsAre(sri.id()));
  EXPECT_THAT(Ids(officer_, ByName("rahayu sri")), UnorderedElementsAre(sri.id()));
  EXPECT_THAT(Ids(officer_, ByName("nuraini ozturk")), UnorderedElementsAre(nur.id()));
  EXPECT_TRUE(Ids(officer_, ByName("rahayu jose")).empty());  // every word must match
  // Letters beyond U+017F, and accents typed as separate marks (e + U+0301), fold too (0026).
  v1::Case dewi = Submit(clinic_a_, 104, "Ḍewi Nguyễn");
  v1::Case pasted = Submit(clinic_a_, 105, "Rene\u0301 Gonc\u0327alves");
  EXPECT_THAT(Ids(officer_, ByName("dewi")), UnorderedElementsAre(dewi.id()));
  EXPECT_THAT(Ids(officer_, ByName("NGUYEN ḍewi")), UnorderedElementsAre(dewi.id()));
  EXPECT_THAT(Ids(officer_, ByName("René Gonçalves")), UnorderedElementsAre(pasted.id()));
  EXPECT_THAT(Ids(officer_, ByName("rene\u0301")), UnorderedElementsAre(pasted.id()));
  // LIKE's wildcards typed by someone are not wildcards.
  EXPECT_TRUE(Ids(officer_, ByName("r%yu")).empty());
  v1::SearchCasesResponse resp;
  grpc::Status s = Search(officer_, ByName("r%y"), &resp);
  // No word of 3 letters: % is no letter.
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
}

TEST_F(SearchCasesTest, ClinicFindsOnlyItsOwnCasesAsInListing) {
  v1::Case a = Submit(clinic_a_, 201, "Bambang Wicaksono");
  v1::Case b = Submit(clinic_b_, 202, "Bambang Wicaksana");

  EXPECT_THAT(Ids(officer_, ByName("bambang wicaks")), UnorderedElementsAre(a.id(), b.id()));
  EXPECT_THAT(Ids(clinic_a_, ByName("bambang wicaks")), UnorderedElementsAre(a.id()));
  EXPECT_THAT(Ids(clinic_b_, ByName("bambang wicaks")), UnorderedElementsAre(b.id()));
  // Naming the other clinic gives nothing rather than the other clinic's cases.
  v1::SearchCasesRequest other = ByName("bambang");
  other.set_clinic_id("pkm-a");
  EXPECT_TRUE(Ids(clinic_b_, other).empty());
  EXPECT_THAT(Ids(officer_, other), UnorderedElementsAre(a.id()));
  // By NIK too: the clinic that did not submit it does not learn the case exists.
  v1::SearchCasesRequest nik;
  nik.set_nik(a.applicant().nik());
  EXPECT_THAT(Ids(officer_, nik), UnorderedElementsAre(a.id()));
  EXPECT_TRUE(Ids(clinic_b_, nik).empty());
  // A clinic's draft is its own until sent: the clinic finds it, the office does not (as in
  // ListCases without a state).
  v1::SubmitApplicationRequest draft = NurseApplication();
  draft.set_draft(true);
  draft.mutable_applicant()->set_name("Bambang Wicaksini");
  v1::Case drafted;
  ASSERT_THAT(cases().SubmitApplication(Ctx(clinic_a_).get(), draft, &drafted), IsOk());
  EXPECT_THAT(Ids(clinic_a_, ByName("bambang wicaks")), UnorderedElementsAre(a.id(), drafted.id()));
  EXPECT_THAT(Ids(officer_, ByName("bambang wicaks")), UnorderedElementsAre(a.id(), b.id()));
  // Another office's officer finds nothing of this office.
  EXPECT_TRUE(Ids(other_office_officer_, ByName("bambang")).empty());
  EXPECT_TRUE(Ids(other_office_officer_, nik).empty());
}

TEST_F(SearchCasesTest, ByNikPhoneTrackingCodeAndPermitNumber) {
  v1::Case c = Submit(clinic_a_, 301, "Dewi Lestari", "0812 9876 5432");
  Submit(clinic_a_, 302, "Dewi Lestari", "081299990000");  // same name, other person

  v1::SearchCasesRequest r;
  r.set_nik("6471065708900301");
  EXPECT_THAT(Ids(officer_, r), UnorderedElementsAre(c.id()));

  r.Clear();
  r.set_phone("+62-812-9876-5432");  // any form the applicant's phone takes
  EXPECT_THAT(Ids(officer_, r), UnorderedElementsAre(c.id()));

  r.Clear();
  std::string typed = absl::AsciiStrToLower(c.tracking_code());
  typed.insert(4, "-");
  r.set_tracking_code(typed);
  EXPECT_THAT(Ids(counter_, r), UnorderedElementsAre(c.id()));

  AttachAll(c.id(), clinic_a_);
  ASSERT_THAT(Do(&Stub::StartVerification, officer_, c.id()), IsOk());
  ASSERT_THAT(Do(&Stub::Approve, approver_, c.id(), "lengkap"), IsOk());
  v1::Case issued;
  ASSERT_THAT(Do(&Stub::Issue, officer_, c.id(), "", &issued), IsOk());
  r.Clear();
  r.set_permit_number(absl::AsciiStrToLower(issued.permit_number()));  // as someone types it
  EXPECT_THAT(Ids(approver_, r), UnorderedElementsAre(c.id()));
  // Criteria combine: the right permit number with the wrong NIK finds nothing.
  r.set_nik("6471065708900302");
  EXPECT_TRUE(Ids(approver_, r).empty());
}

TEST_F(SearchCasesTest, SubmissionDateRangeInOfficeTime) {
  v1::Case c = Submit(clinic_a_, 401, "Yohanes Pattiasina");
  // created_at is the database's time; the office is in UTC+8. Its office day is read from the
  // row, not from this process's clock: a run across 00:00 WITA (16:00 UTC) took the next day.
  absl::CivilDay today;
  ASSERT_TRUE(absl::ParseCivilTime(
      server_->Query(absl::StrCat("SELECT (created_at AT TIME ZONE 'Asia/Makassar')::date::text"
                                  " FROM cases WHERE id = ",
                                  c.id())),
      &today));
  v1::SearchCasesRequest r = ByName("pattiasina");
  r.set_submitted_from(absl::FormatCivilTime(today));
  r.set_submitted_to(absl::FormatCivilTime(today));
  EXPECT_THAT(Ids(officer_, r), UnorderedElementsAre(c.id()));
  r.set_submitted_from(absl::FormatCivilTime(today - 30));
  r.set_submitted_to(absl::FormatCivilTime(today - 1));
  EXPECT_TRUE(Ids(officer_, r).empty());
  r.set_submitted_from(absl::FormatCivilTime(today + 1));
  r.clear_submitted_to();
  EXPECT_TRUE(Ids(officer_, r).empty());
}

TEST_F(SearchCasesTest, ADayIsTheOfficesDayNotUtcs) {
  // 2026-03-31T16:30Z is 1 April 00:30 in Balikpapan (UTC+8); 15:59:59Z is still 31 March there.
  v1::Case april = Submit(clinic_a_, 402, "Markus Tanjung");
  v1::Case march = Submit(clinic_a_, 403, "Markus Tanjung");
  server_->Query(
      absl::StrCat("UPDATE cases SET created_at = '2026-03-31T16:30:00Z' WHERE id = ", april.id()));
  server_->Query(
      absl::StrCat("UPDATE cases SET created_at = '2026-03-31T15:59:59Z' WHERE id = ", march.id()));
  v1::SearchCasesRequest r = ByName("markus tanjung");
  r.set_submitted_from("2026-04-01");
  r.set_submitted_to("2026-04-01");
  EXPECT_THAT(Ids(officer_, r), UnorderedElementsAre(april.id()));
  r.set_submitted_from("2026-03-31");
  r.set_submitted_to("2026-03-31");
  EXPECT_THAT(Ids(officer_, r), UnorderedElementsAre(march.id()));
}

TEST_F(SearchCasesTest, PagesNewestFirstWithoutRepeats) {
  std::vector<int64_t> made;
  for (int i = 0; i < 5; ++i) made.push_back(Submit(clinic_a_, 501 + i, "Kartika Paging").id());
  v1::SearchCasesRequest r = ByName("kartika paging");
  r.set_page_size(2);
  v1::SearchCasesResponse first;
  ASSERT_THAT(Search(officer_, r, &first), IsOk());
  ASSERT_EQ(first.cases_size(), 2);
  EXPECT_EQ(first.cases(0).id(), made[4]);  // newest first
  EXPECT_EQ(first.cases(1).id(), made[3]);
  EXPECT_FALSE(first.next_page_token().empty());
  std::vector<int64_t> all = Ids(officer_, r);
  EXPECT_EQ(all, (std::vector<int64_t>{made[4], made[3], made[2], made[1], made[0]}));
}

TEST_F(SearchCasesTest, BadCriteriaNameTheField) {
  auto error = [&](v1::SearchCasesRequest r) {
    v1::SearchCasesResponse resp;
    grpc::Status s = Search(officer_, r, &resp);
    EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT)) << s.error_message();
    return s.error_message();
  };
  v1::SearchCasesRequest r;
  EXPECT_THAT(error(r), HasSubstr("criteria:"));
  r.set_name("ab");
  EXPECT_THAT(error(r), HasSubstr("name:"));
  r.Clear();
  r.set_nik("12345");
  EXPECT_THAT(error(r), HasSubstr("nik:"));
  r.Clear();
  r.set_phone("12345");
  EXPECT_THAT(error(r), HasSubstr("phone:"));
  r.Clear();
  r.set_submitted_from("2026-13-01");
  EXPECT_THAT(error(r), HasSubstr("submitted_from:"));
  r.Clear();
  r.set_submitted_from("2026-03-10");
  r.set_submitted_to("2026-03-01");
  EXPECT_THAT(error(r), HasSubstr("submitted_to:"));
  r.Clear();
  r.set_name("siti");
  r.set_page_token("bogus");
  EXPECT_THAT(error(r), HasSubstr("page_token:"));
  // Couriers have no case search.
  v1::SearchCasesResponse resp;
  std::string courier = server_->TokenFor("bpp", "courier", "");
  EXPECT_THAT(Search(courier, ByName("siti"), &resp), StatusIs(grpc::PERMISSION_DENIED));
}

}  // namespace
}  // namespace loket::itest
