// Calls anyone can make without a token are limited per client address: SignIn, VerifyPermit,
// and every call with a missing or bad token. Each refusal is RESOURCE_EXHAUSTED saying when to
// try again and is counted in /metrics. Runs its own loketd (with /metrics on an admin port) on
// the test database; addresses come through the loket-web edge key, so each test has its own.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "loket/v1/admin.grpc.pb.h"
#include "loket/v1/case.grpc.pb.h"
#include "loket/v1/session.grpc.pb.h"
#include "server/api/server.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

// GET /metrics from the admin port.
std::string Metrics(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    close(fd);
    return "";
  }
  const std::string req = "GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n";
  (void)!write(fd, req.data(), req.size());
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;) out.append(buf, n);
  close(fd);
  return out;
}

class AbuseTest : public ServerTest {
 protected:
  static void SetUpTestSuite() {
    ServerTest::SetUpTestSuite();
    metrics_port_ = 20000 + getpid() % 20000;
    api::ServerOptions o;
    o.listen = "127.0.0.1:0";
    o.db_conninfo = server_->conninfo();
    o.pool_size = 4;
    o.log_requests = true;  // as loketd runs: one line per call, except for the refused ones
    o.edge_key = kTestEdgeKey;
    o.admin_listen = absl::StrCat("127.0.0.1:", metrics_port_);
    auto s = api::LoketServer::Start(o, server_->clock());
    ASSERT_THAT(s, IsOk()) << s.status();
    loketd_ = s->release();
    channel_ = new std::shared_ptr<grpc::Channel>(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", loketd_->port()), grpc::InsecureChannelCredentials()));
  }
  static void TearDownTestSuite() {
    delete channel_;
    delete loketd_;
    ServerTest::TearDownTestSuite();
  }

  // A call context as loket-web sends it for a browser at `address`, with `token` if any.
  static std::unique_ptr<grpc::ClientContext> From(const std::string& address,
                                                   const std::string& token = "") {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    ctx->AddMetadata("x-loket-edge-key", kTestEdgeKey);
    ctx->AddMetadata("x-loket-client-addr", address);
    if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
    return ctx;
  }

  static int metrics_port_;
  static api::LoketServer* loketd_;
  static std::shared_ptr<grpc::Channel>* channel_;
};
int AbuseTest::metrics_port_ = 0;
api::LoketServer* AbuseTest::loketd_ = nullptr;
std::shared_ptr<grpc::Channel>* AbuseTest::channel_ = nullptr;

TEST_F(AbuseTest, SignInIsLimitedPerAddressAndCounted) {
  auto sessions = v1::SessionService::NewStub(*channel_);
  v1::SignInRequest r;
  r.set_username("siti");  // no password: refused before any hash, but after the limit
  v1::SignInResponse resp;
  for (int i = 0; i < 120; ++i) {
    grpc::Status s = sessions->SignIn(From("10.77.0.1").get(), r, &resp);
    ASSERT_EQ(s.error_code(), grpc::INVALID_ARGUMENT) << i << ": " << s.error_message();
  }
  grpc::Status s = sessions->SignIn(From("10.77.0.1").get(), r, &resp);
  EXPECT_THAT(s, StatusIs(grpc::RESOURCE_EXHAUSTED)) << s.error_message();
  EXPECT_THAT(s.error_message(), MatchesRegex(".*try again in [0-9]+ s"));
  // Another address is not held up.
  EXPECT_THAT(sessions->SignIn(From("10.77.0.9").get(), r, &resp),
              StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(Metrics(metrics_port_),
              HasSubstr("loket_public_throttled_total{method=\"SignIn\"} 1"));
}

TEST_F(AbuseTest, CallsWithoutAValidTokenAreLimitedPerAddressAndCounted) {
  auto cases = v1::CaseService::NewStub(*channel_);
  v1::GetCaseRequest g;
  g.set_case_id(1);
  v1::Case c;
  const std::string garbage(64, 'g');
  for (int i = 0; i < 120; ++i) {
    grpc::Status s = cases->GetCase(From("10.77.0.2", i % 2 ? garbage : "").get(), g, &c);
    ASSERT_EQ(s.error_code(), grpc::UNAUTHENTICATED) << i << ": " << s.error_message();
  }
  grpc::Status s = cases->GetCase(From("10.77.0.2", garbage).get(), g, &c);
  EXPECT_THAT(s, StatusIs(grpc::RESOURCE_EXHAUSTED)) << s.error_message();
  EXPECT_THAT(s.error_message(), MatchesRegex(".*try again in [0-9]+ s"));
  // A real token from another address works as ever.
  EXPECT_THAT(cases->GetCase(From("10.77.0.8", officer_).get(), g, &c), StatusIs(grpc::NOT_FOUND));
  const std::string m = Metrics(metrics_port_);
  EXPECT_THAT(m, HasSubstr("loket_public_throttled_total{method=\"unauthenticated\"} 1"));
  EXPECT_THAT(m, HasSubstr("loket_unauthenticated_calls_total 121"));
}

TEST_F(AbuseTest, VerifyPermitIsLimitedPerAddressAndCounted) {
  auto cases = v1::CaseService::NewStub(*channel_);
  v1::VerifyPermitRequest v;
  v.set_permit_number("503/SIP-P/0001/DPMPTSP/2026");
  v.set_verification_code("AAAA-BBBB");
  v1::VerifyPermitResponse resp;
  for (int i = 0; i < 10; ++i) {
    grpc::Status s = cases->VerifyPermit(From("10.77.0.3").get(), v, &resp);
    ASSERT_THAT(s, IsOk()) << i << ": " << s.error_message();
    EXPECT_FALSE(resp.valid());
  }
  grpc::Status s = cases->VerifyPermit(From("10.77.0.3").get(), v, &resp);
  EXPECT_THAT(s, StatusIs(grpc::RESOURCE_EXHAUSTED)) << s.error_message();
  EXPECT_THAT(s.error_message(), MatchesRegex(".*try again in [0-9]+ s"));
  EXPECT_THAT(Metrics(metrics_port_),
              HasSubstr("loket_public_throttled_total{method=\"VerifyPermit\"} 1"));
}

// With --log_requests (loketd's default), calls refused for their token, their rate or their
// bytes are counted, not written one line each: anyone can send them as fast as they like.
TEST_F(AbuseTest, RefusedCallsAreNotLoggedOneLineEach) {
  auto cases = v1::CaseService::NewStub(*channel_);
  v1::GetCaseRequest g;
  g.set_case_id(1);
  v1::Case c;
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 150; ++i) {  // 120 UNAUTHENTICATED, then RESOURCE_EXHAUSTED
    cases->GetCase(From("10.77.0.5", std::string(64, 'x')).get(), g, &c).IgnoreError();
  }
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_LE(std::count(log.begin(), log.end(), '\n'), 1) << log.substr(0, 2000);
  EXPECT_THAT(Metrics(metrics_port_),
              HasSubstr("loket_rpc_total{code=\"16\",method=\"/loket.v1.CaseService/GetCase\"}"));
}

// The first line of `log` holding `needle`, without its newline; empty when none does.
std::string LineWith(const std::string& log, const std::string& needle) {
  const size_t at = log.find(needle);
  if (at == std::string::npos) return "";
  const size_t begin = log.rfind('\n', at);
  const size_t end = log.find('\n', at);
  return log.substr(begin == std::string::npos ? 0 : begin + 1,
                    end == std::string::npos ? std::string::npos
                                             : end - (begin == std::string::npos ? 0 : begin + 1));
}

// Each call's line is one logfmt line (common/log.h): the method, the code, the time taken and,
// when the request carries one, its request_id, so a retried mutation is found in the log by the
// key it is replayed by. The caller's text is quoted: it cannot start a line or a key of its own.
TEST_F(AbuseTest, TheRpcLineNamesMethodCodeAndRequestId) {
  auto admin = v1::AdminService::NewStub(*channel_);
  v1::RevokeTokenRequest r;
  r.set_request_id("5d0f8a4e-rpc-line");
  r.set_token_id(987654321);  // no such token: answered, and logged, all the same
  v1::RevokeTokenResponse resp;
  v1::WhoAmIRequest who;
  v1::Principal me;
  v1::RevokeTokenRequest forged = r;
  forged.set_request_id("x\" level=error msg=\"forged\nts=0");
  ::testing::internal::CaptureStderr();
  const grpc::Status revoked = admin->RevokeToken(From("10.77.0.7", admin_).get(), r, &resp);
  const grpc::Status whoami = admin->WhoAmI(From("10.77.0.7", admin_).get(), who, &me);
  admin->RevokeToken(From("10.77.0.7", admin_).get(), forged, &resp).IgnoreError();
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(LineWith(log, "req=5d0f8a4e-rpc-line"),
              MatchesRegex(absl::StrCat("ts=[0-9-]+T[0-9:]+\\.[0-9]{3}Z level=info proc=[^ ]+ "
                                        "req=5d0f8a4e-rpc-line msg=rpc "
                                        "method=/loket.v1.AdminService/RevokeToken code=",
                                        static_cast<int>(revoked.error_code()), " ms=[0-9.]+")));
  // A read has no request_id: no req key.
  EXPECT_THAT(LineWith(log, "method=/loket.v1.AdminService/WhoAmI"),
              MatchesRegex(absl::StrCat("ts=[^ ]+ level=info proc=[^ ]+ msg=rpc "
                                        "method=/loket.v1.AdminService/WhoAmI code=",
                                        static_cast<int>(whoami.error_code()), " ms=[0-9.]+")));
  EXPECT_THAT(LineWith(log, "forged"),
              HasSubstr(" req=\"x\\\" level=error msg=\\\"forged\\nts=0\" msg=rpc "
                        "method=/loket.v1.AdminService/RevokeToken "));
  EXPECT_THAT(log, Not(HasSubstr("\nts=0")));
}

}  // namespace
}  // namespace loket::itest
