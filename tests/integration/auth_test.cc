// Authentication, the role policy and row scope, over real gRPC.
#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "gmock/gmock.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::testing::HasSubstr;
using Stub = v1::CaseService::Stub;

class AuthTest : public ServerTest {};

TEST_F(AuthTest, MissingMalformedOrUnknownTokenIsUnauthenticated) {
  v1::GetCaseRequest req;
  req.set_case_id(1);
  v1::Case c;
  EXPECT_THAT(cases().GetCase(Ctx("").get(), req, &c), StatusIs(grpc::UNAUTHENTICATED));
  EXPECT_THAT(cases().GetCase(Ctx(NewToken()).get(), req, &c), StatusIs(grpc::UNAUTHENTICATED));
  EXPECT_THAT(cases().GetCase(Ctx("short").get(), req, &c), StatusIs(grpc::UNAUTHENTICATED));
  grpc::ClientContext basic;
  basic.AddMetadata("authorization", "Basic dXNlcjpwYXNz");
  EXPECT_THAT(cases().GetCase(&basic, req, &c), StatusIs(grpc::UNAUTHENTICATED));
}

TEST_F(AuthTest, RolesOutsideThePolicyArePermissionDenied) {
  v1::Case c = SubmitAsClinicA();
  v1::Case out;
  grpc::Status s = Do(&Stub::Approve, clinic_a_, c.id());
  EXPECT_THAT(s, StatusIs(grpc::PERMISSION_DENIED));
  EXPECT_THAT(s.error_message(), HasSubstr("CaseService.Approve"));
  EXPECT_THAT(Do(&Stub::StartVerification, approver_, c.id()), StatusIs(grpc::PERMISSION_DENIED));
  EXPECT_THAT(Do(&Stub::Approve, officer_, c.id()), StatusIs(grpc::PERMISSION_DENIED));
  EXPECT_THAT(cases().SubmitApplication(Ctx(admin_).get(), NurseApplication(), &out),
              StatusIs(grpc::PERMISSION_DENIED));
  v1::CreatePrincipalRequest cp;
  cp.set_request_id(NewUuid());
  cp.set_name("x");
  cp.set_role(v1::ROLE_ADMIN);
  v1::Principal p;
  EXPECT_THAT(server_->admin().CreatePrincipal(Ctx(officer_).get(), cp, &p),
              StatusIs(grpc::PERMISSION_DENIED));
}

TEST_F(AuthTest, ClinicSeesOnlyItsOwnCasesAndLearnsNothingOfOthers) {
  v1::Case mine = SubmitAsClinicA();
  v1::GetCaseRequest get;
  get.set_case_id(mine.id());
  v1::Case out;
  grpc::Status s = cases().GetCase(Ctx(clinic_b_).get(), get, &out);
  EXPECT_THAT(s, StatusIs(grpc::NOT_FOUND));
  // The same answer as for a case that does not exist at all.
  v1::GetCaseRequest missing;
  missing.set_case_id(999999999);
  grpc::Status s2 = cases().GetCase(Ctx(clinic_b_).get(), missing, &out);
  EXPECT_THAT(s2, StatusIs(grpc::NOT_FOUND));
  EXPECT_EQ(s.error_message(), absl::StrCat("case ", mine.id(), " not found"));
  EXPECT_EQ(s2.error_message(), "case 999999999 not found");
  // It cannot change it either, nor read its history.
  EXPECT_THAT(Do(&Stub::Withdraw, clinic_b_, mine.id(), "x"), StatusIs(grpc::NOT_FOUND));
  v1::Case doc;
  EXPECT_THAT(cases().AttachDocument(Ctx(clinic_b_).get(), Document(mine.id(), "STR"), &doc),
              StatusIs(grpc::NOT_FOUND));
  v1::GetCaseHistoryRequest hr;
  hr.set_case_id(mine.id());
  v1::GetCaseHistoryResponse h;
  EXPECT_THAT(cases().GetCaseHistory(Ctx(clinic_b_).get(), hr, &h), StatusIs(grpc::NOT_FOUND));
  // Its list holds only its own cases, even when it asks for another clinic's.
  v1::ListCasesRequest lr;
  lr.set_clinic_id("pkm-a");
  v1::ListCasesResponse list;
  ASSERT_THAT(cases().ListCases(Ctx(clinic_b_).get(), lr, &list), IsOk());
  EXPECT_EQ(list.cases_size(), 0);
  ASSERT_THAT(cases().ListCases(Ctx(clinic_a_).get(), v1::ListCasesRequest(), &list), IsOk());
  for (const auto& c : list.cases()) EXPECT_EQ(c.clinic_id(), "pkm-a");
  EXPECT_GE(list.cases_size(), 1);
}

