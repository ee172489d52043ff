// SIBER's smaller rules around a stop, apart from the store (issue 14).
#include "server/domain/siber_stop_rules.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/validation.h"
#include "tests/support/status_matchers.h"

namespace loket::domain {
namespace {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
using ::testing::HasSubstr;

Principal As(Role role, int64_t id = 5, std::string clinic = "") {
  Principal p;
  p.id = id;
  p.office_id = "bpp";
  p.role = role;
  p.clinic_id = std::move(clinic);
  return p;
}

absl::Time At(int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(2026, 12, 1, hour, minute),
                         absl::FixedTimeZone(8 * 3600));
}

TEST(SiberStopRulesTest, AProofIsSixtyFourHexDigitsLowerCased) {
  const std::string upper(64, 'A');
  EXPECT_EQ(*NormalizeProofSha256(upper), std::string(64, 'a'));
  EXPECT_THAT(NormalizeProofSha256(std::string(63, 'a')),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("proof_sha256")));
  EXPECT_THAT(NormalizeProofSha256(std::string(63, 'a') + "g"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("64 hex digits")));
}

TEST(SiberStopRulesTest, ACancelReasonIsOneTrimmedLine) {
  EXPECT_EQ(*NormalizeCancelReason("  the clinic moved \t"), "the clinic moved");
  EXPECT_THAT(NormalizeCancelReason(" \t "),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason: required")));
  EXPECT_THAT(NormalizeCancelReason("one\ntwo"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("one line")));
  EXPECT_THAT(NormalizeCancelReason(std::string(501, 'x')),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
  EXPECT_THAT(NormalizeCancelReason(std::string(500, 'x')), IsOk());
}

TEST(SiberStopRulesTest, ACancellationNamesTheStopItsItemAndDay) {
  EXPECT_EQ(CancelStopNote(12, StopKind::kPickup, "documents", "2026-12-01", "the clinic moved"),
            "stop 12 (pickup of documents, 2026-12-01): the clinic moved");
}

TEST(SiberStopRulesTest, CouriersReadApplicantsMaskedAndClinicsOnlyTheirOwnStops) {
  EXPECT_EQ(ApplicantNameFor(As(Role::kCourier), "Siti Rahmawati"), "S*** R***");
  EXPECT_EQ(ApplicantNameFor(As(Role::kOfficer), "Siti Rahmawati"), "Siti Rahmawati");
  EXPECT_TRUE(StopListedFor(As(Role::kClinic, 5, "klinik-a"), "klinik-a"));
  EXPECT_FALSE(StopListedFor(As(Role::kClinic, 5, "klinik-a"), "klinik-b"));
  EXPECT_FALSE(StopListedFor(As(Role::kClinic, 5, "klinik-a"), ""));
  EXPECT_TRUE(StopListedFor(As(Role::kOfficer), "klinik-b"));
}

TEST(SiberStopRulesTest, ACourierReachesOnlyItsOwnStopsOfficersAny) {
  EXPECT_THAT(ValidateId(0, "stop_id"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("stop_id: required")));
  EXPECT_THAT(ValidateId(12, "stop_id"), IsOk());
  EXPECT_TRUE(StopReachableBy(As(Role::kCourier, 9), 9));
  EXPECT_FALSE(StopReachableBy(As(Role::kCourier, 9), 4));
  EXPECT_FALSE(StopReachableBy(As(Role::kCourier, 9), 0));  // not yet planned to anyone
  EXPECT_TRUE(StopReachableBy(As(Role::kOfficer, 9), 4));
  EXPECT_TRUE(StopReachableBy(As(Role::kOfficer, 9), 0));
}

TEST(SiberStopRulesTest, ACourierReadsItsOwnRouteOthersNameOne) {
  EXPECT_EQ(*RouteCourierFor(As(Role::kCourier, 9), 4), 9);
  EXPECT_EQ(*RouteCourierFor(As(Role::kOfficer, 9), 4), 4);
  EXPECT_THAT(RouteCourierFor(As(Role::kOfficer, 9), 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("courier_id: required")));
}

TEST(SiberStopRulesTest, PlansAreForTodayOrLater) {
  const absl::CivilDay today(2026, 12, 1);
  EXPECT_THAT(CheckPlanDay(today, today), IsOk());
  EXPECT_THAT(CheckPlanDay(today + 3, today), IsOk());
  EXPECT_THAT(CheckPlanDay(today - 1, today),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("day: in the past")));
}

TEST(SiberStopRulesTest, ACourierIsAPrincipalWithTheCourierRole) {
  EXPECT_THAT(ValidateCourierPrincipalId(0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("principal_id: required")));
  EXPECT_THAT(ValidateCourierPrincipalId(7), IsOk());
  EXPECT_THAT(CheckCourierPrincipal(7, "courier"), IsOk());
  EXPECT_THAT(CheckCourierPrincipal(7, "officer"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("7 is not a courier")));
  EXPECT_THAT(CheckCourierPrincipal(7, std::nullopt),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("7 is not a courier")));
  EXPECT_THAT(CheckShiftCourier(7, true), IsOk());
  EXPECT_THAT(CheckShiftCourier(7, false),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown courier 7")));
  EXPECT_THAT(CheckShiftCourier(0, true),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown courier 0")));
}

TEST(SiberStopRulesTest, ARoutePlanNamesItsDay) {
  auto d = RoutePlanDay("2026-12-01");
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(*d, absl::CivilDay(2026, 12, 1));
  for (const char* bad : {"", "tomorrow", "2026-12-01T10:00", "2026-13-01"}) {
    EXPECT_THAT(RoutePlanDay(bad),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         absl::StrCat("route.plan task: dedupe_key is not a day: ", bad)))
        << bad;
    EXPECT_THAT(RoutePlanResultDay(bad),
                StatusIs(absl::StatusCode::kInvalidArgument, "route_plan.day: YYYY-MM-DD"))
        << bad;
  }
  auto r = RoutePlanResultDay("2026-12-02");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(*r, absl::CivilDay(2026, 12, 2));
}

TEST(SiberStopRulesTest, UnbegunWorkCarriesOverOnlyIntoToday) {
  const absl::CivilDay today(2026, 12, 1);
  EXPECT_TRUE(CarriesOverInto(today, today));
  EXPECT_FALSE(CarriesOverInto(today + 1, today));
}

// An open stop on `day` (08:00-15:00 WITA) whose pair's other end is `partner_state`, taken by
// courier 7 when it was.
PlanStop Open(int64_t id, StopKind kind, int64_t partner, std::optional<StopState> partner_state,
              absl::CivilDay day, int64_t courier = 0) {
  PlanStop s;
  s.id = id;
  s.kind = kind;
  s.partner_id = partner;
  s.partner_state = partner_state;
  s.partner_courier_id =
      partner_state == StopState::kDone || partner_state == StopState::kArrived ? 7 : 0;
  s.courier_id = courier;
  s.day = day;
  s.window_start = absl::FromCivil(absl::CivilHour(day) + 8, absl::FixedTimeZone(8 * 3600));
  s.window_end = absl::FromCivil(absl::CivilHour(day) + 15, absl::FixedTimeZone(8 * 3600));
  return s;
}

TEST(OpenStopTest, OneRuleSaysWhoAnOpenStopWaitsOn) {
  const absl::CivilDay d(2026, 12, 1);
  EXPECT_EQ(HoldOf(Open(1, StopKind::kPickup, 2, StopState::kPlanned, d)), OpenStopHold::kNobody);
  EXPECT_EQ(HoldOf(Open(2, StopKind::kHandin, 1, StopState::kPending, d)), OpenStopHold::kNobody);
  // Documents taken, not handed in; a permit collected, not delivered; a permit brought back.
  EXPECT_EQ(HoldOf(Open(2, StopKind::kHandin, 1, StopState::kDone, d)), OpenStopHold::kOnBoard);
  EXPECT_EQ(HoldOf(Open(6, StopKind::kDelivery, 5, StopState::kArrived, d)),
            OpenStopHold::kOnBoard);
  EXPECT_EQ(HoldOf(Open(9, StopKind::kHandin, 0, std::nullopt, d, 7)), OpenStopHold::kOnBoard);
  // Taken by nobody on record (courier 0) is not a holder; a stop with neither partner nor courier
  // is free.
  PlanStop nobody = Open(2, StopKind::kHandin, 1, StopState::kDone, d);
  nobody.partner_courier_id = 0;
  EXPECT_EQ(HoldOf(nobody), OpenStopHold::kEnded);
  EXPECT_EQ(HoldOf(Open(9, StopKind::kHandin, 0, std::nullopt, d)), OpenStopHold::kNobody);
  // The other end failed or was cancelled: nothing left to carry.
  EXPECT_EQ(HoldOf(Open(2, StopKind::kHandin, 1, StopState::kFailed, d)), OpenStopHold::kEnded);
  EXPECT_EQ(HoldOf(Open(1, StopKind::kPickup, 2, StopState::kCancelled, d)), OpenStopHold::kEnded);
}

TEST(OpenStopTest, UnfinishedWorkCarriesOverAndABundleStaysWithItsHolder) {
  const absl::CivilDay before(2026, 11, 27), into(2026, 11, 30);
  const std::vector<PlanStop> open = {
      Open(1, StopKind::kPickup, 2, StopState::kPending, before),  // a free pair
      Open(2, StopKind::kHandin, 1, StopState::kPending, before),
      Open(4, StopKind::kHandin, 3, StopState::kDone, before, 8),    // documents on board with 7
      Open(6, StopKind::kDelivery, 5, StopState::kDone, before, 7),  // a permit on board
      Open(8, StopKind::kHandin, 7, StopState::kFailed, before),     // an ended pair's leftover
      Open(10, StopKind::kPickup, 11, StopState::kPending, into),    // already on the day
      // Arrived at the clinic and never confirmed: the hand-in cannot be confirmed either.
      Open(12, StopKind::kHandin, 11, StopState::kArrived, before, 7)};
  const std::vector<StopMove> moves = DecideCarryOver(open, into);
  ASSERT_EQ(moves.size(), 4u);
  const absl::Duration three_days = absl::Hours(72);
  for (int i : {0, 1}) {  // same clock times, nobody on them
    EXPECT_EQ(moves[i].stop_id, open[i].id);
    EXPECT_EQ(moves[i].day, into);
    EXPECT_EQ(moves[i].window_start, open[i].window_start + three_days);
    EXPECT_EQ(moves[i].window_end, open[i].window_end + three_days);
    EXPECT_EQ(moves[i].courier_id, 0);
  }
  // The hand-in follows whoever took the documents and keeps its window's start: handed in first.
  EXPECT_EQ(moves[2].stop_id, 4);
  EXPECT_EQ(moves[2].courier_id, 7);
  EXPECT_EQ(moves[2].window_start, open[2].window_start);
  EXPECT_EQ(moves[2].window_end, open[2].window_end + three_days);
  // The delivery keeps its courier, at the clinic's hours of the new day.
  EXPECT_EQ(moves[3].stop_id, 6);
  EXPECT_EQ(moves[3].courier_id, 7);
  EXPECT_EQ(moves[3].window_start, open[3].window_start + three_days);
  EXPECT_EQ(moves[3].window_end, open[3].window_end + three_days);
}

TEST(OpenStopTest, AClosedDayMovesOnlyWhatNobodyBegan) {
  const absl::CivilDay closed(2026, 12, 1), next(2026, 12, 2);
  const std::vector<PlanStop> open = {Open(1, StopKind::kPickup, 2, StopState::kPlanned, closed, 8),
                                      Open(2, StopKind::kHandin, 1, StopState::kPlanned, closed, 8),
                                      Open(4, StopKind::kHandin, 3, StopState::kDone, closed, 7),
                                      Open(9, StopKind::kHandin, 0, std::nullopt, closed, 7)};
  const std::vector<StopMove> moves = DecideMoveOffClosedDay(open, next);
  ASSERT_EQ(moves.size(), 2u);
  EXPECT_EQ(moves[0].stop_id, 1);
  EXPECT_EQ(moves[1].stop_id, 2);
  EXPECT_EQ(moves[1].day, next);
  EXPECT_EQ(moves[1].courier_id, 0) << "planned afresh";
  EXPECT_EQ(moves[1].window_end, open[1].window_end + absl::Hours(24));
}

TEST(OpenStopTest, AnEndedCaseCancelsAllButABundleOnBoard) {
  const absl::CivilDay d(2026, 12, 1);
  EXPECT_THAT(DecideCancelWithCase({Open(1, StopKind::kPickup, 2, StopState::kPlanned, d),
                                    Open(2, StopKind::kHandin, 1, StopState::kPlanned, d),
                                    Open(4, StopKind::kHandin, 3, StopState::kDone, d),
                                    Open(6, StopKind::kDelivery, 5, StopState::kCancelled, d),
                                    Open(9, StopKind::kHandin, 0, std::nullopt, d, 7)}),
              ::testing::ElementsAre(1, 2, 6));
}

TEST(SiberStopRulesTest, ARouteAppliesOnlyToTheInputItWasComputedFrom) {
  EXPECT_TRUE(PlanStillCurrent(4, 4));
  EXPECT_FALSE(PlanStillCurrent(5, 4));  // a stop was added while the router worked
  EXPECT_FALSE(PlanStillCurrent(std::nullopt, 4));
}

TEST(SiberStopRulesTest, OnlyAPermitOfARevokedCaseIsARevokedPermit) {
  EXPECT_TRUE(PermitRevoked("permit", CaseState::kRevoked));
  EXPECT_FALSE(PermitRevoked("permit", CaseState::kIssued));
  EXPECT_FALSE(PermitRevoked("permit", std::nullopt));
  EXPECT_FALSE(PermitRevoked("documents", CaseState::kRevoked));
}

TEST(SiberStopRulesTest, TheNearNoticeGoesOnceAndOnlyToClinicsAndApplicants) {
  EXPECT_TRUE(ShouldSendNear(StopKind::kPickup, false));
  EXPECT_TRUE(ShouldSendNear(StopKind::kDelivery, false));
  EXPECT_FALSE(ShouldSendNear(StopKind::kPickup, true));
  EXPECT_FALSE(ShouldSendNear(StopKind::kHandin, false));
  EXPECT_FALSE(ShouldSendNear(StopKind::kCollect, false));
}

TEST(SiberStopRulesTest, WhatWasToldDefaultsToAnHourLong) {
  EXPECT_FALSE(ToldWindow(std::nullopt, At(10, 0)).has_value());
  std::optional<VisitWindow> w = ToldWindow(At(9, 0), std::nullopt);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->start, At(9, 0));
  EXPECT_EQ(w->end, At(10, 0));
  w = ToldWindow(At(9, 0), At(9, 30));
  EXPECT_EQ(w->end, At(9, 30));
}

