#include "server/domain/appointment.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "server/domain/public_booking.h"
#include "server/domain/validation.h"
#include "tests/support/status_matchers.h"

namespace loket::domain {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
using ::testing::HasSubstr;
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
  EXPECT_THAT(backwards, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(backwards.status().message().substr(0, 10), "windows[0]");
  auto past = ValidateWindows({{At(16, 9, 0), At(16, 10, 0)}}, now, 480);
  EXPECT_EQ(past.status().message().substr(0, 10), "windows[0]");
  auto two_days =
      ValidateWindows({{At(25, 9, 0), At(25, 10, 0)}, {At(26, 9, 0), At(26, 10, 0)}}, now, 480);
  EXPECT_EQ(two_days.status().message().substr(0, 10), "windows[1]");
  std::vector<TimeWindow> six(6, {At(25, 9, 0), At(25, 10, 0)});
  EXPECT_THAT(ValidateWindows(six, now, 480),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("windows")));
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

// Issue 14: the booking rules the store used to hold, without a database.

NewRequestFacts Booking(Role booker) {
  NewRequestFacts f;
  f.booker = booker;
  f.applicant.nik = "7371010101900001";
  f.applicant.name = "Siti Rahma";
  f.applicant.phone = "+6281234567890";
  f.service = "SIP";
  f.service_known = true;
  f.windows = {{At(25, 8, 0), At(25, 9, 0)}};
  f.now = At(17, 9, 0);
  f.utc_offset_minutes = 480;
  f.today = absl::CivilDay(2026, 3, 17);
  return f;
}

TEST(DecideNewRequestTest, SettlesTheDayAndTheLanguage) {
  auto r = DecideNewRequest(Booking(Role::kOfficer));
  ASSERT_THAT(r, IsOk()) << r.status();
  EXPECT_EQ(r->day, absl::CivilDay(2026, 3, 25));
  EXPECT_EQ(r->applicant.language, "id");
  EXPECT_EQ(r->applicant.priority, PriorityClass::kNone);
}

TEST(DecideNewRequestTest, AClinicBooksForHealthWorkersOnly) {
  auto r = DecideNewRequest(Booking(Role::kClinic));
  ASSERT_THAT(r, IsOk()) << r.status();
  EXPECT_EQ(r->applicant.priority, PriorityClass::kHealthWorker);
  NewRequestFacts elderly = Booking(Role::kClinic);
  elderly.applicant.priority = PriorityClass::kElderly;
  EXPECT_THAT(DecideNewRequest(elderly),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "applicant.priority_class: a clinic books for health workers only "
                       "(HEALTH_WORKER)"));
  // Anyone else books with the priority asked for.
  NewRequestFacts officer = Booking(Role::kOfficer);
  officer.applicant.priority = PriorityClass::kElderly;
  EXPECT_EQ(DecideNewRequest(officer)->applicant.priority, PriorityClass::kElderly);
}

TEST(DecideNewRequestTest, NamesTheFirstBadFieldInOrder) {
  NewRequestFacts f = Booking(Role::kOfficer);
  f.service = "";
  f.windows.clear();
  EXPECT_THAT(DecideNewRequest(f),
              StatusIs(absl::StatusCode::kInvalidArgument, "service: required (permit type)"));
  f = Booking(Role::kOfficer);
  f.service_known = false;
  f.windows.clear();  // the service is named first
  EXPECT_THAT(DecideNewRequest(f),
              StatusIs(absl::StatusCode::kInvalidArgument, "service: unknown permit type \"SIP\""));
  f = Booking(Role::kOfficer);
  f.case_id = 42;  // not found (or another clinic's)
  EXPECT_THAT(DecideNewRequest(f),
              StatusIs(absl::StatusCode::kInvalidArgument, "case_id: no case 42"));
  f.case_found = true;
  EXPECT_THAT(DecideNewRequest(f), IsOk());
  f.case_id = -1;
  EXPECT_THAT(DecideNewRequest(f),
              StatusIs(absl::StatusCode::kInvalidArgument, "case_id: no case -1"));
  f = Booking(Role::kOfficer);
  f.applicant.name = "";
  f.service = "";  // the applicant comes first
  auto r = DecideNewRequest(f);
  EXPECT_EQ(r.status().message().substr(0, 10), "applicant.");
  f = Booking(Role::kOfficer);
  f.windows = {{At(16, 8, 0), At(16, 9, 0)}};
  EXPECT_EQ(DecideNewRequest(f).status().message().substr(0, 10), "windows[0]");
}

