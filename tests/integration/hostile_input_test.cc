// What a hostile or careless client sends: files that are not what they claim, huge or broken
// values, control characters, negative sizes. Each must be refused with INVALID_ARGUMENT naming
// the field, and nothing may be stored.
#include <grpcpp/generic/generic_stub.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/ids.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "loket/v1/appointment.grpc.pb.h"
#include "loket/v1/task.grpc.pb.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class HostileInputTest : public ServerTest {};

TEST_F(HostileInputTest, AnExecutableCalledImagePngIsRefusedNamingTheField) {
  v1::Case c = SubmitAsClinicA();
  const std::string exe =
      std::string("MZ\x90\0\x03\0\0\0", 8) + "This program cannot be run in DOS";
  v1::AttachDocumentRequest r = Document(c.id(), "KTP", exe);
  r.set_file_name("ktp.png");
  r.set_media_type("image/png");
  v1::Case out;
  grpc::Status s = cases().AttachDocument(Ctx(clinic_a_).get(), r, &out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT)) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("document.content: is not a PNG file"));
  EXPECT_THAT(s.error_message(), HasSubstr("document.media_type image/png"));

  // A PDF called a JPEG is refused too; the same bytes as a PDF are stored.
  v1::AttachDocumentRequest pdf_as_jpeg = Document(c.id(), "KTP");
  pdf_as_jpeg.set_media_type("image/jpeg");
  s = cases().AttachDocument(Ctx(clinic_a_).get(), pdf_as_jpeg, &out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("is not a JPEG file"));
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT count(*) FROM documents WHERE case_id = ", c.id())),
            "0");

  const std::string png = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + "pixels";
  v1::AttachDocumentRequest good = Document(c.id(), "KTP", png);
  good.set_file_name("ktp.png");
  good.set_media_type("image/png");
  s = cases().AttachDocument(Ctx(clinic_a_).get(), good, &out);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(
      server_->Query(absl::StrCat("SELECT media_type FROM documents WHERE case_id = ", c.id())),
      "image/png");
}

TEST_F(HostileInputTest, UnknownTaskStateAndNegativePageSizesAreInvalidArguments) {
  auto tasks = v1::TaskAdminService::NewStub(server_->channel());
  v1::ListTasksRequest lt;
  v1::ListTasksResponse lts;
  lt.set_state(static_cast<v1::TaskState>(42));
  grpc::Status s = tasks->ListTasks(Ctx(admin_).get(), lt, &lts);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT)) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("state: unknown value 42"));
  lt.set_state(v1::TASK_STATE_UNSPECIFIED);
  EXPECT_THAT(tasks->ListTasks(Ctx(admin_).get(), lt, &lts), IsOk());
  lt.set_page_size(-1);
  s = tasks->ListTasks(Ctx(admin_).get(), lt, &lts);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("page_size"));

  v1::ListCasesRequest lc;
  v1::ListCasesResponse lcs;
  lc.set_page_size(-5);
  s = cases().ListCases(Ctx(officer_).get(), lc, &lcs);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("page_size"));

  auto appointments = v1::AppointmentService::NewStub(server_->channel());
  v1::ListAppointmentRequestsRequest la;
  v1::ListAppointmentRequestsResponse las;
  la.set_day("2026-03-25");
  EXPECT_THAT(appointments->ListAppointmentRequests(Ctx(officer_).get(), la, &las), IsOk());
  la.set_page_size(-1);
  s = appointments->ListAppointmentRequests(Ctx(officer_).get(), la, &las);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT)) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("page_size"));
}

