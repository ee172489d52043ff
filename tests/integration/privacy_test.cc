// docs/security.md's exposure table, checked: every read RPC that returns an applicant's
// personal data is called as every role, and each personal field comes back visible, masked,
// absent, or the call is refused, exactly as the table says. A new role or RPC that leaks shows up
// here as a failed cell.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "loket/v1/appointment.grpc.pb.h"
#include "loket/v1/public.grpc.pb.h"
#include "loket/v1/queue.grpc.pb.h"
#include "server/domain/case.h"
#include "server/domain/validation.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

// What a caller gets of one record: the table's four outcomes for its fields, or a refusal.
enum class Seen { kVisible, kMasked, kAbsent, kDenied, kNotFound, kUnauthenticated };

const char* Name(Seen s) {
  switch (s) {
    case Seen::kVisible:
      return "visible";
    case Seen::kMasked:
      return "masked";
    case Seen::kAbsent:
      return "absent";
    case Seen::kDenied:
      return "PERMISSION_DENIED";
    case Seen::kNotFound:
      return "NOT_FOUND / not listed";
    case Seen::kUnauthenticated:
      return "UNAUTHENTICATED";
  }
  return "?";
}

constexpr char kPhone[] = "+6281234567001";
constexpr char kEmail[] = "siti@example.com";

// One personal field as returned, judged against its whole and masked forms.
Seen Judge(const std::string& got, const std::string& whole, const std::string& masked) {
  if (got.empty()) return Seen::kAbsent;
  if (got == whole) return Seen::kVisible;
  if (got == masked) return Seen::kMasked;
  ADD_FAILURE() << "a value that is neither whole nor masked: " << got;
  return Seen::kVisible;
}

Seen Refusal(const grpc::Status& s) {
  switch (s.error_code()) {
    case grpc::PERMISSION_DENIED:
      return Seen::kDenied;
    case grpc::NOT_FOUND:
      return Seen::kNotFound;
    case grpc::UNAUTHENTICATED:
      return Seen::kUnauthenticated;
    default:
      ADD_FAILURE() << "unexpected status " << s.error_code() << ": " << s.error_message();
      return Seen::kDenied;
  }
}

// NIK, name, phone, e-mail as one caller saw them.
struct Applicant {
  Seen nik, name, phone, email;
};
Applicant Refused(Seen s) { return {s, s, s, s}; }
Applicant Of(const v1::Applicant& a) {
  return {Judge(a.nik(), kNik, domain::MaskNik(kNik)),
          Judge(a.name(), "Siti Rahmawati", "Siti Rahmawati"),
          Judge(a.phone(), kPhone, domain::MaskPhone(kPhone)),
          Judge(a.email(), kEmail, domain::MaskEmail(kEmail))};
}
const Applicant kAll{Seen::kVisible, Seen::kVisible, Seen::kVisible, Seen::kVisible};
const Applicant kMaskedIds{Seen::kMasked, Seen::kVisible, Seen::kMasked, Seen::kMasked};

class PrivacyTest : public ServerTest {
 protected:
  static void SetUpTestSuite() {
    ServerTest::SetUpTestSuite();
    courier_ = server_->TokenFor("bpp", "courier");
    worker_ = server_->TokenFor("bpp", "worker");
    display_ = server_->TokenFor("bpp", "display");
  }

  // Every role of docs/security.md's columns, with its token ("" = no token: the public).
  std::vector<std::pair<std::string, std::string>> Roles() {
    return {{"admin", admin_},     {"officer", officer_},       {"approver", approver_},
            {"counter", counter_}, {"clinic (own)", clinic_a_}, {"clinic (other)", clinic_b_},
            {"courier", courier_}, {"worker", worker_},         {"display", display_},
            {"public", ""}};
  }

  static std::unique_ptr<grpc::ClientContext> As(const std::string& token) {
    if (!token.empty()) return Ctx(token);
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return ctx;
  }