TEST_F(AuthTest, AnotherOfficeSeesNothing) {
  v1::Case mine = SubmitAsClinicA();
  v1::GetCaseRequest get;
  get.set_case_id(mine.id());
  v1::Case out;
  EXPECT_THAT(cases().GetCase(Ctx(other_office_officer_).get(), get, &out),
              StatusIs(grpc::NOT_FOUND));
  EXPECT_THAT(Do(&Stub::StartVerification, other_office_officer_, mine.id()),
              StatusIs(grpc::NOT_FOUND));
  v1::ListCasesResponse list;
  ASSERT_THAT(cases().ListCases(Ctx(other_office_officer_).get(), v1::ListCasesRequest(), &list),
              IsOk());
  EXPECT_EQ(list.cases_size(), 0);
}

TEST_F(AuthTest, AdminCreatesPrincipalAndTokenShownOnce) {
  v1::CreatePrincipalRequest cp;
  cp.set_request_id(NewUuid());
  cp.set_name("Petugas Loket 2");
  cp.set_role(v1::ROLE_COUNTER);
  v1::Principal p;
  ASSERT_THAT(server_->admin().CreatePrincipal(Ctx(admin_).get(), cp, &p), IsOk());
  EXPECT_EQ(p.role(), v1::ROLE_COUNTER);
  EXPECT_EQ(p.office_id(), "bpp");

  v1::CreateTokenRequest ct;
  ct.set_request_id(NewUuid());
  ct.set_principal_id(p.id());
  v1::CreateTokenResponse t;
  ASSERT_THAT(server_->admin().CreateToken(Ctx(admin_).get(), ct, &t), IsOk());
  EXPECT_EQ(t.token().size(), 64u);
  // Only the digest is stored.
  EXPECT_EQ(server_->Query(absl::StrCat(
                "SELECT count(*) FROM tokens WHERE token_sha256::text LIKE '%", t.token(), "%'")),
            "0");
  v1::Principal who;
  ASSERT_THAT(server_->admin().WhoAmI(Ctx(t.token()).get(), v1::WhoAmIRequest(), &who), IsOk());
  EXPECT_EQ(who.name(), "Petugas Loket 2");
  // A retry of the same request does not reveal the secret again.
  v1::CreateTokenResponse again;
  grpc::Status s = server_->admin().CreateToken(Ctx(admin_).get(), ct, &again);
  EXPECT_THAT(s, StatusIs(grpc::ALREADY_EXISTS));
  EXPECT_TRUE(again.token().empty());
  // Revoked tokens stop working at once.
  v1::RevokeTokenRequest rt;
  rt.set_request_id(NewUuid());
  rt.set_token_id(t.token_id());
  v1::RevokeTokenResponse rr;
  ASSERT_THAT(server_->admin().RevokeToken(Ctx(admin_).get(), rt, &rr), IsOk());
  EXPECT_THAT(server_->admin().WhoAmI(Ctx(t.token()).get(), v1::WhoAmIRequest(), &who),
              StatusIs(grpc::UNAUTHENTICATED));
}

