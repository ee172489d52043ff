// SIBER's pure rules: visit windows on working days within hours, what the router is asked given
// what couriers have begun, and custody chains.
#include "server/domain/siber.h"

#include <cmath>
#include <set>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace loket::domain {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;
namespace {

const absl::TimeZone kWita = absl::FixedTimeZone(8 * 3600);

absl::Time Wita(int y, int mo, int d, int h, int mi = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), kWita);
}

// Nyepi and Idul Fitri 2026 (18-24 March) are office holidays here.
WorkingCalendar Calendar() {
  std::set<absl::CivilDay> h;
  for (int d = 18; d <= 24; ++d) h.insert(absl::CivilDay(2026, 3, d));
  return WorkingCalendar(h);
}

TEST(StopWindowTest, TodayFromAnHourAheadUntilClosing) {
  auto w = NextStopWindow(Wita(2026, 3, 17, 9, 10), 480, Calendar(), {8 * 60, 15 * 60}, {});
  ASSERT_THAT(w, IsOk()) << w.status();
  EXPECT_EQ(w->day, absl::CivilDay(2026, 3, 17));
  EXPECT_EQ(w->start, Wita(2026, 3, 17, 10, 10));
  EXPECT_EQ(w->end, Wita(2026, 3, 17, 15));
}

TEST(StopWindowTest, LateInTheDayMovesPastHolidaysAndTheWeekend) {
  // Tuesday 17 March at 14:45: too late; 18-24 are holidays; the next working day is the 25th.
  auto w = NextStopWindow(Wita(2026, 3, 17, 14, 45), 480, Calendar(), {8 * 60, 15 * 60}, {});
  ASSERT_THAT(w, IsOk());
  EXPECT_EQ(w->day, absl::CivilDay(2026, 3, 25));
  EXPECT_EQ(w->start, Wita(2026, 3, 25, 8));
  // Friday afternoon goes to Monday.
  w = NextStopWindow(Wita(2026, 3, 27, 15), 480, Calendar(), {8 * 60, 15 * 60}, {});
  ASSERT_THAT(w, IsOk());
  EXPECT_EQ(w->day, absl::CivilDay(2026, 3, 30));
}

TEST(StopWindowTest, APreferenceNarrowsTheWindowOrIsRefusedByName) {
  VisitPreference pref;
  pref.day = absl::CivilDay(2026, 3, 26);
  pref.after = 13 * 60;
  auto w = NextStopWindow(Wita(2026, 3, 17, 9), 480, Calendar(), {8 * 60, 15 * 60}, pref);
  ASSERT_THAT(w, IsOk());
  EXPECT_EQ(w->start, Wita(2026, 3, 26, 13));
  EXPECT_EQ(w->end, Wita(2026, 3, 26, 15));

  pref.day = absl::CivilDay(2026, 3, 19);  // Nyepi
  EXPECT_NE(NextStopWindow(Wita(2026, 3, 17, 9), 480, Calendar(), {}, pref)
                .status()
                .message()
                .find("pickup.day"),
            std::string::npos);
  pref.day = absl::CivilDay(2026, 3, 16);
  EXPECT_THAT(NextStopWindow(Wita(2026, 3, 17, 9), 480, Calendar(), {}, pref),
              StatusIs(absl::StatusCode::kInvalidArgument));
  pref.day.reset();
  pref.after = 17 * 60;  // after closing
  EXPECT_NE(NextStopWindow(Wita(2026, 3, 17, 9), 480, Calendar(), {8 * 60, 15 * 60}, pref)
                .status()
                .message()
                .find("08:00-15:00"),
            std::string::npos);
  pref.after = 12 * 60;
  pref.before = 11 * 60;
  EXPECT_NE(NextStopWindow(Wita(2026, 3, 17, 9), 480, Calendar(), {}, pref)
                .status()
                .message()
                .find("pickup.after"),
            std::string::npos);
}

TEST(PairWindowsTest, APickupIsHandedInTheSameDayAndADeliveryCollectedFromMidnight) {
  // Tuesday 17 March at 14:45: too late at a clinic open until 15:00; the 25th is the next day.
  auto pickup = DecidePairWindows(StopKind::kPickup, Wita(2026, 3, 17, 14, 45), 480, Calendar(),
                                  {8 * 60, 15 * 60}, {});
  ASSERT_THAT(pickup, IsOk());
  EXPECT_EQ(pickup->day, absl::CivilDay(2026, 3, 25));
  EXPECT_EQ(pickup->take_kind, StopKind::kPickup);
  EXPECT_EQ(pickup->take_start, Wita(2026, 3, 25, 8));
  EXPECT_EQ(pickup->take_end, Wita(2026, 3, 25, 15));
  EXPECT_EQ(pickup->give_kind, StopKind::kHandin);
  EXPECT_EQ(pickup->give_start, Wita(2026, 3, 25, 8));  // from the pickup on ...
  EXPECT_EQ(pickup->give_end, Wita(2026, 3, 26, 0));    // ... until midnight

  VisitPreference afternoon;
  afternoon.after = 13 * 60;
  auto delivery = DecidePairWindows(StopKind::kDelivery, Wita(2026, 3, 17, 9), 480, Calendar(),
                                    {8 * 60, 15 * 60}, afternoon);
  ASSERT_THAT(delivery, IsOk());
  EXPECT_EQ(delivery->day, absl::CivilDay(2026, 3, 17));
  EXPECT_EQ(delivery->take_kind, StopKind::kCollect);
  EXPECT_EQ(delivery->take_start, Wita(2026, 3, 17, 0));  // collected from midnight ...
  EXPECT_EQ(delivery->take_end, Wita(2026, 3, 17, 15));   // ... until the delivery's end
  EXPECT_EQ(delivery->give_kind, StopKind::kDelivery);
  EXPECT_EQ(delivery->give_start, Wita(2026, 3, 17, 13));
  EXPECT_EQ(delivery->give_end, Wita(2026, 3, 17, 15));

  VisitPreference nyepi;
  nyepi.day = absl::CivilDay(2026, 3, 19);
  EXPECT_THAT(
      DecidePairWindows(StopKind::kDelivery, Wita(2026, 3, 17, 9), 480, Calendar(), {}, nyepi)
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument));
}

PlanStop Stop(int64_t id, StopKind kind, int64_t partner, StopState state = StopState::kPending,
              int64_t courier = 0) {
  PlanStop s;
  s.id = id;
  s.kind = kind;
  s.partner_id = partner;
  s.state = state;
  s.courier_id = courier;
  s.latitude = -1.2 - id * 0.01;
  s.longitude = 116.8;
  s.window_start = Wita(2026, 3, 17, 8);
  s.window_end = Wita(2026, 3, 17, 15);
  s.service = absl::Minutes(5);
  return s;
}

