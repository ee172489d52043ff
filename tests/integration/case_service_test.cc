// CaseService end to end: real PostgreSQL, the real server on port 0, a gRPC client.
#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "gmock/gmock.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using Stub = v1::CaseService::Stub;

class CaseLifecycleTest : public ServerTest {};

TEST_F(CaseLifecycleTest, ClinicSubmissionStartsSubmittedWithDueDate) {
  v1::Case c = SubmitAsClinicA();
  EXPECT_GT(c.id(), 0);
  EXPECT_EQ(c.state(), v1::CASE_STATE_SUBMITTED);
  EXPECT_EQ(c.channel(), v1::CHANNEL_CLINIC);
  EXPECT_EQ(c.clinic_id(), "pkm-a");
  EXPECT_EQ(c.applicant().phone(), "+6281234567890");  // normalised to E.164
  EXPECT_EQ(c.sla().service_level_days(), 5);
  // Submitted Tue 2026-03-17; 18-24 March are holidays or weekend: 25, 26, 27, 30, 31.
  EXPECT_EQ(c.sla().due_date(), "2026-03-31");
  EXPECT_FALSE(c.etag().empty());
}

TEST_F(CaseLifecycleTest, FullPathToIssuedPermitThatAnyoneCanVerify) {
  v1::Case c = SubmitAsClinicA();
  AttachAll(c.id(), clinic_a_);
  v1::Case out;
  ASSERT_THAT(Do(&Stub::StartVerification, officer_, c.id(), "", &out), IsOk());
  EXPECT_EQ(out.state(), v1::CASE_STATE_VERIFYING);
  ASSERT_THAT(Do(&Stub::Approve, approver_, c.id(), "lengkap", &out), IsOk());
  EXPECT_EQ(out.state(), v1::CASE_STATE_APPROVED);
  ASSERT_THAT(Do(&Stub::Issue, officer_, c.id(), "", &out), IsOk());
  EXPECT_EQ(out.state(), v1::CASE_STATE_ISSUED);
  EXPECT_THAT(out.permit_number(), HasSubstr("/SIP_PERAWAT/DPMPTSP-BPP/2026"));
  EXPECT_EQ(out.verification_code().size(), 10u);
  EXPECT_TRUE(out.sla().due_date().empty());  // the clock stops at issue

  // Public verification, without any token.
  v1::VerifyPermitRequest vr;
  vr.set_permit_number(out.permit_number());
  vr.set_verification_code(out.verification_code());
  v1::VerifyPermitResponse vresp;
  ASSERT_THAT(cases().VerifyPermit(Ctx("").get(), vr, &vresp), IsOk());
  EXPECT_TRUE(vresp.valid());
  EXPECT_EQ(vresp.holder_name(), "S*** R***");
  EXPECT_EQ(vresp.issued_on(), "2026-03-17");
  // As people type it: lower case, with a dash in the middle.
  std::string typed = absl::AsciiStrToLower(out.verification_code());
  typed.insert(typed.size() / 2, "-");
  vr.set_verification_code(typed);
  ASSERT_THAT(cases().VerifyPermit(Ctx("").get(), vr, &vresp), IsOk());
  EXPECT_TRUE(vresp.valid());
  // The number too: lower case, with spaces around a slash (a phone's keyboard, a quick typist).
  std::string number = absl::AsciiStrToLower(out.permit_number());
  number.insert(number.find('/') + 1, " ");
  vr.set_permit_number(absl::StrCat(" ", number));
  ASSERT_THAT(cases().VerifyPermit(Ctx("").get(), vr, &vresp), IsOk());
  EXPECT_TRUE(vresp.valid()) << vr.permit_number();
  vr.set_permit_number(out.permit_number());
  vr.set_verification_code("WRONGCODE2");
  ASSERT_THAT(cases().VerifyPermit(Ctx("").get(), vr, &vresp), IsOk());
  EXPECT_FALSE(vresp.valid());
  EXPECT_TRUE(vresp.holder_name().empty());

  // Collection at the counter records who took the permit and on which identity document.
  v1::TransitionRequest collect = Transition(c.id(), "");
  grpc::Status missing = cases().MarkCollected(Ctx(counter_).get(), collect, &out);
  EXPECT_THAT(missing, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(missing.error_message(), HasSubstr("collector"));
  collect.mutable_collector()->set_name("Ns. Herlina (TU RSUD)");
  collect.mutable_collector()->set_id_document_type("ktp");
  collect.mutable_collector()->set_id_document_number("12345");
  grpc::Status short_ktp = cases().MarkCollected(Ctx(counter_).get(), collect, &out);
  EXPECT_THAT(short_ktp, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(short_ktp.error_message(), HasSubstr("collector.id_document_number"));
  collect.mutable_collector()->set_id_document_number("6471 0657 0890 0001");
  ASSERT_THAT(cases().MarkCollected(Ctx(counter_).get(), collect, &out), IsOk());
  EXPECT_EQ(out.state(), v1::CASE_STATE_COLLECTED);
  EXPECT_EQ(out.collected_by().name(), "Ns. Herlina (TU RSUD)");
  EXPECT_EQ(out.collected_by().id_document_type(), "KTP");
  EXPECT_EQ(out.collected_by().id_document_number(), "\u2022\u2022\u2022\u20220001");
  EXPECT_EQ(
      server_->Query(absl::StrCat("SELECT collected_id_number FROM cases WHERE id = ", c.id())),
      "6471065708900001");

  v1::GetCaseHistoryRequest hr;
  hr.set_case_id(c.id());
  v1::GetCaseHistoryResponse h;
  ASSERT_THAT(cases().GetCaseHistory(Ctx(officer_).get(), hr, &h), IsOk());
  std::vector<std::string> actions;
  for (const auto& e : h.events()) actions.push_back(e.action());
  EXPECT_THAT(actions,
              ::testing::ElementsAre("Submit", "AttachDocument", "AttachDocument", "AttachDocument",
                                     "StartVerification", "Approve", "Issue", "MarkCollected"));
  EXPECT_EQ(h.events(5).actor_role(), "approver");
  EXPECT_EQ(h.events(5).from_state(), v1::CASE_STATE_VERIFYING);
  EXPECT_EQ(h.events(5).to_state(), v1::CASE_STATE_APPROVED);
  EXPECT_EQ(h.events(5).terminal(), "test-terminal");
  EXPECT_EQ(h.events(7).note(),
            "collected by Ns. Herlina (TU RSUD), KTP \u2022\u2022\u2022\u20220001");
}

TEST_F(CaseLifecycleTest, IllegalTransitionsNameTheCurrentState) {
  v1::Case c = SubmitAsClinicA();
  struct Case {
    TransitionFn fn;
    std::string token;
  };
  // From SUBMITTED only StartVerification and Withdraw are legal.
  std::vector<Case> illegal = {
      {&Stub::Approve, approver_},        {&Stub::Reject, approver_},
      {&Stub::Issue, officer_},           {&Stub::RequestRevision, officer_},
      {&Stub::SubmitRevision, clinic_a_}, {&Stub::MarkCollected, counter_},
      {&Stub::MarkDelivered, officer_},   {&Stub::SubmitDraft, clinic_a_}};
  for (const auto& t : illegal) {
    grpc::Status s = Do(t.fn, t.token, c.id(), "reason");
    EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION)) << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr("is SUBMITTED"));
  }
  // Nothing changed: still SUBMITTED, no events besides the submission.
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT state FROM cases WHERE id = ", c.id())),
            "SUBMITTED");
  EXPECT_EQ(
      server_->Query(absl::StrCat("SELECT count(*) FROM case_events WHERE case_id = ", c.id())),
      "1");
}