TEST(SiberStopRulesTest, AVisitIsToldInOfficeTimeWithDashesForWhatIsUnknown) {
  std::map<std::string, std::string> p =
      VisitParams("2026-12-01", {At(9, 0), At(10, 0)}, 480, "Budi", "");
  EXPECT_EQ(p["date"], "2026-12-01");
  EXPECT_EQ(p["window"], "09:00-10:00 WITA");
  EXPECT_EQ(p["courier"], "Budi");
  EXPECT_EQ(p["courier_phone"], "-");
  EXPECT_EQ(VisitParams("2026-12-01", {At(9, 0), At(10, 0)}, 480, "", "+62811")["courier"], "-");
}

TEST(SiberStopRulesTest, ACollectedPermitAnnouncesItsDeliveryByItsOwnCourierOrTheCollector) {
  // Unplanned: the window's start; no courier yet: the one who collected.
  AnnouncedDelivery a = DeliveryToAnnounce(std::nullopt, At(9, 10), At(16, 0), 0, 3);
  EXPECT_EQ(a.courier_id, 3);
  EXPECT_EQ(a.window.start, At(9, 10));
  EXPECT_EQ(a.window.end, At(10, 10));
  // Planned at 11:20 by courier 4: the quarter hour before, an hour long.
  a = DeliveryToAnnounce(At(11, 20), At(9, 10), At(16, 0), 4, 3);
  EXPECT_EQ(a.courier_id, 4);
  EXPECT_EQ(a.window.start, At(11, 15));
  EXPECT_EQ(a.window.end, At(12, 15));
}

}  // namespace
}  // namespace loket::domain