TEST(RouterInputTest, FreePairsArePlannedAndBegunWorkIsKept) {
  std::vector<PlanStop> stops = {Stop(1, StopKind::kPickup, 2),
                                 Stop(2, StopKind::kHandin, 1),  // free pair
                                 // Courier 7 picked documents up (on board for the office) ...
                                 Stop(3, StopKind::kPickup, 4, StopState::kDone, 7),
                                 Stop(4, StopKind::kHandin, 3, StopState::kPlanned, 7),
                                 // ... and carries a permit for a clinic.
                                 Stop(5, StopKind::kCollect, 6, StopState::kDone, 7),
                                 Stop(6, StopKind::kDelivery, 5, StopState::kPlanned, 7),
                                 // Cancelled work is history.
                                 Stop(8, StopKind::kPickup, 9, StopState::kCancelled),
                                 Stop(9, StopKind::kHandin, 8, StopState::kCancelled)};
  stops[2].completed_at = Wita(2026, 3, 17, 9, 30);
  stops[4].completed_at = Wita(2026, 3, 17, 9, 0);
  std::vector<PlanCourier> couriers = {{7, "Budi", 3, Wita(2026, 3, 17, 8), Wita(2026, 3, 17, 16)},
                                       {8, "Rina", 3, Wita(2026, 3, 17, 8), Wita(2026, 3, 17, 16)}};
  RouterInput in =
      BuildRouterInput("2026-03-17", 5, Wita(2026, 3, 17, 10), 480, -1.24, 116.89, stops, couriers);
  EXPECT_EQ(in.version, 5);
  ASSERT_EQ(in.nodes.size(), 3u);  // 1, 2 (pair), 6 (bound)
  EXPECT_EQ(in.nodes[0].stop_id, 1);
  EXPECT_EQ(in.nodes[0].demand, 1);
  EXPECT_EQ(in.nodes[0].partner_stop_id, 2);
  EXPECT_EQ(in.nodes[1].demand, -1);
  EXPECT_EQ(in.nodes[2].stop_id, 6);
  EXPECT_EQ(in.nodes[2].only_courier, 7);
  EXPECT_EQ(in.nodes[2].partner_stop_id, 0);
  EXPECT_DOUBLE_EQ(in.nodes[0].ready, 8 * 3600);
  ASSERT_EQ(in.vehicles.size(), 2u);
  // Courier 7: one place taken by the documents for the office, starting where they last were.
  EXPECT_EQ(in.vehicles[0].courier_id, 7);
  EXPECT_EQ(in.vehicles[0].capacity, 2);
  EXPECT_DOUBLE_EQ(in.vehicles[0].start_latitude, stops[2].latitude);
  EXPECT_DOUBLE_EQ(in.vehicles[0].start, 10 * 3600);  // now
  EXPECT_EQ(in.vehicles[1].capacity, 3);
  EXPECT_DOUBLE_EQ(in.vehicles[1].start_latitude, -1.24);
  ASSERT_EQ(in.at_route_end.size(), 1u);
  EXPECT_EQ(in.at_route_end[0], std::make_pair(int64_t{7}, int64_t{4}));
}

// Bundles taken on an earlier day and carried over (DecideCarryOver): their taking ends are not
// among the day's stops, yet they are on board with whoever took them.
TEST(RouterInputTest, BundlesTakenOnAnEarlierDayAreOnBoard) {
  std::vector<PlanStop> stops = {Stop(4, StopKind::kHandin, 3, StopState::kPending, 7),
                                 Stop(6, StopKind::kDelivery, 5, StopState::kPending, 7)};
  for (PlanStop& s : stops) {
    s.partner_state = StopState::kDone;
    s.partner_courier_id = 7;
  }
  std::vector<PlanCourier> couriers = {{7, "Budi", 3, Wita(2026, 3, 17, 8), Wita(2026, 3, 17, 16)}};
  RouterInput in =
      BuildRouterInput("2026-03-17", 1, Wita(2026, 3, 17, 8), 480, -1.24, 116.89, stops, couriers);
  ASSERT_EQ(in.nodes.size(), 1u);
  EXPECT_EQ(in.nodes[0].stop_id, 6);
  EXPECT_EQ(in.nodes[0].demand, -1);
  EXPECT_EQ(in.nodes[0].only_courier, 7);
  ASSERT_EQ(in.at_route_end.size(), 1u);
  EXPECT_EQ(in.at_route_end[0], std::make_pair(int64_t{7}, int64_t{4}));
  ASSERT_EQ(in.vehicles.size(), 1u);
  EXPECT_EQ(in.vehicles[0].capacity, 2) << "the documents take a place until handed in";
}

TEST(RouterInputTest, ACourierAtAStopStartsThereAfterItAndShiftsOverDropOut) {
  std::vector<PlanStop> stops = {Stop(1, StopKind::kPickup, 2, StopState::kArrived, 7),
                                 Stop(2, StopKind::kHandin, 1, StopState::kPlanned, 7)};
  stops[0].arrived_at = Wita(2026, 3, 17, 10);
  std::vector<PlanCourier> couriers = {
      {7, "Budi", 3, Wita(2026, 3, 17, 8), Wita(2026, 3, 17, 16)},
      {8, "Rina", 3, Wita(2026, 3, 17, 8), Wita(2026, 3, 17, 9)}};  // already off
  RouterInput in =
      BuildRouterInput("2026-03-17", 1, Wita(2026, 3, 17, 10), 480, -1.24, 116.89, stops, couriers);
  EXPECT_TRUE(in.nodes.empty());
  ASSERT_EQ(in.vehicles.size(), 1u);
  EXPECT_DOUBLE_EQ(in.vehicles[0].start, 10 * 3600 + 300);  // after the stop's service
  EXPECT_EQ(in.vehicles[0].capacity, 2);
}

TEST(CustodyTest, PeriodsFollowTheHandOvers) {
  std::vector<CustodyEvent> events = {
      {"documents", "clinic:a", "courier:7", Wita(2026, 3, 17, 10), "Dewi"},
      {"documents", "courier:7", "office", Wita(2026, 3, 17, 11), "Andi"},
      {"permit", "office", "courier:7", Wita(2026, 3, 25, 9), "Budi"}};
  CustodyChain chain = BuildCustodyChain(events);
  EXPECT_TRUE(chain.complete);
  ASSERT_EQ(chain.periods.size(), 5u);
  EXPECT_EQ(chain.periods[0].holder, "clinic:a");
  EXPECT_FALSE(chain.periods[0].from.has_value());
  EXPECT_EQ(chain.periods[1].holder, "courier:7");
  EXPECT_EQ(*chain.periods[1].from, Wita(2026, 3, 17, 10));
  EXPECT_EQ(*chain.periods[1].until, Wita(2026, 3, 17, 11));
  EXPECT_EQ(chain.periods[2].received_by, "Andi");
  EXPECT_FALSE(chain.periods[2].until.has_value());
  EXPECT_EQ(chain.periods[4].holder, "courier:7");
  // A hand-over by someone who did not hold the bundle shows as a gap.
  events.push_back({"documents", "courier:9", "office", Wita(2026, 3, 17, 12), ""});
  EXPECT_FALSE(BuildCustodyChain(events).complete);
}

