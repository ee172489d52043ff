// Applicants' self-service over real gRPC (issue 10): book with a phone code, the scheduler's
// allocation, manage by booking code and phone digits, tracking a case, the per-address limit.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <pqxx/pqxx>
#include <string>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/ids.h"
#include "gmock/gmock.h"
#include "loket/v1/appointment.grpc.pb.h"
#include "loket/v1/public.grpc.pb.h"
#include "loket/v1/task.pb.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::testing::HasSubstr;

class PublicTest : public ServerTest {
 protected:
  static void SetUpTestSuite() {
    ServerTest::SetUpTestSuite();
    pub_ = v1::PublicService::NewStub(server_->channel()).release();
    auto appts = v1::AppointmentService::NewStub(server_->channel());
    v1::SetOfficeHoursRequest hours;
    hours.set_request_id(NewUuid());
    for (int d = 1; d <= 5; ++d) {
      v1::OfficeHours* h = hours.add_hours();
      h->set_weekday(d);
      h->set_opens("08:00");
      h->set_closes("10:00");
      h->set_slot_minutes(30);
      h->set_capacity(4);
      h->set_reserved_priority(1);
    }
    v1::SetOfficeHoursResponse hr;
    ASSERT_THAT(appts->SetOfficeHours(Ctx(admin_).get(), hours, &hr), IsOk());
    v1::GenerateSlotsRequest gen;
    gen.set_request_id(NewUuid());
    gen.set_from("2026-03-18");
    gen.set_to("2026-03-31");
    v1::GenerateSlotsResponse gr;
    ASSERT_THAT(appts->GenerateSlots(Ctx(admin_).get(), gen, &gr), IsOk());
  }
  static void TearDownTestSuite() {
    delete pub_;
    ServerTest::TearDownTestSuite();
  }

  // A call as loket-web forwards it for a browser at this test's own address, so that each test
  // has its own per-address limits.
  std::unique_ptr<grpc::ClientContext> Anon() {
    auto ctx = Ctx("");
    ctx->AddMetadata("x-loket-edge-key", kTestEdgeKey);
    ctx->AddMetadata("x-loket-client-addr", address_);
    return ctx;
  }
  void SetUp() override {
    static int n = 0;
    address_ = absl::StrCat("10.9.0.", ++n);
  }
  std::string address_;

  v1::BookVisitRequest Booking(const std::string& nik, const std::string& phone) {
    v1::BookVisitRequest r;
    r.set_request_id(NewUuid());
    r.set_office_id("bpp");
    r.set_service("SIP_PERAWAT");
    v1::TimeWindow* w = r.add_windows();
    w->set_starts_at(At("2026-03-25", "08:00"));
    w->set_ends_at(At("2026-03-25", "09:00"));
    r.set_nik(nik);
    r.set_name("Siti Rahmawati");
    r.set_phone(phone);
    return r;
  }

  // The code the notifier would send for `booking_code`, read from its task payload.
  std::string CodeSentFor(const std::string& phone_e164) {
    std::string hex = server_->Query(absl::StrCat(
        "SELECT encode(t.payload, 'hex') FROM notifications n JOIN tasks t ON t.id = n.task_id "
        "WHERE n.template_id = 'booking.code' AND n.address = '",
        phone_e164, "' ORDER BY n.id DESC LIMIT 1"));
    v1::NotifySend m;
    EXPECT_TRUE(m.ParseFromString(absl::HexStringToBytes(hex)));
    EXPECT_TRUE(m.urgent());
    return m.params().at("code");
  }

  static v1::PublicService::Stub* pub_;
};
v1::PublicService::Stub* PublicTest::pub_ = nullptr;

