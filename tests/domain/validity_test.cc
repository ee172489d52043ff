// Validity and revocation rules (issue 13): how long a permit holds, which STR dates an application
// may state, what the public verification says, the Revoke transition and the expiry reminder.
#include <string>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/case.h"
#include "server/domain/notification.h"
#include "server/domain/sla.h"
#include "tests/support/status_matchers.h"

namespace loket::domain {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using absl::CivilDay;
using ::testing::HasSubstr;

PermitType Sip() {
  PermitType t;
  t.code = "SIP_PERAWAT";
  t.health_worker = true;
  t.validity_months = 60;
  return t;
}

PermitType Billboard() {
  PermitType t;
  t.code = "IZIN_REKLAME";
  t.health_worker = false;
  t.validity_months = 12;
  return t;
}

TEST(ValidityTest, BusinessPermitHoldsItsTypesMonthsFromTheIssueDay) {
  EXPECT_EQ(*ComputeValidUntil(Billboard(), CivilDay(2026, 12, 1), std::nullopt),
            CivilDay(2027, 12, 1));
  // The 31st of a month without one becomes the month's last day, not the next month's first.
  PermitType one_month = Billboard();
  one_month.validity_months = 1;
  EXPECT_EQ(*ComputeValidUntil(one_month, CivilDay(2027, 1, 31), std::nullopt),
            CivilDay(2027, 2, 28));
  EXPECT_EQ(*ComputeValidUntil(Billboard(), CivilDay(2028, 2, 29), std::nullopt),
            CivilDay(2029, 2, 28));
}

TEST(ValidityTest, HealthWorkerPermitEndsWithItsStrAndAfterFiveYearsAtMost) {
  EXPECT_EQ(*ComputeValidUntil(Sip(), CivilDay(2026, 12, 1), CivilDay(2028, 6, 30)),
            CivilDay(2028, 6, 30));
  EXPECT_EQ(*ComputeValidUntil(Sip(), CivilDay(2026, 12, 1), CivilDay(2040, 1, 1)),
            CivilDay(2031, 12, 1));
  EXPECT_EQ(*ComputeValidUntil(Sip(), CivilDay(2026, 12, 1), std::nullopt),  // STR for life
            CivilDay(2031, 12, 1));
  // A type configured longer than five years is still capped for health workers.
  PermitType long_sip = Sip();
  long_sip.validity_months = 120;
  EXPECT_EQ(*ComputeValidUntil(long_sip, CivilDay(2026, 12, 1), std::nullopt),
            CivilDay(2031, 12, 1));
  // An STR that ended before the issue day carries no permit.
  absl::StatusOr<CivilDay> ended =
      ComputeValidUntil(Sip(), CivilDay(2026, 12, 1), CivilDay(2026, 11, 30));
  EXPECT_THAT(ended, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(std::string(ended.status().message()), HasSubstr("str_valid_until"));
  // Ending on the issue day itself is a one-day permit, not an error.
  EXPECT_EQ(*ComputeValidUntil(Sip(), CivilDay(2026, 12, 1), CivilDay(2026, 12, 1)),
            CivilDay(2026, 12, 1));
}

TEST(ValidityTest, StrValidUntilOnlyForHealthWorkersAndNotAlreadyEnded) {
  const CivilDay today(2026, 12, 1);
  EXPECT_THAT(ValidateStrValidUntil(Sip(), std::nullopt, today), IsOk());
  EXPECT_THAT(ValidateStrValidUntil(Sip(), today, today), IsOk());
  EXPECT_THAT(ValidateStrValidUntil(Billboard(), std::nullopt, today), IsOk());
  for (const auto& [type, day] :
       {std::pair{Sip(), CivilDay(2026, 11, 30)}, std::pair{Billboard(), CivilDay(2027, 1, 1)},
        std::pair{Sip(), CivilDay(2200, 1, 1)}}) {
    absl::Status s = ValidateStrValidUntil(type, day, today);
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument)) << type.code << " " << day;
    EXPECT_THAT(std::string(s.message()), ::testing::StartsWith("str_valid_until: "));
  }
}

