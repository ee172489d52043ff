// Validity and revocation (issue 13) end to end: valid_until on issue, RevokePermit, the public
// verification's valid / expired / revoked, the 90- and 30-day expiry reminders (two sweepers at
// once, as two replicas would), and one live application per NIK and permit type (race-safe).
// Real PostgreSQL, the real server on port 0; dates are backdated in the database.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "gmock/gmock.h"
#include "server/api/convert.h"
#include "server/store/database.h"
#include "server/store/expiry_reminders.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::testing::HasSubstr;
using Stub = v1::CaseService::Stub;

class ValidityTest : public ServerTest {
 protected:
  // Takes `r` (submitted by clinic A) all the way to ISSUED and returns the issued case.
  v1::Case Issued(const v1::SubmitApplicationRequest& r) {
    v1::Case c;
    grpc::Status s = cases().SubmitApplication(Ctx(clinic_a_).get(), r, &c);
    EXPECT_THAT(s, IsOk()) << s.error_message();
    AttachAll(c.id(), clinic_a_);
    EXPECT_THAT(Do(&Stub::StartVerification, officer_, c.id()), IsOk());
    EXPECT_THAT(Do(&Stub::Approve, approver_, c.id(), "lengkap"), IsOk());
    grpc::Status issued = Do(&Stub::Issue, officer_, c.id(), "", &c);
    EXPECT_THAT(issued, IsOk()) << issued.error_message();
    return c;
  }

  v1::VerifyPermitResponse Verify(const v1::Case& c) {
    v1::VerifyPermitRequest vr;
    vr.set_permit_number(c.permit_number());
    vr.set_verification_code(c.verification_code());
    v1::VerifyPermitResponse out;
    grpc::Status s = cases().VerifyPermit(Ctx("").get(), vr, &out);
    EXPECT_THAT(s, IsOk()) << s.error_message();
    return out;
  }

  grpc::Status Revoke(const std::string& token, int64_t id, const std::string& reason, bool publish,
                      v1::Case* out) {
    v1::RevokePermitRequest r;
    r.set_request_id(NewUuid());
    r.set_case_id(id);
    r.set_reason(reason);
    r.set_publish_reason(publish);
    return cases().RevokePermit(Ctx(token).get(), r, out);
  }
};

TEST_F(ValidityTest, PermitFollowsItsStrAndLastsAtMostFiveYears) {
  // Issued on the test clock's day, 2026-03-17.
  v1::SubmitApplicationRequest with_str = NurseApplication();
  with_str.set_str_valid_until("2029-06-30");
  v1::Case a = Issued(with_str);
  EXPECT_EQ(a.str_valid_until(), "2029-06-30");
  EXPECT_EQ(a.valid_until(), "2029-06-30");  // the STR ends first

  v1::SubmitApplicationRequest long_str = NurseApplication();
  long_str.set_str_valid_until("2040-01-01");
  EXPECT_EQ(Issued(long_str).valid_until(), "2031-03-17");  // five years

  v1::Case life = Issued(NurseApplication());  // an STR valid for life
  EXPECT_EQ(life.valid_until(), "2031-03-17");
  EXPECT_EQ(life.str_valid_until(), "");
  // Verification tells the holder's public how long it holds.
  v1::VerifyPermitResponse v = Verify(life);
  EXPECT_TRUE(v.valid());
  EXPECT_EQ(v.status(), v1::PERMIT_STATUS_VALID);
  EXPECT_EQ(v.valid_until(), "2031-03-17");
}

TEST_F(ValidityTest, StrValidUntilIsCheckedAndNamed) {
  v1::Case out;
  v1::SubmitApplicationRequest ended = NurseApplication();
  ended.set_str_valid_until("2026-03-16");  // the day before the test's today
  grpc::Status s = cases().SubmitApplication(Ctx(clinic_a_).get(), ended, &out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("str_valid_until"));

  v1::SubmitApplicationRequest garbled = NurseApplication();
  garbled.set_str_valid_until("30-06-2029");
  s = cases().SubmitApplication(Ctx(clinic_a_).get(), garbled, &out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("str_valid_until"));

  // A billboard permit rests on no STR.
  v1::SubmitApplicationRequest billboard = NurseApplication();
  billboard.set_permit_type("REKLAME");
  billboard.set_str_valid_until("2029-06-30");
  s = cases().SubmitApplication(Ctx(officer_).get(), billboard, &out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("str_valid_until"));
}

