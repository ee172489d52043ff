// After a failed screening: online handling or a SIBER pickup, as a pure decision (issue 14).
#include "server/domain/queue_redirect.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace loket::domain {
namespace {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
using ::testing::HasSubstr;

VisitToRedirect Pending() {
  VisitToRedirect v;
  v.id = 12;
  v.outcome = "redirect_pending";
  v.case_id = 7;
  v.case_state = "SUBMITTED";
  v.has_appointment = true;
  v.name = "Siti Rahmawati";
  v.phone = "+628123456789";
  v.language = "en";
  return v;
}

TEST(RedirectTest, TheRequestIsCheckedBeforeAnythingIsRead) {
  EXPECT_THAT(ValidateRedirect(0, Redirect::kOnline, "", 0, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("visit_id")));
  EXPECT_THAT(ValidateRedirect(12, Redirect::kOnline, "", 0, 0), IsOk());
  EXPECT_THAT(ValidateRedirect(12, Redirect::kSiberPickup, "", -1.27, 116.83),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("address: required")));
  EXPECT_THAT(ValidateRedirect(12, Redirect::kSiberPickup, std::string(301, 'a'), -1.27, 116.83),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("address")));
  EXPECT_THAT(ValidateRedirect(12, Redirect::kSiberPickup, "Jl. Sudirman 1", 0, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("latitude")));
  EXPECT_THAT(ValidateRedirect(12, Redirect::kSiberPickup, "Jl. Sudirman 1", 91, 116.83),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("latitude")));
  EXPECT_THAT(ValidateRedirect(12, Redirect::kSiberPickup, "Jl. Sudirman 1", -1.27, 181),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("latitude")));
  EXPECT_THAT(ValidateRedirect(12, Redirect::kSiberPickup, "Jl. Sudirman 1", -1.27, 116.83),
              IsOk());
}

TEST(RedirectTest, OnlineEndsTheAppointmentAndTellsTheVisitor) {
  absl::StatusOr<RedirectDecision> d = DecideRedirect(Redirect::kOnline, Pending());
  ASSERT_THAT(d, IsOk());
  EXPECT_FALSE(d->request_pickup);
  EXPECT_TRUE(d->end_appointment);
  ASSERT_TRUE(d->tell_online.has_value());
  EXPECT_EQ(d->tell_online->template_id, "visit.online");
  EXPECT_EQ(d->tell_online->channel, NotificationChannel::kWebhook);
  EXPECT_EQ(d->tell_online->address, "+628123456789");
  EXPECT_EQ(d->tell_online->recipient_name, "Siti Rahmawati");
  EXPECT_EQ(d->tell_online->language, "en");
  EXPECT_EQ(d->tell_online->case_id, 7);
  EXPECT_EQ(d->tell_online->params,
            (std::map<std::string, std::string>{{"name", "Siti Rahmawati"}, {"case_id", "7"}}));
  EXPECT_EQ(RedirectName(Redirect::kOnline), "online");

  VisitToRedirect no_case = Pending();
  no_case.case_id = 0;
  d = DecideRedirect(Redirect::kOnline, no_case);
  ASSERT_THAT(d, IsOk());
  ASSERT_TRUE(d->tell_online.has_value());
  EXPECT_EQ(d->tell_online->params.at("case_id"), "-");

  VisitToRedirect walk_in = Pending();
  walk_in.has_appointment = false;
  walk_in.phone = "";
  walk_in.case_id = 0;  // online needs no case
  d = DecideRedirect(Redirect::kOnline, walk_in);
  ASSERT_THAT(d, IsOk());
  EXPECT_FALSE(d->end_appointment);
  EXPECT_FALSE(d->tell_online);  // nobody to tell
}

TEST(RedirectTest, ASiberPickupNeedsACaseOfThisOfficeWhosePapersAreStillNeeded) {
  absl::StatusOr<RedirectDecision> d = DecideRedirect(Redirect::kSiberPickup, Pending());
  ASSERT_THAT(d, IsOk());
  EXPECT_TRUE(d->request_pickup);
  EXPECT_TRUE(d->end_appointment);
  EXPECT_FALSE(d->tell_online);  // the courier comes; no message
  EXPECT_EQ(RedirectName(Redirect::kSiberPickup), "siber_pickup");

  VisitToRedirect v = Pending();
  v.case_id = 0;
  v.case_state.reset();
  EXPECT_THAT(DecideRedirect(Redirect::kSiberPickup, v),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "visit 12 has no case: a SIBER pickup carries a case's documents; use "
                       "ONLINE"));
  v = Pending();
  v.case_state.reset();
  EXPECT_THAT(DecideRedirect(Redirect::kSiberPickup, v),
              StatusIs(absl::StatusCode::kNotFound, "case 7 not found"));
  v = Pending();
  v.case_state = "ISSUED";
  EXPECT_THAT(DecideRedirect(Redirect::kSiberPickup, v),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("case 7 is ISSUED")));
}

TEST(RedirectTest, AVisitIsRedirectedOnceAndOnlyAfterAFailedScreening) {
  VisitToRedirect v = Pending();
  for (const char* outcome : {"queued", "online", "siber_pickup"}) {
    v.outcome = outcome;
    EXPECT_THAT(DecideRedirect(Redirect::kOnline, v),
                StatusIs(absl::StatusCode::kFailedPrecondition,
                         HasSubstr("only a visit that failed its screening is redirected, once")))
        << outcome;
  }
  v.outcome = "online";
  v.case_id = 0;  // the outcome is said before the missing case
  EXPECT_THAT(DecideRedirect(Redirect::kSiberPickup, v),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "visit 12 is online: only a visit "
                       "that failed its screening is "
                       "redirected, once"));
}

}  // namespace
}  // namespace loket::domain