// Someone leaves the office, or a courier's phone is lost: the admin sees what still lets the
// principal in and disables it; every token stops at once (not after the lookup cache's few
// seconds), and enabling it again brings none back.
TEST_F(AuthTest, ADisabledPrincipalLosesEveryTokenAtOnceAndEnablingBringsNoneBack) {
  v1::CreatePrincipalRequest cp;
  cp.set_request_id(NewUuid());
  cp.set_name("Petugas Pindah Tugas");
  cp.set_role(v1::ROLE_OFFICER);
  v1::Principal p;
  ASSERT_THAT(server_->admin().CreatePrincipal(Ctx(admin_).get(), cp, &p), IsOk());
  std::vector<v1::CreateTokenResponse> tokens(2);
  for (auto& t : tokens) {
    v1::CreateTokenRequest ct;
    ct.set_request_id(NewUuid());
    ct.set_principal_id(p.id());
    ASSERT_THAT(server_->admin().CreateToken(Ctx(admin_).get(), ct, &t), IsOk());
  }
  v1::ListTokensRequest lt;
  lt.set_principal_id(p.id());
  v1::ListTokensResponse live;
  ASSERT_THAT(server_->admin().ListTokens(Ctx(admin_).get(), lt, &live), IsOk());
  ASSERT_EQ(live.tokens_size(), 2);
  EXPECT_EQ(live.tokens(0).id(), tokens[0].token_id());
  EXPECT_EQ(live.tokens(0).kind(), "api");
  EXPECT_EQ(live.tokens(0).principal_id(), p.id());
  EXPECT_FALSE(live.tokens(0).created_at().empty());
  EXPECT_TRUE(live.tokens(0).expires_at().empty());
  v1::Principal who;
  ASSERT_THAT(server_->admin().WhoAmI(Ctx(tokens[0].token()).get(), {}, &who), IsOk());  // cached

  v1::SetPrincipalDisabledRequest off;
  off.set_request_id(NewUuid());
  off.set_principal_id(p.id());
  off.set_disabled(true);
  v1::Principal after;
  ASSERT_THAT(server_->admin().SetPrincipalDisabled(Ctx(admin_).get(), off, &after), IsOk());
  EXPECT_TRUE(after.disabled());
  for (const auto& t : tokens) {
    EXPECT_THAT(server_->admin().WhoAmI(Ctx(t.token()).get(), {}, &who),
                StatusIs(grpc::UNAUTHENTICATED));
  }
  ASSERT_THAT(server_->admin().ListTokens(Ctx(admin_).get(), lt, &live), IsOk());
  EXPECT_EQ(live.tokens_size(), 0);
  // A retry answers the same and records nothing twice.
  v1::Principal replay;
  ASSERT_THAT(server_->admin().SetPrincipalDisabled(Ctx(admin_).get(), off, &replay), IsOk());
  EXPECT_TRUE(replay.disabled());
  EXPECT_EQ(
      server_->Query(absl::StrCat("SELECT string_agg(action, ',' ORDER BY id) FROM "
                                  "admin_audit WHERE action LIKE 'principal.%' AND entity = '",
                                  p.id(), "'")),
      "principal.create,principal.disable");

  v1::SetPrincipalDisabledRequest on = off;
  on.set_request_id(NewUuid());
  on.set_disabled(false);
  ASSERT_THAT(server_->admin().SetPrincipalDisabled(Ctx(admin_).get(), on, &after), IsOk());
  EXPECT_FALSE(after.disabled());
  EXPECT_THAT(server_->admin().WhoAmI(Ctx(tokens[0].token()).get(), {}, &who),
              StatusIs(grpc::UNAUTHENTICATED));

  // Not one's own account; not another office's; not for an officer; a principal is named.
  v1::Principal me;
  ASSERT_THAT(server_->admin().WhoAmI(Ctx(admin_).get(), {}, &me), IsOk());
  off.set_request_id(NewUuid());
  off.set_principal_id(me.id());
  grpc::Status self = server_->admin().SetPrincipalDisabled(Ctx(admin_).get(), off, &after);
  EXPECT_THAT(self, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(self.error_message(), HasSubstr("your own account"));
  ASSERT_THAT(server_->admin().WhoAmI(Ctx(admin_).get(), {}, &me), IsOk());
  ASSERT_THAT(server_->admin().WhoAmI(Ctx(other_office_officer_).get(), {}, &who), IsOk());
  off.set_request_id(NewUuid());
  off.set_principal_id(who.id());
  EXPECT_THAT(server_->admin().SetPrincipalDisabled(Ctx(admin_).get(), off, &after),
              StatusIs(grpc::NOT_FOUND));
  lt.set_principal_id(who.id());
  EXPECT_THAT(server_->admin().ListTokens(Ctx(admin_).get(), lt, &live), StatusIs(grpc::NOT_FOUND));
  EXPECT_THAT(server_->admin().ListTokens(Ctx(officer_).get(), lt, &live),
              StatusIs(grpc::PERMISSION_DENIED));
  lt.set_principal_id(0);
  EXPECT_THAT(server_->admin().ListTokens(Ctx(admin_).get(), lt, &live),
              StatusIs(grpc::INVALID_ARGUMENT));
  off.set_request_id(NewUuid());
  off.set_principal_id(0);
  EXPECT_THAT(server_->admin().SetPrincipalDisabled(Ctx(admin_).get(), off, &after),
              StatusIs(grpc::INVALID_ARGUMENT));
}

TEST_F(AuthTest, ClinicPrincipalNeedsAKnownClinic) {
  v1::CreatePrincipalRequest cp;
  cp.set_request_id(NewUuid());
  cp.set_name("Klinik X");
  cp.set_role(v1::ROLE_CLINIC);
  cp.set_clinic_id("no-such-clinic");
  v1::Principal p;
  grpc::Status s = server_->admin().CreatePrincipal(Ctx(admin_).get(), cp, &p);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("clinic_id"));
  // A clinic of another office is unknown here too.
  cp.set_request_id(NewUuid());
  cp.set_clinic_id("pkm-s");
  EXPECT_THAT(server_->admin().CreatePrincipal(Ctx(admin_).get(), cp, &p),
              StatusIs(grpc::INVALID_ARGUMENT));
}

