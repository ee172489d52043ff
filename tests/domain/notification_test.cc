#include "server/domain/notification.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

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

TEST(NotificationScheduleTest, QuietHoursAreWrittenStartDashEndOrOff) {
  NotificationPolicy p;
  ASSERT_THAT(ParseQuietHours("22-6", p), loket::testing::IsOk());
  EXPECT_EQ(p.quiet_start_hour, 22);
  EXPECT_EQ(p.quiet_end_hour, 6);
  ASSERT_THAT(ParseQuietHours("off", p), loket::testing::IsOk());
  EXPECT_EQ(p.quiet_start_hour, p.quiet_end_hour);
  for (const char* bad : {"", "21", "21-", "24-7", "-1-7", "21-7-1", "21:00-07:00", "x-7"}) {
    NotificationPolicy q;
    EXPECT_THAT(ParseQuietHours(bad, q),
                loket::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                         ::testing::HasSubstr("quiet_hours: START-END")))
        << bad;
    EXPECT_EQ(q.quiet_start_hour, 21) << "unchanged";
  }
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

// Order and weight (issue 11): important messages are never held by the cap nor behind chatter,
// and one recipient hears things in the order they happened.
TEST(NotificationWeightTest, TheKindsThatMatterAreImportant) {
  for (const char* id : {"case.issued", "case.revision_requested", "case.rejected",
                         "case.collected", "case.delivered", "appointment.confirmed",
                         "appointment.cancelled", "booking.code", "courier.pickup_planned",
                         "courier.delivery_planned", "courier.near", "courier.day_closed"}) {
    EXPECT_EQ(WeightOfTemplate(id), NotificationWeight::kImportant) << id;
  }
  for (const char* id :
       {"case.submitted", "case.verification_started", "case.revision_received", "case.approved",
        "case.withdrawn", "appointment.reminder", "visit.online", "no.such.template", ""}) {
    EXPECT_EQ(WeightOfTemplate(id), NotificationWeight::kChatter) << id;
  }
}

TEST(NotificationOrderTest, AnImportantMessageIsNotHeldByTheCapAndPullsHeldChatterForward) {
  NotificationPolicy p;
  p.max_per_window = 3;
  absl::Time now = Local(2026, 3, 17, 10);
  std::vector<absl::Time> scheduled = {now - absl::Minutes(10), now - absl::Minutes(5), now};
  // A fourth chatter waits for the window.
  DeliverySlot chatter =
      PlanDelivery(now, kWita, false, NotificationWeight::kChatter, scheduled, now, p);
  EXPECT_EQ(chatter.at, now - absl::Minutes(10) + absl::Hours(1));
  EXPECT_FALSE(chatter.pull_earlier);
  scheduled.push_back(chatter.at);
  // "issued" a minute later goes at once, and the held chatter comes forward with it.
  absl::Time issued_at = now + absl::Minutes(1);
  DeliverySlot issued = PlanDelivery(issued_at, kWita, false, NotificationWeight::kImportant,
                                     scheduled, chatter.at, p);
  EXPECT_EQ(issued.at, issued_at);
  EXPECT_TRUE(issued.pull_earlier);
  // Nothing held: nothing to pull.
  EXPECT_FALSE(
      PlanDelivery(issued_at, kWita, false, NotificationWeight::kImportant, scheduled, now, p)
          .pull_earlier);
  // "collected" after "issued" (pending at issued_at) goes after it, not before.
  DeliverySlot collected = PlanDelivery(issued_at, kWita, false, NotificationWeight::kImportant,
                                        scheduled, issued_at, p);
  EXPECT_EQ(collected.at, issued_at);
  EXPECT_FALSE(collected.pull_earlier);
}

TEST(NotificationOrderTest, ChatterNeverOvertakesAnEarlierHeldMessage) {
  NotificationPolicy p;
  p.max_per_window = 3;
  absl::Time now = Local(2026, 3, 17, 10);
  // An earlier message is held until 10:50 but only two sit in the trailing hour of 10:00: without
  // the order rule the new one would go at 10:00, before it.
  std::vector<absl::Time> scheduled = {now - absl::Minutes(30), now + absl::Minutes(50)};
  DeliverySlot s = PlanDelivery(now, kWita, false, NotificationWeight::kChatter, scheduled,
                                now + absl::Minutes(50), p);
  EXPECT_EQ(s.at, now + absl::Minutes(50));
  EXPECT_FALSE(s.pull_earlier);
}

