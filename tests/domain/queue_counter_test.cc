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

// The next ticket among the day's waiting ones (ChooseNextTicket): who a counter may serve and in
// which order, with no database.
class NextTicketTest : public ::testing::Test {
 protected:
  const absl::Time now_ = absl::FromUnixSeconds(1'780'000'000);

  CallableTicket Ticket(int64_t id, Lane lane, std::string service = "SIP",
                        absl::Duration waited = absl::Minutes(1)) {
    CallableTicket t;
    t.id = id;
    t.lane = lane;
    t.service = std::move(service);
    t.queued_at = now_ - waited;
    t.position = id;
    return t;
  }
  static CallingCounter Counter(std::string id, bool seated = false,
                                std::vector<std::string> services = {}, bool open = true) {
    return {std::move(id), seated, open, std::move(services)};
  }
  std::optional<int64_t> Next(std::string_view counter, const std::vector<CallingCounter>& cs,
                              const std::vector<CallableTicket>& waiting,
                              const LaneCredits& credits = {}) {
    std::optional<NextCall> n = ChooseNextTicket(counter, cs, waiting, credits, {}, now_);
    if (!n) return std::nullopt;
    return n->ticket_id;
  }
};

TEST_F(NextTicketTest, ATicketTransferredHereComesFirstAndOutsideTheRotation) {
  CallableTicket moved = Ticket(7, Lane::kWalkIn);
  moved.transferred_to = "C2";
  CallableTicket earlier = Ticket(5, Lane::kWalkIn);
  earlier.transferred_to = "C2";
  std::vector<CallingCounter> cs = {Counter("C1"), Counter("C2")};
  std::vector<CallableTicket> waiting = {Ticket(1, Lane::kPriority), moved, earlier};
  std::optional<NextCall> n = ChooseNextTicket("C2", cs, waiting, {}, {}, now_);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->ticket_id, 5);  // the earlier of the two transferred here
  EXPECT_FALSE(n->credits.has_value()) << "a transfer does not move the rotation";
  // C1 leaves both to C2 (open) and calls the priority ticket, through the rotation.
  n = ChooseNextTicket("C1", cs, waiting, {}, {}, now_);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->ticket_id, 1);
  EXPECT_TRUE(n->credits.has_value());
  // With C2 closed, its transfers are anyone's again, in their lane's order.
  cs[1].open = false;
  EXPECT_EQ(Next("C1", cs, {moved, earlier}), 5);
  // A closed counter, or one that does not exist, calls nobody.
  EXPECT_EQ(Next("C2", cs, waiting), std::nullopt);
  EXPECT_EQ(Next("C9", cs, waiting), std::nullopt);
}

TEST_F(NextTicketTest, ACounterCallsOnlyTheServicesItListsAndNoneListedMeansAll) {
  std::vector<CallingCounter> cs = {Counter("C1", false, {"SIUP"}), Counter("C2")};
  std::vector<CallableTicket> waiting = {Ticket(1, Lane::kWalkIn, "SIP"),
                                         Ticket(2, Lane::kWalkIn, "SIUP")};
  EXPECT_EQ(Next("C1", cs, waiting), 2);
  EXPECT_EQ(Next("C2", cs, waiting), 1);
  EXPECT_EQ(Next("C1", cs, {Ticket(1, Lane::kWalkIn, "SIP")}), std::nullopt);
}

TEST_F(NextTicketTest, InALaneTheEarliestSlotGoesFirstThenTheEarliestQueued) {
  CallableTicket late_slot = Ticket(1, Lane::kAppointment);
  late_slot.slot_starts_at = now_ + absl::Minutes(30);
  CallableTicket early_slot = Ticket(2, Lane::kAppointment);
  early_slot.slot_starts_at = now_;
  CallableTicket no_slot = Ticket(0, Lane::kAppointment);
  std::vector<CallingCounter> cs = {Counter("C1")};
  EXPECT_EQ(Next("C1", cs, {late_slot, no_slot, early_slot}), 2);
  EXPECT_EQ(Next("C1", cs, {late_slot, no_slot}), 1);
  EXPECT_EQ(Next("C1", cs, {Ticket(9, Lane::kWalkIn), Ticket(4, Lane::kWalkIn)}), 4);
}

TEST_F(NextTicketTest, ASeatedTicketWaitsForAnOpenSeatedCounterOnlySoLong) {
  CallableTicket seated = Ticket(1, Lane::kWalkIn);
  seated.seated = true;
  std::vector<CallingCounter> cs = {Counter("C1"), Counter("S1", true)};
  // At an ordinary counter it waits for S1 ...
  EXPECT_EQ(Next("C1", cs, {seated}), std::nullopt);
  EXPECT_EQ(Next("S1", cs, {seated}), 1);
  // ... but not past kSeatedWaitLimit,
  CallableTicket long_wait = seated;
  long_wait.queued_at = now_ - kSeatedWaitLimit;
  EXPECT_EQ(Next("C1", cs, {long_wait}), 1);
  // and not when no open seated counter serves its service.
  EXPECT_EQ(Next("C1", {Counter("C1"), Counter("S1", true, {}, false)}, {seated}), 1);
  EXPECT_EQ(Next("C1", {Counter("C1"), Counter("S1", true, {"SIUP"})}, {seated}), 1);
}

TEST_F(NextTicketTest, ASeatedCounterTakesASeatedOrPriorityTicketBeforeTheRotationsChoice) {
  // The walk-in lane is owed many calls; the appointment lane holds a seated visitor.
  LaneCredits credits;
  credits.c = {0, -10, 10};
  CallableTicket plain = Ticket(1, Lane::kAppointment);
  CallableTicket seated = Ticket(2, Lane::kAppointment);
  seated.seated = true;
  std::vector<CallableTicket> waiting = {Ticket(3, Lane::kWalkIn), plain, seated};
  std::vector<CallingCounter> cs = {Counter("C1"), Counter("S1", true)};
  EXPECT_EQ(Next("S1", cs, waiting, credits), 2) << "the seated one, ahead of the earlier plain";
  EXPECT_EQ(Next("C1", cs, waiting, credits), 3) << "an ordinary counter follows the rotation";
  // The credits to store are the rotation's after the call.
  std::optional<NextCall> n = ChooseNextTicket("S1", cs, waiting, credits, {}, now_);
  ASSERT_TRUE(n && n->credits);
  EXPECT_EQ(
      n->credits->c,
      ChooseCallLane(credits, {}, {{Lane::kAppointment, true}, {Lane::kWalkIn, false}})->credits.c);
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
