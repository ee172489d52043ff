#include "server/domain/monthly_report.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace loket::domain {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::testing::HasSubstr;

TEST(MonthlyReportTest, MonthIsYearDashMonth) {
  absl::StatusOr<absl::CivilMonth> m = ParseReportMonth("2026-12");
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(*m, absl::CivilMonth(2026, 12));
  for (const char* bad : {"", "2026-13", "2026-00", "2026-1", "26-12", "2026/12", "2026-12-01",
                          "abcd-12", "1999-12", "+026-12"}) {
    absl::StatusOr<absl::CivilMonth> r = ParseReportMonth(bad);
    EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("month:"))) << bad;
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

TEST(MonthlyReportTest, TheMonthRunsFromTheOfficesMidnightToTheNextMonths) {
  const ReportPeriod p = ReportPeriodOf(absl::CivilMonth(2026, 12), 8 * 60);
  EXPECT_EQ(p.from, absl::CivilDay(2026, 12, 1));
  EXPECT_EQ(p.to, absl::CivilDay(2027, 1, 1));  // left out
  const absl::TimeZone utc = absl::UTCTimeZone();
  EXPECT_EQ(p.from_at, absl::FromCivil(absl::CivilSecond(2026, 11, 30, 16, 0, 0), utc));
  EXPECT_EQ(p.to_at, absl::FromCivil(absl::CivilSecond(2026, 12, 31, 16, 0, 0), utc));
  const ReportPeriod feb = ReportPeriodOf(absl::CivilMonth(2028, 2), 0);
  EXPECT_EQ(feb.to, absl::CivilDay(2028, 3, 1));
  EXPECT_EQ(feb.from_at, absl::FromCivil(absl::CivilDay(2028, 2, 1), utc));
  // West of UTC (-05:00) the office's midnight comes after UTC's.
  const ReportPeriod west = ReportPeriodOf(absl::CivilMonth(2026, 12), -5 * 60);
  EXPECT_EQ(west.from_at, absl::FromCivil(absl::CivilSecond(2026, 12, 1, 5, 0, 0), utc));
  EXPECT_EQ(west.to_at, absl::FromCivil(absl::CivilSecond(2027, 1, 1, 5, 0, 0), utc));
}

TEST(MonthlyReportTest, RevisionsPerIssuedIsZeroWithoutIssues) {
  EXPECT_EQ(RevisionsPerIssued(0, 0), 0);
  EXPECT_EQ(RevisionsPerIssued(3, 0), 0);
  EXPECT_DOUBLE_EQ(RevisionsPerIssued(1, 2), 0.5);
  EXPECT_DOUBLE_EQ(RevisionsPerIssued(4, 3), 4.0 / 3);
}

TEST(MonthlyReportTest, StopsCountByKindAndEndState) {
  const StopTally t = TallyStops({{"pickup", "done", 2},
                                  {"pickup", "failed", 1},
                                  {"pickup", "cancelled", 4},
                                  {"pickup", "planned", 9},
                                  {"delivery", "done", 3},
                                  {"delivery", "failed", 5},
                                  {"delivery", "cancelled", 7},
                                  {"handin", "done", 11},
                                  {"pickup", "nonsense", 13}});
  EXPECT_EQ(t.pickups_done, 2);
  EXPECT_EQ(t.pickups_failed, 1);
  EXPECT_EQ(t.pickups_cancelled, 4);
  EXPECT_EQ(t.deliveries_done, 3);
  EXPECT_EQ(t.deliveries_failed, 5);
  const StopTally none = TallyStops({});
  EXPECT_EQ(none.pickups_done + none.deliveries_done, 0);
}

TEST(MonthlyReportTest, CheckedInOrServedAppointmentsWereKept) {
  const AppointmentTally t = TallyAppointments({{"booked", 1},
                                                {"checked_in", 2},
                                                {"served", 4},
                                                {"no_show", 8},
                                                {"cancelled", 16},
                                                {"redirected", 32}});
  EXPECT_EQ(t.booked, 63);  // every appointment of the month, whatever became of it
  EXPECT_EQ(t.kept, 6);
  EXPECT_EQ(t.no_show, 8);
  EXPECT_EQ(t.cancelled, 16);
  EXPECT_EQ(t.redirected, 32);
}

TEST(MonthlyReportTest, AlwaysTheThreeLanesInTheirOrder) {
  std::vector<LaneFigures> lanes = LaneFiguresOf({});
  ASSERT_EQ(lanes.size(), 3u);
  EXPECT_EQ(lanes[0].lane, "priority");
  EXPECT_EQ(lanes[1].lane, "appointment");
  EXPECT_EQ(lanes[2].lane, "walk_in");
  EXPECT_EQ(lanes[2].tickets, 0);
  lanes = LaneFiguresOf(
      {{"walk_in", 5, 4, 1, 20, 35}, {"bogus", 9, 9, 9, 9, 9}, {"priority", 2, 2, 0, 3, 4}});
  ASSERT_EQ(lanes.size(), 3u);
  EXPECT_EQ(lanes[0].lane, "priority");
  EXPECT_EQ(lanes[0].tickets, 2);
  EXPECT_EQ(lanes[1].lane, "appointment");
  EXPECT_EQ(lanes[1].tickets, 0);
  EXPECT_EQ(lanes[2].lane, "walk_in");
  EXPECT_EQ(lanes[2].tickets, 5);
  EXPECT_EQ(lanes[2].served, 4);
  EXPECT_EQ(lanes[2].no_show, 1);
  EXPECT_DOUBLE_EQ(lanes[2].wait_p50_minutes, 20);
  EXPECT_DOUBLE_EQ(lanes[2].wait_p90_minutes, 35);
}

}  // namespace
}  // namespace loket::domain
