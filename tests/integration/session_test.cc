// Password sign-in over real gRPC: sessions, their expiry, sign-out, the lockout, SetPassword.
#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "gmock/gmock.h"
#include "loket/v1/session.grpc.pb.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::testing::HasSubstr;

class SessionTest : public ServerTest {
 protected:
  static void SetUpTestSuite() {
    ServerTest::SetUpTestSuite();
    sessions_ = v1::SessionService::NewStub(server_->channel()).release();
  }
  static void TearDownTestSuite() {
    delete sessions_;
    ServerTest::TearDownTestSuite();
  }
  // Every test signs in from the same address; each starts with that address's count at zero,
  // so that one test's failures do not slow down the next.
  void SetUp() override { server_->Query("DELETE FROM signin_failures"); }

  // Creates an officer principal and gives it `username` and `password`; returns its id.
  int64_t OfficerWithPassword(const std::string& username, const std::string& password) {
    v1::CreatePrincipalRequest cp;
    cp.set_request_id(NewUuid());
    cp.set_name(absl::StrCat("Petugas ", username));
    cp.set_role(v1::ROLE_OFFICER);
    v1::Principal p;
    grpc::Status s = server_->admin().CreatePrincipal(Ctx(admin_).get(), cp, &p);
    EXPECT_THAT(s, IsOk()) << s.error_message();
    v1::SetPasswordResponse out;
    s = sessions_->SetPassword(Ctx(admin_).get(), SetPw(p.id(), username, password), &out);
    EXPECT_THAT(s, IsOk()) << s.error_message();
    EXPECT_EQ(out.principal().username(), username);
    return p.id();
  }

  static v1::SetPasswordRequest SetPw(int64_t id, const std::string& username,
                                      const std::string& password) {
    v1::SetPasswordRequest r;
    r.set_request_id(NewUuid());
    r.set_principal_id(id);
    r.set_username(username);
    r.set_password(password);
    return r;
  }

  // Signs in from `addr` as loket-web would report it (no edge key here: the peer address is used).
  grpc::Status SignIn(const std::string& username, const std::string& password,
                      v1::SignInResponse* out) {
    return sessions_->SignIn(Ctx("").get(), Req(username, password), out);
  }
  static v1::SignInRequest Req(const std::string& username, const std::string& password) {
    v1::SignInRequest r;
    r.set_username(username);
    r.set_password(password);
    return r;
  }

  grpc::Status WhoAmI(const std::string& token, v1::Principal* out) {
    return server_->admin().WhoAmI(Ctx(token).get(), v1::WhoAmIRequest(), out);
  }

  static v1::SessionService::Stub* sessions_;
};
v1::SessionService::Stub* SessionTest::sessions_ = nullptr;

TEST_F(SessionTest, SignInGivesASessionTokenThatActsAsThePrincipalUntilSignOut) {
  int64_t id = OfficerWithPassword("dewi.officer", "rahasia-panjang-1");
  v1::SignInResponse r;
  // The user name matches in any case.
  ASSERT_THAT(SignIn("Dewi.Officer", "rahasia-panjang-1", &r), IsOk());
  EXPECT_EQ(r.session_token().size(), 64u);
  EXPECT_EQ(r.principal().id(), id);
  EXPECT_EQ(r.idle_timeout_seconds(), 30 * 60);
  EXPECT_FALSE(r.expires_at().empty());
  // Only the digest is stored, and the password only as Argon2id.
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT count(*) FROM tokens WHERE kind = 'session' AND "
                                        "principal_id = ",
                                        id)),
            "1");
  EXPECT_THAT(server_->Query(absl::StrCat("SELECT password_hash FROM principals WHERE id = ", id)),
              HasSubstr("$argon2id$"));

  v1::Principal me;
  ASSERT_THAT(WhoAmI(r.session_token(), &me), IsOk());
  EXPECT_EQ(me.id(), id);
  EXPECT_EQ(me.role(), v1::ROLE_OFFICER);

  v1::SignOutResponse bye;
  ASSERT_THAT(sessions_->SignOut(Ctx(r.session_token()).get(), v1::SignOutRequest(), &bye), IsOk());
  EXPECT_THAT(WhoAmI(r.session_token(), &me), StatusIs(grpc::UNAUTHENTICATED));
}

