// What a counter may do and what it does, as pure rules (issue 14): calling, the lane the rotation
// serves, recall/skip/no-show/finish and transfer, with no database.
#include "server/domain/queue_counter.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace loket::domain {
namespace {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;

// --- calling
// ---------------------------------------------------------------------------------------

TEST(CounterRequestTest, ACounterIdAndAStateFilterAreCheckedBeforeAnythingIsRead) {
  EXPECT_THAT(ValidateCounterId("C1", "counter_id"), IsOk());
  EXPECT_THAT(ValidateCounterId(std::string(16, 'C'), "counter_id"), IsOk());
  EXPECT_THAT(ValidateCounterId("", "counter_id"),
              StatusIs(absl::StatusCode::kInvalidArgument, "counter_id: required, e.g. C1"));
  EXPECT_THAT(ValidateCounterId(std::string(17, 'C'), "to_counter_id"),
              StatusIs(absl::StatusCode::kInvalidArgument, "to_counter_id: required, e.g. C1"));
  for (const char* state : {"", "waiting", "called", "done", "no_show"}) {
    EXPECT_THAT(ValidateTicketStateFilter(state), IsOk()) << state;
  }
  EXPECT_THAT(
      ValidateTicketStateFilter("skipped"),
      StatusIs(absl::StatusCode::kInvalidArgument, "state: waiting, called, done or no_show"));
}

TEST(CounterCallTest, AClosedCounterOrOneWithATicketCalledCallsNobody) {
  EXPECT_THAT(CheckCounterMayCall("C1", true, std::nullopt), IsOk());
  EXPECT_THAT(CheckCounterMayCall("C1", false, std::nullopt),
              StatusIs(absl::StatusCode::kFailedPrecondition, "counter C1 is closed"));
  EXPECT_THAT(CheckCounterMayCall("C2", true, std::string("W-004")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "counter C2 has W-004 called: finish it (done), skip it, transfer it or "
                       "mark a no-show first"));
  // Closed is said first.
  EXPECT_THAT(CheckCounterMayCall("C2", false, std::string("W-004")),
              StatusIs(absl::StatusCode::kFailedPrecondition, "counter C2 is closed"));
}

TEST(CounterCallTest, NothingEligibleCallsNobody) {
  LaneCredits credits;
  credits.c = {2, -1, -1};
  EXPECT_FALSE(ChooseCallLane(credits, {}, {}).has_value());
}

TEST(CounterCallTest, TheRotationPicksAmongTheEligibleLanesAndMovesTheCredits) {
  // Priority and walk-in waiting (3:2:1): priority gains 3, walk-in 1; priority (3) wins and
  // gives back 4.
  std::optional<CallChoice> c =
      ChooseCallLane({}, {}, {{Lane::kPriority, false}, {Lane::kWalkIn, false}});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->lane, Lane::kPriority);
  EXPECT_FALSE(c->first_only);
  EXPECT_EQ(c->credits.c, (std::array<int64_t, kLaneCount>{-1, 0, 1}));
  // Next: priority -1 + 3 = 2 ties walk-in 1 + 1 = 2, and ties go in lane order (priority, down
  // to -2); then walk-in 2 + 1 = 3 beats priority -2 + 3 = 1.
  c = ChooseCallLane(c->credits, {}, {{Lane::kPriority, false}, {Lane::kWalkIn, false}});
  EXPECT_EQ(c->lane, Lane::kPriority);
  c = ChooseCallLane(c->credits, {}, {{Lane::kPriority, false}, {Lane::kWalkIn, false}});
  EXPECT_EQ(c->lane, Lane::kWalkIn);
}

TEST(CounterCallTest, ASeatedCounterCallsTheLanesWithASeatedOrPriorityTicketFirst) {
  // The walk-in lane is owed many calls, but only the appointment lane holds a seated ticket.
  LaneCredits credits;
  credits.c = {0, -10, 10};
  std::optional<CallChoice> c =
      ChooseCallLane(credits, {}, {{Lane::kAppointment, true}, {Lane::kWalkIn, false}});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->lane, Lane::kAppointment);
  EXPECT_TRUE(c->first_only);
  // Without the seated rule the walk-in lane's credit wins.
  c = ChooseCallLane(credits, {}, {{Lane::kAppointment, false}, {Lane::kWalkIn, false}});
  EXPECT_EQ(c->lane, Lane::kWalkIn);
  EXPECT_FALSE(c->first_only);
}