TEST(CourierReportTest, NotBeforeTheDayAndAClinicDoorNeedsArrivalFirst) {
  const absl::CivilDay today(2026, 4, 14);
  EXPECT_THAT(
      CheckCourierReport(7, StopKind::kPickup, StopState::kPlanned, today + 1, today, false),
      StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(CheckCourierReport(7, StopKind::kPickup, StopState::kPlanned, today, today, false),
              IsOk());
  for (StopKind clinic_door : {StopKind::kPickup, StopKind::kDelivery}) {
    EXPECT_THAT(CheckCourierReport(7, clinic_door, StopState::kPlanned, today, today, true),
                StatusIs(absl::StatusCode::kFailedPrecondition));
    EXPECT_THAT(CheckCourierReport(7, clinic_door, StopState::kArrived, today, today, true),
                IsOk());
  }
  // At the office the duty officer is the witness: no arrival needed.
  EXPECT_THAT(CheckCourierReport(7, StopKind::kHandin, StopState::kPlanned, today, today, true),
              IsOk());
  // Work left from yesterday may still be reported.
  EXPECT_THAT(
      CheckCourierReport(7, StopKind::kCollect, StopState::kPlanned, today - 1, today, true),
      IsOk());
}

TEST(StopStateTest, OnlyInTheAllowedStatesAndTheStateNamed) {
  EXPECT_THAT(
      CheckStopState(7, StopState::kArrived, {StopState::kPlanned, StopState::kArrived}, "confirm"),
      IsOk());
  EXPECT_THAT(
      CheckStopState(7, StopState::kDone, {StopState::kPlanned}, "arrive at"),
      StatusIs(absl::StatusCode::kFailedPrecondition, "cannot arrive at stop 7: it is done"));
}

// --- What a clinic case's change asks of SIBER --------------------------------------------------

ClinicCaseFollowUp FollowUp(CaseState from, CaseState to, bool new_paper = false) {
  VisitPreference asked{absl::CivilDay(2026, 3, 16), 9 * 60, 11 * 60};
  // Tuesday 17 March 2026: the next courier working day is the 25th (18-24 are holidays).
  return DecideClinicCaseFollowUp(from, to, new_paper, asked, Calendar(),
                                  absl::CivilDay(2026, 3, 17));
}

TEST(ClinicCaseFollowUpTest, OnlyAFirstSubmissionSendsForThePaperAtTheVisitAskedFor) {
  ClinicCaseFollowUp f = FollowUp(CaseState::kDraft, CaseState::kSubmitted);
  ASSERT_TRUE(f.pickup.has_value());
  EXPECT_EQ(f.pickup->day, absl::CivilDay(2026, 3, 16));
  EXPECT_EQ(f.pickup->after, 9 * 60);
  EXPECT_EQ(f.pickup->before, 11 * 60);
  EXPECT_FALSE(f.return_documents);
  EXPECT_FALSE(f.deliver_permit);
  EXPECT_FALSE(f.cancel_open_stops);
  // A resubmission after a revision: the paper is already where it needs to be.
  EXPECT_TRUE(FollowUp(CaseState::kRevisionRequested, CaseState::kSubmitted).nothing());
  // No change of state, no courier.
  EXPECT_TRUE(FollowUp(CaseState::kSubmitted, CaseState::kSubmitted).nothing());
  EXPECT_TRUE(FollowUp(CaseState::kIssued, CaseState::kIssued).nothing());
}

TEST(ClinicCaseFollowUpTest, ARevisionNeedingNewPaperReturnsTheOriginalsAndFetchesNewOnes) {
  ClinicCaseFollowUp f = FollowUp(CaseState::kVerifying, CaseState::kRevisionRequested, true);
  EXPECT_TRUE(f.return_documents);
  ASSERT_TRUE(f.pickup.has_value());
  // From the next courier working day, at any hour: not the visit asked for at submission.
  EXPECT_EQ(f.pickup->day, absl::CivilDay(2026, 3, 25));
  EXPECT_FALSE(f.pickup->after.has_value());
  EXPECT_FALSE(f.pickup->before.has_value());
  EXPECT_FALSE(f.deliver_permit);
  EXPECT_FALSE(f.cancel_open_stops);
  // A revision the clinic corrects without new paper needs no courier.
  EXPECT_TRUE(FollowUp(CaseState::kVerifying, CaseState::kRevisionRequested, false).nothing());
}

TEST(ClinicCaseFollowUpTest, AnIssuedPermitGoesBackByCourierAndAnEndCancelsWhatWasNotBegun) {
  ClinicCaseFollowUp issued = FollowUp(CaseState::kApproved, CaseState::kIssued);
  EXPECT_TRUE(issued.deliver_permit);
  EXPECT_FALSE(issued.return_documents);
  EXPECT_FALSE(issued.pickup.has_value());
  EXPECT_FALSE(issued.cancel_open_stops);
  for (CaseState end : {CaseState::kWithdrawn, CaseState::kRejected, CaseState::kRevoked,
                        CaseState::kCollected, CaseState::kDelivered}) {
    ClinicCaseFollowUp f = FollowUp(CaseState::kVerifying, end, true);
    EXPECT_TRUE(f.cancel_open_stops) << CaseStateName(end);
    EXPECT_FALSE(f.return_documents) << CaseStateName(end);
    EXPECT_FALSE(f.deliver_permit) << CaseStateName(end);
    EXPECT_FALSE(f.pickup.has_value()) << CaseStateName(end);
  }
  // The office's own steps in between ask nothing of a courier.
  EXPECT_TRUE(FollowUp(CaseState::kSubmitted, CaseState::kVerifying).nothing());
  EXPECT_TRUE(FollowUp(CaseState::kVerifying, CaseState::kApproved, true).nothing());
}

// --- Places, the courier calendar and days closed for couriers ---------------------------------

TEST(PlaceOnRouteTest, APlaceIsRoutedOnceItsLocationIsSet) {
  CourierPlace clinic{"rs-1", "RS Sehat", "Jl. Ahmad Yani 2", -1.25, 116.85, 7 * 60, 14 * 60};
  auto p = PlaceOnRoute(clinic, "clinic rs-1");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->clinic_id, "rs-1");
  EXPECT_EQ(p->name, "RS Sehat");
  EXPECT_EQ(p->address, "Jl. Ahmad Yani 2");
  EXPECT_EQ(p->latitude, -1.25);
  EXPECT_EQ(p->longitude, 116.85);
  EXPECT_EQ(p->hours.opens, 7 * 60);
  EXPECT_EQ(p->hours.closes, 14 * 60);
  // Either coordinate missing: the owner is named.
  for (bool lat : {false, true}) {
    CourierPlace half = clinic;
    (lat ? half.latitude : half.longitude).reset();
    EXPECT_THAT(PlaceOnRoute(half, "clinic rs-1"),
                StatusIs(absl::StatusCode::kFailedPrecondition,
                         "clinic rs-1 has no location; an administrator must set it before SIBER "
                         "can plan"));
  }
  CourierPlace office{"", "office", "Jl. Merdeka 1", std::nullopt, std::nullopt};
  EXPECT_THAT(PlaceOnRoute(office, "office bpp"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("office bpp has no")));
  office.latitude = -1.26;
  office.longitude = 116.83;
  auto o = PlaceOnRoute(office, "office bpp");
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->clinic_id, "");
  EXPECT_EQ(o->hours.opens, 8 * 60);  // the usual hours when none are kept
  EXPECT_EQ(o->hours.closes, 16 * 60);
}

TEST(CourierCalendarTest, HolidaysDaysClosedForCouriersAndDaysFoundClosedSince) {
  const std::set<absl::CivilDay> holidays = {absl::CivilDay(2026, 3, 18)};
  const std::set<absl::CivilDay> closed = {absl::CivilDay(2026, 3, 17)};
  WorkingCalendar c = CourierCalendar(holidays, closed);
  EXPECT_FALSE(c.IsWorkingDay(absl::CivilDay(2026, 3, 17)));
  EXPECT_FALSE(c.IsWorkingDay(absl::CivilDay(2026, 3, 18)));
  EXPECT_TRUE(c.IsWorkingDay(absl::CivilDay(2026, 3, 19)));
  EXPECT_FALSE(c.IsWorkingDay(absl::CivilDay(2026, 3, 21)));  // a Saturday
  WorkingCalendar more = CourierCalendar(holidays, closed, {absl::CivilDay(2026, 3, 19)});
  EXPECT_FALSE(more.IsWorkingDay(absl::CivilDay(2026, 3, 19)));
  EXPECT_EQ(more.AddWorkingDays(absl::CivilDay(2026, 3, 16), 1), absl::CivilDay(2026, 3, 20));
}

TEST(CourierDayClosedTest, ARequestedDayIsRefusedAnyOtherSkipped) {
  const absl::CivilDay day(2026, 3, 17);
  EXPECT_THAT(OnCourierDayClosed({}, day), IsOk());
  VisitPreference afternoon;
  afternoon.after = 13 * 60;
  EXPECT_THAT(OnCourierDayClosed(afternoon, day), IsOk());
  VisitPreference asked;
  asked.day = day;
  EXPECT_THAT(OnCourierDayClosed(asked, day),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "pickup.day: the office is closed for couriers on 2026-03-17"));
}