TEST(BookingLimitsTest, ARequestHoldsAPlaceWhileItsDayOrItsBookedSeatIsNotOver) {
  const absl::CivilDay today(2026, 3, 25);
  const absl::Time now =
      absl::FromCivil(absl::CivilSecond(2026, 3, 25, 2, 0, 0), absl::UTCTimeZone());
  const absl::Time later = now + absl::Minutes(30);
  const absl::Time earlier = now - absl::Minutes(30);
  auto held = [&](OtherRequest r) { return CountHeld({r}, today, now); };
  // Waiting for a seat: held for today or a later day, not for a day gone by.
  EXPECT_EQ(held({"pending", today}), 1);
  EXPECT_EQ(held({"waitlisted", today + 3}), 1);
  EXPECT_EQ(held({"pending", today - 1}), 0);
  EXPECT_EQ(held({"waitlisted", today - 1}), 0);
  // Allocated: held while its appointment is booked and its slot has not ended.
  EXPECT_EQ(held({"allocated", today, "booked", later}), 1);
  EXPECT_EQ(held({"allocated", today, "booked", now}), 0);
  EXPECT_EQ(held({"allocated", today, "booked", earlier}), 0);
  EXPECT_EQ(held({"allocated", today, "checked_in", later}), 0);
  EXPECT_EQ(held({"allocated", today, "no_show", later}), 0);
  EXPECT_EQ(held({"allocated", today}), 0);
  // A cancelled request never holds one; the store does not even load it.
  EXPECT_EQ(held({"cancelled", today + 1, "booked", later}), 0);
  EXPECT_EQ(StatesThatMayHold(), (std::vector<std::string>{"pending", "waitlisted", "allocated"}));
  EXPECT_EQ(CountHeld({{"pending", today},
                       {"pending", today - 1},
                       {"allocated", today + 1, "booked", later + absl::Hours(24)}},
                      today, now),
            2);
}

TEST(BookingLimitsTest, OpenSlotsAndThePerNikAndPerPhoneLimits) {
  EXPECT_THAT(CheckOpenSlots(absl::CivilDay(2026, 3, 25), true), IsOk());
  EXPECT_THAT(CheckOpenSlots(absl::CivilDay(2026, 3, 25), false),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "windows: the office has no open slots on 2026-03-25"));
  EXPECT_THAT(CheckNikLimit(1, 2, false), IsOk());
  EXPECT_THAT(CheckNikLimit(2, 2, false),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       "applicant.nik: already holds 2 live appointment requests (the limit per "
                       "NIK); cancel one first"));
  EXPECT_THAT(CheckNikLimit(3, 2, true),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       "applicant.nik: already holds 2 other live appointment requests (the limit "
                       "per NIK); cancel one first"));
  EXPECT_TRUE(PhoneLimitApplies(Role::kPublic));
  EXPECT_FALSE(PhoneLimitApplies(Role::kOfficer));
  EXPECT_FALSE(PhoneLimitApplies(Role::kClinic));
  EXPECT_THAT(CheckPhoneLimit(1, 2), IsOk());
  EXPECT_THAT(CheckPhoneLimit(2, 2),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       "applicant.phone: already holds 2 live bookings (the limit per phone); "
                       "cancel one first"));
}

TEST(CheckChangeableTest, FoundThenEtagThenStateThenCheckIn) {
  EXPECT_THAT(CheckChangeable(7, std::nullopt, 3),
              StatusIs(absl::StatusCode::kNotFound, "appointment request 7 not found"));
  ChangeableRequest r{4, "cancelled", true};
  EXPECT_THAT(CheckChangeable(7, r, 3),
              StatusIs(absl::StatusCode::kAborted,
                       "appointment request 7 has changed (etag 3, now 4); re-read and retry"));
  EXPECT_THAT(CheckChangeable(7, r, std::nullopt),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "appointment request 7 is already cancelled"));
  r.state = "allocated";
  EXPECT_THAT(CheckChangeable(7, r, 4),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "appointment request 7: the visitor has already checked in"));
  r.checked_in = false;
  EXPECT_THAT(CheckChangeable(7, r, 4), IsOk());
}