TEST(NotificationOrderTest, QuietHoursHoldImportantMessagesTooButNotBehindChatter) {
  NotificationPolicy p;
  p.max_per_window = 1;
  absl::Time evening = Local(2026, 3, 17, 22);
  std::vector<absl::Time> scheduled = {Local(2026, 3, 18, 7), Local(2026, 3, 18, 8)};
  DeliverySlot s = PlanDelivery(evening, kWita, false, NotificationWeight::kImportant, scheduled,
                                Local(2026, 3, 18, 8), p);
  EXPECT_EQ(s.at, Local(2026, 3, 18, 7)) << "at seven, not after the chatter's eight o'clock";
  EXPECT_TRUE(s.pull_earlier);
  // Urgent (codes) ignore quiet hours as before, and do not wake the recipient with the chatter.
  DeliverySlot code = PlanDelivery(evening, kWita, true, NotificationWeight::kImportant, scheduled,
                                   Local(2026, 3, 18, 8), p);
  EXPECT_EQ(code.at, evening);
  EXPECT_FALSE(code.pull_earlier);
  // In the daytime an urgent message keeps the order like any important one.
  absl::Time noon = Local(2026, 3, 18, 12);
  EXPECT_TRUE(PlanDelivery(noon, kWita, true, NotificationWeight::kImportant, {},
                           noon + absl::Minutes(40), p)
                  .pull_earlier);
}

TEST(NotificationOrderTest, AMessageWhoseTurnComesAtOrAfterItsSendByIsTooLateAndMovesNoOne) {
  NotificationPolicy p;
  p.max_per_window = 1;
  absl::Time evening = Local(2026, 3, 17, 22);
  // A confirmation for a visit at 07:30 next morning: quiet hours put it at 07:00, still of use.
  DeliverySlot on_time = PlanDelivery(evening, kWita, false, NotificationWeight::kImportant, {},
                                      Local(2026, 3, 18, 8), p, Local(2026, 3, 18, 7, 30));
  EXPECT_EQ(on_time.at, Local(2026, 3, 18, 7));
  EXPECT_FALSE(on_time.too_late);
  EXPECT_TRUE(on_time.pull_earlier);
  // A visit at 07:00 sharp: the slot is its start, so it is too late, and the held chatter keeps
  // its place instead of being pulled forward for a message that will not go.
  DeliverySlot at_start = PlanDelivery(evening, kWita, false, NotificationWeight::kImportant, {},
                                       Local(2026, 3, 18, 8), p, Local(2026, 3, 18, 7));
  EXPECT_TRUE(at_start.too_late);
  EXPECT_FALSE(at_start.pull_earlier);
  // Chatter held by the hourly cap past its use is too late as well; with no send_by, never.
  absl::Time noon = Local(2026, 3, 18, 12);
  std::vector<absl::Time> capped = {noon};
  EXPECT_TRUE(PlanDelivery(noon, kWita, false, NotificationWeight::kChatter, capped, std::nullopt,
                           p, noon + absl::Minutes(30))
                  .too_late);
  EXPECT_FALSE(
      PlanDelivery(noon, kWita, false, NotificationWeight::kChatter, capped, std::nullopt, p)
          .too_late);
}

// Courier visits (issue 11): the clinic is told once, and again only when the window moves by more
// than the margin.
TEST(VisitAnnouncementTest, NeverToldIsTold) {
  VisitWindow w{Local(2026, 3, 17, 10), Local(2026, 3, 17, 11)};
  EXPECT_TRUE(ShouldAnnounceVisit(std::nullopt, w));
}

TEST(VisitAnnouncementTest, SmallShiftsStayQuietLargeOnesAreTold) {
  VisitWindow told{Local(2026, 3, 17, 10), Local(2026, 3, 17, 11)};
  EXPECT_FALSE(ShouldAnnounceVisit(told, told));
  VisitWindow later{Local(2026, 3, 17, 10, 15), Local(2026, 3, 17, 11, 15)};
  EXPECT_FALSE(ShouldAnnounceVisit(told, later));
  VisitWindow exactly{Local(2026, 3, 17, 10, 30), Local(2026, 3, 17, 11, 30)};
  EXPECT_FALSE(ShouldAnnounceVisit(told, exactly)) << "the margin itself is not more than it";
  VisitWindow moved{Local(2026, 3, 17, 10, 45), Local(2026, 3, 17, 11, 45)};
  EXPECT_TRUE(ShouldAnnounceVisit(told, moved));
  VisitWindow earlier{Local(2026, 3, 17, 9), Local(2026, 3, 17, 10)};
  EXPECT_TRUE(ShouldAnnounceVisit(told, earlier));
  VisitWindow shorter{Local(2026, 3, 17, 10), Local(2026, 3, 17, 10, 15)};
  EXPECT_TRUE(ShouldAnnounceVisit(told, shorter)) << "the end moved by 45 minutes";
  VisitWindow next_day{Local(2026, 3, 18, 10), Local(2026, 3, 18, 11)};
  EXPECT_TRUE(ShouldAnnounceVisit(told, next_day));
  EXPECT_FALSE(ShouldAnnounceVisit(told, moved, absl::Hours(1))) << "the margin is a parameter";
  EXPECT_EQ(kVisitAnnounceMargin, absl::Minutes(30));
}