// --- actions
// ---------------------------------------------------------------------------------------

TEST(CounterActionTest, EachActionNeedsTheTicketCalledAndNamesWhatItWouldDo) {
  EXPECT_THAT(
      DecideTicketAction(TicketAction::kSkip, "waiting", "W-003", false),
      StatusIs(absl::StatusCode::kFailedPrecondition, "cannot skip ticket W-003: it is waiting"));
  EXPECT_THAT(
      DecideTicketAction(TicketAction::kRecall, "done", "A-001", true),
      StatusIs(absl::StatusCode::kFailedPrecondition, "cannot recall ticket A-001: it is done"));
  EXPECT_THAT(DecideTicketAction(TicketAction::kNoShow, "no_show", "P-002", false),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "cannot mark a no-show of ticket P-002: it is no_show"));
  EXPECT_THAT(
      DecideTicketAction(TicketAction::kFinish, "waiting", "W-001", false),
      StatusIs(absl::StatusCode::kFailedPrecondition, "cannot finish ticket W-001: it is waiting"));
}

TEST(CounterActionTest, RecallAndSkipTouchOnlyTheTicket) {
  absl::StatusOr<TicketActionEdit> r =
      DecideTicketAction(TicketAction::kRecall, "called", "A-001", true);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->write, TicketActionEdit::Write::kRecall);
  EXPECT_EQ(r->event, "recalled");
  EXPECT_FALSE(r->appointment_to.has_value());
  absl::StatusOr<TicketActionEdit> s =
      DecideTicketAction(TicketAction::kSkip, "called", "A-001", true);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->write, TicketActionEdit::Write::kSkip);
  EXPECT_EQ(s->event, "skipped");
  EXPECT_FALSE(s->appointment_to.has_value());
}

TEST(CounterActionTest, NoShowAndFinishEndTheTicketAndItsAppointment) {
  absl::StatusOr<TicketActionEdit> n =
      DecideTicketAction(TicketAction::kNoShow, "called", "A-001", true);
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(n->write, TicketActionEdit::Write::kFinish);
  EXPECT_EQ(n->finished_as, "no_show");
  EXPECT_EQ(n->appointment_to, "no_show");
  EXPECT_EQ(n->event, "no_show");
  absl::StatusOr<TicketActionEdit> f =
      DecideTicketAction(TicketAction::kFinish, "called", "A-001", true);
  ASSERT_THAT(f, IsOk());
  EXPECT_EQ(f->finished_as, "done");
  EXPECT_EQ(f->appointment_to, "served");
  EXPECT_EQ(f->event, "done");
  // A walk-in has no appointment to move.
  EXPECT_FALSE(DecideTicketAction(TicketAction::kFinish, "called", "W-001", false)
                   ->appointment_to.has_value());
  EXPECT_FALSE(DecideTicketAction(TicketAction::kNoShow, "called", "W-001", false)
                   ->appointment_to.has_value());
}

TEST(CounterActionTest, TransferGoesToAnotherOpenCounterOnly) {
  EXPECT_THAT(CheckTransfer("called", "W-001", "C1", "C2", true), IsOk());
  EXPECT_THAT(CheckTransfer("waiting", "W-001", "", "C2", true),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "cannot transfer ticket W-001: it is waiting"));
  EXPECT_THAT(CheckTransfer("called", "W-001", "C1", "C1", true),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "to_counter_id: ticket W-001 is at counter C1 already"));
  EXPECT_THAT(CheckTransfer("called", "W-001", "C1", "C9", std::nullopt),
              StatusIs(absl::StatusCode::kNotFound, "counter C9 not found"));
  EXPECT_THAT(CheckTransfer("called", "W-001", "C1", "C2", false),
              StatusIs(absl::StatusCode::kFailedPrecondition, "counter C2 is closed"));
  // The ticket's own counter is named before whether the target exists.
  EXPECT_THAT(CheckTransfer("called", "W-001", "C1", "C1", std::nullopt),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace loket::domain