TEST(PairEndsTest, TheHandInAndTheCollectAreAtTheOffice) {
  EXPECT_TRUE(AtOffice(StopKind::kHandin));
  EXPECT_TRUE(AtOffice(StopKind::kCollect));
  EXPECT_FALSE(AtOffice(StopKind::kPickup));
  EXPECT_FALSE(AtOffice(StopKind::kDelivery));
  // Each pair has one end at the office: the visit's taking end for a pickup, its giving end for
  // a delivery.
  for (StopKind visit : {StopKind::kPickup, StopKind::kDelivery}) {
    auto w = DecidePairWindows(visit, Wita(2026, 3, 17, 9), 480, Calendar(), {}, {});
    ASSERT_THAT(w, IsOk());
    EXPECT_NE(AtOffice(w->take_kind), AtOffice(w->give_kind)) << StopKindName(visit);
    EXPECT_EQ(AtOffice(w->take_kind), visit == StopKind::kDelivery) << StopKindName(visit);
  }
}

// --- Applying the router's plan -----------------------------------------------------------------

const absl::CivilDay kPlanDay(2026, 3, 17);

TEST(OnBoardTest, ABundleIsOnBoardWithWhoeverTookIt) {
  // A permit brought back (a hand-in without a partner) is on board with its courier.
  EXPECT_EQ(OnBoardWith(Stop(1, StopKind::kHandin, 0, StopState::kPlanned, 7), nullptr), 7);
  EXPECT_EQ(OnBoardWith(Stop(1, StopKind::kHandin, 0), nullptr), std::nullopt);
  // The giving end of a pair, once the taking end is arrived at or done: with its taker, even
  // when an earlier plan gave the giving end to someone else.
  PlanStop handin = Stop(2, StopKind::kHandin, 1, StopState::kPlanned, 8);
  PlanStop pickup = Stop(1, StopKind::kPickup, 2, StopState::kDone, 7);
  EXPECT_EQ(OnBoardWith(handin, &pickup), 7);
  pickup.state = StopState::kArrived;
  EXPECT_EQ(OnBoardWith(handin, &pickup), 7);
  for (StopState not_taken :
       {StopState::kPending, StopState::kPlanned, StopState::kFailed, StopState::kCancelled}) {
    pickup.state = not_taken;
    EXPECT_EQ(OnBoardWith(handin, &pickup), std::nullopt) << StopStateName(not_taken);
  }
  // The taking end itself is never on board.
  PlanStop collect = Stop(5, StopKind::kCollect, 6, StopState::kPlanned, 7);
  PlanStop delivery = Stop(6, StopKind::kDelivery, 5, StopState::kDone, 7);
  EXPECT_EQ(OnBoardWith(collect, &delivery), std::nullopt);
  // Without its partner loaded (taken on an earlier day), the stop's copy of it is read.
  EXPECT_EQ(OnBoardWith(delivery, nullptr), std::nullopt);
  delivery = Stop(6, StopKind::kDelivery, 5, StopState::kPlanned, 7);
  delivery.partner_state = StopState::kDone;
  delivery.partner_courier_id = 9;
  EXPECT_EQ(OnBoardWith(delivery), 9);
}

// A planned visit as a test expects it: a kPlan write of `stop` for `courier`, its sequence and
// time, and (the first test) whether the clinic is told.
struct PlannedWrite {
  int64_t stop;
  int64_t courier;
  int sequence;
  absl::Time at;
  bool announce = false;
};
void ExpectPlanned(const std::vector<StopWrite>& writes, const std::vector<PlannedWrite>& want) {
  ASSERT_EQ(writes.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    const StopWrite& w = writes[i];
    EXPECT_EQ(w.kind, StopWrite::Kind::kPlan) << i;
    EXPECT_EQ(w.stop_id, want[i].stop) << i;
    EXPECT_EQ(w.courier_id, want[i].courier) << i;
    EXPECT_EQ(w.sequence, want[i].sequence) << i;
    EXPECT_EQ(w.at, want[i].at) << i;
    EXPECT_EQ(w.announce, want[i].announce) << i;
  }
}

TEST(RoutePlanTest, VisitsAreNumberedPerRouteAndOnlyPickupsAreAnnounced) {
  std::vector<PlanStop> stops = {Stop(1, StopKind::kPickup, 2), Stop(2, StopKind::kHandin, 1),
                                 Stop(3, StopKind::kCollect, 4), Stop(4, StopKind::kDelivery, 3)};
  std::vector<PlannedRoute> routes = {{8, {{3, 9 * 3600}, {4, 10 * 3600}}, 11 * 3600},
                                      {7, {{1, 8.5 * 3600}, {2, 12 * 3600}}, 13 * 3600}};
  auto writes = DecideRoutePlan(kPlanDay, 480, stops, routes);
  ASSERT_THAT(writes, IsOk());
  ExpectPlanned(*writes, {{3, 8, 1, Wita(2026, 3, 17, 9)},
                          {4, 8, 2, Wita(2026, 3, 17, 10)},
                          {1, 7, 1, Wita(2026, 3, 17, 8, 30), /*announce=*/true},
                          {2, 7, 2, Wita(2026, 3, 17, 12)}});
}

// A re-plan after a courier's reports numbers what is left after what they did: their route's list
// reads in the order they went (until 2026-12-03 a re-plan numbered from 1 again, and a finished
// stop listed below the pending ones).
TEST(RoutePlanTest, ARePlanNumbersAfterTheStopsTheCourierAlreadyBegan) {
  std::vector<PlanStop> stops = {Stop(1, StopKind::kPickup, 2, StopState::kDone, 7),
                                 Stop(2, StopKind::kHandin, 1, StopState::kPlanned, 7),
                                 Stop(3, StopKind::kPickup, 4, StopState::kFailed, 7),
                                 Stop(5, StopKind::kPickup, 6, StopState::kPlanned, 7),
                                 Stop(6, StopKind::kHandin, 5, StopState::kPlanned, 7),
                                 Stop(8, StopKind::kPickup, 9, StopState::kDone, 8),
                                 Stop(9, StopKind::kHandin, 8, StopState::kPlanned, 8)};
  stops[0].sequence = 1;
  stops[2].sequence = 2;
  stops[5].sequence = 4;  // courier 8's fourth stop, done
  std::vector<PlannedRoute> routes = {{7, {{5, 11 * 3600}, {6, 12 * 3600}}, 12.5 * 3600}};
  auto writes = DecideRoutePlan(kPlanDay, 480, stops, routes);
  ASSERT_THAT(writes, IsOk());
  ExpectPlanned(*writes, {{5, 7, 3, Wita(2026, 3, 17, 11), /*announce=*/true},
                          {6, 7, 4, Wita(2026, 3, 17, 12)},
                          // The documents courier 7 took end their route; courier 8's too.
                          {2, 7, 5, Wita(2026, 3, 17, 12, 30)},
                          {9, 8, 5, Wita(2026, 3, 17, 8)}});
}

// A delivery carried over from an earlier day (its collect is not in this day) is announced again:
// the clinic was told the earlier day. A hand-in a report added (number kLastOnRouteSequence)
// does not push the next numbers past it.
TEST(RoutePlanTest, ACarriedOverDeliveryIsAnnouncedAgain) {
  std::vector<PlanStop> stops = {Stop(6, StopKind::kDelivery, 5, StopState::kPending, 7),
                                 Stop(3, StopKind::kHandin, 0, StopState::kDone, 7)};
  stops[0].partner_state = StopState::kDone;
  stops[0].partner_courier_id = 7;
  stops[1].sequence = kLastOnRouteSequence;
  std::vector<PlannedRoute> routes = {{7, {{6, 10 * 3600}}, 11 * 3600}};
  auto writes = DecideRoutePlan(kPlanDay, 480, stops, routes);
  ASSERT_THAT(writes, IsOk());
  ExpectPlanned(*writes, {{6, 7, 1, Wita(2026, 3, 17, 10), /*announce=*/true}});
}