TEST_F(ValidityTest, ApproverRevokesWithReasonAuditedNotifiedAndVerifiedAsRevoked) {
  v1::Case c = Issued(NurseApplication());
  v1::Case out;
  // Only an approver, only with a reason.
  EXPECT_THAT(Revoke(officer_, c.id(), "data palsu", false, &out),
              StatusIs(grpc::PERMISSION_DENIED));
  grpc::Status s = Revoke(approver_, c.id(), "  ", false, &out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("reason"));

  s = Revoke(approver_, c.id(), "STR dicabut oleh konsil", false, &out);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(out.state(), v1::CASE_STATE_REVOKED);
  EXPECT_EQ(out.revoke_reason(), "STR dicabut oleh konsil");
  EXPECT_FALSE(out.revoked_at().empty());

  // Audited: who, from which state, why.
  v1::GetCaseHistoryRequest hr;
  hr.set_case_id(c.id());
  v1::GetCaseHistoryResponse history;
  ASSERT_THAT(cases().GetCaseHistory(Ctx(officer_).get(), hr, &history), IsOk());
  const v1::CaseEvent& last = history.events(history.events_size() - 1);
  EXPECT_EQ(last.action(), "Revoke");
  EXPECT_EQ(last.from_state(), v1::CASE_STATE_ISSUED);
  EXPECT_EQ(last.to_state(), v1::CASE_STATE_REVOKED);
  EXPECT_EQ(last.actor_role(), "approver");
  EXPECT_THAT(last.note(), HasSubstr("STR dicabut oleh konsil"));
  // The holder hears of it (gateway and e-mail).
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT count(*) FROM notifications WHERE case_id = ",
                                        c.id(), " AND template_id = 'case.revoked'")),
            "2");

  // The public sees it revoked, with the date; the reason stays inside unless published.
  v1::VerifyPermitResponse v = Verify(c);
  EXPECT_FALSE(v.valid());
  EXPECT_EQ(v.status(), v1::PERMIT_STATUS_REVOKED);
  EXPECT_EQ(v.revoked_on(), "2026-03-17");
  EXPECT_EQ(v.revoke_reason(), "");
  EXPECT_EQ(v.holder_name(), "S*** R***");

  // Nothing more will happen to it: a watcher's stream ends after the Revoke event.
  v1::WatchCaseRequest w;
  w.set_case_id(c.id());
  auto watch_ctx = Ctx(officer_);
  auto stream = cases().WatchCase(watch_ctx.get(), w);
  v1::CaseEvent e;
  v1::CaseState seen = v1::CASE_STATE_UNSPECIFIED;
  while (stream->Read(&e)) seen = e.to_state();
  grpc::Status ended = stream->Finish();
  EXPECT_THAT(ended, IsOk()) << ended.error_code() << ": " << ended.error_message();
  EXPECT_EQ(seen, v1::CASE_STATE_REVOKED);

  // Nothing more to revoke; and a case never issued cannot be revoked.
  s = Revoke(approver_, c.id(), "lagi", false, &out);
  EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(s.error_message(), HasSubstr("REVOKED"));
  v1::Case pending = SubmitAsClinicA();
  s = Revoke(approver_, pending.id(), "salah", false, &out);
  EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(s.error_message(), HasSubstr("SUBMITTED"));

  // A collected permit, its reason published.
  v1::Case collected = Issued(NurseApplication());
  v1::TransitionRequest tr = Transition(collected.id());
  tr.mutable_collector()->set_name("Siti Rahmawati");
  tr.mutable_collector()->set_id_document_type("KTP");
  tr.mutable_collector()->set_id_document_number(collected.applicant().nik());
  ASSERT_THAT(cases().MarkCollected(Ctx(counter_).get(), tr, &out), IsOk());
  ASSERT_THAT(Revoke(approver_, collected.id(), "Praktik di luar izin", true, &out), IsOk());
  v = Verify(collected);
  EXPECT_EQ(v.status(), v1::PERMIT_STATUS_REVOKED);
  EXPECT_EQ(v.revoke_reason(), "Praktik di luar izin");
}

