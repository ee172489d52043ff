#include "server/domain/sla.h"

#include <set>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"

namespace loket::domain {
namespace {

using absl::CivilDay;

// A few 2026 dates from ../shared/data/balikpapan/holidays_2026.csv (SKB 3 Menteri): Nyepi and Idul
// Fitri with their cuti bersama (18-24 March, including the weekend 21-22), and Christmas.
WorkingCalendar Calendar2026() {
  return WorkingCalendar({
      CivilDay(2026, 3, 18),   // Cuti Bersama Nyepi
      CivilDay(2026, 3, 19),   // Hari Suci Nyepi
      CivilDay(2026, 3, 20),   // Cuti Bersama Idul Fitri
      CivilDay(2026, 3, 21),   // Idul Fitri (Saturday)
      CivilDay(2026, 3, 22),   // Idul Fitri hari kedua (Sunday)
      CivilDay(2026, 3, 23),   // Cuti Bersama Idul Fitri
      CivilDay(2026, 3, 24),   // Cuti Bersama Idul Fitri
      CivilDay(2026, 12, 24),  // Cuti Bersama Natal
      CivilDay(2026, 12, 25),  // Natal
  });
}

TEST(WorkingCalendarTest, WeekendsAndHolidaysAreNotWorkingDays) {
  const WorkingCalendar cal = Calendar2026();
  EXPECT_TRUE(cal.IsWorkingDay(CivilDay(2026, 3, 17)));   // Tuesday
  EXPECT_FALSE(cal.IsWorkingDay(CivilDay(2026, 3, 18)));  // Wednesday, cuti bersama
  EXPECT_FALSE(cal.IsWorkingDay(CivilDay(2026, 3, 7)));   // Saturday
  EXPECT_FALSE(cal.IsWorkingDay(CivilDay(2026, 3, 8)));   // Sunday
  EXPECT_TRUE(cal.IsWorkingDay(CivilDay(2026, 3, 9)));    // Monday
}

TEST(WorkingCalendarTest, EmptyCalendarHasOnlyWeekends) {
  const WorkingCalendar cal;
  EXPECT_TRUE(cal.IsWorkingDay(CivilDay(2026, 3, 18)));
  EXPECT_FALSE(cal.IsWorkingDay(CivilDay(2026, 3, 21)));
}

TEST(WorkingCalendarTest, AddZeroWorkingDaysReturnsFrom) {
  const WorkingCalendar cal = Calendar2026();
  EXPECT_EQ(cal.AddWorkingDays(CivilDay(2026, 3, 17), 0), CivilDay(2026, 3, 17));
  // Even when `from` itself is not a working day.
  EXPECT_EQ(cal.AddWorkingDays(CivilDay(2026, 3, 7), 0), CivilDay(2026, 3, 7));
}

TEST(WorkingCalendarTest, AddWorkingDaysSkipsWeekend) {
  const WorkingCalendar cal = Calendar2026();
  EXPECT_EQ(cal.AddWorkingDays(CivilDay(2026, 3, 6), 1), CivilDay(2026, 3, 9));   // Fri -> Mon
  EXPECT_EQ(cal.AddWorkingDays(CivilDay(2026, 3, 6), 5), CivilDay(2026, 3, 13));  // Fri -> Fri
  EXPECT_EQ(cal.AddWorkingDays(CivilDay(2026, 3, 7), 1), CivilDay(2026, 3, 9));   // Sat -> Mon
  EXPECT_EQ(cal.AddWorkingDays(CivilDay(2026, 3, 2), 5), CivilDay(2026, 3, 9));   // Mon -> Mon
}

TEST(WorkingCalendarTest, AddWorkingDaysSkipsNyepiAndIdulFitri2026) {
  const WorkingCalendar cal = Calendar2026();
  // Submitted Tuesday 17 March; 18-24 March are holidays or weekend, so the five working days are
  // 25, 26, 27, 30 and 31 March.
  EXPECT_EQ(cal.AddWorkingDays(CivilDay(2026, 3, 17), 5), CivilDay(2026, 3, 31));
  EXPECT_EQ(cal.AddWorkingDays(CivilDay(2026, 3, 17), 1), CivilDay(2026, 3, 25));
}

TEST(WorkingCalendarTest, AddWorkingDaysSkipsChristmas2026) {
  const WorkingCalendar cal = Calendar2026();
  // Wednesday 23 December: 24-25 holidays, 26-27 weekend, then 28, 29, 30.
  EXPECT_EQ(cal.AddWorkingDays(CivilDay(2026, 12, 23), 3), CivilDay(2026, 12, 30));
}

TEST(WorkingCalendarTest, CountWorkingDaysIsHalfOpen) {
  const WorkingCalendar cal = Calendar2026();
  EXPECT_EQ(cal.CountWorkingDays(CivilDay(2026, 3, 2), CivilDay(2026, 3, 9)), 5);
  EXPECT_EQ(cal.CountWorkingDays(CivilDay(2026, 3, 2), CivilDay(2026, 3, 2)), 0);
  EXPECT_EQ(cal.CountWorkingDays(CivilDay(2026, 3, 9), CivilDay(2026, 3, 2)), 0);
  EXPECT_EQ(cal.CountWorkingDays(CivilDay(2026, 3, 7), CivilDay(2026, 3, 9)), 0);  // weekend only
  EXPECT_EQ(cal.CountWorkingDays(CivilDay(2026, 3, 17), CivilDay(2026, 3, 25)), 1);
}

TEST(WorkingCalendarTest, CountInvertsAdd) {
  const WorkingCalendar cal = Calendar2026();
  // Starting on a working day, [from, from + n working days) holds exactly n working days.
  for (int n = 0; n < 30; ++n) {
    const CivilDay from(2026, 3, 17);
    EXPECT_EQ(cal.CountWorkingDays(from, cal.AddWorkingDays(from, n)), n) << n;
  }
}

SlaClock StartedClock(CivilDay started_on, int days) {
  SlaClock clock;
  clock.service_level_days = days;
  clock.started_on = started_on;
  return clock;
}

TEST(ComputeSlaTest, NoDueDateBeforeSubmission) {
  SlaClock clock;
  clock.service_level_days = 5;
  const SlaStatus s = ComputeSla(clock, Calendar2026(), CivilDay(2026, 3, 17), /*running=*/true);
  EXPECT_FALSE(s.due.has_value());
  EXPECT_FALSE(s.paused);
  EXPECT_FALSE(s.overdue);
  EXPECT_EQ(s.working_days_left, 0);
}

TEST(ComputeSlaTest, NothingIsOverdueOnceDecided) {
  const SlaClock clock = StartedClock(CivilDay(2026, 3, 2), 5);
  const SlaStatus s = ComputeSla(clock, Calendar2026(), CivilDay(2026, 6, 1), /*running=*/false);
  EXPECT_FALSE(s.due.has_value());
  EXPECT_FALSE(s.overdue);
  EXPECT_EQ(s.working_days_left, 0);
}

TEST(ComputeSlaTest, DueDateAndDaysLeft) {
  const WorkingCalendar cal = Calendar2026();
  const SlaClock clock = StartedClock(CivilDay(2026, 3, 2), 5);
  SlaStatus s = ComputeSla(clock, cal, CivilDay(2026, 3, 2), true);
  ASSERT_TRUE(s.due.has_value());
  EXPECT_EQ(*s.due, CivilDay(2026, 3, 9));
  EXPECT_FALSE(s.overdue);
  EXPECT_EQ(s.working_days_left, 5);

  s = ComputeSla(clock, cal, CivilDay(2026, 3, 7), true);  // Saturday before a Monday deadline
  EXPECT_EQ(s.working_days_left, 0);
  EXPECT_FALSE(s.overdue);

  s = ComputeSla(clock, cal, CivilDay(2026, 3, 9), true);  // the due day itself
  EXPECT_EQ(s.working_days_left, 0);
  EXPECT_FALSE(s.overdue);
}

TEST(ComputeSlaTest, DueDateSkipsHolidays) {
  const SlaClock clock = StartedClock(CivilDay(2026, 3, 17), 5);
  const SlaStatus s = ComputeSla(clock, Calendar2026(), CivilDay(2026, 3, 17), true);
  ASSERT_TRUE(s.due.has_value());
  EXPECT_EQ(*s.due, CivilDay(2026, 3, 31));
  EXPECT_EQ(s.working_days_left, 5);
}

TEST(ComputeSlaTest, OverdueCountsWorkingDaysPastDue) {
  const WorkingCalendar cal = Calendar2026();
  const SlaClock clock = StartedClock(CivilDay(2026, 3, 2), 5);  // due Monday 9 March
  SlaStatus s = ComputeSla(clock, cal, CivilDay(2026, 3, 11), true);
  EXPECT_TRUE(s.overdue);
  EXPECT_EQ(s.working_days_left, -2);  // 9 and 10 March
  ASSERT_TRUE(s.due.has_value());
  EXPECT_EQ(*s.due, CivilDay(2026, 3, 9));

  s = ComputeSla(clock, cal, CivilDay(2026, 3, 14), true);  // Saturday
  EXPECT_TRUE(s.overdue);
  EXPECT_EQ(s.working_days_left, -5);
}

TEST(ComputeSlaTest, PausedClockHasNoDueDate) {
  SlaClock clock = StartedClock(CivilDay(2026, 3, 2), 5);
  PauseSla(clock, CivilDay(2026, 3, 4));
  const SlaStatus s = ComputeSla(clock, Calendar2026(), CivilDay(2026, 3, 20), true);
  EXPECT_TRUE(s.paused);
  EXPECT_FALSE(s.due.has_value());
  EXPECT_FALSE(s.overdue);
  EXPECT_EQ(s.working_days_left, 0);
}

TEST(ComputeSlaTest, RevisionPauseShiftsDueDate) {
  const WorkingCalendar cal = Calendar2026();
  SlaClock clock = StartedClock(CivilDay(2026, 3, 2), 5);  // due 9 March without a pause
  PauseSla(clock, CivilDay(2026, 3, 4));                   // Wednesday
  ResumeSla(clock, cal, CivilDay(2026, 3, 6));             // Friday: 4 and 5 March lost
  EXPECT_FALSE(clock.paused_since.has_value());
  EXPECT_EQ(clock.paused_working_days, 2);
  const SlaStatus s = ComputeSla(clock, cal, CivilDay(2026, 3, 6), true);
  ASSERT_TRUE(s.due.has_value());
  EXPECT_EQ(*s.due, CivilDay(2026, 3, 11));
  EXPECT_FALSE(s.paused);
}

TEST(ComputeSlaTest, PauseOverHolidaysCountsOnlyWorkingDays) {
  const WorkingCalendar cal = Calendar2026();
  SlaClock clock = StartedClock(CivilDay(2026, 3, 16), 5);
  PauseSla(clock, CivilDay(2026, 3, 17));
  ResumeSla(clock, cal, CivilDay(2026, 3, 25));
  EXPECT_EQ(clock.paused_working_days, 1);  // only 17 March; 18-24 were not working days
}

TEST(ComputeSlaTest, PausesAccumulate) {
  const WorkingCalendar cal = Calendar2026();
  SlaClock clock = StartedClock(CivilDay(2026, 3, 2), 5);
  PauseSla(clock, CivilDay(2026, 3, 3));
  ResumeSla(clock, cal, CivilDay(2026, 3, 4));  // 1 day
  PauseSla(clock, CivilDay(2026, 3, 5));
  ResumeSla(clock, cal, CivilDay(2026, 3, 9));  // 5, 6 March: 2 days
  EXPECT_EQ(clock.paused_working_days, 3);
  EXPECT_EQ(*ComputeSla(clock, cal, CivilDay(2026, 3, 9), true).due, CivilDay(2026, 3, 12));
}

TEST(ComputeSlaTest, PauseTwiceKeepsFirstDay) {
  SlaClock clock = StartedClock(CivilDay(2026, 3, 2), 5);
  PauseSla(clock, CivilDay(2026, 3, 4));
  PauseSla(clock, CivilDay(2026, 3, 6));
  ASSERT_TRUE(clock.paused_since.has_value());
  EXPECT_EQ(*clock.paused_since, CivilDay(2026, 3, 4));
}

TEST(ComputeSlaTest, ResumeWithoutPauseChangesNothing) {
  SlaClock clock = StartedClock(CivilDay(2026, 3, 2), 5);
  ResumeSla(clock, Calendar2026(), CivilDay(2026, 3, 6));
  EXPECT_EQ(clock.paused_working_days, 0);
  EXPECT_FALSE(clock.paused_since.has_value());
}

TEST(ComputeSlaTest, ResumeOnSameDayAddsNothing) {
  SlaClock clock = StartedClock(CivilDay(2026, 3, 2), 5);
  PauseSla(clock, CivilDay(2026, 3, 4));
  ResumeSla(clock, Calendar2026(), CivilDay(2026, 3, 4));
  EXPECT_EQ(clock.paused_working_days, 0);
  EXPECT_FALSE(clock.paused_since.has_value());
}

}  // namespace
}  // namespace loket::domain