SlotSeats Seats(int64_t id, absl::Time starts_at, int capacity, int reserved, int booked,
                int booked_priority = 0) {
  SlotSeats s;
  s.id = id;
  s.starts_at = starts_at;
  s.capacity = capacity;
  s.reserved_priority = reserved;
  s.booked = booked;
  s.booked_priority = booked_priority;
  return s;
}

TEST(SeatOpenToTest, CapacityStartAndTheReservedSeats) {
  const absl::Time now = At(25, 6, 0);
  const absl::Duration cutoff = absl::Hours(2);
  // 4 seats, 2 reserved for priority, 2 booked (none by priority): no general seat is left.
  SlotSeats s = Seats(1, At(25, 9, 0), 4, 2, 2);
  EXPECT_EQ(s.ReservedLeft(), 2);
  EXPECT_FALSE(SeatOpenTo(s, false, now, cutoff));
  EXPECT_TRUE(SeatOpenTo(s, true, now, cutoff));
  // Past the cut-off (less than 2 hours ahead) the reserved seats are everyone's.
  EXPECT_TRUE(SeatOpenTo(s, false, At(25, 7, 30), cutoff));
  // A priority booking used a reserved seat: one reserved left, one general.
  s = Seats(1, At(25, 9, 0), 4, 2, 2, 1);
  EXPECT_EQ(s.ReservedLeft(), 1);
  EXPECT_TRUE(SeatOpenTo(s, false, now, cutoff));
  // Full, started or closed: nobody.
  EXPECT_FALSE(SeatOpenTo(Seats(1, At(25, 9, 0), 4, 0, 4), true, now, cutoff));
  EXPECT_FALSE(SeatOpenTo(Seats(1, At(25, 9, 0), 4, 0, 0), true, At(25, 9, 0), cutoff));
  s = Seats(1, At(25, 9, 0), 4, 0, 0);
  s.closed = true;
  EXPECT_FALSE(SeatOpenTo(s, true, now, cutoff));
  // More priority bookings than reserved seats leave no negative reserve.
  EXPECT_EQ(Seats(1, At(25, 9, 0), 4, 1, 3, 3).ReservedLeft(), 0);
}

// The public listing says what a booking without priority would find: full exactly where
// SeatOpenTo refuses one, with every booking (priority ones too) counted against the open seats.
TEST(PublicAvailabilityTest, WhatAnApplicantWithoutPriorityWouldFind) {
  const absl::Time now = At(25, 6, 0);
  const absl::Duration cutoff = absl::Hours(2);
  const absl::Time nine = At(25, 9, 0);
  // 10 seats, 2 reserved: 8 open to the public before the cut-off.
  EXPECT_EQ(PublicAvailability(Seats(1, nine, 10, 2, 0), now, cutoff), Availability::kOpen);
  EXPECT_EQ(PublicAvailability(Seats(1, nine, 10, 2, 6), now, cutoff), Availability::kFewLeft);
  EXPECT_EQ(PublicAvailability(Seats(1, nine, 10, 2, 8), now, cutoff), Availability::kFull);
  // Five priority bookings took the 2 reserved seats and 3 general ones; 3 general bookings more
  // leave 2 seats. (The listing's old SQL counted only the 3 general bookings: "open".)
  EXPECT_EQ(PublicAvailability(Seats(1, nine, 10, 2, 8, 5), now, cutoff), Availability::kFewLeft);
  EXPECT_EQ(PublicAvailability(Seats(1, nine, 10, 2, 10, 5), now, cutoff), Availability::kFull);
  // Past the cut-off the reserved seats are the public's too.
  EXPECT_EQ(PublicAvailability(Seats(1, nine, 10, 2, 8), At(25, 7, 30), cutoff),
            Availability::kFewLeft);
  // Started or closed: full.
  EXPECT_EQ(PublicAvailability(Seats(1, nine, 10, 0, 0), nine, cutoff), Availability::kFull);
  SlotSeats closed = Seats(1, nine, 10, 0, 0);
  closed.closed = true;
  EXPECT_EQ(PublicAvailability(closed, now, cutoff), Availability::kFull);
  // Against the seat rule itself: book applicants without priority one by one until SeatOpenTo
  // refuses; the seats that took are what is left to the public, and the listing's word must
  // match them (none: full; a quarter or less of the seats open to the public: few left).
  for (int booked = 0; booked <= 10; ++booked) {
    for (int priority = 0; priority <= booked; ++priority) {
      for (absl::Time t : {now, At(25, 7, 30)}) {
        SlotSeats s = Seats(1, nine, 10, 3, booked, priority);
        int left = 0;
        for (SlotSeats more = s; SeatOpenTo(more, false, t, cutoff); ++more.booked) ++left;
        const int open_to_public = booked + left;
        const Availability want = left == 0                    ? Availability::kFull
                                  : left * 4 <= open_to_public ? Availability::kFewLeft
                                                               : Availability::kOpen;
        EXPECT_EQ(PublicAvailability(s, t, cutoff), want)
            << booked << " booked, " << priority << " by priority";
      }
    }
  }
}