TEST_F(ValidityTest, VerificationSaysExpiredAfterValidUntil) {
  v1::Case c = Issued(NurseApplication());
  server_->Query(absl::StrCat("UPDATE cases SET valid_until = '2026-03-16' WHERE id = ", c.id()));
  v1::VerifyPermitResponse v = Verify(c);
  EXPECT_FALSE(v.valid());
  EXPECT_EQ(v.status(), v1::PERMIT_STATUS_EXPIRED);
  EXPECT_EQ(v.valid_until(), "2026-03-16");
  // On its last day it is still valid.
  server_->Query(absl::StrCat("UPDATE cases SET valid_until = '2026-03-17' WHERE id = ", c.id()));
  EXPECT_EQ(Verify(c).status(), v1::PERMIT_STATUS_VALID);
}

TEST_F(ValidityTest, RemindersGoOnceEachAt90And30DaysWithTwoSweepersAtOnce) {
  v1::Case c = Issued(NurseApplication());
  v1::Case other = Issued(NurseApplication());  // far from expiry: never reminded here
  auto count = [&](const std::string& where) {
    return server_->Query(
        absl::StrCat("SELECT count(*) FROM expiry_reminders WHERE case_id = ", c.id(), where));
  };
  auto messages = [&] {
    return server_->Query(absl::StrCat("SELECT count(*) FROM notifications WHERE case_id = ",
                                       c.id(), " AND template_id = 'permit.expiry_reminder'"));
  };
  // Two replicas' sweepers, each with its own pool, at the same time.
  store::Database db1(store::DatabaseOptions{server_->conninfo(), 2});
  store::Database db2(store::DatabaseOptions{server_->conninfo(), 2});
  store::ExpiryReminders one(db1, server_->clock(), api::EncodeNotifySend);
  store::ExpiryReminders two(db2, server_->clock(), api::EncodeNotifySend);
  auto sweep_both = [&] {
    std::thread t([&] { EXPECT_THAT(one.SweepOnce(), IsOk()); });
    EXPECT_THAT(two.SweepOnce(), IsOk());
    t.join();
  };

  // Today is 2026-03-17: 91 days before the end nothing is due.
  server_->Query(absl::StrCat("UPDATE cases SET valid_until = '2026-06-16' WHERE id = ", c.id()));
  sweep_both();
  EXPECT_EQ(count(""), "0");
  // 80 days before: the 90-day reminder, once, by gateway and e-mail.
  server_->Query(absl::StrCat("UPDATE cases SET valid_until = '2026-06-05' WHERE id = ", c.id()));
  for (int i = 0; i < 3; ++i) sweep_both();
  EXPECT_EQ(count(" AND days_before = 90"), "1");
  EXPECT_EQ(count(" AND days_before = 30"), "0");
  EXPECT_EQ(messages(), "2");
  // 20 days before: the 30-day reminder, once.
  server_->Query(absl::StrCat("UPDATE cases SET valid_until = '2026-04-06' WHERE id = ", c.id()));
  for (int i = 0; i < 3; ++i) sweep_both();
  EXPECT_EQ(count(" AND days_before = 90"), "1");
  EXPECT_EQ(count(" AND days_before = 30"), "1");
  EXPECT_EQ(messages(), "4");
  EXPECT_EQ(server_->Query(
                absl::StrCat("SELECT count(*) FROM expiry_reminders WHERE case_id = ", other.id())),
            "0");

  // A permit already inside 30 days hears once, the 30-day reminder; a revoked one never.
  v1::Case late = Issued(NurseApplication());
  v1::Case revoked = Issued(NurseApplication());
  server_->Query(absl::StrCat("UPDATE cases SET valid_until = '2026-04-01' WHERE id IN (",
                              late.id(), ", ", revoked.id(), ")"));
  v1::Case out;
  grpc::Status s = Revoke(approver_, revoked.id(), "dicabut", false, &out);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  sweep_both();
  EXPECT_EQ(server_->Query(absl::StrCat(
                "SELECT string_agg(days_before::text, ',') FROM expiry_reminders WHERE case_id = ",
                late.id())),
            "30");
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT count(*) FROM expiry_reminders WHERE case_id = ",
                                        revoked.id())),
            "0");
}