  void Expect(const std::string& rpc, const std::string& role, const Applicant& want,
              const Applicant& got) {
    auto cell = [&](const char* field, Seen w, Seen g) {
      EXPECT_EQ(Name(g), std::string(Name(w))) << rpc << " as " << role << ": " << field;
    };
    cell("nik", want.nik, got.nik);
    cell("name", want.name, got.name);
    cell("phone", want.phone, got.phone);
    cell("email", want.email, got.email);
  }

  // Each test files Siti's application anew (kNik): one live application per NIK and permit type
  // (issue 13), so the previous test's is closed first.
  void SetUp() override {
    server_->Query(absl::StrCat("UPDATE cases SET state = 'WITHDRAWN', version = version + 1",
                                " WHERE applicant_nik = '", kNik,
                                "' AND state NOT IN ('REJECTED', 'WITHDRAWN', 'REVOKED')"));
  }

  static std::string courier_, worker_, display_;
};
std::string PrivacyTest::courier_, PrivacyTest::worker_, PrivacyTest::display_;

v1::SubmitApplicationRequest SitiApplication() {
  v1::SubmitApplicationRequest r = NurseApplication();
  r.mutable_applicant()->set_nik(kNik);
  r.mutable_applicant()->set_name("Siti Rahmawati");
  r.mutable_applicant()->set_phone(kPhone);
  r.mutable_applicant()->set_email(kEmail);
  return r;
}

TEST_F(PrivacyTest, CasesShowTheApplicantToStaffAndTheSubmittingClinicOnly) {
  v1::Case c;
  ASSERT_THAT(cases().SubmitApplication(Ctx(clinic_a_).get(), SitiApplication(), &c), IsOk());
  const std::string kKtp = "%PDF-1.4 KTP Siti Rahmawati 6471065708900001";
  v1::Case with_doc;
  ASSERT_THAT(
      cases().AttachDocument(Ctx(clinic_a_).get(), Document(c.id(), "KTP", kKtp), &with_doc),
      IsOk());
  ASSERT_EQ(with_doc.documents_size(), 1);
  const int64_t document_id = with_doc.documents(0).id();
  const std::map<std::string, Applicant> want = {
      {"admin", kAll},
      {"officer", kAll},
      {"approver", kAll},
      {"counter", kAll},
      {"clinic (own)", kAll},  // the clinic typed them in
      {"clinic (other)", Refused(Seen::kNotFound)},
      {"courier", Refused(Seen::kDenied)},
      {"worker", Refused(Seen::kDenied)},
      {"display", Refused(Seen::kDenied)},
      {"public", Refused(Seen::kUnauthenticated)},
  };
  for (const auto& [role, token] : Roles()) {
    v1::GetCaseRequest g;
    g.set_case_id(c.id());
    v1::Case got;
    grpc::Status s = cases().GetCase(As(token).get(), g, &got);
    Expect("GetCase", role, want.at(role), s.ok() ? Of(got.applicant()) : Refused(Refusal(s)));

    v1::ListCasesResponse list;
    s = cases().ListCases(As(token).get(), v1::ListCasesRequest(), &list);
    Applicant listed = Refused(Seen::kNotFound);
    if (!s.ok()) listed = Refused(Refusal(s));
    for (const auto& lc : list.cases()) {
      if (lc.id() == c.id()) listed = Of(lc.applicant());
    }
    Expect("ListCases", role, want.at(role), listed);

    // The documents' bytes (a scanned KTP shows everything) follow GetCase.
    v1::GetDocumentRequest d;
    d.set_case_id(c.id());
    d.set_document_id(document_id);
    v1::DocumentContent content;
    s = cases().GetDocument(As(token).get(), d, &content);
    const Seen bytes =
        s.ok() ? (content.content() == kKtp ? Seen::kVisible : Seen::kAbsent) : Refusal(s);
    EXPECT_EQ(Name(bytes), std::string(Name(want.at(role).nik))) << "GetDocument as " << role;

    // The history carries no personal field; who may read it follows GetCase.
    v1::GetCaseHistoryRequest h;
    h.set_case_id(c.id());
    v1::GetCaseHistoryResponse hist;
    s = cases().GetCaseHistory(As(token).get(), h, &hist);
    const Seen history = s.ok() ? Seen::kVisible : Refusal(s);
    EXPECT_EQ(Name(history), std::string(Name(want.at(role).name))) << "GetCaseHistory as " << role;
  }
}