TEST_F(SessionTest, WrongPasswordAndUnknownUserAnswerAlike) {
  OfficerWithPassword("sari.officer", "rahasia-panjang-2");
  v1::SignInResponse r;
  grpc::Status wrong = SignIn("sari.officer", "salah-salah-salah", &r);
  grpc::Status unknown = SignIn("nobody.here", "salah-salah-salah", &r);
  EXPECT_THAT(wrong, StatusIs(grpc::UNAUTHENTICATED));
  EXPECT_THAT(unknown, StatusIs(grpc::UNAUTHENTICATED));
  EXPECT_EQ(wrong.error_message(), unknown.error_message());
  EXPECT_THAT(SignIn("sari.officer", "", &r), StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(SignIn("sari.officer", "rahasia-panjang-2", &r), IsOk());
}

// A disabled account's owner, who knows the password, is told why; a guesser is not.
TEST_F(SessionTest, OnlyTheRightPasswordLearnsThatAnAccountIsDisabled) {
  int64_t id = OfficerWithPassword("lina.officer", "rahasia-panjang-10");
  v1::SetPrincipalDisabledRequest off;
  off.set_request_id(NewUuid());
  off.set_principal_id(id);
  off.set_disabled(true);
  v1::Principal after;
  ASSERT_THAT(server_->admin().SetPrincipalDisabled(Ctx(admin_).get(), off, &after), IsOk());
  v1::SignInResponse r;
  grpc::Status wrong = SignIn("lina.officer", "salah-salah-salah", &r);
  grpc::Status unknown = SignIn("nobody.there", "salah-salah-salah", &r);
  EXPECT_THAT(wrong, StatusIs(grpc::UNAUTHENTICATED));
  EXPECT_EQ(wrong.error_message(), unknown.error_message());
  grpc::Status right = SignIn("lina.officer", "rahasia-panjang-10", &r);
  EXPECT_THAT(right, StatusIs(grpc::PERMISSION_DENIED));
  EXPECT_THAT(right.error_message(), HasSubstr("account disabled"));
  EXPECT_TRUE(r.session_token().empty());
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT count(*) FROM tokens WHERE principal_id = ", id)),
            "0");

  v1::SetPrincipalDisabledRequest on = off;
  on.set_request_id(NewUuid());
  on.set_disabled(false);
  ASSERT_THAT(server_->admin().SetPrincipalDisabled(Ctx(admin_).get(), on, &after), IsOk());
  EXPECT_THAT(SignIn("lina.officer", "rahasia-panjang-10", &r), IsOk());
}

TEST_F(SessionTest, RepeatedFailuresSlowDownThenLockTheAccount) {
  OfficerWithPassword("budi.officer", "rahasia-panjang-3");
  v1::SignInResponse r;
  // Failures 1-3 are answered at once; from the third on, each try must wait (1 s, then 2 s).
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(SignIn("budi.officer", "salah", &r), StatusIs(grpc::UNAUTHENTICATED)) << i;
  }
  grpc::Status early = SignIn("budi.officer", "rahasia-panjang-3", &r);
  EXPECT_THAT(early, StatusIs(grpc::RESOURCE_EXHAUSTED));
  EXPECT_THAT(early.error_message(), HasSubstr("try again in"));
  // Each wait is run out by moving the block's end to now, not slept through.
  const auto wait_out = [&] {
    server_->Query("UPDATE signin_failures SET blocked_until = now() WHERE blocked_until > now()");
  };
  wait_out();
  EXPECT_THAT(SignIn("budi.officer", "salah", &r), StatusIs(grpc::UNAUTHENTICATED));
  early = SignIn("budi.officer", "salah", &r);  // the fourth failure's wait is longer: 2 s
  EXPECT_THAT(early, StatusIs(grpc::RESOURCE_EXHAUSTED));
  EXPECT_THAT(early.error_message(), HasSubstr("try again in 2"));
  wait_out();
  EXPECT_THAT(SignIn("budi.officer", "salah", &r), StatusIs(grpc::UNAUTHENTICATED));
  // Five failures: locked for 15 minutes, even with the right password.
  grpc::Status locked = SignIn("budi.officer", "rahasia-panjang-3", &r);
  EXPECT_THAT(locked, StatusIs(grpc::RESOURCE_EXHAUSTED));
  EXPECT_THAT(locked.error_message(), HasSubstr("try again in 9"));  // 900 s or just under
  // Another account from the same address is not locked (an office shares one address).
  OfficerWithPassword("rina.officer", "rahasia-panjang-4");
  EXPECT_THAT(SignIn("rina.officer", "rahasia-panjang-4", &r), IsOk());
  // An admin reset does not lift the lock by itself; the lock runs out. Shorten it to see that.
  server_->Query(
      "UPDATE signin_failures SET blocked_until = now() WHERE key = 'account:budi.officer'");
  EXPECT_THAT(SignIn("budi.officer", "rahasia-panjang-3", &r), IsOk());
  EXPECT_EQ(
      server_->Query("SELECT count(*) FROM signin_failures WHERE key = 'account:budi.officer'"),
      "0");
}

