// The phone code a public booking waits for (issue 10): the message that carries it, and what a
// typed code does to the booking.
// The store locks the booking, asks domain::CheckPhoneCode and writes its answer (issue 14).
#include "gtest/gtest.h"
#include "server/domain/public_booking.h"

namespace loket::domain {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);
const absl::Time kLater = kNow + absl::Minutes(5);

TEST(PhoneCodeTest, TheCodeGoesByTheGatewayAtOnceEvenInQuietHours) {
  Notification n = PhoneCodeMessage("+6281234567890", "Siti", "id", "482913");
  EXPECT_EQ(n.channel, NotificationChannel::kWebhook);
  EXPECT_EQ(n.address, "+6281234567890");
  EXPECT_EQ(n.recipient_name, "Siti");
  EXPECT_EQ(n.language, "id");
  EXPECT_EQ(n.template_id, "booking.code");
  EXPECT_EQ(n.params.at("code"), "482913");
  EXPECT_EQ(n.params.at("name"), "Siti");
  EXPECT_EQ(n.params.at("minutes"), "10");
  EXPECT_TRUE(n.urgent);
}

TEST(PhoneCodeTest, TheRightCodeInTimeMatchesWithoutUsingATry) {
  PhoneCodeAttempt a = CheckPhoneCode(true, kLater, kNow, 5, true);
  EXPECT_EQ(a.check, PhoneCodeCheck::kMatch);
  EXPECT_FALSE(a.uses_try);
  EXPECT_EQ(a.tries_left, 5);
  EXPECT_FALSE(a.ends_booking);
}

TEST(PhoneCodeTest, AWrongCodeUsesATry) {
  PhoneCodeAttempt a = CheckPhoneCode(true, kLater, kNow, 5, false);
  EXPECT_EQ(a.check, PhoneCodeCheck::kWrong);
  EXPECT_TRUE(a.uses_try);
  EXPECT_EQ(a.tries_left, 4);
  EXPECT_FALSE(a.ends_booking);
}

TEST(PhoneCodeTest, TheLastWrongTryEndsTheBooking) {
  PhoneCodeAttempt a = CheckPhoneCode(true, kLater, kNow, 1, false);
  EXPECT_EQ(a.check, PhoneCodeCheck::kNoTriesLeft);
  EXPECT_TRUE(a.uses_try);
  EXPECT_EQ(a.tries_left, 0);
  EXPECT_TRUE(a.ends_booking);
}

TEST(PhoneCodeTest, AnExpiredCodeIsRefusedWithoutUsingATry) {
  // Expired at the very instant too; right or wrong alike: a new code can be sent.
  for (bool matches : {true, false}) {
    PhoneCodeAttempt a = CheckPhoneCode(true, kNow, kNow, 3, matches);
    EXPECT_EQ(a.check, PhoneCodeCheck::kExpired);
    EXPECT_FALSE(a.uses_try);
    EXPECT_EQ(a.tries_left, 3);
  }
}

TEST(PhoneCodeTest, ABookingNoLongerAwaitingACodeTakesNone) {
  PhoneCodeAttempt a = CheckPhoneCode(false, kLater, kNow, 5, false);
  EXPECT_EQ(a.check, PhoneCodeCheck::kNotAwaiting);
  EXPECT_FALSE(a.uses_try);
  EXPECT_EQ(a.tries_left, 5);
}

}  // namespace
}  // namespace loket::domain