// The public with a tracking code: the case and a masked name, never the NIK, phone or e-mail
// (PublicCaseStatus has no field for them).
TEST_F(PrivacyTest, ATrackingCodeShowsTheHolderMaskedAndNothingElse) {
  v1::Case c;
  ASSERT_THAT(cases().SubmitApplication(Ctx(clinic_a_).get(), SitiApplication(), &c), IsOk());
  ASSERT_FALSE(c.tracking_code().empty());
  auto pub = v1::PublicService::NewStub(server_->channel());
  v1::TrackCaseRequest t;
  t.set_tracking_code(c.tracking_code());
  v1::PublicCaseStatus st;
  grpc::Status s = pub->TrackCase(As("").get(), t, &st);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(st.holder_name_masked(), domain::MaskName("Siti Rahmawati"));
  const std::string all = st.SerializeAsString();
  for (const std::string& secret :
       {std::string(kNik), std::string(kPhone), std::string(kEmail), std::string("Rahmawati")}) {
    EXPECT_EQ(all.find(secret), std::string::npos) << secret;
  }
}

TEST_F(PrivacyTest, ClinicsSeeNikPhoneAndEmailMaskedInAppointmentRequests) {
  const std::string id = server_->Query(absl::StrCat(
      "INSERT INTO appointment_requests (office_id, nik, name, phone, email, service, clinic_id,"
      " day, created_by) SELECT 'bpp', '",
      kNik, "', 'Siti Rahmawati', '", kPhone, "', '", kEmail,
      "', 'SIP_PERAWAT', 'pkm-a', '2026-03-25', min(id) FROM principals"
      " WHERE clinic_id = 'pkm-a' RETURNING id"));
  ASSERT_FALSE(id.empty());
  const std::map<std::string, Applicant> want = {
      {"admin", kAll},
      {"officer", kAll},
      {"approver", Refused(Seen::kDenied)},
      {"counter", kAll},
      {"clinic (own)", kMaskedIds},  // as appointment.proto promises
      {"clinic (other)", Refused(Seen::kNotFound)},
      {"courier", Refused(Seen::kDenied)},
      {"worker", Refused(Seen::kDenied)},
      {"display", Refused(Seen::kDenied)},
      {"public", Refused(Seen::kUnauthenticated)},
  };
  auto appts = v1::AppointmentService::NewStub(server_->channel());
  for (const auto& [role, token] : Roles()) {
    v1::GetAppointmentRequestRequest g;
    g.set_id(std::stoll(id));
    v1::AppointmentRequest got;
    grpc::Status s = appts->GetAppointmentRequest(As(token).get(), g, &got);
    Expect("GetAppointmentRequest", role, want.at(role),
           s.ok() ? Of(got.applicant()) : Refused(Refusal(s)));

    v1::ListAppointmentRequestsRequest l;
    l.set_day("2026-03-25");
    v1::ListAppointmentRequestsResponse list;
    s = appts->ListAppointmentRequests(As(token).get(), l, &list);
    Applicant listed = Refused(Seen::kNotFound);
    if (!s.ok()) listed = Refused(Refusal(s));
    for (const auto& r : list.requests()) {
      if (r.id() == std::stoll(id)) listed = Of(r.applicant());
    }
    Expect("ListAppointmentRequests", role, want.at(role), listed);
  }
}