TEST_F(HostileInputTest, PrincipalNamesAndOneLineFieldsRefuseLineBreaksAndControls) {
  for (const char* name : {"Andi\nroot granted admin", "Andi\r", "Andi\tK", "Andi\x1b[31m"}) {
    v1::CreatePrincipalRequest r;
    r.set_request_id(NewUuid());
    r.set_name(name);
    r.set_role(v1::ROLE_OFFICER);
    v1::Principal out;
    grpc::Status s = server_->admin().CreatePrincipal(Ctx(admin_).get(), r, &out);
    EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT)) << name << ": " << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr("name: "));
  }
  EXPECT_EQ(server_->Query("SELECT count(*) FROM principals WHERE name LIKE 'Andi%'"), "0");
  v1::CreatePrincipalRequest ok;
  ok.set_request_id(NewUuid());
  ok.set_name("Andi Kurniawan, S.Kom");
  ok.set_role(v1::ROLE_OFFICER);
  v1::Principal out;
  EXPECT_THAT(server_->admin().CreatePrincipal(Ctx(admin_).get(), ok, &out), IsOk());

  for (auto edit : {+[](v1::SubmitApplicationRequest& r) { r.set_str_number("STR-1\nSTR-2"); },
                    +[](v1::SubmitApplicationRequest& r) { r.set_str_number("STR-1\x07"); },
                    +[](v1::SubmitApplicationRequest& r) { r.set_practice_place("A\r\nB"); }}) {
    v1::SubmitApplicationRequest r = NurseApplication();
    edit(r);
    v1::Case c;
    grpc::Status s = cases().SubmitApplication(Ctx(clinic_a_).get(), r, &c);
    EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT)) << s.error_message();
    EXPECT_THAT(s.error_message(),
                ::testing::AnyOf(HasSubstr("str_number: "), HasSubstr("practice_place: ")));
  }
  EXPECT_EQ(server_->Query("SELECT count(*) FROM cases WHERE str_number LIKE 'STR-1%'"), "0");
}

// A 9 kB bad value: the message names the field and quotes 32 characters of the value and its
// length. Before, the whole value came back and from about 9 kB the client saw "metadata size
// exceeds limit" (INTERNAL) instead.
TEST_F(HostileInputTest, ANineKilobyteBadValueComesBackAsAShortQuoteNamingTheField) {
  const std::string huge = "image/" + std::string(9 * 1024, 'x');
  const std::string quoted = "\"image/" + std::string(26, 'x') + "\u2026\" (9222 bytes)";
  v1::Case c = SubmitAsClinicA();
  v1::AttachDocumentRequest r = Document(c.id(), "KTP");
  r.set_media_type(huge);
  v1::Case out;
  grpc::Status s = cases().AttachDocument(Ctx(clinic_a_).get(), r, &out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT)) << s.error_message().substr(0, 200);
  EXPECT_THAT(s.error_message(), HasSubstr("document.media_type: "));
  EXPECT_THAT(s.error_message(), HasSubstr(quoted));
  EXPECT_LT(s.error_message().size(), 200u);

  // A permit type nobody has: the store's message quotes it the same way.
  v1::SubmitApplicationRequest app = NurseApplication();
  app.set_permit_type(huge);
  s = cases().SubmitApplication(Ctx(clinic_a_).get(), app, &out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT)) << s.error_message().substr(0, 200);
  EXPECT_THAT(s.error_message(), HasSubstr("permit_type: unknown permit type " + quoted));
  EXPECT_LT(s.error_message().size(), 200u);

  // A principal for an unknown clinic.
  v1::CreatePrincipalRequest pr;
  pr.set_request_id(NewUuid());
  pr.set_name("Klinik Palsu");
  pr.set_role(v1::ROLE_CLINIC);
  pr.set_clinic_id("pkm-" + std::string(40, 'z'));
  v1::Principal made;
  s = server_->admin().CreatePrincipal(Ctx(admin_).get(), pr, &made);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_EQ(s.error_message(),
            "clinic_id: unknown clinic \"pkm-" + std::string(28, 'z') + "\u2026\" (44 bytes)");
}