TEST_F(CaseLifecycleTest, RevisionRoundTripAndRejection) {
  v1::Case c = SubmitAsClinicA();
  v1::Case out;
  ASSERT_THAT(Do(&Stub::StartVerification, officer_, c.id()), IsOk());
  grpc::Status s = Do(&Stub::RequestRevision, officer_, c.id(), "");
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("note"));
  ASSERT_THAT(Do(&Stub::RequestRevision, officer_, c.id(), "STR sudah kedaluwarsa", &out), IsOk());
  EXPECT_EQ(out.state(), v1::CASE_STATE_REVISION_REQUESTED);
  EXPECT_TRUE(out.sla().paused());
  EXPECT_EQ(out.revision_reason(), "STR sudah kedaluwarsa");
  // The clinic fixes the paper and sends it back.
  v1::Case doc;
  ASSERT_THAT(
      cases().AttachDocument(Ctx(clinic_a_).get(), Document(c.id(), "STR", "%PDF-new"), &doc),
      IsOk());
  ASSERT_THAT(Do(&Stub::SubmitRevision, clinic_a_, c.id(), "", &out), IsOk());
  EXPECT_EQ(out.state(), v1::CASE_STATE_VERIFYING);
  EXPECT_FALSE(out.sla().paused());
  // Rejection needs a reason and is final.
  EXPECT_THAT(Do(&Stub::Reject, approver_, c.id(), ""), StatusIs(grpc::INVALID_ARGUMENT));
  ASSERT_THAT(Do(&Stub::Reject, approver_, c.id(), "tempat praktik tidak sesuai", &out), IsOk());
  EXPECT_EQ(out.state(), v1::CASE_STATE_REJECTED);
  s = Do(&Stub::Approve, approver_, c.id());
  EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(s.error_message(), HasSubstr("is REJECTED"));
}

