// ReportService.GetMonthlyReport (issue 13, "Reports"): cases made through the API, the rest of a
// month's work (courier stops, appointments, queue tickets, screening) written as the repositories
// would have, then every figure checked for office bpp, March 2026.
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "loket/v1/report.grpc.pb.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::testing::HasSubstr;
using Stub = v1::CaseService::Stub;

class MonthlyReportTest : public ServerTest {
 protected:
  grpc::Status Report(const std::string& token, const std::string& month, v1::MonthlyReport* out) {
    auto stub = v1::ReportService::NewStub(server_->channel());
    v1::GetMonthlyReportRequest req;
    req.set_month(month);
    return stub->GetMonthlyReport(Ctx(token).get(), req, out);
  }

  v1::Case Submit(const std::string& token, int serial,
                  v1::Channel channel = v1::CHANNEL_UNSPECIFIED) {
    v1::SubmitApplicationRequest r = NurseApplication();
    r.mutable_applicant()->set_nik(absl::StrFormat("647106570890%04d", serial));
    r.set_channel(channel);
    v1::Case c;
    grpc::Status s = cases().SubmitApplication(Ctx(token).get(), r, &c);
    EXPECT_THAT(s, IsOk()) << s.error_message();
    return c;
  }

  void Sql(const std::string& sql) { server_->Query(sql); }
};