// Issue 12: a method that carries no file refuses a request past 256 KiB before any work; the two
// that carry one (a document, a courier's proof) are held only to --max_receive_kb.
TEST_F(HostileInputTest, ARequestPastItsMethodsLimitIsRefusedBeforeAnyWork) {
  const std::string cases_before = server_->Query("SELECT count(*) FROM cases");
  v1::SubmitApplicationRequest app = NurseApplication();
  app.set_practice_place(std::string(300 * 1024, 'x'));
  v1::Case out;
  grpc::Status s = cases().SubmitApplication(Ctx(clinic_a_).get(), app, &out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(
      s.error_message(),
      HasSubstr("request: 301 KiB is over the 256 KiB a SubmitApplication request may have"));
  EXPECT_EQ(server_->Query("SELECT count(*) FROM cases"), cases_before);
  // Without a token too: the size is looked at first, and nothing about the caller is said.
  v1::ListCasesRequest list;
  list.set_permit_type(std::string(257 * 1024, 'S'));
  v1::ListCasesResponse cases_out;
  s = cases().ListCases(Ctx("").get(), list, &cases_out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("a ListCases request may have"));

  // A 1 MiB document is a document, not an oversized request.
  v1::Case c = SubmitAsClinicA();
  const std::string pdf = "%PDF-1.4\n" + std::string(1024 * 1024, 'x');
  s = cases().AttachDocument(Ctx(clinic_a_).get(), Document(c.id(), "KTP", pdf), &out);
  ASSERT_THAT(s, IsOk()) << s.error_message();
}

// --- Bytes that are not a request at all ---------------------------------------------------

// Sends `body` as the request of `method` ("/loket.v1.CaseService/ListCases") without any
// protobuf in between, as a hostile client would, and returns the status.
grpc::Status SendRaw(std::shared_ptr<grpc::Channel> channel, const std::string& method,
                     const std::string& body, const std::string& token) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
  grpc::Slice slice(body);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
    status = std::move(s);
    done.Notify();
  });
  done.WaitForNotification();
  return status;
}

// ListCasesRequest.permit_type (field 5, a string) holding bytes that are not UTF-8.
std::string BadUtf8ListCases() { return std::string("\x2a\x02\xff\xfe", 4); }
// A length that runs past the end.
std::string TruncatedListCases() { return std::string("\x2a\x10SIP", 5); }
// Unknown group fields nested 500 deep (protobuf stops at 100).
std::string DeeplyNested() {
  std::string s;
  for (int i = 0; i < 500; ++i) s += '\x7b';  // field 15, start group
  for (int i = 0; i < 500; ++i) s += '\x7c';  // field 15, end group
  return s;
}

TEST_F(HostileInputTest, GarbageRequestsAnswerInvalidArgumentNamingTheRequest) {
  struct Case {
    const char* what;
    std::string body;
  };
  for (const Case& c :
       {Case{"invalid UTF-8", BadUtf8ListCases()}, Case{"truncated", TruncatedListCases()},
        Case{"nested 500 deep", DeeplyNested()},
        Case{"garbage", std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11)}}) {
    for (const std::string& token : {officer_, std::string()}) {
      grpc::Status s =
          SendRaw(server_->channel(), "/loket.v1.CaseService/ListCases", c.body, token);
      EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT))
          << c.what << (token.empty() ? " without a token" : "") << ": " << s.error_code() << " "
          << s.error_message();
      EXPECT_THAT(s.error_message(),
                  HasSubstr("request: not a valid loket.v1.CaseService/ListCases request ("))
          << c.what;
      if (std::string(c.what) == "invalid UTF-8") {
        // protobuf told which field; the answer passes it on.
        EXPECT_THAT(s.error_message(),
                    HasSubstr("string field loket.v1.ListCasesRequest.permit_type is not valid "
                              "UTF-8"));
      }
    }
  }
  // The same bytes as a real request still work.
  EXPECT_THAT(SendRaw(server_->channel(), "/loket.v1.CaseService/ListCases", "", officer_), IsOk());
}

TEST_F(HostileInputTest, GarbageFromStrangersIsCountedNotLoggedPerRequest) {
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 40; ++i) {
    SendRaw(server_->channel(), "/loket.v1.CaseService/ListCases", BadUtf8ListCases(), "")
        .IgnoreError();
    // TrackCaseRequest.tracking_code (field 1) with bytes that are not UTF-8.
    SendRaw(server_->channel(), "/loket.v1.PublicService/TrackCase",
            std::string("\x0a\x02\xff\xfe", 4), "")
        .IgnoreError();
  }
  const std::string log = ::testing::internal::GetCapturedStderr();
  int lines = 0;
  for (char ch : log) lines += ch == '\n';
  EXPECT_LE(lines, 2) << log.substr(0, 2000);
}

}  // namespace
}  // namespace loket::itest