TEST(RoutePlanTest, AStopThatIsNotInTheDayRefusesThePlan) {
  std::vector<PlanStop> stops = {Stop(1, StopKind::kPickup, 2), Stop(2, StopKind::kHandin, 1)};
  std::vector<PlannedRoute> routes = {{7, {{1, 9 * 3600}, {99, 10 * 3600}}, 11 * 3600}};
  EXPECT_THAT(DecideRoutePlan(kPlanDay, 480, stops, routes),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("route_plan: stop 99 is not in 2026-03-17")));
}

TEST(RoutePlanTest, WhatNoRouteTookStaysWithItsCourierWhenOnBoardOrWaitsUnplanned) {
  std::vector<PlanStop> stops = {
      // Courier 7 took documents; an earlier plan gave their hand-in to courier 8.
      Stop(1, StopKind::kPickup, 2, StopState::kDone, 7),
      Stop(2, StopKind::kHandin, 1, StopState::kPlanned, 8),
      // Courier 9 (no route today) brought a permit back.
      Stop(3, StopKind::kHandin, 0, StopState::kPlanned, 9),
      // Courier 7 carries a permit for a clinic that the router left out.
      Stop(5, StopKind::kCollect, 6, StopState::kDone, 7),
      Stop(6, StopKind::kDelivery, 5, StopState::kPlanned, 7),
      // A pair nobody began, which the router could not fit.
      Stop(10, StopKind::kPickup, 11, StopState::kPlanned, 8),
      Stop(11, StopKind::kHandin, 10, StopState::kPlanned, 8),
      // History and the stop being visited now are not touched.
      Stop(12, StopKind::kPickup, 13, StopState::kCancelled),
      Stop(13, StopKind::kHandin, 12, StopState::kCancelled),
      Stop(14, StopKind::kPickup, 0, StopState::kArrived, 8), Stop(20, StopKind::kPickup, 21),
      Stop(21, StopKind::kHandin, 20)};
  stops[2].window_start = Wita(2026, 3, 17, 8, 15);
  std::vector<PlannedRoute> routes = {{7, {{20, 9 * 3600}, {21, 10 * 3600}}, 14.5 * 3600}};
  auto writes = DecideRoutePlan(kPlanDay, 480, stops, routes);
  ASSERT_THAT(writes, IsOk());
  ASSERT_EQ(writes->size(), 7u);
  // The route's own visits first.
  EXPECT_EQ((*writes)[0].stop_id, 20);
  EXPECT_EQ((*writes)[1].stop_id, 21);
  // Then by id. The documents end courier 7's route, whatever the earlier plan said.
  const StopWrite& documents = (*writes)[2];
  EXPECT_EQ(documents.stop_id, 2);
  EXPECT_EQ(documents.kind, StopWrite::Kind::kPlan);
  EXPECT_EQ(documents.courier_id, 7);
  EXPECT_EQ(documents.sequence, 3);
  EXPECT_EQ(documents.at, Wita(2026, 3, 17, 14, 30));
  EXPECT_FALSE(documents.announce);
  // Courier 9 has no route: the permit stays with them, first, at its window's start.
  const StopWrite& brought_back = (*writes)[3];
  EXPECT_EQ(brought_back.stop_id, 3);
  EXPECT_EQ(brought_back.kind, StopWrite::Kind::kPlan);
  EXPECT_EQ(brought_back.courier_id, 9);
  EXPECT_EQ(brought_back.sequence, 1);
  EXPECT_EQ(brought_back.at, Wita(2026, 3, 17, 8, 15));
  // The permit for a clinic waits unplanned but stays with its courier.
  EXPECT_EQ((*writes)[4].stop_id, 6);
  EXPECT_EQ((*writes)[4].kind, StopWrite::Kind::kUnplan);
  EXPECT_TRUE((*writes)[4].keep_courier);
  // The pair nobody began waits unplanned, free for anyone.
  for (size_t i : {5u, 6u}) {
    EXPECT_EQ((*writes)[i].stop_id, i == 5 ? 10 : 11);
    EXPECT_EQ((*writes)[i].kind, StopWrite::Kind::kUnplan);
    EXPECT_FALSE((*writes)[i].keep_courier);
  }
}

// A permit on board since an earlier day (brought back after a failed delivery, not handed in
// then) is handed in first, where the route starts, so the retry of its delivery collects it at
// the office; the route's visits follow.
TEST(RoutePlanTest, APermitOnBoardSinceAnEarlierDayIsHandedInFirst) {
  std::vector<PlanStop> stops = {Stop(3, StopKind::kHandin, 0, StopState::kPending, 7),
                                 Stop(4, StopKind::kCollect, 5), Stop(5, StopKind::kDelivery, 4),
                                 Stop(6, StopKind::kHandin, 0, StopState::kPending, 9)};
  stops[0].window_start = Wita(2026, 3, 16, 14);  // the failed delivery, the day before
  stops[3].window_start = Wita(2026, 3, 16, 15);  // courier 9 has no route today
  std::vector<PlannedRoute> routes = {{7, {{4, 8.5 * 3600}, {5, 10 * 3600}}, 11 * 3600}};
  auto writes = DecideRoutePlan(kPlanDay, 480, stops, routes);
  ASSERT_THAT(writes, IsOk());
  ExpectPlanned(*writes, {{3, 7, 1, Wita(2026, 3, 17, 8, 30)},
                          {6, 9, 1, Wita(2026, 3, 17, 0)},
                          {4, 7, 2, Wita(2026, 3, 17, 8, 30)},
                          {5, 7, 3, Wita(2026, 3, 17, 10)}});
  // Brought back today (its window opened today), it still ends the route.
  stops[0].window_start = Wita(2026, 3, 17, 9);
  writes = DecideRoutePlan(kPlanDay, 480, stops, routes);
  ASSERT_THAT(writes, IsOk());
  EXPECT_EQ((*writes)[0].stop_id, 6);  // courier 9's, still from yesterday
  EXPECT_EQ((*writes)[1].stop_id, 4);
  EXPECT_EQ((*writes)[1].sequence, 1);
  EXPECT_EQ((*writes)[3].stop_id, 3);
  EXPECT_EQ((*writes)[3].sequence, 3);
  EXPECT_EQ((*writes)[3].at, Wita(2026, 3, 17, 11));
}

// --- A courier's reports and an officer's cancellation -----------------------------------------

TEST(AnnouncedWindowTest, AQuarterHourRoundedHourInsideTheStopsWindow) {
  const absl::Time opens = Wita(2026, 3, 17, 8), closes = Wita(2026, 3, 17, 15);
  auto [from, until] = AnnouncedWindow(opens, closes, Wita(2026, 3, 17, 10, 44));
  EXPECT_EQ(from, Wita(2026, 3, 17, 10, 30));
  EXPECT_EQ(until, Wita(2026, 3, 17, 11, 30));
  // Not before the window opens, not after it closes.
  std::tie(from, until) =
      AnnouncedWindow(Wita(2026, 3, 17, 8, 10), closes, Wita(2026, 3, 17, 8, 12));
  EXPECT_EQ(from, Wita(2026, 3, 17, 8, 10));
  EXPECT_EQ(until, Wita(2026, 3, 17, 9, 10));
  std::tie(from, until) = AnnouncedWindow(opens, closes, Wita(2026, 3, 17, 14, 20));
  EXPECT_EQ(from, Wita(2026, 3, 17, 14, 15));
  EXPECT_EQ(until, closes);
}