TEST(AllocatedNoticesTest, ConfirmationAndTheRemindersStillAhead) {
  AppointmentContact to{"Siti", "+6281234567890", "siti@example.id", "en"};
  auto n = AllocatedNotices(to, At(24, 8, 30), At(25, 8, 0), 480, "K7M4QX");
  // The confirmation now, the day-before reminder is past, the hour-before one ahead; each twice.
  ASSERT_EQ(n.size(), 4u);
  EXPECT_EQ(n[0].notification.template_id, "appointment.confirmed");
  EXPECT_EQ(n[0].notification.channel, NotificationChannel::kWebhook);
  EXPECT_EQ(n[0].notification.address, "+6281234567890");
  EXPECT_EQ(n[0].at, At(24, 8, 30));
  EXPECT_FALSE(n[0].reminder);
  EXPECT_EQ(n[1].notification.channel, NotificationChannel::kEmail);
  EXPECT_EQ(n[1].notification.address, "siti@example.id");
  EXPECT_EQ(n[2].notification.template_id, "appointment.reminder");
  EXPECT_EQ(n[2].at, At(25, 7, 0));
  EXPECT_TRUE(n[2].reminder);
  EXPECT_EQ(n[2].notification.params.at("date"), "2026-03-25");
  EXPECT_EQ(n[2].notification.params.at("time"), "08:00");
  EXPECT_EQ(n[2].notification.params.at("code"), "K7M4QX");
  EXPECT_EQ(n[2].notification.language, "en");
  // None is of use once the visit has begun: not sent after its start.
  for (const auto& each : n) EXPECT_EQ(each.notification.send_by, At(25, 8, 0));
  EXPECT_EQ(CancelledNotice(to, At(25, 8, 0), 480, "K7M4QX").send_by, absl::InfiniteFuture());
  // Without an e-mail address, booked well ahead: three messages by the gateway.
  to.email = "";
  n = AllocatedNotices(to, At(20, 7, 30), At(25, 8, 0), 480, "K7M4QX");
  ASSERT_EQ(n.size(), 3u);
  EXPECT_EQ(n[1].at, At(24, 8, 0));
  EXPECT_EQ(n[2].at, At(25, 7, 0));
}

TEST(CancelledNoticeTest, ByTheGatewayInOfficeTime) {
  Notification n = CancelledNotice({"Siti", "+6281234567890", "siti@example.id", "id"},
                                   At(25, 8, 30), 480, "K7M4QX");
  EXPECT_EQ(n.template_id, "appointment.cancelled");
  EXPECT_EQ(n.channel, NotificationChannel::kWebhook);
  EXPECT_EQ(n.address, "+6281234567890");
  EXPECT_EQ(n.params.at("time"), "08:30");
}