TEST(ValidityTest, PublicStatusIsRevokedThenExpiredThenValid) {
  Case c;
  c.state = CaseState::kCollected;
  c.valid_until = CivilDay(2027, 1, 31);
  EXPECT_EQ(PermitStatusOn(c, CivilDay(2027, 1, 31)), PermitStatus::kValid);  // its last day
  EXPECT_EQ(PermitStatusOn(c, CivilDay(2027, 2, 1)), PermitStatus::kExpired);
  c.state = CaseState::kRevoked;
  EXPECT_EQ(PermitStatusOn(c, CivilDay(2026, 12, 1)), PermitStatus::kRevoked);
  EXPECT_EQ(PermitStatusOn(c, CivilDay(2027, 2, 1)), PermitStatus::kRevoked);
  EXPECT_EQ(PermitStatusName(PermitStatus::kExpired), "EXPIRED");
}

TEST(ValidityTest, IssueSetsValidUntilAndRevokeNeedsAReason) {
  const WorkingCalendar calendar;
  const PermitType sip = Sip();
  Case c;
  c.id = 7;
  c.permit_type = "SIP_PERAWAT";
  c.state = CaseState::kApproved;
  c.str_valid_until = CivilDay(2029, 6, 30);
  c.applicant.phone = "+6281234567890";
  TransitionInput in{CivilDay(2026, 12, 1), &calendar, &sip, "", "0001/SIP_PERAWAT/X/2026", "ABC"};
  ASSERT_THAT(ApplyTransition(c, Transition::kIssue, in), IsOk());
  EXPECT_EQ(c.valid_until, CivilDay(2029, 6, 30));

  TransitionInput revoke{CivilDay(2026, 12, 2), &calendar, &sip, "", "", ""};
  revoke.now = absl::FromUnixSeconds(1800000000);
  absl::Status s = ApplyTransition(c, Transition::kRevoke, revoke);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(c.state, CaseState::kIssued);
  revoke.note = "Izin diperoleh dengan dokumen palsu";
  revoke.reason_public = true;
  ASSERT_THAT(ApplyTransition(c, Transition::kRevoke, revoke), IsOk());
  EXPECT_EQ(c.state, CaseState::kRevoked);
  EXPECT_EQ(c.revoked_at, absl::FromUnixSeconds(1800000000));
  EXPECT_EQ(c.revoke_reason, "Izin diperoleh dengan dokumen palsu");
  EXPECT_TRUE(c.revoke_reason_public);
  EXPECT_TRUE(IsClosedState(CaseState::kRevoked));
  EXPECT_FALSE(IsClosedState(CaseState::kIssued));

  // The holder hears of it, with the reason.
  auto sent = NotificationsForTransition(c, "Revoke", "SIP Perawat", std::nullopt);
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent[0].template_id, "case.revoked");
  EXPECT_EQ(sent[0].params.at("reason"), "Izin diperoleh dengan dokumen palsu");
}

TEST(ValidityTest, ExpiryReminderNamesThePermitItsEndAndTheDaysLeft) {
  Case c;
  c.id = 9;
  c.applicant.name = "Siti Rahmawati";
  c.applicant.phone = "+6281234567890";
  c.applicant.email = "siti@example.com";
  c.permit_number = "0001/SIP_PERAWAT/DPMPTSP-BPP/2026";
  c.valid_until = CivilDay(2031, 12, 1);
  auto sent = ExpiryReminderNotifications(c, "SIP Perawat", 30);
  ASSERT_EQ(sent.size(), 2u);  // gateway and e-mail
  EXPECT_EQ(sent[0].template_id, "permit.expiry_reminder");
  EXPECT_EQ(sent[0].params.at("valid_until_date"), "2031-12-01");
  EXPECT_EQ(sent[0].params.at("days"), "30");
  EXPECT_EQ(sent[1].channel, NotificationChannel::kEmail);
  EXPECT_EQ(WeightOfTemplate("permit.expiry_reminder"), NotificationWeight::kImportant);
}

}  // namespace
}  // namespace loket::domain