TEST_F(CaseLifecycleTest, DraftSubmitAndWithdraw) {
  v1::SubmitApplicationRequest req = NurseApplication();
  req.set_draft(true);
  v1::Case c;
  ASSERT_THAT(cases().SubmitApplication(Ctx(clinic_a_).get(), req, &c), IsOk());
  EXPECT_EQ(c.state(), v1::CASE_STATE_DRAFT);
  EXPECT_TRUE(c.sla().due_date().empty());
  v1::Case out;
  ASSERT_THAT(Do(&Stub::SubmitDraft, clinic_a_, c.id(), "", &out), IsOk());
  EXPECT_EQ(out.state(), v1::CASE_STATE_SUBMITTED);
  EXPECT_EQ(out.sla().due_date(), "2026-03-31");
  ASSERT_THAT(Do(&Stub::Withdraw, clinic_a_, c.id(), "salah jenis izin", &out), IsOk());
  EXPECT_EQ(out.state(), v1::CASE_STATE_WITHDRAWN);
  // Withdrawn is final; documents can no longer be attached.
  v1::Case doc;
  grpc::Status s = cases().AttachDocument(Ctx(clinic_a_).get(), Document(c.id(), "STR"), &doc);
  EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(s.error_message(), HasSubstr("is WITHDRAWN"));
}

TEST_F(CaseLifecycleTest, ApprovalNeedsEveryMandatoryDocument) {
  v1::Case c = SubmitAsClinicA();
  v1::Case doc;
  ASSERT_THAT(cases().AttachDocument(Ctx(clinic_a_).get(), Document(c.id(), "KTP"), &doc), IsOk());
  ASSERT_THAT(Do(&Stub::StartVerification, officer_, c.id()), IsOk());
  grpc::Status s = Do(&Stub::Approve, approver_, c.id());
  EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(s.error_message(), HasSubstr("STR"));
  EXPECT_THAT(s.error_message(), HasSubstr("SURAT_TEMPAT_PRAKTIK"));
}