TEST_F(PublicTest, BookConfirmWithThePhoneCodeThenManageByBookingCode) {
  v1::BookVisitResponse held;
  v1::BookVisitRequest req = Booking("6471065708900011", "0812 3456 7011");
  ASSERT_THAT(pub_->BookVisit(Anon().get(), req, &held), IsOk());
  EXPECT_EQ(held.booking_code().size(), 8u);
  EXPECT_THAT(held.phone_masked(), ::testing::Not(HasSubstr("3456")));
  EXPECT_EQ(held.priority_class(), v1::PRIORITY_CLASS_NONE);
  // The same request_id again: the same booking, no second code.
  v1::BookVisitResponse again;
  ASSERT_THAT(pub_->BookVisit(Anon().get(), req, &again), IsOk());
  EXPECT_EQ(again.booking_code(), held.booking_code());
  EXPECT_EQ(server_->Query("SELECT count(*) FROM public_bookings"), "1");
  std::string code = CodeSentFor("+6281234567011");
  ASSERT_EQ(code.size(), 6u);

  // Held, not allocated: the manage view says it waits for the code.
  v1::VisitKey key;
  key.set_code(held.booking_code());
  key.set_phone_last4("7011");
  v1::PublicVisit v;
  ASSERT_THAT(pub_->GetVisit(Anon().get(), key, &v), IsOk());
  EXPECT_EQ(v.state(), v1::PUBLIC_VISIT_STATE_AWAITING_CODE);
  EXPECT_EQ(v.day(), "2026-03-25");  // the day, as a confirmed request shows it
  // The code's message is not sent once the code has expired.
  EXPECT_EQ(
      server_->Query("SELECT abs(extract(epoch FROM t.run_before - n.scheduled_for) - 600) < 5"
                     " FROM notifications n JOIN tasks t ON t.id = n.task_id"
                     " WHERE n.template_id = 'booking.code' ORDER BY n.id DESC LIMIT 1"),
      "t");
  EXPECT_EQ(v.name_masked().find("Siti Rahmawati"), std::string::npos);

  v1::ConfirmVisitRequest confirm;
  confirm.set_booking_code(absl::AsciiStrToLower(held.booking_code()));
  confirm.set_code(code == "000000" ? "111111" : "000000");
  grpc::Status wrong = pub_->ConfirmVisit(Anon().get(), confirm, &v);
  EXPECT_THAT(wrong, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(wrong.error_message(), HasSubstr("4 tries left"));
  confirm.set_code(code);
  ASSERT_THAT(pub_->ConfirmVisit(Anon().get(), confirm, &v), IsOk());
  EXPECT_EQ(v.state(), v1::PUBLIC_VISIT_STATE_PENDING);
  EXPECT_EQ(v.service_name().empty(), false);
  // Confirming again answers the same, and makes nothing new.
  ASSERT_THAT(pub_->ConfirmVisit(Anon().get(), confirm, &v), IsOk());
  EXPECT_EQ(
      server_->Query("SELECT count(*) FROM appointment_requests WHERE nik = '6471065708900011'"),
      "1");

  // A wrong phone says nothing; the right one sees, moves and cancels it.
  key.set_phone_last4("0000");
  EXPECT_THAT(pub_->GetVisit(Anon().get(), key, &v), StatusIs(grpc::NOT_FOUND));
  key.set_phone_last4("7011");
  ASSERT_THAT(pub_->GetVisit(Anon().get(), key, &v), IsOk());
  EXPECT_EQ(v.state(), v1::PUBLIC_VISIT_STATE_PENDING);
  v1::MoveVisitRequest move;
  move.set_request_id(NewUuid());
  *move.mutable_key() = key;
  v1::TimeWindow* w = move.add_windows();
  w->set_starts_at(At("2026-03-26", "09:00"));
  w->set_ends_at(At("2026-03-26", "10:00"));
  ASSERT_THAT(pub_->MoveVisit(Anon().get(), move, &v), IsOk());
  EXPECT_EQ(v.day(), "2026-03-26");
  v1::CancelVisitRequest cancel;
  cancel.set_request_id(NewUuid());
  *cancel.mutable_key() = key;
  ASSERT_THAT(pub_->CancelVisit(Anon().get(), cancel, &v), IsOk());
  EXPECT_EQ(v.state(), v1::PUBLIC_VISIT_STATE_CANCELLED);
}

TEST_F(PublicTest, FiveWrongCodesEndTheBookingAndAnExpiredCodeIsRefused) {
  v1::BookVisitResponse held;
  ASSERT_THAT(pub_->BookVisit(Anon().get(), Booking("6471065708900012", "081234567012"), &held),
              IsOk());
  std::string code = CodeSentFor("+6281234567012");
  v1::ConfirmVisitRequest confirm;
  confirm.set_booking_code(held.booking_code());
  confirm.set_code(code == "999999" ? "888888" : "999999");
  v1::PublicVisit v;
  for (int i = 0; i < 4; ++i) {
    EXPECT_THAT(pub_->ConfirmVisit(Anon().get(), confirm, &v), StatusIs(grpc::INVALID_ARGUMENT));
  }
  grpc::Status last = pub_->ConfirmVisit(Anon().get(), confirm, &v);
  EXPECT_THAT(last, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(last.error_message(), HasSubstr("book again"));
  confirm.set_code(code);  // even the right code is too late now
  EXPECT_THAT(pub_->ConfirmVisit(Anon().get(), confirm, &v), StatusIs(grpc::FAILED_PRECONDITION));

  // A code lives 10 minutes; a new one replaces it.
  ASSERT_THAT(pub_->BookVisit(Anon().get(), Booking("6471065708900013", "081234567013"), &held),
              IsOk());
  std::string first = CodeSentFor("+6281234567013");
  server_->clock().Advance(absl::Minutes(11));
  confirm.set_booking_code(held.booking_code());
  confirm.set_code(first);
  grpc::Status expired = pub_->ConfirmVisit(Anon().get(), confirm, &v);
  EXPECT_THAT(expired, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(expired.error_message(), HasSubstr("expired"));
  v1::ResendCodeRequest resend;
  resend.set_booking_code(held.booking_code());
  v1::BookVisitResponse fresh;
  ASSERT_THAT(pub_->ResendCode(Anon().get(), resend, &fresh), IsOk());
  std::string second = CodeSentFor("+6281234567013");
  if (second != first) {
    EXPECT_THAT(pub_->ConfirmVisit(Anon().get(), confirm, &v), StatusIs(grpc::INVALID_ARGUMENT));
  }
  confirm.set_code(second);
  EXPECT_THAT(pub_->ConfirmVisit(Anon().get(), confirm, &v), IsOk());
  server_->clock().Set(DefaultTestNow());
}

// A booking takes the NIK's lock before the phone's, as a reschedule does: in the other order a
// booking and a reschedule of one person could deadlock. The NIK's lock is held here; the
// confirmation waits for it without holding the phone's.
TEST_F(PublicTest, AConfirmationTakesTheNiksLockBeforeThePhones) {
  const std::string nik = "6471065708900041";
  v1::BookVisitResponse h;
  ASSERT_THAT(pub_->BookVisit(Anon().get(), Booking(nik, "081234567041"), &h), IsOk());
  const std::string code = CodeSentFor("+6281234567041");
  auto key = [](const std::string& what, const std::string& value) {
    return absl::StrCat("hashtextextended('bpp/", what, "/", value, "', 7406)");
  };
  pqxx::connection holder(server_->conninfo());
  pqxx::nontransaction(holder).exec(absl::StrCat("SELECT pg_advisory_lock(", key("nik", nik), ")"));
  grpc::Status confirmed;
  std::thread confirming([&] {
    v1::ConfirmVisitRequest c;
    c.set_booking_code(h.booking_code());
    c.set_code(code);
    v1::PublicVisit v;
    confirmed = pub_->ConfirmVisit(Anon().get(), c, &v);
  });
  // Until the confirmation waits for the NIK's lock (an event, not time: at most 10 s). pg_locks
  // is the whole server's: only this test's database counts.
  bool waiting = false;
  for (int i = 0; i < 200 && !waiting; ++i) {
    waiting = server_->Query(
                  "SELECT count(*) > 0 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                  " AND database = (SELECT oid FROM pg_database WHERE datname = "
                  "current_database())") == "t";
    if (!waiting) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(waiting);
  // The phone's lock is free (taken and let go at once by a connection of its own).
  EXPECT_EQ(server_->Query(
                absl::StrCat("SELECT pg_try_advisory_lock(", key("phone", "+6281234567041"), ")")),
            "t");
  pqxx::nontransaction(holder).exec("SELECT pg_advisory_unlock_all()");
  confirming.join();
  EXPECT_THAT(confirmed, IsOk());
}

TEST_F(PublicTest, ElderlyPriorityFromTheNikAndOnePhoneCannotHoardSeats) {
  // Born 1956-03-01 (a woman: day + 40): 70 on the visit day.
  v1::BookVisitResponse held;
  ASSERT_THAT(pub_->BookVisit(Anon().get(), Booking("6471064103560001", "081234567020"), &held),
              IsOk());
  EXPECT_EQ(held.priority_class(), v1::PRIORITY_CLASS_ELDERLY);
  v1::BookVisitRequest young = Booking("6471065708900021", "081234567021");
  young.set_disability(true);
  ASSERT_THAT(pub_->BookVisit(Anon().get(), young, &held), IsOk());
  EXPECT_EQ(held.priority_class(), v1::PRIORITY_CLASS_DISABILITY);

  auto confirm = [&](const v1::BookVisitResponse& h, const std::string& code) {
    v1::ConfirmVisitRequest c;
    c.set_booking_code(h.booking_code());
    c.set_code(code);
    v1::PublicVisit v;
    return pub_->ConfirmVisit(Anon().get(), c, &v);
  };
  auto codes_sent_to = [&](const std::string& phone_e164) {
    return server_->Query(absl::StrCat(
        "SELECT count(*) FROM notifications WHERE template_id = 'booking.code' AND address = '",
        phone_e164, "'"));
  };
  // One phone, three NIKs: the third booking is refused naming the phone, before any code is
  // sent to it (until 2026-12-04 the code went out and only its confirmation was refused).
  for (const char* nik : {"6471065708900031", "6471065708900032"}) {
    v1::BookVisitResponse h;
    ASSERT_THAT(pub_->BookVisit(Anon().get(), Booking(nik, "081234567030"), &h), IsOk());
    EXPECT_THAT(confirm(h, CodeSentFor("+6281234567030")), IsOk());
  }
  v1::BookVisitResponse h;
  grpc::Status third =
      pub_->BookVisit(Anon().get(), Booking("6471065708900033", "081234567030"), &h);
  EXPECT_THAT(third, StatusIs(grpc::RESOURCE_EXHAUSTED));
  EXPECT_THAT(third.error_message(), HasSubstr("applicant.phone"));
  EXPECT_EQ(codes_sent_to("+6281234567030"), "2");
  // A NIK's limit is not answered before the phone's code (that would tell anyone whether a
  // person's NIK holds bookings): its third request is refused at the confirmation.
  address_ = "10.9.1.1";
  ASSERT_THAT(pub_->BookVisit(Anon().get(), Booking("6471065708900031", "081234567031"), &h),
              IsOk());
  EXPECT_THAT(confirm(h, CodeSentFor("+6281234567031")), IsOk());
  ASSERT_THAT(pub_->BookVisit(Anon().get(), Booking("6471065708900031", "081234567032"), &h),
              IsOk());
  grpc::Status nik = confirm(h, CodeSentFor("+6281234567032"));
  EXPECT_THAT(nik, StatusIs(grpc::RESOURCE_EXHAUSTED));
  EXPECT_THAT(nik.error_message(), HasSubstr("applicant.nik"));

  // A retry of a booking accepted before the phone reached its limit still gets its answer.
  address_ = "10.9.1.3";
  v1::BookVisitRequest first = Booking("6471065708900061", "081234567060");
  v1::BookVisitResponse h1, h1again;
  ASSERT_THAT(pub_->BookVisit(Anon().get(), first, &h1), IsOk());
  EXPECT_THAT(confirm(h1, CodeSentFor("+6281234567060")), IsOk());
  ASSERT_THAT(pub_->BookVisit(Anon().get(), Booking("6471065708900062", "081234567060"), &h),
              IsOk());
  EXPECT_THAT(confirm(h, CodeSentFor("+6281234567060")), IsOk());
  ASSERT_THAT(pub_->BookVisit(Anon().get(), first, &h1again), IsOk());
  EXPECT_EQ(h1again.booking_code(), h1.booking_code());

  // Three bookings held at once pass that early look; the confirmation still decides, under the
  // phone's lock: the third is refused naming the phone.
  address_ = "10.9.1.2";
  std::vector<v1::BookVisitResponse> holds(3);
  std::vector<std::string> codes;
  for (int i = 0; i < 3; ++i) {
    ASSERT_THAT(
        pub_->BookVisit(Anon().get(), Booking(absl::StrCat("647106570890004", i), "081234567040"),
                        &holds[i]),
        IsOk());
    codes.push_back(CodeSentFor("+6281234567040"));
  }
  EXPECT_THAT(confirm(holds[0], codes[0]), IsOk());
  EXPECT_THAT(confirm(holds[1], codes[1]), IsOk());
  grpc::Status late = confirm(holds[2], codes[2]);
  EXPECT_THAT(late, StatusIs(grpc::RESOURCE_EXHAUSTED));
  EXPECT_THAT(late.error_message(), HasSubstr("applicant.phone"));
}

TEST_F(PublicTest, ANumberAClinicGaveForItsStaffStillBooksForItsOwner) {
  // A clinic books two health workers with its front-desk number. The per-phone limit stops the
  // public hoarding seats, so those do not count when someone books with that number themselves
  // (until 2026-12-02 they did, and the owner of the number was refused).
  auto appts = v1::AppointmentService::NewStub(server_->channel());
  for (const char* nik : {"6471065708900052", "6471065708900053"}) {
    v1::CreateAppointmentRequestRequest req;
    req.set_request_id(NewUuid());
    req.set_service("SIP_PERAWAT");
    req.mutable_applicant()->set_nik(nik);
    req.mutable_applicant()->set_name("Perawat Klinik");
    req.mutable_applicant()->set_phone("081234567050");
    v1::TimeWindow* w = req.add_windows();
    w->set_starts_at(At("2026-03-26", "08:00"));
    w->set_ends_at(At("2026-03-26", "09:00"));
    v1::AppointmentRequest r;
    ASSERT_THAT(appts->CreateAppointmentRequest(Ctx(clinic_a_).get(), req, &r), IsOk());
  }
  v1::BookVisitResponse held;
  ASSERT_THAT(pub_->BookVisit(Anon().get(), Booking("6471065708900054", "081234567050"), &held),
              IsOk());
  v1::ConfirmVisitRequest c;
  c.set_booking_code(held.booking_code());
  c.set_code(CodeSentFor("+6281234567050"));
  v1::PublicVisit v;
  grpc::Status s = pub_->ConfirmVisit(Anon().get(), c, &v);
  EXPECT_THAT(s, IsOk()) << s.error_message();
}

TEST_F(PublicTest, BadFieldsAreNamedAndOpenDaysShowWordsNotCounts) {
  v1::BookVisitResponse held;
  v1::BookVisitRequest bad = Booking("123", "081234567040");
  grpc::Status s = pub_->BookVisit(Anon().get(), bad, &held);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("nik"));
  bad = Booking("6471065708900041", "12");
  s = pub_->BookVisit(Anon().get(), bad, &held);
  EXPECT_THAT(s.error_message(), HasSubstr("phone"));
  bad = Booking("6471065708900041", "081234567041");
  bad.set_office_id("nowhere");
  EXPECT_THAT(pub_->BookVisit(Anon().get(), bad, &held), StatusIs(grpc::NOT_FOUND));

  v1::ListOpenDaysRequest days;
  days.set_office_id("bpp");
  days.set_from("2026-03-25");  // the week before is Nyepi and Idul Fitri
  days.set_days(7);
  v1::ListOpenDaysResponse open;
  ASSERT_THAT(pub_->ListOpenDays(Anon().get(), days, &open), IsOk());
  ASSERT_GE(open.days_size(), 4);
  for (const auto& d : open.days()) {
    for (const auto& slot : d.slots())
      EXPECT_NE(slot.availability(), v1::SLOT_AVAILABILITY_UNSPECIFIED);
  }
  v1::PublicOffice office;
  v1::GetPublicOfficeRequest oreq;
  oreq.set_office_id("bpp");
  ASSERT_THAT(pub_->GetPublicOffice(Anon().get(), oreq, &office), IsOk());
  EXPECT_GE(office.services_size(), 1);
}

TEST_F(PublicTest, TrackingCodeShowsTheCaseAndNothingMore) {
  v1::Case c = SubmitAsClinicA();
  ASSERT_EQ(c.tracking_code().size(), 10u);
  v1::TrackCaseRequest req;
  req.set_tracking_code(absl::StrCat(absl::AsciiStrToLower(c.tracking_code().substr(0, 5)), "-",
                                     c.tracking_code().substr(5)));
  v1::PublicCaseStatus st;
  ASSERT_THAT(pub_->TrackCase(Anon().get(), req, &st), IsOk());
  EXPECT_EQ(st.state(), v1::CASE_STATE_SUBMITTED);
  EXPECT_EQ(st.permit_type(), "SIP_PERAWAT");
  EXPECT_FALSE(st.due_date().empty());
  EXPECT_EQ(st.holder_name_masked().find(c.applicant().name()), std::string::npos);
  EXPECT_GE(st.missing_documents_size(), 1);  // nothing attached yet
  req.set_tracking_code("ZZZZZZZZZZ");
  EXPECT_THAT(pub_->TrackCase(Anon().get(), req, &st), StatusIs(grpc::NOT_FOUND));
}

TEST_F(PublicTest, GuessingIsLimitedPerAddress) {
  v1::TrackCaseRequest req;
  req.set_tracking_code("ZZZZZZZZZZ");
  v1::PublicCaseStatus st;
  int refused = 0;
  for (int i = 0; i < 30; ++i) {
    grpc::Status s = pub_->TrackCase(Anon().get(), req, &st);
    if (s.error_code() == grpc::RESOURCE_EXHAUSTED) {
      ++refused;
      EXPECT_THAT(s.error_message(), HasSubstr("try again in"));
    }
  }
  EXPECT_GE(refused, 10);
  // Another address is not held back, and without loket-web's key an address cannot be claimed.
  address_ = "10.9.1.1";
  EXPECT_THAT(pub_->TrackCase(Anon().get(), req, &st), StatusIs(grpc::NOT_FOUND));
  auto forged = Ctx("");
  forged->AddMetadata("x-loket-edge-key", "not-the-key-0123456789abcdef0123456789");
  forged->AddMetadata("x-loket-client-addr", "10.9.9.9");
  int forged_refused = 0;
  for (int i = 0; i < 15; ++i) {
    auto c = Ctx("");
    c->AddMetadata("x-loket-edge-key", "not-the-key-0123456789abcdef0123456789");
    c->AddMetadata("x-loket-client-addr", absl::StrCat("10.9.9.", i));  // claims change nothing
    forged_refused += pub_->TrackCase(c.get(), req, &st).error_code() == grpc::RESOURCE_EXHAUSTED;
  }
  EXPECT_GE(forged_refused, 4);  // all counted against the real peer, 127.0.0.1

  // Guessing a permit's code is limited the same way.
  address_ = "10.9.2.1";
  v1::VerifyPermitRequest vr;
  vr.set_permit_number("0001/SIP_PERAWAT/DPMPTSP-BPP/2026");
  vr.set_verification_code("GUESS12345");
  v1::VerifyPermitResponse vresp;
  int permit_refused = 0;
  auto cases_stub = v1::CaseService::NewStub(server_->channel());
  for (int i = 0; i < 20; ++i) {
    permit_refused +=
        cases_stub->VerifyPermit(Anon().get(), vr, &vresp).error_code() == grpc::RESOURCE_EXHAUSTED;
  }
  EXPECT_GE(permit_refused, 9);
}

}  // namespace
}  // namespace loket::itest