TEST_F(AuthTest, DocumentBytesFollowTheCasesRowScope) {
  v1::Case c = SubmitAsClinicA();
  v1::Case with_doc;
  ASSERT_THAT(cases().AttachDocument(Ctx(clinic_a_).get(), Document(c.id(), "STR", "%PDF-1.4 str"),
                                     &with_doc),
              IsOk());
  ASSERT_EQ(with_doc.documents_size(), 1);
  v1::GetDocumentRequest req;
  req.set_case_id(c.id());
  req.set_document_id(with_doc.documents(0).id());
  v1::DocumentContent out;
  ASSERT_THAT(cases().GetDocument(Ctx(officer_).get(), req, &out), IsOk());
  EXPECT_EQ(out.content(), "%PDF-1.4 str");
  EXPECT_EQ(out.document().code(), "STR");
  ASSERT_THAT(cases().GetDocument(Ctx(clinic_a_).get(), req, &out), IsOk());
  EXPECT_THAT(cases().GetDocument(Ctx(clinic_b_).get(), req, &out), StatusIs(grpc::NOT_FOUND));
  EXPECT_THAT(cases().GetDocument(Ctx(other_office_officer_).get(), req, &out),
              StatusIs(grpc::NOT_FOUND));
  // A document id of another case is not found through this one.
  v1::Case other = SubmitAsClinicA();
  req.set_case_id(other.id());
  EXPECT_THAT(cases().GetDocument(Ctx(officer_).get(), req, &out), StatusIs(grpc::NOT_FOUND));
}

}  // namespace
}  // namespace loket::itest
