#include "server/domain/monthly_report.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace loket::domain {

using ::loket::testing::IsOk;
namespace {

using ::testing::HasSubstr;

TEST(MonthlyReportTest, MonthIsYearDashMonth) {
  absl::StatusOr<absl::CivilMonth> m = ParseReportMonth("2026-12");
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(*m, absl::CivilMonth(2026, 12));
  for (const char* bad : {"", "2026-13", "2026-00", "2026-1", "26-12", "2026/12", "2026-12-01",
                          "abcd-12", "1999-12", "+026-12"}) {
    absl::StatusOr<absl::CivilMonth> r = ParseReportMonth(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr("month:")) << bad;
  }
}

TEST(MonthlyReportTest, OnTimeAgainstTheDueDateWithPausesTakenOff) {
  // Mon 2026-03-02; no holidays: 5 working days -> due Mon 03-09.
  WorkingCalendar cal;
  IssuedCase fast{{5, absl::CivilDay(2026, 3, 2), 0, std::nullopt}, absl::CivilDay(2026, 3, 9)};
  IssuedCase late{{5, absl::CivilDay(2026, 3, 2), 0, std::nullopt}, absl::CivilDay(2026, 3, 10)};
  // Three working days with the applicant push the due date to 03-12.
  IssuedCase paused{{5, absl::CivilDay(2026, 3, 2), 3, std::nullopt}, absl::CivilDay(2026, 3, 12)};
  EXPECT_EQ(WorkingDaysToIssue(fast, cal), 5);
  EXPECT_EQ(WorkingDaysToIssue(late, cal), 6);
  EXPECT_EQ(WorkingDaysToIssue(paused, cal), 5);
  IssueSummary s = SummariseIssues({fast, late, paused}, cal);
  EXPECT_EQ(s.issued, 3);
  EXPECT_EQ(s.on_time, 2);
  EXPECT_EQ(s.late, 1);
  EXPECT_DOUBLE_EQ(s.average_working_days, 16.0 / 3);
  EXPECT_DOUBLE_EQ(s.p90_working_days, 6);
}

TEST(MonthlyReportTest, HolidaysAreNotWorkingDays) {
  WorkingCalendar cal({absl::CivilDay(2026, 3, 4), absl::CivilDay(2026, 3, 5)});
  IssuedCase c{{5, absl::CivilDay(2026, 3, 2), 0, std::nullopt}, absl::CivilDay(2026, 3, 10)};
  EXPECT_EQ(WorkingDaysToIssue(c, cal), 4);         // 2, 3, 6, 9
  EXPECT_EQ(SummariseIssues({c}, cal).on_time, 1);  // due 03-11
}

TEST(MonthlyReportTest, NearestRankPercentile) {
  EXPECT_EQ(NearestRankPercentile({}, 90), 0);
  EXPECT_EQ(NearestRankPercentile({7}, 90), 7);
  std::vector<double> v;
  for (int i = 10; i >= 1; --i) v.push_back(i);  // unsorted on purpose
  EXPECT_EQ(NearestRankPercentile(v, 90), 9);
  EXPECT_EQ(NearestRankPercentile(v, 50), 5);
  EXPECT_EQ(NearestRankPercentile(v, 100), 10);
  EXPECT_EQ(NearestRankPercentile(v, 91), 10);
}

}  // namespace
}  // namespace loket::domain