TEST_F(MonthlyReportTest, EveryFigureOfTheMonth) {
  // A: a clinic's nurse application, one revision, issued the day it came (on time, 0 days).
  v1::Case a = Submit(clinic_a_, 801);
  AttachAll(a.id(), clinic_a_);
  ASSERT_THAT(Do(&Stub::StartVerification, officer_, a.id()), IsOk());
  ASSERT_THAT(Do(&Stub::RequestRevision, officer_, a.id(), "foto buram"), IsOk());
  ASSERT_THAT(Do(&Stub::SubmitRevision, clinic_a_, a.id()), IsOk());
  ASSERT_THAT(Do(&Stub::Approve, approver_, a.id()), IsOk());
  ASSERT_THAT(Do(&Stub::Issue, officer_, a.id()), IsOk());
  // B: at the counter; its clock started on Mon 03-02, issued Tue 03-17: 11 working days, due
  // 03-09, late.
  v1::Case b = Submit(counter_, 802, v1::CHANNEL_COUNTER);
  Sql(absl::StrCat("UPDATE cases SET sla_started_on = '2026-03-02' WHERE id = ", b.id()));
  AttachAll(b.id(), counter_);
  ASSERT_THAT(Do(&Stub::StartVerification, officer_, b.id()), IsOk());
  ASSERT_THAT(Do(&Stub::Approve, approver_, b.id()), IsOk());
  ASSERT_THAT(Do(&Stub::Issue, officer_, b.id()), IsOk());
  // C: another online one, still open; D: another office's (never in bpp's report).
  v1::Case c = Submit(officer_, 803, v1::CHANNEL_ONLINE);
  v1::SubmitApplicationRequest other = NurseApplication();
  other.mutable_applicant()->set_nik("6471065708900804");
  v1::Case d;
  ASSERT_THAT(cases().SubmitApplication(Ctx(other_office_officer_).get(), other, &d), IsOk());
  // The events carry the database's time; put them on the test's day (past the append-only
  // trigger, as only a test may).
  Sql("SET session_replication_role = replica;"
      " UPDATE case_events SET at = '2026-03-17T02:00:00Z'");

  // SIBER: two pickups done and one failed in March, one done in April; a delivery; km per day.
  Sql("INSERT INTO siber_days (office_id, day, distance_m) VALUES ('bpp', '2026-03-10', 12500),"
      " ('bpp', '2026-03-11', 7500), ('bpp', '2026-03-12', 0), ('bpp', '2026-03-13', 0),"
      " ('bpp', '2026-04-01', 99000)"
      " ON CONFLICT (office_id, day) DO UPDATE SET distance_m = excluded.distance_m");
  server_->TokenFor("bpp", "courier");
  const std::string courier =
      server_->Query("SELECT max(id) FROM principals WHERE office_id = 'bpp' AND role = 'courier'");
  Sql(absl::StrCat("INSERT INTO couriers (principal_id, office_id, name, capacity) VALUES (",
                   courier, ", 'bpp', 'Kurir', 20) ON CONFLICT DO NOTHING"));
  const std::string stop =
      "INSERT INTO stops (office_id, case_id, day, kind, item, place, latitude, longitude,"
      " window_start, window_end, state, courier_id) VALUES ";
  auto stop_row = [&](const char* day, const char* kind, const char* state) {
    return absl::StrCat("('bpp', ", c.id(), ", '", day, "', '", kind, "', '",
                        std::string(kind) == "pickup" ? "documents" : "permit",
                        "', 'Puskesmas A', -1.27, 116.84, '", day, "T01:00Z', '", day,
                        "T02:00Z', '", state, "', ", courier, ")");
  };
  Sql(absl::StrCat(
      stop, stop_row("2026-03-10", "pickup", "done"), ",", stop_row("2026-03-11", "pickup", "done"),
      ",", stop_row("2026-03-12", "pickup", "failed"), ",",
      stop_row("2026-03-13", "delivery", "done"), ",", stop_row("2026-04-01", "pickup", "done")));

  // Spontan: five appointments for a March slot: served, checked in, no-show, cancelled, booked.
  Sql("INSERT INTO slots (office_id, day, starts_at, ends_at, capacity) VALUES"
      " ('bpp', '2026-03-26', '2026-03-26T01:00Z', '2026-03-26T01:30Z', 10)");
  const std::string slot = server_->Query(
      "SELECT id FROM slots WHERE office_id = 'bpp' AND starts_at = '2026-03-26T01:00Z'");
  const std::string someone =
      server_->Query("SELECT min(id) FROM principals WHERE office_id = 'bpp'");
  int n = 0;
  for (const char* state : {"served", "checked_in", "no_show", "cancelled", "booked"}) {
    ++n;
    const std::string req = server_->Query(absl::StrCat(
        "INSERT INTO appointment_requests (office_id, nik, name, phone, service, day, state,"
        " created_by) VALUES ('bpp', '64710657089009",
        n,
        "0', 'Tamu', '+6281234567890',"
        " 'SIP_PERAWAT', '2026-03-26', 'allocated', ",
        someone, ") RETURNING id"));
    Sql(
        absl::StrCat("INSERT INTO appointments (office_id, request_id, slot_id, code, state)"
                     " VALUES ('bpp', ",
                     req, ", ", slot, ", 'K7M-", n, "QX', '", state, "')"));
  }

  // The door: three check-ins; one fails screening and goes online; two walk-in tickets served
  // after 10 and 30 minutes.
  auto visit = [&](bool passed, const char* outcome) {
    return server_->Query(absl::StrCat(
        "INSERT INTO visits (office_id, day, name, service, temperature_c, mask,"
        " screening_passed, arrival, outcome, created_by, created_at) VALUES ('bpp', '2026-03-17',"
        " 'Tamu', 'SIP_PERAWAT', ",
        passed ? "36.5" : "38.2", ", true, ", passed ? "true" : "false", ", 'walk_in', '", outcome,
        "', ", someone, ", '2026-03-17T01:00Z') RETURNING id"));
  };
  visit(false, "online");
  int number = 0;
  for (int wait : {10, 30}) {
    ++number;
    const std::string v = visit(true, "queued");
    Sql(
        absl::StrCat("INSERT INTO tickets (office_id, day, visit_id, lane, number, label, service,"
                     " state, queued_at, created_at, called_at, finished_at) VALUES ('bpp',"
                     " '2026-03-17', ",
                     v, ", 'walk_in', ", number, ", 'W9", number,
                     "', 'SIP_PERAWAT', 'done', '2026-03-17T01:00Z', '2026-03-17T01:00Z',"
                     " '2026-03-17T01:00Z'::timestamptz + interval '",
                     wait, " minutes', '2026-03-17T02:00Z')"));
  }

  v1::MonthlyReport r;
  grpc::Status s = Report(approver_, "2026-03", &r);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(r.office_id(), "bpp");
  EXPECT_EQ(r.month(), "2026-03");
  // Applications: A by the clinic, B at the counter, C online; D is Samarinda's.
  EXPECT_EQ(r.applications_total(), 3);
  ASSERT_EQ(r.applications_size(), 3);
  std::map<v1::Channel, int64_t> by_channel;
  for (const auto& x : r.applications()) {
    EXPECT_EQ(x.permit_type(), "SIP_PERAWAT");
    by_channel[x.channel()] += x.count();
  }
  EXPECT_EQ(by_channel[v1::CHANNEL_CLINIC], 1);
  EXPECT_EQ(by_channel[v1::CHANNEL_COUNTER], 1);
  EXPECT_EQ(by_channel[v1::CHANNEL_ONLINE], 1);
  EXPECT_EQ(r.issued().issued(), 2);
  EXPECT_EQ(r.issued().on_time(), 1);
  EXPECT_EQ(r.issued().late(), 1);
  EXPECT_DOUBLE_EQ(r.issued().average_working_days(), 5.5);
  EXPECT_DOUBLE_EQ(r.issued().p90_working_days(), 11);
  EXPECT_EQ(r.revisions().revision_requests(), 1);
  EXPECT_EQ(r.revisions().cases_with_revision(), 1);
  EXPECT_DOUBLE_EQ(r.revisions().revisions_per_issued_case(), 0.5);
  EXPECT_EQ(r.siber().pickups_done(), 2);
  EXPECT_EQ(r.siber().pickups_failed(), 1);
  EXPECT_EQ(r.siber().deliveries_done(), 1);
  EXPECT_DOUBLE_EQ(r.siber().courier_km(), 20.0);
  EXPECT_EQ(r.appointments().booked(), 5);
  EXPECT_EQ(r.appointments().kept(), 2);
  EXPECT_EQ(r.appointments().no_show(), 1);
  EXPECT_EQ(r.appointments().cancelled(), 1);
  ASSERT_EQ(r.lanes_size(), 3);
  EXPECT_EQ(r.lanes(2).lane(), "walk_in");
  EXPECT_EQ(r.lanes(2).tickets(), 2);
  EXPECT_EQ(r.lanes(2).served(), 2);
  EXPECT_DOUBLE_EQ(r.lanes(2).wait_p50_minutes(), 20);
  EXPECT_DOUBLE_EQ(r.lanes(2).wait_p90_minutes(), 28);
  EXPECT_EQ(r.lanes(0).tickets(), 0);
  EXPECT_EQ(r.screening().screened(), 3);
  EXPECT_EQ(r.screening().redirected(), 1);
  EXPECT_EQ(r.screening().redirected_online(), 1);

  // Another month is empty; the other office sees only its own application.
  ASSERT_THAT(Report(officer_, "2026-05", &r), IsOk());
  EXPECT_EQ(r.applications_total(), 0);
  EXPECT_EQ(r.issued().issued(), 0);
  EXPECT_EQ(r.siber().courier_km(), 0);
  ASSERT_THAT(Report(other_office_officer_, "2026-03", &r), IsOk());
  EXPECT_EQ(r.office_id(), "smd");
  EXPECT_EQ(r.applications_total(), 1);
  EXPECT_EQ(r.issued().issued(), 0);
}

TEST_F(MonthlyReportTest, BadMonthAndWrongRoleAreRefused) {
  v1::MonthlyReport r;
  grpc::Status s = Report(officer_, "2026-13", &r);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("month:"));
  s = Report(officer_, "", &r);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  // A clinic has no office-wide figures; neither has a counter.
  EXPECT_THAT(Report(clinic_a_, "2026-03", &r), StatusIs(grpc::PERMISSION_DENIED));
  EXPECT_THAT(Report(counter_, "2026-03", &r), StatusIs(grpc::PERMISSION_DENIED));
}

}  // namespace
}  // namespace loket::itest
