#include "server/domain/notification.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace loket::domain {
namespace {

constexpr int kWita = 480;

absl::Time Local(int y, int m, int d, int h, int min = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, h, min, 0), absl::FixedTimeZone(kWita * 60));
}

Case SubmittedCase() {
  Case c;
  c.id = 42;
  c.permit_type = "SIP_PERAWAT";
  c.state = CaseState::kSubmitted;
  c.applicant.name = "Siti Rahmawati";
  c.applicant.phone = "+6281234567890";
  c.applicant.email = "siti@example.com";
  c.sla.started_on = absl::CivilDay(2026, 3, 17);
  return c;
}

TEST(NotificationTest, SubmissionMessagesGoByGatewayAndEmail) {
  auto out = NotificationsForTransition(SubmittedCase(), "Submit", "SIP Perawat",
                                        absl::CivilDay(2026, 3, 31));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].channel, NotificationChannel::kWebhook);
  EXPECT_EQ(out[0].address, "+6281234567890");
  EXPECT_EQ(out[1].channel, NotificationChannel::kEmail);
  EXPECT_EQ(out[0].template_id, "case.submitted");
  EXPECT_EQ(out[0].params.at("due_date"), "2026-03-31");
  EXPECT_EQ(out[0].params.at("case_id"), "42");
  EXPECT_EQ(out[0].language, "id");
}

TEST(NotificationTest, NoEmailNoEmailMessageAndQuietStepsSendNothing) {
  Case c = SubmittedCase();
  c.applicant.email.clear();
  c.applicant.language = "en";
  auto out = NotificationsForTransition(c, "Submit", "SIP Perawat", std::nullopt);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].language, "en");
  EXPECT_TRUE(NotificationsForTransition(c, "StartVerification", "x", std::nullopt).empty());
}

TEST(NotificationTest, RejectionCarriesTheReason) {
  Case c = SubmittedCase();
  c.state = CaseState::kRejected;
  c.decision_note = "STR tidak berlaku";
  auto out = NotificationsForTransition(c, "Reject", "SIP Perawat", std::nullopt);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out[0].params.at("reason"), "STR tidak berlaku");
}

TEST(NotificationScheduleTest, DaytimeGoesAtOnce) {
  absl::Time now = Local(2026, 3, 17, 10);
  EXPECT_EQ(ScheduleNotification(now, kWita, false, {}, {}), now);
}

TEST(NotificationScheduleTest, QuietHoursWaitForSevenInTheMorning) {
  EXPECT_EQ(ScheduleNotification(Local(2026, 3, 17, 22, 15), kWita, false, {}, {}),
            Local(2026, 3, 18, 7));
  EXPECT_EQ(ScheduleNotification(Local(2026, 3, 18, 3, 0), kWita, false, {}, {}),
            Local(2026, 3, 18, 7));
}

TEST(NotificationScheduleTest, UrgentBypassesQuietHours) {
  absl::Time now = Local(2026, 3, 17, 23);
  EXPECT_EQ(ScheduleNotification(now, kWita, true, {}, {}), now);
}

TEST(NotificationScheduleTest, RateLimitSpreadsABurstToOneRecipient) {
  NotificationPolicy p;
  p.max_per_window = 3;
  p.window = absl::Hours(1);
  absl::Time now = Local(2026, 3, 17, 10);
  std::vector<absl::Time> scheduled;
  std::vector<absl::Time> got;
  for (int i = 0; i < 5; ++i) {
    absl::Time t = ScheduleNotification(now, kWita, false, scheduled, p);
    got.push_back(t);
    scheduled.push_back(t);
  }
  EXPECT_EQ(got[0], now);
  EXPECT_EQ(got[2], now);
  EXPECT_EQ(got[3], now + absl::Hours(1));  // the 4th waits for the first to leave the window
  EXPECT_EQ(got[4], now + absl::Hours(1));
}

TEST(BackoffTest, DoublesUpToTheCapWithinTheJitter) {
  absl::Duration base = absl::Seconds(2), cap = absl::Minutes(1);
  EXPECT_EQ(BackoffDelay(1, base, cap, 0.2, 0.5), absl::Seconds(2));
  EXPECT_EQ(BackoffDelay(3, base, cap, 0.2, 0.5), absl::Seconds(8));
  EXPECT_EQ(BackoffDelay(20, base, cap, 0.2, 0.5), absl::Minutes(1));
  EXPECT_EQ(BackoffDelay(1, base, cap, 0.2, 0.0), absl::Seconds(1.6));
  EXPECT_EQ(BackoffDelay(1, base, cap, 0.2, 1.0), absl::Seconds(2.4));
}

}  // namespace
}  // namespace loket::domain