TEST_F(PrivacyTest, QueueTicketsNameTheVisitorToStaffButNotToTheWaitingRoomBoard) {
  server_->Query("INSERT INTO counters (office_id, id, name) VALUES ('bpp', 'C1', 'Loket 1')");
  auto queue = v1::QueueService::NewStub(server_->channel());
  v1::CheckInRequest in;
  in.set_request_id(NewUuid());
  in.mutable_walk_in()->set_name("Siti Rahmawati");
  in.mutable_walk_in()->set_service("SIP_PERAWAT");
  in.mutable_walk_in()->set_phone(kPhone);
  in.mutable_screening()->set_temperature_c(36.6);
  in.mutable_screening()->set_mask(true);
  v1::CheckInResponse checked;
  grpc::Status s = queue->CheckIn(Ctx(counter_).get(), in, &checked);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  ASSERT_TRUE(checked.has_ticket());

  // Tickets carry the name only (no NIK, phone or e-mail), masked even for the clerk who calls it.
  const std::string kMaskedName = domain::MaskName("Siti Rahmawati");
  const std::map<std::string, Seen> get = {
      {"admin", Seen::kMasked},        {"officer", Seen::kMasked},
      {"approver", Seen::kDenied},     {"counter", Seen::kMasked},
      {"clinic (own)", Seen::kDenied}, {"clinic (other)", Seen::kDenied},
      {"courier", Seen::kDenied},      {"worker", Seen::kDenied},
      {"display", Seen::kDenied},      {"public", Seen::kUnauthenticated}};
  std::map<std::string, Seen> list = get;
  list["display"] = Seen::kAbsent;  // the board shows labels, never names
  for (const auto& [role, token] : Roles()) {
    v1::GetTicketRequest g;
    g.set_ticket_id(checked.ticket().id());
    v1::Ticket t;
    s = queue->GetTicket(As(token).get(), g, &t);
    EXPECT_EQ(Name(s.ok() ? Judge(t.name(), "Siti Rahmawati", kMaskedName) : Refusal(s)),
              std::string(Name(get.at(role))))
        << "GetTicket as " << role;

    v1::ListTicketsResponse tickets;
    s = queue->ListTickets(As(token).get(), v1::ListTicketsRequest(), &tickets);
    Seen seen = s.ok() ? Seen::kNotFound : Refusal(s);
    for (const auto& lt : tickets.tickets()) {
      if (lt.id() == checked.ticket().id()) seen = Judge(lt.name(), "Siti Rahmawati", kMaskedName);
    }
    EXPECT_EQ(Name(seen), std::string(Name(list.at(role)))) << "ListTickets as " << role;

    // The board's first message lists the waiting tickets.
    auto ctx = As(token);
    auto stream = queue->WatchQueue(ctx.get(), v1::WatchQueueRequest());
    v1::QueueUpdate u;
    if (stream->Read(&u)) {
      seen = Seen::kNotFound;
      for (const auto& nt : u.board().next()) {
        if (nt.id() == checked.ticket().id())
          seen = Judge(nt.name(), "Siti Rahmawati", kMaskedName);
      }
      ctx->TryCancel();
      stream->Finish().IgnoreError();
    } else {
      seen = Refusal(stream->Finish());
    }
    EXPECT_EQ(Name(seen), std::string(Name(list.at(role)))) << "WatchQueue as " << role;
  }
}

// --- Streams end when their caller's token or role changes --------------------------------

// The principal behind `token`, for SQL.
std::string PrincipalOf(const std::string& token) {
  return absl::StrCat("(SELECT principal_id FROM tokens WHERE token_sha256 = decode('",
                      Sha256Hex(token), "', 'hex'))");
}

// Reads `stream` until it ends; the status it ended with.
template <typename Reader, typename Message>
grpc::Status ReadToEnd(Reader& stream, Message& m) {
  while (stream->Read(&m)) {
  }
  return stream->Finish();
}