TEST_F(SessionTest, SessionsEndAtTheirIdleAndAbsoluteExpiry) {
  int64_t id = OfficerWithPassword("andi.officer", "rahasia-panjang-5");
  v1::SignInResponse idle, absolute;
  ASSERT_THAT(SignIn("andi.officer", "rahasia-panjang-5", &idle), IsOk());
  ASSERT_THAT(SignIn("andi.officer", "rahasia-panjang-5", &absolute), IsOk());
  // Both tokens are unused so far, so no replica has them cached.
  server_->Query(absl::StrCat(
      "UPDATE tokens SET last_used_at = now() - interval '31 minutes' WHERE principal_id = ", id,
      " AND token_sha256 = sha256('", idle.session_token(), "')"));
  server_->Query(
      absl::StrCat("UPDATE tokens SET expires_at = now() - interval '1 second' "
                   "WHERE principal_id = ",
                   id, " AND token_sha256 = sha256('", absolute.session_token(), "')"));
  v1::Principal me;
  EXPECT_THAT(WhoAmI(idle.session_token(), &me), StatusIs(grpc::UNAUTHENTICATED));
  EXPECT_THAT(WhoAmI(absolute.session_token(), &me), StatusIs(grpc::UNAUTHENTICATED));
}

TEST_F(SessionTest, SetPasswordValidatesEndsSessionsAndIsAdminOnly) {
  int64_t id = OfficerWithPassword("tono.officer", "rahasia-panjang-6");
  v1::SignInResponse r;
  ASSERT_THAT(SignIn("tono.officer", "rahasia-panjang-6", &r), IsOk());
  v1::SetPasswordResponse out;
  grpc::Status s =
      sessions_->SetPassword(Ctx(admin_).get(), SetPw(id, "tono.officer", "pendek"), &out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("password:"));
  s = sessions_->SetPassword(Ctx(admin_).get(), SetPw(id, "tono officer", "rahasia-panjang-7"),
                             &out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("username:"));
  // User names are unique whatever their case.
  OfficerWithPassword("wati.officer", "rahasia-panjang-9");
  s = sessions_->SetPassword(Ctx(admin_).get(), SetPw(id, "WATI.OFFICER", "rahasia-panjang-7"),
                             &out);
  EXPECT_THAT(s, StatusIs(grpc::ALREADY_EXISTS));
  EXPECT_THAT(s.error_message(), HasSubstr("username:"));
  EXPECT_THAT(sessions_->SetPassword(Ctx(officer_).get(),
                                     SetPw(id, "tono.officer", "rahasia-panjang-7"), &out),
              StatusIs(grpc::PERMISSION_DENIED));
  // A reset ends the sessions of that principal at once.
  ASSERT_THAT(sessions_->SetPassword(Ctx(admin_).get(),
                                     SetPw(id, "tono.officer", "rahasia-panjang-8"), &out),
              IsOk());
  v1::Principal me;
  EXPECT_THAT(WhoAmI(r.session_token(), &me), StatusIs(grpc::UNAUTHENTICATED));
  EXPECT_THAT(SignIn("tono.officer", "rahasia-panjang-6", &r), StatusIs(grpc::UNAUTHENTICATED));
  EXPECT_THAT(SignIn("tono.officer", "rahasia-panjang-8", &r), IsOk());
}

TEST_F(SessionTest, DisplayRoleReadsTheQueueAndNothingElse) {
  std::string display = server_->TokenFor("bpp", "display");
  v1::Principal me;
  ASSERT_THAT(WhoAmI(display, &me), IsOk());
  EXPECT_EQ(me.role(), v1::ROLE_DISPLAY);
  v1::GetCaseRequest get;
  get.set_case_id(1);
  v1::Case c;
  EXPECT_THAT(cases().GetCase(Ctx(display).get(), get, &c), StatusIs(grpc::PERMISSION_DENIED));
}

}  // namespace
}  // namespace loket::itest