TEST(FollowUpRoundsTest, NoShowSweepAtTheGraceTime) {
  RoundToEnqueue r = NoShowSweep("2026-03-25", At(25, 9, 30), 480, absl::Minutes(15));
  EXPECT_EQ(r.key, "2026-03-25T09:30");
  EXPECT_EQ(r.at, At(25, 9, 45));
}

TEST(FollowUpRoundsTest, ReleaseRoundsOncePerSlotTimeWithReservedSeatsLeft) {
  const absl::Time now = At(25, 6, 0);
  std::vector<SlotSeats> slots = {
      Seats(1, At(25, 11, 0), 4, 2, 1),      // reserved seats left, cut-off 09:00 ahead
      Seats(2, At(25, 9, 0), 4, 2, 1),       // the same at 09:00, cut-off 07:00
      Seats(3, At(25, 9, 0), 4, 2, 2),       // a second slot at 09:00: one round for both
      Seats(4, At(25, 10, 0), 4, 2, 4),      // full
      Seats(5, At(25, 10, 30), 4, 2, 2, 2),  // reserved seats all taken by priority
      Seats(6, At(25, 7, 30), 4, 2, 0),      // cut-off (05:30) already past
      Seats(7, At(25, 12, 0), 4, 2, 0),      // enqueued before
  };
  auto rounds =
      ReleaseRounds("2026-03-25", slots, {"2026-03-25T12:00/release"}, now, 480, absl::Hours(2));
  ASSERT_EQ(rounds.size(), 2u);
  EXPECT_EQ(rounds[0].key, "2026-03-25T09:00/release");
  EXPECT_EQ(rounds[0].at, At(25, 7, 0) + absl::Seconds(1));
  EXPECT_EQ(rounds[1].key, "2026-03-25T11:00/release");
  slots[0].closed = true;
  EXPECT_EQ(ReleaseRounds("2026-03-25", {slots[0]}, {}, now, 480, absl::Hours(2)).size(), 0u);
  // The store finds the rounds of a day, and only its release rounds, with this LIKE pattern.
  EXPECT_EQ(ReleaseKeysOf("2026-03-25"), "2026-03-25T%/release");
}

BookedSeat Booked(int64_t appointment, int64_t request, int64_t slot, bool priority,
                  absl::Time at) {
  return {appointment, request, slot, priority, at};
}

std::vector<int64_t> AppointmentsOf(const SlotClosure& c) {
  std::vector<int64_t> ids;
  for (const BookedSeat& b : c.displaced) ids.push_back(b.appointment_id);
  return ids;
}

CounterClosureFacts CounterFacts() {
  CounterClosureFacts f;
  f.counter_id = "C2";
  f.day = "2026-03-25";
  f.counter_found = true;
  f.counter_open = true;
  f.open_before = 2;
  f.now = At(25, 6, 0);
  return f;
}

TEST(DecideCounterClosureTest, RefusalsInOrder) {
  EXPECT_THAT(ValidateCounterClosure("", "sick"),
              StatusIs(absl::StatusCode::kInvalidArgument, "counter_id: required"));
  EXPECT_THAT(ValidateCounterClosure("C2", "sick"), IsOk());
  CounterClosureFacts f = CounterFacts();
  f.counter_found = false;
  EXPECT_THAT(DecideCounterClosure(f),
              StatusIs(absl::StatusCode::kNotFound, "counter_id: no counter \"C2\""));
  f = CounterFacts();
  f.counter_open = false;
  f.already_closed = true;
  EXPECT_THAT(DecideCounterClosure(f),
              StatusIs(absl::StatusCode::kFailedPrecondition, "counter_id: C2 is out of service"));
  f = CounterFacts();
  f.already_closed = true;
  f.open_before = 1;
  EXPECT_THAT(DecideCounterClosure(f), StatusIs(absl::StatusCode::kFailedPrecondition,
                                                "counter_id: C2 is already closed on 2026-03-25"));
  f = CounterFacts();
  f.open_before = 1;
  EXPECT_THAT(DecideCounterClosure(f),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "counter_id: C2 is the last open counter on 2026-03-25; close the day "
                       "instead"));
}