TEST(HandoverTest, TheReportGoesTheStopsWayAndOnlyTheTakerHandsOver) {
  EXPECT_THAT(CheckHandoverDirection(4, StopKind::kPickup, true), IsOk());
  EXPECT_THAT(CheckHandoverDirection(4, StopKind::kCollect, true), IsOk());
  EXPECT_THAT(CheckHandoverDirection(4, StopKind::kHandin, false), IsOk());
  EXPECT_THAT(CheckHandoverDirection(4, StopKind::kDelivery, false), IsOk());
  EXPECT_THAT(
      CheckHandoverDirection(4, StopKind::kPickup, false),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("stop 4 is a pickup: take the bundle with `loket courier pickup`")));
  EXPECT_THAT(CheckHandoverDirection(4, StopKind::kDelivery, true),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("delivery: hand the bundle over with `loket courier deliver`")));

  PlanStop handin = Stop(2, StopKind::kHandin, 1, StopState::kPlanned, 7);
  PlanStop pickup = Stop(1, StopKind::kPickup, 2, StopState::kDone, 7);
  EXPECT_THAT(CheckBundleTaken(handin, &pickup), IsOk());
  // Taken by someone else, only arrived at, or not there: not yet taken by this courier.
  pickup.courier_id = 8;
  EXPECT_THAT(CheckBundleTaken(handin, &pickup),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("stop 2: the bundle was not taken yet (stop 1 comes first)")));
  pickup.courier_id = 7;
  pickup.state = StopState::kArrived;
  EXPECT_THAT(CheckBundleTaken(handin, &pickup), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(CheckBundleTaken(handin, nullptr), StatusIs(absl::StatusCode::kFailedPrecondition));
  // On board since an earlier stop.
  EXPECT_THAT(CheckBundleTaken(Stop(3, StopKind::kHandin, 0, StopState::kPlanned, 7), nullptr),
              IsOk());
}

HandoverReport Report(PlanStop stop, const std::string& item, bool taking) {
  return {stop, 42, item, "pkm-a", absl::CivilDay(2026, 4, 14), taking, "Siti"};
}

TEST(HandoverDecisionTest, TheCustodyEventFollowsTheBundle) {
  const absl::CivilDay today(2026, 4, 14);
  auto h = DecideHandover(
      Report(Stop(1, StopKind::kPickup, 2, StopState::kArrived, 7), "documents", true), nullptr,
      std::nullopt, today);
  ASSERT_THAT(h, IsOk());
  EXPECT_EQ(h->from_holder, "clinic:pkm-a");
  EXPECT_EQ(h->to_holder, "courier:7");
  EXPECT_FALSE(h->delivered_note.has_value());
  EXPECT_FALSE(h->announce_delivery);

  PlanStop pickup = Stop(1, StopKind::kPickup, 2, StopState::kDone, 7);
  h = DecideHandover(
      Report(Stop(2, StopKind::kHandin, 1, StopState::kPlanned, 7), "documents", false), &pickup,
      std::nullopt, today);
  ASSERT_THAT(h, IsOk());
  EXPECT_EQ(h->from_holder, "courier:7");
  EXPECT_EQ(h->to_holder, "office");

  // Not at a clinic: the applicant's own place.
  HandoverReport at_home =
      Report(Stop(3, StopKind::kPickup, 4, StopState::kArrived, 7), "documents", true);
  at_home.clinic_id.clear();
  h = DecideHandover(at_home, nullptr, std::nullopt, today);
  ASSERT_THAT(h, IsOk());
  EXPECT_EQ(h->from_holder, "applicant");
}

TEST(HandoverDecisionTest, ADeliveredPermitDeliversTheCaseAndACollectAnnouncesIt) {
  const absl::CivilDay today(2026, 4, 14);
  auto collect =
      DecideHandover(Report(Stop(5, StopKind::kCollect, 6, StopState::kPlanned, 7), "permit", true),
                     nullptr, CaseState::kIssued, today);
  ASSERT_THAT(collect, IsOk());
  EXPECT_EQ(collect->from_holder, "office");
  EXPECT_TRUE(collect->announce_delivery);
  EXPECT_FALSE(collect->delivered_note.has_value());
  // A permit brought back without a delivery after it: nothing to announce.
  EXPECT_FALSE(
      DecideHandover(Report(Stop(5, StopKind::kCollect, 0, StopState::kPlanned, 7), "permit", true),
                     nullptr, CaseState::kIssued, today)
          ->announce_delivery);

  PlanStop taken = Stop(5, StopKind::kCollect, 6, StopState::kDone, 7);
  auto delivery = DecideHandover(
      Report(Stop(6, StopKind::kDelivery, 5, StopState::kArrived, 7), "permit", false), &taken,
      CaseState::kIssued, today);
  ASSERT_THAT(delivery, IsOk());
  EXPECT_EQ(delivery->to_holder, "clinic:pkm-a");
  EXPECT_EQ(delivery->delivered_note.value_or(""), "by courier to Siti");
  EXPECT_FALSE(delivery->announce_delivery);
  // Delivered already (by hand), or the originals going back: the case stays as it is.
  EXPECT_FALSE(DecideHandover(
                   Report(Stop(6, StopKind::kDelivery, 5, StopState::kArrived, 7), "permit", false),
                   &taken, CaseState::kDelivered, today)
                   ->delivered_note.has_value());
  EXPECT_FALSE(DecideHandover(Report(Stop(6, StopKind::kDelivery, 5, StopState::kArrived, 7),
                                     "documents", false),
                              &taken, std::nullopt, today)
                   ->delivered_note.has_value());
}

TEST(HandoverDecisionTest, RefusedInOrderAndARevokedPermitIsNotHandedOver) {
  const absl::CivilDay today(2026, 4, 14);
  PlanStop taken = Stop(5, StopKind::kCollect, 6, StopState::kDone, 7);
  PlanStop delivery = Stop(6, StopKind::kDelivery, 5, StopState::kArrived, 7);
  EXPECT_THAT(DecideHandover(Report(delivery, "permit", false), &taken, CaseState::kRevoked, today),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "case 42: the permit was revoked; do not hand it over: report this stop "
                       "failed (reason other) and bring the permit back to the office"));
  // A collect of a revoked permit too: it stays at the office.
  EXPECT_THAT(
      DecideHandover(Report(Stop(5, StopKind::kCollect, 6, StopState::kPlanned, 7), "permit", true),
                     nullptr, CaseState::kRevoked, today),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("revoked")));
  // Brought back to the office after the failed delivery: the hand-in is taken.
  PlanStop back = Stop(8, StopKind::kHandin, 0, StopState::kArrived, 7);
  auto handin = DecideHandover(Report(back, "permit", false), nullptr, CaseState::kRevoked, today);
  ASSERT_THAT(handin, IsOk());
  EXPECT_EQ(handin->to_holder, "office");
  EXPECT_EQ(handin->from_holder, "courier:7");
  EXPECT_FALSE(handin->delivered_note.has_value());
  // Earlier refusals come first: the way, the state, the day and arrival, who took the bundle.
  EXPECT_THAT(DecideHandover(Report(delivery, "permit", true), &taken, CaseState::kRevoked, today),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is a delivery")));
  PlanStop done = delivery;
  done.state = StopState::kDone;
  EXPECT_THAT(DecideHandover(Report(done, "permit", false), &taken, CaseState::kRevoked, today),
              StatusIs(absl::StatusCode::kFailedPrecondition, "cannot confirm stop 6: it is done"));
  PlanStop not_arrived = delivery;
  not_arrived.state = StopState::kPlanned;
  EXPECT_THAT(
      DecideHandover(Report(not_arrived, "permit", false), &taken, CaseState::kIssued, today),
      StatusIs(absl::StatusCode::kFailedPrecondition, Not(HasSubstr("revoked"))));
  EXPECT_THAT(
      DecideHandover(Report(delivery, "permit", false), &taken, CaseState::kIssued, today - 1),
      StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(
      DecideHandover(Report(delivery, "permit", false), nullptr, CaseState::kRevoked, today),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("the bundle was not taken yet")));
}

