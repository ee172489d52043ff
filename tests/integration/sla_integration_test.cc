// The SLA clock through the server, with the server's clock under the test's control.
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {

using ::loket::testing::IsOk;
namespace {

using Stub = v1::CaseService::Stub;

absl::Time At(int y, int m, int d, int h = 9) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, h, 0, 0), absl::FixedTimeZone(8 * 3600));
}

class SlaTest : public ServerTest {
 protected:
  void SetUp() override { server_->clock().Set(DefaultTestNow()); }
  v1::Case Get(int64_t id) {
    v1::GetCaseRequest r;
    r.set_case_id(id);
    v1::Case c;
    EXPECT_THAT(cases().GetCase(Ctx(officer_).get(), r, &c), IsOk());
    return c;
  }
};

TEST_F(SlaTest, DueDateSkipsWeekendsAndHolidays) {
  // Friday 2026-04-02 before Good Friday (04-03): 5 working days are 6, 7, 8, 9, 10 April.
  server_->clock().Set(At(2026, 4, 2));
  v1::Case c = SubmitAsClinicA();
  EXPECT_EQ(c.sla().due_date(), "2026-04-10");
  EXPECT_EQ(c.sla().working_days_left(), 5);  // working days in [today, due): 2, 6, 7, 8, 9
}

TEST_F(SlaTest, LateEveningUtcIsAlreadyTomorrowInBalikpapan) {
  // 2026-03-16 17:30 UTC is 2026-03-17 01:30 WITA: the office's day decides.
  server_->clock().Set(
      absl::FromCivil(absl::CivilSecond(2026, 3, 16, 17, 30, 0), absl::UTCTimeZone()));
  EXPECT_EQ(SubmitAsClinicA().sla().due_date(), "2026-03-31");
}

TEST_F(SlaTest, RevisionPausesTheClockAndShiftsTheDueDate) {
  server_->clock().Set(At(2026, 4, 6));  // Monday
  v1::Case c = SubmitAsClinicA();
  EXPECT_EQ(c.sla().due_date(), "2026-04-13");
  ASSERT_THAT(Do(&Stub::StartVerification, officer_, c.id()), IsOk());
  server_->clock().Set(At(2026, 4, 7));  // Tuesday: revision requested
  v1::Case paused;
  ASSERT_THAT(Do(&Stub::RequestRevision, officer_, c.id(), "STR buram", &paused), IsOk());
  EXPECT_TRUE(paused.sla().paused());
  EXPECT_TRUE(paused.sla().due_date().empty());
  // Not overdue while the applicant holds it, however long that takes.
  server_->clock().Set(At(2026, 4, 20));
  v1::ListCasesRequest overdue;
  overdue.set_overdue_only(true);
  v1::ListCasesResponse list;
  ASSERT_THAT(cases().ListCases(Ctx(officer_).get(), overdue, &list), IsOk());
  for (const auto& o : list.cases()) EXPECT_NE(o.id(), c.id());
  // Back on Friday 04-10: Tue, Wed, Thu paused = 3 working days later.
  server_->clock().Set(At(2026, 4, 10));
  v1::Case resumed;
  ASSERT_THAT(Do(&Stub::SubmitRevision, clinic_a_, c.id(), "", &resumed), IsOk());
  EXPECT_FALSE(resumed.sla().paused());
  EXPECT_EQ(resumed.sla().paused_working_days(), 3);
  EXPECT_EQ(resumed.sla().due_date(), "2026-04-16");
}

TEST_F(SlaTest, OverdueCasesSurfaceInTheOverdueList) {
  server_->clock().Set(At(2026, 5, 4));  // Monday; due Monday 05-11
  v1::Case c = SubmitAsClinicA();
  EXPECT_EQ(c.sla().due_date(), "2026-05-11");
  server_->clock().Set(At(2026, 5, 13));  // Wednesday after: 05-11 and 05-12 have passed
  v1::Case late = Get(c.id());
  EXPECT_TRUE(late.sla().overdue());
  EXPECT_EQ(late.sla().working_days_left(), -2);
  v1::ListCasesRequest overdue;
  overdue.set_overdue_only(true);
  v1::ListCasesResponse list;
  ASSERT_THAT(cases().ListCases(Ctx(officer_).get(), overdue, &list), IsOk());
  bool found = false;
  for (const auto& o : list.cases()) found = found || o.id() == c.id();
  EXPECT_TRUE(found);
  // Issued cases are never overdue.
  AttachAll(c.id(), clinic_a_);
  ASSERT_THAT(Do(&Stub::StartVerification, officer_, c.id()), IsOk());
  ASSERT_THAT(Do(&Stub::Approve, approver_, c.id()), IsOk());
  ASSERT_THAT(Do(&Stub::Issue, officer_, c.id()), IsOk());
  EXPECT_FALSE(Get(c.id()).sla().overdue());
  ASSERT_THAT(cases().ListCases(Ctx(officer_).get(), overdue, &list), IsOk());
  for (const auto& o : list.cases()) EXPECT_NE(o.id(), c.id());
}

}  // namespace
}  // namespace loket::itest