// The token cache keeps a lookup 5 s of the server's clock (Authorizer's default). The tests move
// that clock past it instead of waiting; the stream must then end with the change's status, not
// run on to the call's own 25 s deadline (DEADLINE_EXCEEDED).
constexpr absl::Duration kPastCachePeriod = absl::Milliseconds(5001);

std::unique_ptr<grpc::ClientContext> StreamCtx(const std::string& token) {
  auto ctx = Ctx(token);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(25));
  return ctx;
}

TEST_F(PrivacyTest, WatchCaseEndsWhenItsTokenIsRevokedOrItsClinicChanges) {
  v1::Case c;
  ASSERT_THAT(cases().SubmitApplication(Ctx(clinic_a_).get(), SitiApplication(), &c), IsOk());
  v1::WatchCaseRequest w;
  w.set_case_id(c.id());
  v1::CaseEvent e;

  // Revoked on another replica (straight in the database, so this replica's cache is not told).
  const std::string officer = server_->TokenFor("bpp", "officer");
  auto ctx = StreamCtx(officer);
  auto stream = cases().WatchCase(ctx.get(), w);
  ASSERT_TRUE(stream->Read(&e));  // the submission
  server_->Query(absl::StrCat("UPDATE tokens SET revoked_at = now() WHERE token_sha256 = decode('",
                              Sha256Hex(officer), "', 'hex')"));
  server_->clock().Advance(kPastCachePeriod);
  const grpc::Status revoked = ReadToEnd(stream, e);
  EXPECT_THAT(revoked, StatusIs(grpc::UNAUTHENTICATED)) << revoked.error_message();

  // A clinic principal moved to another clinic stops seeing the first clinic's case.
  const std::string clinic = server_->TokenFor("bpp", "clinic", "pkm-a");
  auto ctx2 = StreamCtx(clinic);
  auto stream2 = cases().WatchCase(ctx2.get(), w);
  ASSERT_TRUE(stream2->Read(&e));
  server_->Query(
      absl::StrCat("UPDATE principals SET clinic_id = 'pkm-b' WHERE id = ", PrincipalOf(clinic)));
  server_->clock().Advance(kPastCachePeriod);
  const grpc::Status moved = ReadToEnd(stream2, e);
  EXPECT_THAT(moved, StatusIs(grpc::PERMISSION_DENIED)) << moved.error_message();
}

TEST_F(PrivacyTest, WatchQueueEndsWhenItsTokenIsRevokedOrItsRoleChanges) {
  auto queue = v1::QueueService::NewStub(server_->channel());
  v1::QueueUpdate u;

  const std::string board = server_->TokenFor("bpp", "display");
  auto ctx = StreamCtx(board);
  auto stream = queue->WatchQueue(ctx.get(), v1::WatchQueueRequest());
  ASSERT_TRUE(stream->Read(&u));  // the board as it is
  server_->Query(absl::StrCat("UPDATE tokens SET revoked_at = now() WHERE token_sha256 = decode('",
                              Sha256Hex(board), "', 'hex')"));
  server_->clock().Advance(kPastCachePeriod);
  const grpc::Status revoked = ReadToEnd(stream, u);
  EXPECT_THAT(revoked, StatusIs(grpc::UNAUTHENTICATED)) << revoked.error_message();

  // A counter clerk who became an approver may no longer watch the queue.
  const std::string clerk = server_->TokenFor("bpp", "counter");
  auto ctx2 = StreamCtx(clerk);
  auto stream2 = queue->WatchQueue(ctx2.get(), v1::WatchQueueRequest());
  ASSERT_TRUE(stream2->Read(&u));
  server_->Query(
      absl::StrCat("UPDATE principals SET role = 'approver' WHERE id = ", PrincipalOf(clerk)));
  server_->clock().Advance(kPastCachePeriod);
  const grpc::Status demoted = ReadToEnd(stream2, u);
  EXPECT_THAT(demoted, StatusIs(grpc::PERMISSION_DENIED)) << demoted.error_message();
}

}  // namespace
}  // namespace loket::itest