TEST(DecideCounterClosureTest, EachSlotLosesTheCountersShare) {
  CounterClosureFacts f = CounterFacts();
  // One of two counters closes: capacity 6 -> 3, reserved 2 -> 1.
  f.slots = {Seats(2, At(25, 9, 0), 6, 2, 5, 1),  // 5 booked, 1 checked in (4 booked rows)
             Seats(1, At(25, 8, 0), 6, 2, 2),     // fits: nobody moves
             Seats(3, At(25, 5, 0), 6, 2, 6),     // started: left alone
             Seats(4, At(25, 10, 0), 6, 2, 6)};
  f.slots[3].closed = true;  // closed: left alone
  f.booked = {Booked(20, 120, 2, false, At(20, 8, 0)), Booked(21, 121, 2, true, At(22, 8, 0)),
              Booked(22, 122, 2, false, At(21, 8, 0)), Booked(23, 123, 2, false, At(21, 8, 0)),
              Booked(10, 110, 1, false, At(20, 8, 0))};
  auto plan = DecideCounterClosure(f);
  ASSERT_THAT(plan, IsOk()) << plan.status();
  ASSERT_EQ(plan->size(), 2u);
  // By slot id.
  EXPECT_EQ((*plan)[0].slot_id, 1);
  EXPECT_TRUE((*plan)[0].displaced.empty());
  EXPECT_EQ((*plan)[0].capacity, 3);
  EXPECT_EQ((*plan)[0].reserved_priority, 1);
  // Two over: non-priority first, the latest booked first (ties by the later id).
  EXPECT_EQ((*plan)[1].slot_id, 2);
  EXPECT_EQ(AppointmentsOf((*plan)[1]), (std::vector<int64_t>{23, 22}));
  EXPECT_EQ((*plan)[1].PriorityDisplaced(), 0);
  EXPECT_EQ((*plan)[1].capacity, 3);
}

TEST(DecideCounterClosureTest, CheckedInVisitorsKeepTheirRoom) {
  CounterClosureFacts f = CounterFacts();
  // 4 booked of 4, three of them already checked in; one row can move, the slot keeps 3 seats.
  f.slots = {Seats(1, At(25, 9, 0), 4, 4, 4, 1)};
  f.booked = {Booked(10, 110, 1, true, At(20, 8, 0))};
  auto plan = DecideCounterClosure(f);
  ASSERT_THAT(plan, IsOk());
  EXPECT_EQ(AppointmentsOf((*plan)[0]), (std::vector<int64_t>{10}));
  EXPECT_EQ((*plan)[0].PriorityDisplaced(), 1);
  EXPECT_EQ((*plan)[0].capacity, 3);
  // The reserved seats shrink in proportion (4 -> 2), never beyond the capacity.
  EXPECT_EQ((*plan)[0].reserved_priority, 2);
  f.open_before = 4;  // 3 of 4 stay: reserved 4 -> 3, capacity 4 -> 3
  f.slots = {Seats(1, At(25, 9, 0), 4, 4, 0)};
  f.booked.clear();
  plan = DecideCounterClosure(f);
  EXPECT_EQ((*plan)[0].capacity, 3);
  EXPECT_EQ((*plan)[0].reserved_priority, 3);
}

TEST(DecideDayClosureTest, EverythingMovesToTheNextOpenDay) {
  DayClosureFacts f;
  f.day = absl::CivilDay(2026, 3, 25);
  f.slots = {Seats(2, At(25, 9, 0), 4, 1, 2), Seats(1, At(25, 8, 0), 4, 1, 1),
             Seats(3, At(25, 10, 0), 4, 1, 1)};
  f.slots[2].closed = true;
  f.booked = {Booked(20, 120, 2, true, At(20, 8, 0)), Booked(21, 121, 2, false, At(20, 8, 0)),
              Booked(10, 110, 1, false, At(20, 8, 0)), Booked(30, 130, 3, false, At(20, 8, 0))};
  f.open_requests = {140, 141};
  f.next_open = absl::CivilDay(2026, 3, 27);
  DayClosurePlan plan = DecideDayClosure(f);
  ASSERT_EQ(plan.slots.size(), 2u);  // the closed slot stays as it is
  EXPECT_EQ(plan.slots[0].slot_id, 1);
  EXPECT_EQ(plan.slots[1].slot_id, 2);
  EXPECT_EQ(AppointmentsOf(plan.slots[1]), (std::vector<int64_t>{21, 20}));
  EXPECT_EQ(plan.slots[1].PriorityDisplaced(), 1);
  EXPECT_EQ(plan.Displaced(), 3);
  EXPECT_EQ(plan.requests, (std::vector<int64_t>{110, 121, 120, 140, 141}));
  ASSERT_TRUE(plan.move_to.has_value());
  EXPECT_EQ(*plan.move_to, absl::CivilDay(2026, 3, 27));
  EXPECT_EQ(plan.shift_days, 2);
}

