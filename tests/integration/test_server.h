// An in-process loketd on port 0 against a fresh database on the PostgreSQL named by LOKET_TEST_PG
// (deploy/test.sh starts a throwaway cluster and sets it). Each test binary gets its own database,
// so ctest -j2 runs binaries in parallel safely.
#ifndef LOKET_TESTS_INTEGRATION_TEST_SERVER_H_
#define LOKET_TESTS_INTEGRATION_TEST_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/clock.h"
#include "common/testing/fake_clock.h"
#include "loket/v1/admin.grpc.pb.h"
#include "loket/v1/case.grpc.pb.h"
#include "loket/v1/catalog.grpc.pb.h"
#include "server/api/server.h"

namespace loket::itest {

// 2026-03-17 09:00 in Balikpapan (WITA, UTC+8): a Tuesday right before the Nyepi and Idul Fitri
// holidays, so SLA tests cross them.
absl::Time DefaultTestNow();

// A valid synthetic NIK (Balikpapan Kota, female, born 1990-08-17) and variations of it.
inline constexpr char kNik[] = "6471065708900001";

// The test server's loket-web key: calls carrying it may name the browser's address.
inline constexpr char kTestEdgeKey[] = "test-edge-key-0123456789abcdef0123456789";

class TestServer {
 public:
  // Creates the database, starts the server, seeds offices "bpp" and "smd", permit types, holidays,
  // clinics "pkm-a" and "pkm-b" (office bpp) and "pkm-s" (office smd).
  // `configure`, when given, adjusts the server's options before it starts (e.g. a signing key).
  static std::unique_ptr<TestServer> Start(
      const std::function<void(api::ServerOptions&)>& configure = nullptr);
  ~TestServer();

  FakeClock& clock() { return clock_; }
  const std::string& conninfo() const { return conninfo_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  int port() const { return server_->port(); }
  v1::CaseService::Stub& cases() { return *cases_; }
  v1::AdminService::Stub& admin() { return *admin_; }
  v1::CatalogService::Stub& catalog() { return *catalog_; }

  // Creates a principal with a fresh token and returns the token.
  std::string TokenFor(const std::string& office, const std::string& role,
                       const std::string& clinic_id = "");
  // Runs one SQL statement on the test database and returns the first column of the first row
  // ("" when none).
  std::string Query(const std::string& sql);

 private:
  TestServer() : clock_(DefaultTestNow()) {}

  FakeClock clock_;
  std::string admin_conninfo_;
  std::string db_name_;
  std::string conninfo_;
  std::unique_ptr<api::LoketServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::CaseService::Stub> cases_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::unique_ptr<v1::CatalogService::Stub> catalog_;
};

// Office time as the API wants it: At("2026-03-25", "08:00") is 08:00 WITA in RFC 3339 UTC.
std::string At(const std::string& day, const std::string& hhmm);

// A client context with the bearer token, a deadline, and a terminal name.
std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token);

// A SubmitApplicationRequest for a SIP_PERAWAT case with valid fields and a fresh request_id.
v1::SubmitApplicationRequest NurseApplication();

// A TransitionRequest with a fresh request_id.
v1::TransitionRequest Transition(int64_t case_id, const std::string& note = "",
                                 const std::string& etag = "");

// An AttachDocumentRequest with matching checksum.
v1::AttachDocumentRequest Document(int64_t case_id, const std::string& code,
                                   const std::string& content = "%PDF-1.4 test document");

}  // namespace loket::itest

#endif  // LOKET_TESTS_INTEGRATION_TEST_SERVER_H_
