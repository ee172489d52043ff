// The case rules the store still carried, apart from it (issue 14).
#include "server/domain/case_rules.h"

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace loket::domain {
namespace {

Case Submitted() {
  Case c;
  c.state = CaseState::kSubmitted;
  c.channel = Channel::kOnline;
  c.sla.service_level_days = 5;
  c.sla.started_on = absl::CivilDay(2026, 11, 30);  // a Monday
  return c;
}

TEST(CaseRulesTest, TheSlaRunsWhileTheCaseIsWorkedOnAndNotOnceDecided) {
  const WorkingCalendar cal;
  const absl::CivilDay today(2026, 12, 10);
  Case c = Submitted();
  SlaStatus s = CaseSla(c, cal, today);
  EXPECT_EQ(s.due, absl::CivilDay(2026, 12, 7));
  EXPECT_TRUE(s.overdue);
  c.state = CaseState::kIssued;
  s = CaseSla(c, cal, today);
  EXPECT_FALSE(s.overdue);
  EXPECT_EQ(s.working_days_left, 0);
}

TEST(CaseRulesTest, ADraftIsRecordedQuietlyASubmissionIsTold) {
  Case c = Submitted();
  SubmissionRecord r = RecordSubmission(c, /*draft=*/true);
  EXPECT_EQ(r.action, "CreateDraft");
  EXPECT_FALSE(r.notify);
  EXPECT_FALSE(r.follow_clinic);
  r = RecordSubmission(c, /*draft=*/false);
  EXPECT_EQ(r.action, "Submit");
  EXPECT_TRUE(r.notify);
}

TEST(CaseRulesTest, SiberFollowsAClinicsCaseFromItsCreation) {
  Case c = Submitted();
  c.channel = Channel::kClinic;
  EXPECT_TRUE(RecordSubmission(c, false).follow_clinic);
  EXPECT_TRUE(RecordSubmission(c, true).follow_clinic);
}

TEST(CaseRulesTest, TheRevokeReasonIsPublicOnlyWhenPublished) {
  Case c = Submitted();
  c.state = CaseState::kRevoked;
  c.revoke_reason = "STR dicabut";
  c.revoke_reason_public = false;
  EXPECT_EQ(PublicRevokeReason(c), "");
  c.revoke_reason_public = true;
  EXPECT_EQ(PublicRevokeReason(c), "STR dicabut");
}

Case Issued() {
  Case c = Submitted();
  c.id = 42;
  c.state = CaseState::kIssued;
  c.permit_number = "0007/SIP_PERAWAT/DPMPTSP-BPP/2026";
  c.verification_code = "K7M4QX9PLA";
  c.valid_until = absl::CivilDay(2031, 12, 1);
  return c;
}

constexpr int kWita = 8 * 60;  // Balikpapan, UTC+8

absl::Time Utc(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), absl::UTCTimeZone());
}

TEST(VerifyPermitPublicTest, AnswersOnlyTheRightCodeWithTheStatusOnTheOfficesDay) {
  Case c = Issued();
  EXPECT_EQ(VerifyPermitPublic(c, "K7M4QX9PLB", Utc(2026, 12, 1, 0, 0), kWita), std::nullopt);
  std::optional<PublicPermitCheck> v =
      VerifyPermitPublic(c, "k7m-4qx 9pla", Utc(2026, 12, 1, 0, 0), kWita);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->status, PermitStatus::kValid);
  EXPECT_TRUE(v->valid);
  EXPECT_EQ(v->valid_until, absl::CivilDay(2031, 12, 1));
  EXPECT_EQ(v->revoked_on, std::nullopt);
  EXPECT_EQ(v->revoke_reason, "");
  // 2031-12-01 16:00 UTC is already 12-02 in Balikpapan: expired there, still valid in UTC.
  v = VerifyPermitPublic(c, "K7M4QX9PLA", Utc(2031, 12, 1, 16, 0), kWita);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->status, PermitStatus::kExpired);
  EXPECT_FALSE(v->valid);
  EXPECT_EQ(VerifyPermitPublic(c, "K7M4QX9PLA", Utc(2031, 12, 1, 15, 59), kWita)->status,
            PermitStatus::kValid);
  EXPECT_EQ(VerifyPermitPublic(c, "K7M4QX9PLA", Utc(2031, 12, 1, 16, 0), 0)->status,
            PermitStatus::kValid);
  c.state = CaseState::kApproved;  // never issued: no answer even with its code
  EXPECT_EQ(VerifyPermitPublic(c, "K7M4QX9PLA", Utc(2026, 12, 1, 0, 0), kWita), std::nullopt);
}