TEST(OfficerCancelTest, NotTheGivingEndOfABundleACourierHolds) {
  // Nobody took it yet: both ends may go.
  EXPECT_THAT(CheckOfficerCancel(2, StopKind::kHandin, 1, StopState::kPlanned, "Budi", "documents"),
              IsOk());
  EXPECT_THAT(CheckOfficerCancel(1, StopKind::kPickup, 2, StopState::kPlanned, "Budi", "documents"),
              IsOk());
  // A taking end is never held, even when its partner is done.
  EXPECT_THAT(CheckOfficerCancel(5, StopKind::kCollect, 6, StopState::kDone, "Budi", "permit"),
              IsOk());
  EXPECT_THAT(CheckOfficerCancel(2, StopKind::kHandin, 1, StopState::kDone, "Budi", "documents"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("stop 2: courier Budi holds the documents; it is handed over or "
                                 "reported failed, not cancelled")));
  EXPECT_THAT(CheckOfficerCancel(6, StopKind::kDelivery, 0, std::nullopt, "", "permit"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("stop 6: courier - holds the permit")));
}

TEST(OfficerCancelTest, TheStopAndItsOtherEndGoAndBothDaysArePlannedAgain) {
  const absl::CivilDay tuesday(2026, 3, 17), wednesday(2026, 3, 25);
  OfficerCancel alone = PlanOfficerCancel({1, tuesday}, std::nullopt);
  EXPECT_EQ(alone.cancel, (std::vector<int64_t>{1}));
  EXPECT_EQ(alone.replan, (std::set<absl::CivilDay>{tuesday}));
  // The stop first, then its partner; a day counts once.
  OfficerCancel pair = PlanOfficerCancel({2, tuesday}, StopOnDay{1, tuesday});
  EXPECT_EQ(pair.cancel, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(pair.replan, (std::set<absl::CivilDay>{tuesday}));
  OfficerCancel apart = PlanOfficerCancel({6, wednesday}, StopOnDay{5, tuesday});
  EXPECT_EQ(apart.cancel, (std::vector<int64_t>{6, 5}));
  EXPECT_EQ(apart.replan, (std::set<absl::CivilDay>{tuesday, wednesday}));
}

TEST(FailReportTest, AKnownReasonAndANoteForOther) {
  for (const char* reason :
       {"clinic_closed", "documents_not_ready", "nobody_to_receive", "address_not_found"}) {
    EXPECT_THAT(CheckFailReport(reason, ""), IsOk()) << reason;
  }
  EXPECT_THAT(CheckFailReport("closed", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason: one of")));
  EXPECT_THAT(CheckFailReport("other", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("note")));
  EXPECT_THAT(CheckFailReport("other", "gate locked"), IsOk());
  EXPECT_THAT(CheckFailReport("clinic_closed", std::string(501, 'x')),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("note")));
}

TEST(FailReportTest, RefusedAtTheOfficeWhenNotUnderwayEarlyOrWithoutTheBundle) {
  const absl::CivilDay today(2026, 3, 17);
  // The delivery's taking end, as the store would read it; `asked` counts the reads.
  int asked = 0;
  auto partner = [&asked](std::optional<PlanStop> p) {
    return [&asked, p] {
      ++asked;
      return p;
    };
  };
  PlanStop handin = Stop(2, StopKind::kHandin, 1, StopState::kPlanned, 7);
  EXPECT_THAT(CheckCanFail(handin, partner(std::nullopt), today, today),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("stop 2 is a hand-in at the office")));
  // A pickup or collect fails while planned or arrived, on its day or later.
  for (StopKind k : {StopKind::kPickup, StopKind::kCollect}) {
    for (StopState st : {StopState::kPlanned, StopState::kArrived}) {
      EXPECT_THAT(CheckCanFail(Stop(1, k, 2, st, 7), partner(std::nullopt), today, today), IsOk())
          << StopKindName(k) << " " << StopStateName(st);
    }
    EXPECT_THAT(
        CheckCanFail(Stop(1, k, 2, StopState::kPending), partner(std::nullopt), today, today),
        StatusIs(absl::StatusCode::kFailedPrecondition, "cannot fail stop 1: it is pending"));
    EXPECT_THAT(CheckCanFail(Stop(1, k, 2, StopState::kPlanned, 7), partner(std::nullopt),
                             today + 1, today),
                StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not today")));
  }
  // A delivery fails only once its own courier took the bundle at the collect.
  PlanStop delivery = Stop(6, StopKind::kDelivery, 5, StopState::kArrived, 7);
  PlanStop collect = Stop(5, StopKind::kCollect, 6, StopState::kDone, 7);
  EXPECT_THAT(CheckCanFail(delivery, partner(collect), today, today), IsOk());
  EXPECT_THAT(
      CheckCanFail(delivery, partner(std::nullopt), today, today),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("the bundle was not taken yet")));
  collect.state = StopState::kPlanned;
  EXPECT_THAT(
      CheckCanFail(delivery, partner(collect), today, today),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("the bundle was not taken yet")));
  // A permit brought back (no partner) has been on board since an earlier stop.
  EXPECT_THAT(CheckCanFail(Stop(6, StopKind::kDelivery, 0, StopState::kPlanned, 7),
                           partner(std::nullopt), today, today),
              IsOk());
  // The refusals come in order: the state before the day, the day before the bundle.
  EXPECT_THAT(CheckCanFail(Stop(6, StopKind::kDelivery, 5, StopState::kPending),
                           partner(std::nullopt), today + 1, today),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("it is pending")));
  EXPECT_THAT(CheckCanFail(delivery, partner(std::nullopt), today + 1, today),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not today")));
  // The partner is read only for a delivery that passed the other checks (the read locks it).
  asked = 0;
  EXPECT_THAT(CheckCanFail(delivery, partner(std::nullopt), today + 1, today), Not(IsOk()));
  EXPECT_THAT(CheckCanFail(Stop(1, StopKind::kPickup, 2, StopState::kPlanned, 7),
                           partner(std::nullopt), today, today),
              IsOk());
  EXPECT_EQ(asked, 0);
  EXPECT_THAT(CheckCanFail(delivery, partner(collect), today, today), Not(IsOk()));
  EXPECT_EQ(asked, 1);
}