TEST_F(CaseLifecycleTest, ConcurrentApprovalsWithOneEtagExactlyOneWins) {
  v1::Case c = SubmitAsClinicA();
  AttachAll(c.id(), clinic_a_);
  v1::Case verifying;
  ASSERT_THAT(Do(&Stub::StartVerification, officer_, c.id(), "", &verifying), IsOk());
  constexpr int kRacers = 8;
  std::atomic<int> ok{0}, aborted{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kRacers; ++i) {
    threads.emplace_back([&] {
      v1::Case out;
      grpc::Status s =
          cases().Approve(Ctx(approver_).get(), Transition(c.id(), "", verifying.etag()), &out);
      if (s.ok()) {
        ++ok;
      } else if (s.error_code() == grpc::ABORTED) {
        ++aborted;
      } else {
        ++other;
        ADD_FAILURE() << s.error_code() << " " << s.error_message();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(aborted.load(), kRacers - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(
      server_->Query(absl::StrCat(
          "SELECT count(*) FROM case_events WHERE action = 'Approve' AND case_id = ", c.id())),
      "1");
}

TEST_F(CaseLifecycleTest, StaleEtagIsAborted) {
  v1::Case c = SubmitAsClinicA();
  v1::Case doc;
  ASSERT_THAT(cases().AttachDocument(Ctx(clinic_a_).get(), Document(c.id(), "KTP"), &doc), IsOk());
  v1::Case out;
  grpc::Status s =
      cases().StartVerification(Ctx(officer_).get(), Transition(c.id(), "", c.etag()), &out);
  EXPECT_THAT(s, StatusIs(grpc::ABORTED));
  EXPECT_THAT(s.error_message(), HasSubstr("re-read"));
  ASSERT_THAT(
      cases().StartVerification(Ctx(officer_).get(), Transition(c.id(), "", doc.etag()), &out),
      IsOk());
}

TEST_F(CaseLifecycleTest, PermitNumbersAreGaplessAndConcurrentIssuesDoNotCollide) {
  constexpr int kCases = 6;
  std::vector<int64_t> ids;
  for (int i = 0; i < kCases; ++i) {
    v1::Case c = SubmitAsClinicA();
    AttachAll(c.id(), clinic_a_);
    ASSERT_THAT(Do(&Stub::StartVerification, officer_, c.id()), IsOk());
    ASSERT_THAT(Do(&Stub::Approve, approver_, c.id()), IsOk());
    ids.push_back(c.id());
  }
  std::vector<std::thread> threads;
  for (int64_t id : ids) {
    threads.emplace_back([&, id] { EXPECT_THAT(Do(&Stub::Issue, officer_, id), IsOk()); });
  }
  for (auto& t : threads) t.join();
  // Every number from 1 to the counter is used exactly once.
  std::string counter = server_->Query(
      "SELECT last_number FROM permit_counters WHERE office_id = 'bpp' AND permit_type = "
      "'SIP_PERAWAT' AND year = 2026");
  std::string distinct = server_->Query(
      "SELECT count(DISTINCT permit_number) FROM cases WHERE permit_number IS NOT NULL AND "
      "office_id = 'bpp'");
  std::string max_seq = server_->Query(
      "SELECT max(split_part(permit_number, '/', 1)::int) FROM cases WHERE office_id = 'bpp'");
  EXPECT_EQ(counter, distinct);
  EXPECT_EQ(counter, max_seq);
}

class CaseValidationTest : public ServerTest {
 protected:
  grpc::Status SubmitWith(const std::function<void(v1::SubmitApplicationRequest&)>& edit) {
    v1::SubmitApplicationRequest req = NurseApplication();
    edit(req);
    v1::Case c;
    return cases().SubmitApplication(Ctx(clinic_a_).get(), req, &c);
  }
};

TEST_F(CaseValidationTest, BadFieldsGiveInvalidArgumentNamingTheField) {
  struct Bad {
    std::function<void(v1::SubmitApplicationRequest&)> edit;
    std::string field;
  };
  std::vector<Bad> bad = {
      {[](auto& r) { r.mutable_applicant()->set_nik("647106570890001"); }, "applicant.nik"},
      {[](auto& r) { r.mutable_applicant()->set_nik("9971065708900001"); }, "applicant.nik"},
      {[](auto& r) { r.mutable_applicant()->set_nik("6471061313900001"); }, "applicant.nik"},
      {[](auto& r) { r.mutable_applicant()->set_phone("12345"); }, "applicant.phone"},
      {[](auto& r) { r.mutable_applicant()->set_phone("+6581234567"); }, "applicant.phone"},
      {[](auto& r) { r.mutable_applicant()->set_email("siti@"); }, "applicant.email"},
      {[](auto& r) { r.mutable_applicant()->set_name("S"); }, "applicant.name"},
      {[](auto& r) { r.set_permit_type("SIP_ASTRONOT"); }, "permit_type"},
      {[](auto& r) { r.set_permit_type(""); }, "permit_type"},
      {[](auto& r) { r.set_str_number(""); }, "str_number"},
      {[](auto& r) { r.set_request_id("not-a-uuid"); }, "request_id"},
      {[](auto& r) { r.set_request_id(""); }, "request_id"},
  };
  for (const auto& b : bad) {
    grpc::Status s = SubmitWith(b.edit);
    EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT)) << b.field << ": " << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr(b.field));
  }
  EXPECT_EQ(server_->Query("SELECT count(*) FROM cases"), "0");
}

TEST_F(CaseValidationTest, DocumentsAreCheckedForSizeChecksumTypeAndCode) {
  v1::Case c = SubmitAsClinicA();
  v1::Case out;
  v1::AttachDocumentRequest big = Document(c.id(), "STR", std::string(5 * 1024 * 1024 + 1, 'x'));
  grpc::Status s = cases().AttachDocument(Ctx(clinic_a_).get(), big, &out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("document.content"));

  v1::AttachDocumentRequest wrong = Document(c.id(), "STR");
  wrong.set_sha256_hex(std::string(64, 'a'));
  s = cases().AttachDocument(Ctx(clinic_a_).get(), wrong, &out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("sha256"));

  v1::AttachDocumentRequest exe = Document(c.id(), "STR");
  exe.set_media_type("application/x-msdownload");
  s = cases().AttachDocument(Ctx(clinic_a_).get(), exe, &out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("document.media_type"));

  s = cases().AttachDocument(Ctx(clinic_a_).get(), Document(c.id(), "IJAZAH_PALSU"), &out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("code"));

  EXPECT_EQ(server_->Query(absl::StrCat("SELECT count(*) FROM documents WHERE case_id = ", c.id())),
            "0");
  // A good one is stored with its checksum.
  ASSERT_THAT(cases().AttachDocument(Ctx(clinic_a_).get(), Document(c.id(), "STR"), &out), IsOk());
  ASSERT_EQ(out.documents_size(), 1);
  EXPECT_EQ(out.documents(0).size_bytes(), 22);
}

class CaseListTest : public ServerTest {};

TEST_F(CaseListTest, FiltersAndPagesThroughCases) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(SubmitAsClinicA().id());
  ASSERT_THAT(Do(&Stub::StartVerification, officer_, ids[0]), IsOk());
  v1::Case other;
  ASSERT_THAT(cases().SubmitApplication(Ctx(clinic_b_).get(), NurseApplication(), &other), IsOk());

  // Page through everything, 3 at a time.
  std::vector<int64_t> seen;
  std::string token;
  do {
    v1::ListCasesRequest req;
    req.set_page_size(3);
    req.set_page_token(token);
    v1::ListCasesResponse resp;
    ASSERT_THAT(cases().ListCases(Ctx(officer_).get(), req, &resp), IsOk());
    for (const auto& c : resp.cases()) seen.push_back(c.id());
    token = resp.next_page_token();
  } while (!token.empty());
  EXPECT_EQ(seen.size(), 8u);

  // A clinic's draft is its own until sent: the office's list leaves it out unless asked for
  // drafts; the clinic sees it.
  v1::SubmitApplicationRequest draft = NurseApplication();
  draft.set_draft(true);
  v1::Case drafted;
  ASSERT_THAT(cases().SubmitApplication(Ctx(clinic_b_).get(), draft, &drafted), IsOk());
  auto listed = [&](const std::string& token, std::optional<v1::CaseState> state) {
    v1::ListCasesRequest req;
    req.set_page_size(100);
    if (state) req.set_state(*state);
    v1::ListCasesResponse resp;
    EXPECT_THAT(cases().ListCases(Ctx(token).get(), req, &resp), IsOk());
    std::vector<int64_t> ids;
    for (const auto& c : resp.cases()) ids.push_back(c.id());
    return ids;
  };
  EXPECT_THAT(listed(officer_, std::nullopt), Not(Contains(drafted.id())));
  EXPECT_THAT(listed(officer_, v1::CASE_STATE_DRAFT), ElementsAre(drafted.id()));
  EXPECT_THAT(listed(clinic_b_, std::nullopt), ElementsAre(other.id(), drafted.id()));

  v1::ListCasesRequest by_state;
  by_state.set_state(v1::CASE_STATE_VERIFYING);
  v1::ListCasesResponse resp;
  ASSERT_THAT(cases().ListCases(Ctx(officer_).get(), by_state, &resp), IsOk());
  ASSERT_EQ(resp.cases_size(), 1);
  EXPECT_EQ(resp.cases(0).id(), ids[0]);

  v1::ListCasesRequest by_clinic;
  by_clinic.set_clinic_id("pkm-b");
  ASSERT_THAT(cases().ListCases(Ctx(officer_).get(), by_clinic, &resp), IsOk());
  ASSERT_EQ(resp.cases_size(), 1);
  EXPECT_EQ(resp.cases(0).id(), other.id());

  v1::ListCasesRequest bad;
  bad.set_page_token("garbage!");
  EXPECT_THAT(cases().ListCases(Ctx(officer_).get(), bad, &resp), StatusIs(grpc::INVALID_ARGUMENT));
}

TEST_F(CaseListTest, WatchCaseStreamsEveryEventInOrder) {
  v1::Case c = SubmitAsClinicA();
  auto ctx = Ctx(officer_);
  v1::WatchCaseRequest req;
  req.set_case_id(c.id());
  auto reader = cases().WatchCase(ctx.get(), req);
  v1::CaseEvent e;
  ASSERT_TRUE(reader->Read(&e));
  EXPECT_EQ(e.action(), "Submit");
  ASSERT_THAT(Do(&Stub::StartVerification, officer_, c.id()), IsOk());
  ASSERT_THAT(Do(&Stub::RequestRevision, officer_, c.id(), "foto buram"), IsOk());
  ASSERT_THAT(Do(&Stub::Withdraw, clinic_a_, c.id(), "batal"), IsOk());
  std::vector<std::string> actions;
  while (reader->Read(&e)) actions.push_back(e.action());
  EXPECT_THAT(actions, ::testing::ElementsAre("StartVerification", "RequestRevision", "Withdraw"));
  EXPECT_THAT(reader->Finish(), IsOk());  // the stream ends by itself at a final state
}

}  // namespace
}  // namespace loket::itest