TEST(DecideDayClosureTest, NowhereToGoMeansTheWaitlistAndNoSlotsMeansNothing) {
  DayClosureFacts f;
  f.day = absl::CivilDay(2026, 3, 25);
  f.slots = {Seats(1, At(25, 8, 0), 4, 1, 1)};
  f.booked = {Booked(10, 110, 1, false, At(20, 8, 0))};
  f.open_requests = {110, 140};  // listed twice: moves once
  DayClosurePlan plan = DecideDayClosure(f);
  EXPECT_FALSE(plan.move_to.has_value());
  EXPECT_EQ(plan.requests, (std::vector<int64_t>{110, 140}));
  f.slots.clear();
  plan = DecideDayClosure(f);
  EXPECT_TRUE(plan.slots.empty());
  EXPECT_TRUE(plan.requests.empty());
  EXPECT_FALSE(plan.move_to.has_value());
}

TEST(ValidateOfficeHoursTest, NamesTheFieldAndSortsByWeekday) {
  auto hours = ValidateOfficeHours({{3, 480, 960, 30, 10, 2}, {1, 480, 720, 30, 10, 0}});
  ASSERT_THAT(hours, IsOk());
  EXPECT_EQ((*hours)[0].weekday, 1);
  EXPECT_EQ((*hours)[1].weekday, 3);
  EXPECT_THAT(
      ValidateOfficeHours({{8, 480, 960, 30, 10, 2}}),
      StatusIs(absl::StatusCode::kInvalidArgument, "hours[0].weekday: 1 (Monday) .. 7 (Sunday)"));
  EXPECT_THAT(ValidateOfficeHours({{1, 480, 960, 30, 10, 2}, {1, 480, 960, 30, 10, 2}}),
              StatusIs(absl::StatusCode::kInvalidArgument, "hours[1].weekday: listed twice"));
  EXPECT_THAT(ValidateOfficeHours({{1, 960, 480, 30, 10, 2}}),
              StatusIs(absl::StatusCode::kInvalidArgument, "hours[0].closes: must be after opens"));
  EXPECT_THAT(ValidateOfficeHours({{1, 480, 960, 4, 10, 2}}),
              StatusIs(absl::StatusCode::kInvalidArgument, "hours[0].slot_minutes: 5..240"));
  EXPECT_THAT(
      ValidateOfficeHours({{1, 480, 500, 30, 10, 2}}),
      StatusIs(absl::StatusCode::kInvalidArgument, "hours[0].slot_minutes: longer than the day"));
  EXPECT_THAT(ValidateOfficeHours({{1, 480, 960, 30, 0, 0}}),
              StatusIs(absl::StatusCode::kInvalidArgument, "hours[0].capacity: 1..1000"));
  EXPECT_THAT(
      ValidateOfficeHours({{1, 480, 960, 30, 10, 11}}),
      StatusIs(absl::StatusCode::kInvalidArgument, "hours[0].reserved_priority: 0..capacity"));
}

TEST(ValidateSlotRangeTest, AtMost92DaysForward) {
  const absl::CivilDay from(2026, 3, 1);
  EXPECT_THAT(ValidateSlotRange(from, from), IsOk());
  EXPECT_THAT(ValidateSlotRange(from, from + 92), IsOk());
  EXPECT_THAT(ValidateSlotRange(from, from + 93),
              StatusIs(absl::StatusCode::kInvalidArgument, "to: at most 92 days after from"));
  EXPECT_THAT(ValidateSlotRange(from, from - 1),
              StatusIs(absl::StatusCode::kInvalidArgument, "to: before from"));
}