TEST(FailedStopTest, TheBundleIsTriedAgainOnTheNextCourierWorkingDay) {
  const absl::CivilDay today(2026, 3, 17);  // the 18th-24th are holidays
  const absl::Time now = Wita(2026, 3, 17, 10, 20);
  FailedStopFollowUp pickup =
      DecideFailedStop(StopKind::kPickup, true, "clinic_closed", "", Calendar(), now, 480);
  EXPECT_EQ(pickup.failure_reason, "clinic_closed");
  EXPECT_TRUE(pickup.cancel_partner);
  EXPECT_FALSE(pickup.return_to_office.has_value());
  EXPECT_EQ(pickup.retry, FailedStopFollowUp::Retry::kPickup);
  EXPECT_EQ(pickup.retry_on.day, absl::CivilDay(2026, 3, 25));
  EXPECT_FALSE(pickup.retry_on.after.has_value());

  FailedStopFollowUp delivery =
      DecideFailedStop(StopKind::kDelivery, true, "other", "gate locked", Calendar(), now, 480);
  EXPECT_EQ(delivery.failure_reason, "other: gate locked");
  EXPECT_FALSE(delivery.cancel_partner);  // its collect is done: the permit rides back instead
  // From the report until the office's midnight, last on the courier's route.
  ASSERT_TRUE(delivery.return_to_office.has_value());
  EXPECT_EQ(delivery.return_to_office->start, now);
  EXPECT_EQ(delivery.return_to_office->end, Wita(2026, 3, 18, 0));
  EXPECT_EQ(delivery.return_to_office->service_minutes, 5);
  EXPECT_EQ(delivery.return_to_office->sequence, 9999);
  EXPECT_EQ(delivery.retry, FailedStopFollowUp::Retry::kDelivery);
  EXPECT_EQ(delivery.retry_on.day, absl::CivilDay(2026, 3, 25));

  FailedStopFollowUp collect =
      DecideFailedStop(StopKind::kCollect, false, "documents_not_ready", "", Calendar(), now, 480);
  EXPECT_FALSE(collect.cancel_partner);  // no partner to cancel
  EXPECT_FALSE(collect.return_to_office.has_value());
  EXPECT_EQ(collect.retry, FailedStopFollowUp::Retry::kDelivery);
  EXPECT_TRUE(DecideFailedStop(StopKind::kCollect, true, "other", "x", Calendar(), now, 480)
                  .cancel_partner);

  // A revoked permit rides back to the office and is not sent out again.
  FailedStopFollowUp revoked =
      DecideFailedStop(StopKind::kDelivery, true, "other", "dicabut", Calendar(), now, 480,
                       /*permit_revoked=*/true);
  EXPECT_TRUE(revoked.return_to_office.has_value());
  EXPECT_EQ(revoked.retry, FailedStopFollowUp::Retry::kNone);
}

TEST(NextCourierDayTest, TheNextWorkingDayAfterTheClosedOne) {
  // Tuesday 17 March closed: the 18th-24th are holidays, so its work moves to the 25th.
  EXPECT_EQ(NextCourierDay(absl::CivilDay(2026, 3, 17), Calendar()), absl::CivilDay(2026, 3, 25));
  // A Friday's work moves to Monday, also when the calendar does not know the Friday is closed.
  EXPECT_EQ(NextCourierDay(absl::CivilDay(2026, 3, 27), Calendar()), absl::CivilDay(2026, 3, 30));
  // Closing a day that is no working day (a Saturday) still moves its work forward.
  EXPECT_EQ(NextCourierDay(absl::CivilDay(2026, 3, 28), Calendar()), absl::CivilDay(2026, 3, 30));
}

// --- Couriers and their shifts ------------------------------------------------------------------

TEST(CourierProfileTest, TheUsualShiftDefaultsAndEndsAfterItStarts) {
  CourierProfile c{"  Budi Santoso ", "", 10, "", ""};
  ASSERT_THAT(NormalizeCourierProfile(c), IsOk());
  EXPECT_EQ(c.shift_starts, "08:00");
  EXPECT_EQ(c.shift_ends, "16:00");
  CourierProfile spaced{"Budi Santoso", "", 10, " 07:30", "15:00\n"};
  ASSERT_THAT(NormalizeCourierProfile(spaced), IsOk());
  EXPECT_EQ(spaced.shift_starts, "07:30");
  EXPECT_EQ(spaced.shift_ends, "15:00");
  EXPECT_EQ(c.name, "Budi Santoso");
  EXPECT_EQ(c.phone, "");
  for (int capacity : {0, 201}) {
    CourierProfile bad{"Budi", "", capacity, "", ""};
    EXPECT_THAT(NormalizeCourierProfile(bad),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("capacity: 1..200")));
  }
  CourierProfile backwards{"Budi", "", 10, "16:00", "08:00"};
  EXPECT_THAT(NormalizeCourierProfile(backwards),
              StatusIs(absl::StatusCode::kInvalidArgument, "shift_ends: after shift_starts"));
  CourierProfile bad_clock{"Budi", "", 10, "8am", ""};
  EXPECT_THAT(NormalizeCourierProfile(bad_clock),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("shift_starts: \"8am\" is not a time (HH:MM")));
  CourierProfile bad_name{"B", "", 10, "", ""};
  EXPECT_THAT(NormalizeCourierProfile(bad_name),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));
  CourierProfile bad_phone{"Budi", "call me", 10, "", ""};
  EXPECT_THAT(NormalizeCourierProfile(bad_phone),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("phone")));
}

TEST(ShiftHoursTest, ADayOffOrHoursThatEndAfterTheyStart) {
  auto off = DecideShiftHours(true, "garbage", "");
  ASSERT_THAT(off, IsOk());
  EXPECT_EQ(off->starts, 0);
  EXPECT_EQ(off->ends, 1);
  auto day = DecideShiftHours(false, "07:30", "12:00");
  ASSERT_THAT(day, IsOk());
  EXPECT_EQ(day->starts, 7 * 60 + 30);
  EXPECT_EQ(day->ends, 12 * 60);
  EXPECT_THAT(DecideShiftHours(false, "12:00", "12:00"),
              StatusIs(absl::StatusCode::kInvalidArgument, "ends: after starts"));
  EXPECT_THAT(DecideShiftHours(false, "7", "12:00"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("starts: \"7\" is not a time (HH:MM")));
}

TEST(CourierOnShiftTest, UsualHoursOnWorkingDaysAndADaysOwnHoursOnAnyDay) {
  const absl::CivilDay tuesday(2026, 3, 17), holiday(2026, 3, 18);
  auto c = CourierOnShift(7, "Budi", 3, "08:00", "16:00", false, tuesday, Calendar(), 480);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->id, 7);
  EXPECT_EQ(c->name, "Budi");
  EXPECT_EQ(c->capacity, 3);
  EXPECT_EQ(c->shift_start, Wita(2026, 3, 17, 8));
  EXPECT_EQ(c->shift_end, Wita(2026, 3, 17, 16));
  EXPECT_FALSE(
      CourierOnShift(7, "Budi", 3, "08:00", "16:00", false, holiday, Calendar(), 480).has_value());
  auto extra = CourierOnShift(7, "Budi", 3, "09:00", "12:30", true, holiday, Calendar(), 480);
  ASSERT_TRUE(extra.has_value());
  EXPECT_EQ(extra->shift_start, Wita(2026, 3, 18, 9));
  EXPECT_EQ(extra->shift_end, Wita(2026, 3, 18, 12, 30));
  EXPECT_FALSE(
      CourierOnShift(7, "Budi", 3, "xx:00", "16:00", true, tuesday, Calendar(), 480).has_value());
}

TEST(PickupPlaceTest, NamedWithAnAddressAndRealCoordinates) {
  EXPECT_THAT(CheckPickupPlace("Ani", "Jl. Sudirman 1", -1.26, 116.83), IsOk());
  EXPECT_THAT(CheckPickupPlace("", "Jl. Sudirman 1", -1.26, 116.83),
              StatusIs(absl::StatusCode::kInvalidArgument, "pickup.place: required"));
  EXPECT_THAT(CheckPickupPlace("Ani", "", -1.26, 116.83),
              StatusIs(absl::StatusCode::kInvalidArgument, "pickup.address: required"));
  for (auto [lat, lon] : {std::pair{0.0, 0.0}, std::pair{91.0, 116.0}, std::pair{-1.0, 181.0},
                          std::pair{std::nan(""), 116.0}}) {
    EXPECT_THAT(
        CheckPickupPlace("Ani", "Jl. Sudirman 1", lat, lon),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("pickup.latitude/longitude")))
        << lat << "," << lon;
  }
}

}  // namespace
}  // namespace loket::domain
