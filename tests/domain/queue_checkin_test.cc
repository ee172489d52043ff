// Check-in at the door and the late rule as a decision (issue 14): what DecideCheckIn answers for
// what the store loaded, with no database.
#include "server/domain/queue_checkin.h"

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace loket::domain {
namespace {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
using ::testing::HasSubstr;

constexpr int kWita = 480;  // Balikpapan, UTC+8

// 17 March 2026 (a Tuesday), hh:mm office time.
absl::Time At(int h, int m) {
  return absl::FromCivil(absl::CivilMinute(2026, 3, 17, h, m), absl::FixedTimeZone(kWita * 60));
}

const Screening kHealthy{36.6, true};
const Screening kFever{38.2, true};

AppointmentAtDoor Booked(absl::Time starts) {
  AppointmentAtDoor a;
  a.code = "K7M4QX";
  a.id = 41;
  a.state = "booked";
  a.starts_at = starts;
  a.name = "Siti Rahma";
  a.phone = "+6281234567890";
  a.language = "en";
  a.service = "SIP_BIDAN";
  a.case_id = 7;
  a.case_state = "SUBMITTED";
  return a;
}

CheckInFacts ByCode(absl::Time now, const AppointmentAtDoor& a, Screening s = kHealthy) {
  CheckInFacts f;
  f.now = now;
  f.utc_offset_minutes = kWita;
  f.screening = s;
  f.appointment = a;
  return f;
}

WalkInAtDoor Walker() {
  WalkInAtDoor w;
  w.details.name = "Budi Santoso";
  w.details.language = "id";
  w.details.service = "SIUP";
  w.service_known = true;
  return w;
}

CheckInFacts Walking(absl::Time now, const WalkInAtDoor& w, Screening s = kHealthy) {
  CheckInFacts f;
  f.now = now;
  f.utc_offset_minutes = kWita;
  f.screening = s;
  f.walk_in = w;
  return f;
}

// --- the late rule -------------------------------------------------------------------------------

TEST(CheckInLateRuleTest, OnTimeKeepsTheSlotsPlaceInTheAppointmentLane) {
  const absl::Time slot = At(10, 0);
  for (absl::Time now : {slot - absl::Minutes(30), slot, slot + absl::Minutes(15)}) {
    absl::StatusOr<CheckInDecision> d = DecideCheckIn(ByCode(now, Booked(slot)));
    ASSERT_THAT(d, IsOk());
    EXPECT_EQ(d->visit.arrival, "on_time");
    EXPECT_EQ(d->visit.appointment_id, 41);
    EXPECT_EQ(d->visit.case_id, 7);
    EXPECT_EQ(d->visit.name, "Siti Rahma");
    EXPECT_EQ(d->visit.language, "en");
    EXPECT_EQ(d->visit.service, "SIP_BIDAN");
    ASSERT_TRUE(d->ticket.has_value());
    EXPECT_EQ(d->ticket->lane, Lane::kAppointment);
    EXPECT_EQ(d->ticket->slot_start, slot);
    EXPECT_TRUE(d->ticket->check_in_appointment);
    EXPECT_EQ(d->Outcome(), "queued");
  }
}

TEST(CheckInLateRuleTest, PastTheGraceQueuesAsAWalkInWithoutTheSlotsPlace) {
  const absl::Time slot = At(10, 0);
  absl::StatusOr<CheckInDecision> d = DecideCheckIn(ByCode(slot + absl::Minutes(16), Booked(slot)));
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(d->visit.arrival, "late");
  ASSERT_TRUE(d->ticket.has_value());
  EXPECT_EQ(d->ticket->lane, Lane::kWalkIn);
  EXPECT_FALSE(d->ticket->slot_start.has_value());
  EXPECT_TRUE(d->ticket->check_in_appointment);  // still booked: it becomes checked_in
}

TEST(CheckInLateRuleTest, TheRuleTakesItsWindowFromTheOffice) {
  const absl::Time slot = At(10, 0);
  ArrivalRule strict;
  strict.early = absl::Minutes(10);
  strict.grace = absl::Minutes(5);
  EXPECT_THAT(DecideCheckIn(ByCode(slot - absl::Minutes(11), Booked(slot)), strict),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "appointment K7M4QX is at 10:00: check-in opens at 09:50"));
  absl::StatusOr<CheckInDecision> d =
      DecideCheckIn(ByCode(slot + absl::Minutes(6), Booked(slot)), strict);
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(d->visit.arrival, "late");
}

TEST(CheckInLateRuleTest, TooEarlyAndOtherDaysAreTurnedAwayInOfficeTime) {
  const absl::Time slot = At(10, 0);
  EXPECT_THAT(DecideCheckIn(ByCode(slot - absl::Minutes(31), Booked(slot))),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "appointment K7M4QX is at 10:00: check-in opens at 09:30"));
  EXPECT_THAT(DecideCheckIn(ByCode(slot - absl::Hours(24), Booked(slot))),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "appointment K7M4QX is for 2026-03-17 10:00, not today"));
}

