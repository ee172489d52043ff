// The case rules the store still carried, apart from it (issue 14).
#include "server/domain/case_rules.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

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

}  // namespace
}  // namespace loket::domain
