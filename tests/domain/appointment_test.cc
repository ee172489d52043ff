#include "server/domain/appointment.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/support/status_matchers.h"

namespace loket::domain {

using ::loket::testing::IsOk;
namespace {

const absl::TimeZone kWita = absl::FixedTimeZone(8 * 3600);

absl::Time At(int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(2026, 3, day, hour, minute), kWita);
}

std::vector<SlotTimes> Morning(int day) {
  // 08:00-10:00 in four 30-minute slots, ids 1..4 (given out of order on purpose).
  return {{3, At(day, 9, 0), At(day, 9, 30)},
          {1, At(day, 8, 0), At(day, 8, 30)},
          {4, At(day, 9, 30), At(day, 10, 0)},
          {2, At(day, 8, 30), At(day, 9, 0)}};
}

TEST(PreferredSlotsTest, WindowsInOrderThenByStart) {
  std::vector<int> ranks;
  auto ids = PreferredSlots({{At(25, 9, 0), At(25, 10, 0)}, {At(25, 8, 0), At(25, 9, 30)}},
                            Morning(25), false, &ranks);
  EXPECT_EQ(ids, (std::vector<int64_t>{3, 4, 1, 2}));
  EXPECT_EQ(ranks, (std::vector<int>{0, 0, 1, 1}));
}

TEST(PreferredSlotsTest, OnlySlotsWhollyInsideAWindow) {
  auto ids = PreferredSlots({{At(25, 8, 15), At(25, 9, 0)}}, Morning(25), false);
  EXPECT_EQ(ids, (std::vector<int64_t>{2}));
}

TEST(PreferredSlotsTest, FlexibleAddsTheRestNearestFirst) {
  std::vector<int> ranks;
  auto ids = PreferredSlots({{At(25, 9, 0), At(25, 9, 30)}}, Morning(25), true, &ranks);
  EXPECT_EQ(ids, (std::vector<int64_t>{3, 2, 4, 1}));
  EXPECT_EQ(ranks, (std::vector<int>{0, -1, -1, -1}));
}

TEST(ValidateWindowsTest, ReturnsTheOfficeDay) {
  auto day = ValidateWindows({{At(25, 8, 0), At(25, 9, 0)}}, At(17, 9, 0), 480);
  ASSERT_THAT(day, IsOk()) << day.status();
  EXPECT_EQ(*day, absl::CivilDay(2026, 3, 25));
}

TEST(ValidateWindowsTest, NamesTheBadWindow) {
  absl::Time now = At(17, 9, 0);
  EXPECT_EQ(ValidateWindows({}, now, 480).status().message().substr(0, 8), "windows:");
  auto backwards = ValidateWindows({{At(25, 9, 0), At(25, 8, 0)}}, now, 480);
  EXPECT_EQ(backwards.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(backwards.status().message().substr(0, 10), "windows[0]");
  auto past = ValidateWindows({{At(16, 9, 0), At(16, 10, 0)}}, now, 480);
  EXPECT_EQ(past.status().message().substr(0, 10), "windows[0]");
  auto two_days =
      ValidateWindows({{At(25, 9, 0), At(25, 10, 0)}, {At(26, 9, 0), At(26, 10, 0)}}, now, 480);
  EXPECT_EQ(two_days.status().message().substr(0, 10), "windows[1]");
  std::vector<TimeWindow> six(6, {At(25, 9, 0), At(25, 10, 0)});
  EXPECT_FALSE(ValidateWindows(six, now, 480).ok());
}

// Issue 14: applying an allocation round, without a database.
TEST(DecideAllocationTest, EachRequestGetsAtMostItsFirstAssignmentInASlotItAskedFor) {
  const std::vector<SlotTimes> slots = Morning(25);
  std::map<int64_t, OpenRequest> open;
  open[10] = {/*priority=*/true, /*flexible=*/false, {{At(25, 9, 0), At(25, 10, 0)}}};
  open[11] = {false, false, {{At(25, 8, 0), At(25, 8, 30)}}};
  open[12] = {false, true, {{At(25, 8, 0), At(25, 8, 30)}}};
  // 10 twice (the second is ignored), 11 in a slot outside its window, 12 in its flexible tail,
  // 13 no longer open (cancelled while the scheduler worked).
  AllocationApply a =
      DecideAllocation({{10, 4}, {10, 3}, {11, 3}, {12, 2}, {13, 1}}, {}, open, slots);
  ASSERT_EQ(a.seats.size(), 2u);
  EXPECT_EQ(a.seats[0].request_id, 10);
  EXPECT_EQ(a.seats[0].slot_id, 4);
  EXPECT_EQ(a.seats[0].rank, 0);
  EXPECT_TRUE(a.seats[0].priority);
  EXPECT_EQ(a.seats[1].request_id, 12);
  EXPECT_EQ(a.seats[1].slot_id, 2);
  EXPECT_EQ(a.seats[1].rank, -1);  // outside its windows, taken only because it is flexible
  EXPECT_FALSE(a.seats[1].priority);
}

TEST(DecideAllocationTest, TheWaitlistLeavesOutWhatTheRoundAssigned) {
  std::map<int64_t, OpenRequest> open;
  open[20] = {false, false, {{At(25, 8, 0), At(25, 9, 0)}}};
  // 20 is assigned, 21 was assigned but is gone: neither is waitlisted; 22 and 23 are, in order.
  AllocationApply a = DecideAllocation({{20, 1}, {21, 2}}, {23, 20, 21, 22}, open, Morning(25));
  ASSERT_EQ(a.seats.size(), 1u);
  EXPECT_EQ(a.waitlist, (std::vector<int64_t>{23, 22}));
}

TEST(AppointmentCodeTest, SixUnambiguousCharacters) {
  std::set<std::string> seen;
  for (uint64_t r = 0; r < 1000; ++r) {
    std::string c = AppointmentCode(r * 0x9E3779B97F4A7C15ull);
    ASSERT_EQ(c.size(), 6u);
    EXPECT_EQ(c.find_first_of("01OILSZB258"), std::string::npos) << c;
    seen.insert(c);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace loket::domain