TEST(CheckInLateRuleTest, PriorityVisitorsQueueInThePriorityLaneEvenWhenLate) {
  const absl::Time slot = At(10, 0);
  AppointmentAtDoor a = Booked(slot);
  a.priority = PriorityClass::kElderly;
  for (absl::Time now : {slot, slot + absl::Hours(2)}) {
    absl::StatusOr<CheckInDecision> d = DecideCheckIn(ByCode(now, a));
    ASSERT_THAT(d, IsOk());
    ASSERT_TRUE(d->ticket.has_value());
    EXPECT_EQ(d->ticket->lane, Lane::kPriority);
    EXPECT_FALSE(d->ticket->slot_start.has_value());
  }
}

// --- the appointment's state ---------------------------------------------------------------------

TEST(CheckInStateTest, ASeatTheNoShowSweepReleasedStillLetsTheLateVisitorInOnce) {
  const absl::Time slot = At(10, 0);
  AppointmentAtDoor a = Booked(slot);
  a.state = "no_show";
  absl::StatusOr<CheckInDecision> d = DecideCheckIn(ByCode(slot + absl::Minutes(40), a));
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(d->visit.arrival, "late");
  ASSERT_TRUE(d->ticket.has_value());
  EXPECT_EQ(d->ticket->lane, Lane::kWalkIn);
  EXPECT_FALSE(d->ticket->check_in_appointment);  // no_show stays: the seat is gone

  a.queued_visit = true;  // let in once already
  EXPECT_THAT(DecideCheckIn(ByCode(slot + absl::Minutes(40), a)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "appointment K7M4QX is no_show: check the visitor in as a walk-in"));
}