TEST_F(ValidityTest, SecondLiveApplicationForSameNikAndTypeIsRefusedNamingTheFirst) {
  v1::SubmitApplicationRequest r = NurseApplication();
  v1::Case first;
  ASSERT_THAT(cases().SubmitApplication(Ctx(clinic_a_).get(), r, &first), IsOk());
  // The office, another request: refused, naming the first case.
  r.set_request_id(NewUuid());
  v1::Case out;
  grpc::Status s = cases().SubmitApplication(Ctx(officer_).get(), r, &out);
  EXPECT_THAT(s, StatusIs(grpc::ALREADY_EXISTS));
  EXPECT_THAT(s.error_message(), HasSubstr(absl::StrCat("case ", first.id())));
  EXPECT_THAT(s.error_message(), HasSubstr("applicant.nik"));
  // Another clinic is refused too, but is not shown the first clinic's case.
  r.set_request_id(NewUuid());
  s = cases().SubmitApplication(Ctx(clinic_b_).get(), r, &out);
  EXPECT_THAT(s, StatusIs(grpc::ALREADY_EXISTS));
  EXPECT_THAT(s.error_message(), HasSubstr("applicant.nik"));
  EXPECT_THAT(s.error_message(), ::testing::Not(HasSubstr(absl::StrCat("case ", first.id()))));
  // Another permit type for the same person is fine.
  v1::SubmitApplicationRequest billboard = r;
  billboard.set_request_id(NewUuid());
  billboard.set_permit_type("REKLAME");
  EXPECT_THAT(cases().SubmitApplication(Ctx(officer_).get(), billboard, &out), IsOk());
  // Once the first is closed (withdrawn), a new one may start.
  ASSERT_THAT(Do(&Stub::Withdraw, clinic_a_, first.id()), IsOk());
  r.set_request_id(NewUuid());
  v1::Case second;
  ASSERT_THAT(cases().SubmitApplication(Ctx(clinic_a_).get(), r, &second), IsOk());

  // An issued permit is live until it expires or is revoked.
  v1::Case issued = Issued(NurseApplication());
  v1::SubmitApplicationRequest again = NurseApplication();
  again.mutable_applicant()->set_nik(issued.applicant().nik());
  s = cases().SubmitApplication(Ctx(clinic_a_).get(), again, &out);
  EXPECT_THAT(s, StatusIs(grpc::ALREADY_EXISTS));
  EXPECT_THAT(s.error_message(), HasSubstr(absl::StrCat("case ", issued.id())));
  // Renewal opens 90 days before the end (today is 2026-03-17; the first reminder goes out then).
  server_->Query(
      absl::StrCat("UPDATE cases SET valid_until = '2026-06-16' WHERE id = ", issued.id()));
  again.set_request_id(NewUuid());
  EXPECT_THAT(cases().SubmitApplication(Ctx(clinic_a_).get(), again, &out),
              StatusIs(grpc::ALREADY_EXISTS));
  server_->Query(
      absl::StrCat("UPDATE cases SET valid_until = '2026-06-15' WHERE id = ", issued.id()));
  again.set_request_id(NewUuid());
  EXPECT_THAT(cases().SubmitApplication(Ctx(clinic_a_).get(), again, &out), IsOk());
}

TEST_F(ValidityTest, ConcurrentSubmissionsForOneNikAndTypeLetExactlyOneWin) {
  const std::string nik = NurseApplication().applicant().nik();
  constexpr int kCallers = 8;
  std::atomic<int> ok{0}, exists{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&, i] {
      v1::SubmitApplicationRequest r = NurseApplication();
      r.mutable_applicant()->set_nik(nik);
      v1::Case out;
      grpc::Status s =
          cases().SubmitApplication(Ctx(i % 2 == 0 ? clinic_a_ : officer_).get(), r, &out);
      if (s.ok()) {
        ++ok;
      } else if (s.error_code() == grpc::ALREADY_EXISTS) {
        ++exists;
      } else {
        ++other;
        ADD_FAILURE() << s.error_code() << ": " << s.error_message();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(exists.load(), kCallers - 1);
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT count(*) FROM cases WHERE applicant_nik = '", nik,
                                        "' AND permit_type = 'SIP_PERAWAT'")),
            "1");
}

}  // namespace
}  // namespace loket::itest