TEST(RequestIdTest, AChangeNamesAPositiveIdAReadAnIdOrACode) {
  EXPECT_THAT(ValidateId(7, "id"), IsOk());
  for (int64_t bad : {0, -3}) {
    EXPECT_THAT(ValidateId(bad, "id"),
                StatusIs(absl::StatusCode::kInvalidArgument, "id: required (a positive number)"));
  }
  EXPECT_THAT(CheckLookup(7, ""), IsOk());
  EXPECT_THAT(CheckLookup(0, "K7M4QX"), IsOk());
  EXPECT_THAT(CheckLookup(0, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, "id: required (or code)"));
}

TEST(ParseRequestPageTest, TheTokenThenTheSizeWithItsDefault) {
  auto first = ParseRequestPage(0, "");
  ASSERT_THAT(first, IsOk()) << first.status();
  EXPECT_EQ(first->after, 0);
  EXPECT_EQ(first->size, 50);
  EXPECT_EQ(ParseRequestPage(-1, "")->size, 50);
  auto next = ParseRequestPage(500, "41");
  ASSERT_THAT(next, IsOk()) << next.status();
  EXPECT_EQ(next->after, 41);
  EXPECT_EQ(next->size, 500);
  EXPECT_THAT(ParseRequestPage(501, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, "page_size: at most 500"));
  for (const char* bad : {"x", "-1", "4x"}) {
    EXPECT_THAT(ParseRequestPage(10, bad), StatusIs(absl::StatusCode::kInvalidArgument,
                                                    "page_token: not one this service gave"))
        << bad;
  }
  EXPECT_THAT(ParseRequestPage(501, "x"), StatusIs(absl::StatusCode::kInvalidArgument,
                                                   "page_token: not one this service gave"));
}

TEST(ValidateDayClosureTest, TheReasonIsOptionalTextOfAtMost500Bytes) {
  EXPECT_THAT(ValidateDayClosure("banjir"), IsOk());
  EXPECT_THAT(ValidateDayClosure(""), IsOk());
  EXPECT_THAT(ValidateDayClosure(std::string(500, 'x')), IsOk());
  EXPECT_THAT(ValidateDayClosure(std::string(501, 'x')),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(AllocationScopeTest, TheDayOfEachKindOfKey) {
  for (const char* key : {"2026-03-25", "2026-03-25T08:15", "2026-03-25T10:00/release"}) {
    auto day = AllocationDay(key);
    ASSERT_THAT(day, IsOk()) << key << ": " << day.status();
    EXPECT_EQ(*day, "2026-03-25") << key;
  }
  EXPECT_THAT(AllocationDay("tomorrow"),
              StatusIs(absl::StatusCode::kInvalidArgument, "slots.allocate: bad scope tomorrow"));
  EXPECT_THAT(AllocationDay(""),
              StatusIs(absl::StatusCode::kInvalidArgument, "slots.allocate: bad scope "));
  EXPECT_THAT(CheckAllocationDay("2026-03-25"), IsOk());
  for (const char* bad : {"2026-03-25T08:15", "", "tomorrow"}) {
    EXPECT_THAT(CheckAllocationDay(bad),
                StatusIs(absl::StatusCode::kInvalidArgument, "allocation.day: YYYY-MM-DD"))
        << bad;
  }
}

TEST(AllocationScopeTest, TheSeedIsFnv1aOfOfficeAndScope) {
  // FNV-1a 64 of "bpp/2026-03-25", computed apart from this code: a round replays the same ties on
  // every build and replica.
  EXPECT_EQ(AllocationSeed("bpp", "2026-03-25"), 0x6ff84e251e6155aeull);
  EXPECT_NE(AllocationSeed("bpp", "2026-03-26"), AllocationSeed("bpp", "2026-03-25"));
  EXPECT_NE(AllocationSeed("smd", "2026-03-25"), AllocationSeed("bpp", "2026-03-25"));
}

}  // namespace
}  // namespace loket::domain