TEST(CheckInStateTest, ANoShowWithinTheGraceIsNotLetIn) {
  // The sweep runs at the same grace, so a no_show on time was marked by a clerk: refused.
  const absl::Time slot = At(10, 0);
  AppointmentAtDoor a = Booked(slot);
  a.state = "no_show";
  EXPECT_THAT(DecideCheckIn(ByCode(slot + absl::Minutes(5), a)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is no_show")));
}

TEST(CheckInStateTest, OnlyABookedAppointmentChecksIn) {
  const absl::Time slot = At(10, 0);
  AppointmentAtDoor a = Booked(slot);
  a.state = "checked_in";
  EXPECT_THAT(DecideCheckIn(ByCode(slot, a)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "appointment K7M4QX is checked_in: its ticket was issued already"));
  a.state = "cancelled";
  EXPECT_THAT(DecideCheckIn(ByCode(slot, a)),
              StatusIs(absl::StatusCode::kFailedPrecondition, "appointment K7M4QX is cancelled"));
}

TEST(CheckInStateTest, TheStateIsJudgedBeforeTheDay) {
  // A cancelled appointment of another day says it is cancelled, not that it is another day.
  const absl::Time slot = At(10, 0);
  AppointmentAtDoor a = Booked(slot);
  a.state = "cancelled";
  EXPECT_THAT(DecideCheckIn(ByCode(slot + absl::Hours(30), a)),
              StatusIs(absl::StatusCode::kFailedPrecondition, "appointment K7M4QX is cancelled"));
}

TEST(CheckInStateTest, SeatedServiceComesFromTheDoorOrTheBooking) {
  const absl::Time slot = At(10, 0);
  AppointmentAtDoor a = Booked(slot);
  CheckInFacts f = ByCode(slot, a);
  EXPECT_FALSE(DecideCheckIn(f)->visit.seated);
  f.seated = true;
  EXPECT_TRUE(DecideCheckIn(f)->visit.seated);
  a.seated = true;
  EXPECT_TRUE(DecideCheckIn(ByCode(slot, a))->visit.seated);
}

// --- the screening -------------------------------------------------------------------------------

TEST(CheckInScreeningTest, AFailedScreeningRecordsTheVisitWithoutATicket) {
  const absl::Time slot = At(10, 0);
  absl::StatusOr<CheckInDecision> d = DecideCheckIn(ByCode(slot, Booked(slot), kFever));
  ASSERT_THAT(d, IsOk());
  EXPECT_FALSE(d->visit.screening_passed);
  EXPECT_THAT(d->visit.screening_note, HasSubstr("temperature 38.2"));
  EXPECT_FALSE(d->ticket.has_value());
  EXPECT_EQ(d->Outcome(), "redirect_pending");
  EXPECT_EQ(d->visit.arrival, "on_time");
  EXPECT_TRUE(d->offer_siber_pickup);  // the case is SUBMITTED: its papers can be fetched
}

TEST(CheckInScreeningTest, SiberPickupIsOfferedOnlyForACaseWhosePapersAreStillNeeded) {
  const absl::Time slot = At(10, 0);
  AppointmentAtDoor a = Booked(slot);
  a.case_state = "ISSUED";
  EXPECT_FALSE(DecideCheckIn(ByCode(slot, a, kFever))->offer_siber_pickup);
  a.case_state.reset();  // not this office's case
  EXPECT_FALSE(DecideCheckIn(ByCode(slot, a, kFever))->offer_siber_pickup);
  a.case_id = 0;
  EXPECT_FALSE(DecideCheckIn(ByCode(slot, a, kFever))->offer_siber_pickup);

  WalkInAtDoor w = Walker();
  w.details.case_id = 9;
  w.details.nik = "6471015703900001";
  w.linked_case = WalkInAtDoor::Case{"VERIFYING", "6471015703900001"};
  EXPECT_TRUE(DecideCheckIn(Walking(At(9, 0), w, kFever))->offer_siber_pickup);
  w.linked_case->state = "REJECTED";
  EXPECT_FALSE(DecideCheckIn(Walking(At(9, 0), w, kFever))->offer_siber_pickup);
}

TEST(CheckInScreeningTest, TheDayAndStateAreCheckedBeforeTheScreening) {
  const absl::Time slot = At(10, 0);
  EXPECT_THAT(DecideCheckIn(ByCode(slot - absl::Hours(2), Booked(slot), kFever)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("check-in opens")));
}

// --- walk-ins ------------------------------------------------------------------------------------

TEST(CheckInWalkInTest, AWalkInQueuesInTheWalkInLaneOrThePriorityLane) {
  absl::StatusOr<CheckInDecision> d = DecideCheckIn(Walking(At(9, 0), Walker()));
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(d->visit.arrival, "walk_in");
  EXPECT_EQ(d->visit.appointment_id, 0);
  EXPECT_EQ(d->visit.name, "Budi Santoso");
  ASSERT_TRUE(d->ticket.has_value());
  EXPECT_EQ(d->ticket->lane, Lane::kWalkIn);
  EXPECT_FALSE(d->ticket->slot_start.has_value());
  EXPECT_FALSE(d->ticket->check_in_appointment);

  WalkInAtDoor w = Walker();
  w.details.priority = PriorityClass::kDisability;
  EXPECT_EQ(DecideCheckIn(Walking(At(9, 0), w))->ticket->lane, Lane::kPriority);
  w.details.priority = PriorityClass::kHealthWorker;  // not a Temankubela class
  EXPECT_EQ(DecideCheckIn(Walking(At(9, 0), w))->ticket->lane, Lane::kWalkIn);
}

TEST(CheckInWalkInTest, OutsideTheOpeningHoursOnlyAnOverrideLetsInAndTheVisitSaysSo) {
  WalkInAtDoor w = Walker();
  w.hours = WalkInAtDoor::Hours{OpeningHours{8 * 60, 15 * 60}, true};
  absl::StatusOr<CheckInDecision> open = DecideCheckIn(Walking(At(14, 59), w));
  ASSERT_THAT(open, IsOk());
  EXPECT_FALSE(open->visit.outside_hours);

  EXPECT_THAT(
      DecideCheckIn(Walking(At(15, 0), w)),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("walk-in tickets are issued during opening hours: today 08:00-15:00")));
  w.outside_hours_override = true;
  absl::StatusOr<CheckInDecision> late = DecideCheckIn(Walking(At(15, 0), w));
  ASSERT_THAT(late, IsOk());
  EXPECT_TRUE(late->visit.outside_hours);
  EXPECT_TRUE(late->ticket.has_value());
}

TEST(CheckInWalkInTest, AHolidayIsClosedAndNoHoursRuleMeansAlwaysOpen) {
  WalkInAtDoor w = Walker();
  w.hours = WalkInAtDoor::Hours{OpeningHours{8 * 60, 15 * 60}, /*working_day=*/false};
  EXPECT_THAT(DecideCheckIn(Walking(At(10, 0), w)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("closed today")));
  w.hours.reset();  // the rule is off, or the office keeps no hours
  EXPECT_THAT(DecideCheckIn(Walking(At(22, 0), w)), IsOk());
}

TEST(CheckInWalkInTest, TheRefusalsComeInTheirOrder) {
  WalkInAtDoor w = Walker();
  w.hours = WalkInAtDoor::Hours{OpeningHours{8 * 60, 15 * 60}, true};
  w.service_known = false;
  w.details.case_id = 9;
  // Closed first, then the permit type, then the case, its NIK missing, its NIK wrong.
  EXPECT_THAT(DecideCheckIn(Walking(At(20, 0), w)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("opening hours")));
  EXPECT_THAT(DecideCheckIn(Walking(At(9, 0), w)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "walk_in.service: unknown permit type \"SIUP\""));
  w.service_known = true;
  EXPECT_THAT(DecideCheckIn(Walking(At(9, 0), w)),
              StatusIs(absl::StatusCode::kNotFound, "case 9 not found"));
  w.linked_case = WalkInAtDoor::Case{"SUBMITTED", "6471015703900001"};
  w.details.nik = "  ";
  EXPECT_THAT(DecideCheckIn(Walking(At(9, 0), w)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("walk_in.nik: required")));
  w.details.nik = "6471015703900002";
  EXPECT_THAT(DecideCheckIn(Walking(At(9, 0), w)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("walk_in.nik: not the NIK of case 9's applicant")));
  w.details.nik = " 6471015703900001 ";  // as typed, with spaces
  absl::StatusOr<CheckInDecision> d = DecideCheckIn(Walking(At(9, 0), w));
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(d->visit.case_id, 9);
}

TEST(CheckInWalkInTest, ExactlyOneOfAppointmentAndWalkIn) {
  CheckInFacts neither;
  neither.now = At(9, 0);
  EXPECT_THAT(DecideCheckIn(neither),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not both")));
  CheckInFacts both = Walking(At(9, 0), Walker());
  both.appointment = Booked(At(9, 0));
  EXPECT_THAT(DecideCheckIn(both),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not both")));
}

// --- the request, before anything is read -------------------------------------------------------

TEST(CheckInRequestTest, CodesAreStoredWithoutDashesOrSpacesInUpperCase) {
  EXPECT_EQ(NormalizeAppointmentCode("k7m-4qx").value(), "K7M4QX");
  EXPECT_EQ(NormalizeAppointmentCode(" K7M 4QX ").value(), "K7M4QX");
  EXPECT_EQ(NormalizeAppointmentCode("--").value(), "");  // the caller decides about empty
  EXPECT_EQ(RequireAppointmentCode("k7m-4qx").value(), "K7M4QX");
  EXPECT_THAT(RequireAppointmentCode("--"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(RequireAppointmentCode("K7M!"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(NormalizeAppointmentCode("ABCDEFGH-12345678").value(), "ABCDEFGH12345678");
  for (const char* bad : {"ABCDEFGH-123456789", "K7M_4QX", "K7M4Q\xc3\x96", "K7M;DROP"}) {
    EXPECT_THAT(NormalizeAppointmentCode(bad),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         "appointment_code: letters, digits and '-', e.g. K7MA4Q"))
        << bad;
  }
}

TEST(CheckInRequestTest, AWalkInsDetailsAreCheckedAndNormalised) {
  WalkInDetails w;
  w.name = "  Budi Santoso ";
  w.phone = "0812-3456-7890";
  w.language = "";
  w.service = "SIUP";
  absl::StatusOr<WalkInDetails> n = NormalizeWalkIn(w);
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(n->language, "id");
  EXPECT_EQ(n->phone, "+6281234567890");
  EXPECT_EQ(n->name, "Budi Santoso");

  WalkInDetails no_phone = w;
  no_phone.phone = "";
  EXPECT_EQ(NormalizeWalkIn(no_phone)->phone, "");

  WalkInDetails bad = w;
  bad.name = "";
  EXPECT_THAT(NormalizeWalkIn(bad),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("walk_in.name")));
  bad = w;
  bad.phone = "12";
  EXPECT_THAT(NormalizeWalkIn(bad),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("walk_in.phone")));
  bad = w;
  bad.language = "de";
  EXPECT_THAT(NormalizeWalkIn(bad),
              StatusIs(absl::StatusCode::kInvalidArgument, "walk_in.language: id or en"));
  bad = w;
  bad.service = std::string(41, 'S');
  EXPECT_THAT(NormalizeWalkIn(bad), StatusIs(absl::StatusCode::kInvalidArgument,
                                             "walk_in.service: required, a permit type code"));
  bad.service = "";
  EXPECT_THAT(NormalizeWalkIn(bad),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("walk_in.service: required")));
  bad = w;
  bad.case_id = -4;
  EXPECT_THAT(NormalizeWalkIn(bad),
              StatusIs(absl::StatusCode::kInvalidArgument, "walk_in.case_id: a positive number"));
}

}  // namespace
}  // namespace loket::domain