TEST(VerifyPermitPublicTest, ARevokedPermitGivesItsDayInOfficeTimeAndOnlyAPublishedReason) {
  Case c = Issued();
  c.state = CaseState::kRevoked;
  c.revoked_at = Utc(2026, 12, 1, 17, 30);  // 01:30 on 12-02 in Balikpapan
  c.revoke_reason = "STR dicabut";
  std::optional<PublicPermitCheck> v =
      VerifyPermitPublic(c, "K7M4QX9PLA", Utc(2026, 12, 3, 0, 0), kWita);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->status, PermitStatus::kRevoked);
  EXPECT_FALSE(v->valid);
  EXPECT_EQ(v->revoked_on, absl::CivilDay(2026, 12, 2));
  EXPECT_EQ(v->revoke_reason, "");
  EXPECT_EQ(VerifyPermitPublic(c, "K7M4QX9PLA", Utc(2026, 12, 3, 0, 0), 0)->revoked_on,
            absl::CivilDay(2026, 12, 1));
  // West of UTC (-05:00) the same instant is still 12-01 12:30.
  EXPECT_EQ(VerifyPermitPublic(c, "K7M4QX9PLA", Utc(2026, 12, 3, 0, 0), -5 * 60)->revoked_on,
            absl::CivilDay(2026, 12, 1));
  c.revoked_at = Utc(2026, 12, 2, 3, 0);  // 22:00 on 12-01 at -05:00
  EXPECT_EQ(VerifyPermitPublic(c, "K7M4QX9PLA", Utc(2026, 12, 3, 0, 0), -5 * 60)->revoked_on,
            absl::CivilDay(2026, 12, 1));
  c.revoke_reason_public = true;
  EXPECT_EQ(VerifyPermitPublic(c, "K7M4QX9PLA", Utc(2026, 12, 3, 0, 0), kWita)->revoke_reason,
            "STR dicabut");
}

TEST(PermitVerifyAddressTest, AppendsTheNumberAndCodePercentEncoded) {
  const Case c = Issued();
  EXPECT_EQ(PermitVerifyAddress("https://loket.test/#/verify", c),
            "https://loket.test/#/verify?number=0007%2FSIP_PERAWAT%2FDPMPTSP-BPP%2F2026"
            "&code=K7M4QX9PLA");
  EXPECT_EQ(PermitVerifyAddress("https://loket.test/verify?lang=id", c),
            "https://loket.test/verify?lang=id&number=0007%2FSIP_PERAWAT%2FDPMPTSP-BPP%2F2026"
            "&code=K7M4QX9PLA");
  Case odd = c;
  odd.permit_number = "a b&c=d~e.f";
  odd.verification_code = "\xc3\xa9";
  EXPECT_EQ(PermitVerifyAddress("v", odd), "v?number=a%20b%26c%3Dd~e.f&code=%C3%A9");
}

TEST(PermitDocumentMissingTest, NotIssuedYetNamesTheStateElseNoSignedDocument) {
  Case c = Submitted();
  c.id = 42;
  EXPECT_THAT(PermitDocumentMissing(c),
              loket::testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                       "case_id: case 42 is SUBMITTED; izin belum terbit (the "
                                       "permit is not issued yet)"));
  EXPECT_THAT(
      PermitDocumentMissing(Issued()),
      loket::testing::StatusIs(
          absl::StatusCode::kFailedPrecondition,
          "case_id: permit 0007/SIP_PERAWAT/DPMPTSP-BPP/2026 has no signed document (issued "
          "before documents were made, or loketd has no --permit_key); dokumen izin tidak "
          "tersedia"));
}

}  // namespace
}  // namespace loket::domain
