// The live queue's smaller rules, apart from the store (issue 14).
#include "server/domain/queue_rules.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/validation.h"
#include "tests/support/status_matchers.h"

namespace loket::domain {
namespace {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
using ::testing::HasSubstr;

Screening Healthy() { return {36.6, true}; }

WalkInDetails Walker() {
  WalkInDetails w;
  w.name = "  Siti   Rahmawati ";
  w.service = "SIP-DOKTER";
  return w;
}

TEST(QueueRulesTest, ACheckInGivesACodeOrAWalkInNeverBothOrNeither) {
  EXPECT_THAT(NormalizeCheckInRequest("", std::nullopt, Healthy()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not both")));
  EXPECT_THAT(NormalizeCheckInRequest("K7M-4QX", Walker(), Healthy()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not both")));
}

TEST(QueueRulesTest, TheShapeIsCheckedBeforeTheScreeningAndTheScreeningBeforeTheCode) {
  EXPECT_THAT(NormalizeCheckInRequest("", std::nullopt, {12, true}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not both")));
  EXPECT_THAT(NormalizeCheckInRequest("K7M-4QX!", std::nullopt, {12, true}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("screening.temperature_c")));
  EXPECT_THAT(NormalizeCheckInRequest("K7M-4QX!", std::nullopt, Healthy()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("appointment_code")));
}

TEST(QueueRulesTest, TheCodeOrTheWalkInComesBackNormalised) {
  absl::StatusOr<CheckInRequest> r = NormalizeCheckInRequest("k7m-4qx", std::nullopt, Healthy());
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->by_code);
  EXPECT_EQ(r->code, "K7M4QX");
  // A code typed as dashes only is still a check-in by code (the store finds no such booking).
  r = NormalizeCheckInRequest("--", std::nullopt, Healthy());
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->by_code);
  EXPECT_EQ(r->code, "");
  r = NormalizeCheckInRequest("", Walker(), Healthy());
  ASSERT_THAT(r, IsOk());
  EXPECT_FALSE(r->by_code);
  EXPECT_EQ(r->walk.name, "Siti Rahmawati");
  EXPECT_EQ(r->walk.language, "id");
  WalkInDetails nameless = Walker();
  nameless.name = " ";
  EXPECT_THAT(NormalizeCheckInRequest("", nameless, Healthy()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("walk_in.name")));
}

TEST(QueueRulesTest, TicketIdsArePositive) {
  EXPECT_THAT(ValidateId(0, "ticket_id"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ticket_id: required")));
  EXPECT_THAT(ValidateId(-3, "ticket_id"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateId(1, "ticket_id"), IsOk());
}

TEST(QueueRulesTest, OnlyWaitingTicketsShowAnEstimateAndTheBoardShowsTenNext) {
  EXPECT_TRUE(ShowsWaitEstimate("waiting"));
  EXPECT_FALSE(ShowsWaitEstimate("called"));
  EXPECT_FALSE(ShowsWaitEstimate("done"));
  EXPECT_EQ(BoardNextCount(3), 3u);
  EXPECT_EQ(BoardNextCount(10), 10u);
  EXPECT_EQ(BoardNextCount(25), 10u);
}

}  // namespace
}  // namespace loket::domain