// Puskesmas A with a phone and an e-mail on file.
VisitContacts ClinicA() {
  VisitContacts to;
  to.clinic_id = "pkm-a";
  to.clinic_name = "Puskesmas A";
  to.clinic_phone = "+6281200000001";
  to.clinic_email = "tu@pkm-a.example";
  return to;
}

TEST(VisitAnnouncementTest, TheClinicIsToldNotTheHealthWorker) {
  VisitContacts to = ClinicA();
  to.applicant_name = "Siti Rahmawati";
  to.applicant_phone = "+6281234567890";
  to.applicant_language = "en";
  auto out = CourierVisitNotifications(to, 42, "courier.pickup_planned", {{"window", "10:00"}});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].address, "+6281200000001");
  EXPECT_EQ(out[0].channel, NotificationChannel::kWebhook);
  EXPECT_EQ(out[1].address, "tu@pkm-a.example");
  EXPECT_EQ(out[1].channel, NotificationChannel::kEmail);
  for (const Notification& n : out) {
    EXPECT_EQ(n.recipient_name, "Puskesmas A");
    EXPECT_EQ(n.params.at("name"), "Puskesmas A");
    EXPECT_EQ(n.params.at("window"), "10:00");
    EXPECT_EQ(n.language, "id");
    EXPECT_EQ(n.case_id, 42);
  }
  // A clinic without any contact on file: nobody, and certainly not the health worker.
  to.clinic_phone.clear();
  to.clinic_email.clear();
  EXPECT_TRUE(CourierVisitNotifications(to, 42, "courier.pickup_planned", {}).empty());
  // A stop that is not at a clinic: the applicant, in their language.
  to.clinic_id.clear();
  out = CourierVisitNotifications(to, 42, "courier.delivery_planned", {});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].address, "+6281234567890");
  EXPECT_EQ(out[0].language, "en");
  EXPECT_EQ(out[0].params.at("name"), "Siti Rahmawati");
}

TEST(VisitAnnouncementTest, ADayClosedForCouriersIsUrgentNewsForTheClinic) {
  VisitContacts clinic = ClinicA();
  auto out = CourierDayClosedNotifications(clinic, absl::CivilDay(2026, 3, 17),
                                           absl::CivilDay(2026, 3, 25), "banjir");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].channel, NotificationChannel::kWebhook);
  EXPECT_EQ(out[0].address, "+6281200000001");
  EXPECT_EQ(out[1].channel, NotificationChannel::kEmail);
  EXPECT_EQ(out[1].address, "tu@pkm-a.example");
  for (const Notification& n : out) {
    EXPECT_EQ(n.template_id, "courier.day_closed");
    EXPECT_EQ(n.recipient_name, "Puskesmas A");
    EXPECT_TRUE(n.urgent);
    EXPECT_EQ(n.params, (std::map<std::string, std::string>{{"clinic", "Puskesmas A"},
                                                            {"date", "2026-03-17"},
                                                            {"new_date", "2026-03-25"},
                                                            {"reason", "banjir"}}));
  }
  // No reason given: "-"; only the contacts on file; none: nobody.
  clinic.clinic_phone.clear();
  out = CourierDayClosedNotifications(clinic, absl::CivilDay(2026, 3, 17),
                                      absl::CivilDay(2026, 3, 25), "");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].channel, NotificationChannel::kEmail);
  EXPECT_EQ(out[0].params.at("reason"), "-");
  clinic.clinic_email.clear();
  EXPECT_TRUE(CourierDayClosedNotifications(clinic, absl::CivilDay(2026, 3, 17),
                                            absl::CivilDay(2026, 3, 25), "banjir")
                  .empty());
}

TEST(VisitAnnouncementTest, OfficeZoneNames) {
  EXPECT_EQ(OfficeZoneName(480), "WITA");
  EXPECT_EQ(OfficeZoneName(420), "WIB");
  EXPECT_EQ(OfficeZoneName(540), "WIT");
  EXPECT_EQ(OfficeZoneName(330), "UTC+05:30");
  EXPECT_EQ(OfficeZoneName(-180), "UTC-03:00");
}

}  // namespace
}  // namespace loket::domain
