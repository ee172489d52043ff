// A test fixture sharing one TestServer per suite, with a token per role.
#ifndef LOKET_TESTS_INTEGRATION_FIXTURE_H_
#define LOKET_TESTS_INTEGRATION_FIXTURE_H_

#include "gtest/gtest.h"
#include "tests/integration/test_server.h"

namespace loket::itest {

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = TestServer::Start(configure_).release();
    ASSERT_NE(server_, nullptr);
    officer_ = server_->TokenFor("bpp", "officer");
    approver_ = server_->TokenFor("bpp", "approver");
    counter_ = server_->TokenFor("bpp", "counter");
    admin_ = server_->TokenFor("bpp", "admin");
    clinic_a_ = server_->TokenFor("bpp", "clinic", "pkm-a");
    clinic_b_ = server_->TokenFor("bpp", "clinic", "pkm-b");
    other_office_officer_ = server_->TokenFor("smd", "officer");
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  v1::CaseService::Stub& cases() { return server_->cases(); }

  // Submits a nurse application as clinic A and returns it; fails the test on error.
  v1::Case SubmitAsClinicA() {
    v1::Case c;
    grpc::Status s = cases().SubmitApplication(Ctx(clinic_a_).get(), NurseApplication(), &c);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return c;
  }

  // Attaches every mandatory document of SIP_PERAWAT.
  void AttachAll(int64_t id, const std::string& token) {
    for (const char* code : {"KTP", "STR", "SURAT_TEMPAT_PRAKTIK"}) {
      v1::Case c;
      grpc::Status s = cases().AttachDocument(Ctx(token).get(), Document(id, code), &c);
      ASSERT_TRUE(s.ok()) << code << ": " << s.error_message();
    }
  }

  // Calls one named transition; returns its status and fills `out`.
  using TransitionFn = grpc::Status (v1::CaseService::Stub::*)(grpc::ClientContext*,
                                                               const v1::TransitionRequest&,
                                                               v1::Case*);
  grpc::Status Do(TransitionFn fn, const std::string& token, int64_t id,
                  const std::string& note = "", v1::Case* out = nullptr) {
    v1::Case tmp;
    return (cases().*fn)(Ctx(token).get(), Transition(id, note), out ? out : &tmp);
  }

  static TestServer* server_;
  // Set by a suite before ServerTest::SetUpTestSuite runs: adjusts the server's options.
  static inline std::function<void(api::ServerOptions&)> configure_;
  static std::string officer_, approver_, counter_, admin_, clinic_a_, clinic_b_,
      other_office_officer_;
};

}  // namespace loket::itest

#endif  // LOKET_TESTS_INTEGRATION_FIXTURE_H_
