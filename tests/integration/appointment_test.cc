// Spontan appointments end to end in one process: AppointmentService, the slots.allocate planning
// queue, and the scheduler's own task handler (workers/scheduling/allocate_task) doing the work a
// loket-scheduler process does, against real PostgreSQL.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "loket/v1/appointment.grpc.pb.h"
#include "loket/v1/task.grpc.pb.h"
#include "server/store/appointment_seats.h"
#include "server/store/database.h"
#include "server/store/pg.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"
#include "workers/scheduling/allocate_task.h"

namespace loket::itest {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::testing::HasSubstr;

std::string Uuid() {
  static int n = 0;
  return absl::StrFormat("7b1f3c2e-0000-4000-8000-%012d", ++n);
}

// A valid synthetic NIK with serial `i` (1..9999).
std::string Nik(int i) { return absl::StrFormat("647106570890%04d", i); }

class AppointmentTest : public ServerTest {
 protected:
  static void SetUpTestSuite() {
    ServerTest::SetUpTestSuite();
    worker_ = server_->TokenFor("bpp", "worker");
    appts_ = v1::AppointmentService::NewStub(server_->channel()).release();
    tasks_ = v1::TaskService::NewStub(server_->channel()).release();
    // Mon-Fri 08:00-10:00: four 30-minute slots a day, 4 inside at once, 2 of them reserved.
    v1::SetOfficeHoursRequest hours;
    hours.set_request_id(Uuid());
    for (int d = 1; d <= 5; ++d) {
      v1::OfficeHours* h = hours.add_hours();
      h->set_weekday(d);
      h->set_opens("08:00");
      h->set_closes("10:00");
      h->set_slot_minutes(30);
      h->set_capacity(4);
      h->set_reserved_priority(2);
    }
    v1::SetOfficeHoursResponse hr;
    grpc::Status s = appts_->SetOfficeHours(Ctx(admin_).get(), hours, &hr);
    ASSERT_THAT(s, IsOk()) << s.error_message();
    v1::GenerateSlotsRequest gen;
    gen.set_request_id(Uuid());
    gen.set_from("2026-03-25");
    gen.set_to("2026-04-10");
    v1::GenerateSlotsResponse gr;
    s = appts_->GenerateSlots(Ctx(admin_).get(), gen, &gr);
    ASSERT_THAT(s, IsOk()) << s.error_message();
    // 12 working days (04-03 is a holiday) x 4 slots.
    ASSERT_EQ(gr.created(), 48);
    server_->Query(
        "INSERT INTO counters (office_id, id, name) VALUES ('bpp', 'C1', 'Loket 1'),"
        " ('bpp', 'C2', 'Loket 2')");
  }
  static void TearDownTestSuite() {
    delete appts_;
    delete tasks_;
    ServerTest::TearDownTestSuite();
  }
  void TearDown() override { server_->clock().Set(DefaultTestNow()); }

  v1::CreateAppointmentRequestRequest NewRequest(
      int nik, const std::string& day, std::vector<std::pair<std::string, std::string>> windows,
      v1::PriorityClass priority = v1::PRIORITY_CLASS_NONE) {
    v1::CreateAppointmentRequestRequest req;
    req.set_request_id(Uuid());
    req.set_service("SIP_PERAWAT");
    v1::Applicant* a = req.mutable_applicant();
    a->set_nik(Nik(nik));
    a->set_name("Siti Rahmawati");
    a->set_phone("+6281234567" + absl::StrFormat("%03d", nik % 1000));
    a->set_priority_class(priority);
    for (const auto& [from, to] : windows) {
      v1::TimeWindow* w = req.add_windows();
      w->set_starts_at(At(day, from));
      w->set_ends_at(At(day, to));
    }
    return req;
  }

  v1::AppointmentRequest Create(const v1::CreateAppointmentRequestRequest& req,
                                const std::string& token = "") {
    v1::AppointmentRequest r;
    grpc::Status s =
        appts_->CreateAppointmentRequest(Ctx(token.empty() ? officer_ : token).get(), req, &r);
    EXPECT_THAT(s, IsOk()) << s.error_message();
    return r;
  }

  v1::AppointmentRequest Get(int64_t id, const std::string& token = "") {
    v1::GetAppointmentRequestRequest req;
    req.set_id(id);
    v1::AppointmentRequest r;
    grpc::Status s =
        appts_->GetAppointmentRequest(Ctx(token.empty() ? officer_ : token).get(), req, &r);
    EXPECT_THAT(s, IsOk()) << s.error_message();
    return r;
  }

  grpc::Status Cancel(int64_t id, v1::AppointmentRequest* out = nullptr) {
    v1::CancelAppointmentRequestRequest req;
    req.set_request_id(Uuid());
    req.set_id(id);
    v1::AppointmentRequest tmp;
    return appts_->CancelAppointmentRequest(Ctx(officer_).get(), req, out ? out : &tmp);
  }

  // Leases slots.allocate tasks and completes them through the scheduler's handler until none
  // is ready. Returns how many rounds ran.
  int RunScheduler() {
    int rounds = 0;
    for (;;) {
      v1::PollTaskRequest poll;
      poll.set_queue("slots.allocate");
      poll.set_worker_id("appointment-test");
      poll.set_lease_seconds(30);
      poll.set_wait_seconds(0);
      v1::PollTaskResponse leased;
      grpc::Status s = tasks_->PollTask(Ctx(worker_).get(), poll, &leased);
      EXPECT_THAT(s, IsOk()) << s.error_message();
      if (!s.ok() || !leased.has_task()) return rounds;
      v1::CompleteTaskRequest done;
      done.set_task_id(leased.task().id());
      done.set_attempt(leased.task().attempt());
      absl::Status handled = scheduling::HandleAllocateTask(leased.task(), &done);
      EXPECT_THAT(handled, IsOk()) << handled;
      v1::CompleteTaskResponse cr;
      s = tasks_->CompleteTask(Ctx(worker_).get(), done, &cr);
      EXPECT_THAT(s, IsOk()) << s.error_message();
      if (++rounds > 50) {
        ADD_FAILURE() << "slots.allocate keeps re-enqueueing itself";
        return rounds;
      }
    }
  }

  // The admin makes the slots of [from, to]; how many were made.
  int GenerateSlots(const std::string& from, const std::string& to) {
    v1::GenerateSlotsRequest gen;
    gen.set_request_id(Uuid());
    gen.set_from(from);
    gen.set_to(to);
    v1::GenerateSlotsResponse gr;
    EXPECT_THAT(appts_->GenerateSlots(Ctx(admin_).get(), gen, &gr), IsOk());
    return gr.created();
  }

  // The admin closes `day`; the answer.
  v1::ClosureResponse CloseDay(const std::string& day, const std::string& reason) {
    v1::CloseDayRequest close;
    close.set_request_id(Uuid());
    close.set_day(day);
    close.set_reason(reason);
    v1::ClosureResponse cr;
    EXPECT_THAT(appts_->CloseDay(Ctx(admin_).get(), close, &cr), IsOk());
    return cr;
  }

  // Every slot within capacity, and its counters equal to the live appointments it holds.
  void ExpectSeatsConsistent() {
    EXPECT_EQ(server_->Query("SELECT count(*) FROM slots WHERE booked > capacity"), "0");
    EXPECT_EQ(server_->Query(
                  "SELECT count(*) FROM slots s WHERE booked <> (SELECT count(*) FROM appointments"
                  " a WHERE a.slot_id = s.id AND a.state IN ('booked', 'checked_in', 'served'))"),
              "0");
  }

  static std::string worker_;
  static v1::AppointmentService::Stub* appts_;
  static v1::TaskService::Stub* tasks_;
};

std::string AppointmentTest::worker_;
v1::AppointmentService::Stub* AppointmentTest::appts_ = nullptr;
v1::TaskService::Stub* AppointmentTest::tasks_ = nullptr;

// The week as saved is read back (the admin page's hours form starts from it): every field, a day
// open until midnight as 24:00, closed days absent; admins and officers read it, a clinic may not.
TEST_F(AppointmentTest, TheWeekAsSavedIsReadBack) {
  v1::GetOfficeHoursResponse week;
  ASSERT_THAT(appts_->GetOfficeHours(Ctx(officer_).get(), {}, &week), IsOk());
  ASSERT_EQ(week.hours_size(), 5);
  EXPECT_EQ(week.hours(0).weekday(), 1);
  EXPECT_EQ(week.hours(4).weekday(), 5);
  EXPECT_EQ(week.hours(2).opens(), "08:00");
  EXPECT_EQ(week.hours(2).closes(), "10:00");
  EXPECT_EQ(week.hours(2).slot_minutes(), 30);
  EXPECT_EQ(week.hours(2).capacity(), 4);
  EXPECT_EQ(week.hours(2).reserved_priority(), 2);
  EXPECT_THAT(appts_->GetOfficeHours(Ctx(clinic_a_).get(), {}, &week),
              StatusIs(grpc::PERMISSION_DENIED));

  // Saturday until midnight, added and read back; then the suite's week is put back.
  const std::string saved = server_->Query(
      "SELECT string_agg(weekday || ' ' || opens || ' ' || closes, ',' ORDER BY weekday)"
      " FROM office_hours WHERE office_id = 'bpp'");
  server_->Query(
      "INSERT INTO office_hours (office_id, weekday, opens, closes, slot_minutes, capacity,"
      " reserved_priority) VALUES ('bpp', 6, '20:00', '23:59:59', 60, 2, 0)");
  ASSERT_THAT(appts_->GetOfficeHours(Ctx(admin_).get(), {}, &week), IsOk());
  ASSERT_EQ(week.hours_size(), 6);
  EXPECT_EQ(week.hours(5).weekday(), 6);
  EXPECT_EQ(week.hours(5).opens(), "20:00");
  EXPECT_EQ(week.hours(5).closes(), "24:00");
  server_->Query("DELETE FROM office_hours WHERE office_id = 'bpp' AND weekday = 6");
  EXPECT_EQ(server_->Query("SELECT string_agg(weekday || ' ' || opens || ' ' || closes, ','"
                           " ORDER BY weekday) FROM office_hours WHERE office_id = 'bpp'"),
            saved);
}

TEST_F(AppointmentTest, AnsweredPendingThenAllocatedWithConfirmationAndReminders) {
  v1::AppointmentRequest r = Create(NewRequest(1, "2026-03-25", {{"09:00", "10:00"}}));
  EXPECT_GT(r.id(), 0);
  EXPECT_EQ(r.state(), v1::APPOINTMENT_REQUEST_STATE_PENDING);
  EXPECT_EQ(r.day(), "2026-03-25");
  EXPECT_GE(RunScheduler(), 1);
  v1::AppointmentRequest got = Get(r.id());
  ASSERT_EQ(got.state(), v1::APPOINTMENT_REQUEST_STATE_ALLOCATED);
  EXPECT_EQ(got.appointment().code().size(), 6u);
  EXPECT_EQ(got.appointment().state(), "booked");
  EXPECT_EQ(got.appointment().choice_rank(), 0);
  EXPECT_EQ(got.appointment().starts_at(), "2026-03-25T01:00:00.000Z");  // 09:00 WITA
  // By the code too.
  v1::GetAppointmentRequestRequest by_code;
  by_code.set_code(got.appointment().code());
  v1::AppointmentRequest again;
  ASSERT_THAT(appts_->GetAppointmentRequest(Ctx(counter_).get(), by_code, &again), IsOk());
  EXPECT_EQ(again.id(), r.id());
  // Confirmation now, reminders the day before and an hour before the slot.
  std::string phone = r.applicant().phone();
  EXPECT_EQ(server_->Query("SELECT count(*) FROM notifications WHERE address = '" + phone +
                           "' AND template_id = 'appointment.confirmed'"),
            "1");
  EXPECT_EQ(server_->Query("SELECT string_agg(to_char(scheduled_for AT TIME ZONE 'UTC',"
                           " 'YYYY-MM-DD HH24:MI'), ',' ORDER BY scheduled_for) FROM notifications"
                           " WHERE address = '" +
                           phone + "' AND template_id = 'appointment.reminder'"),
            "2026-03-24 01:00,2026-03-25 00:00");
  ExpectSeatsConsistent();
}

TEST_F(AppointmentTest, ReplayOfRequestIdCreatesNothingTwice) {
  v1::CreateAppointmentRequestRequest req = NewRequest(2, "2026-03-25", {{"08:00", "09:00"}});
  v1::AppointmentRequest first = Create(req);
  v1::AppointmentRequest second = Create(req);
  EXPECT_EQ(first.id(), second.id());
  EXPECT_EQ(
      server_->Query("SELECT count(*) FROM appointment_requests WHERE nik = '" + Nik(2) + "'"),
      "1");
  RunScheduler();
  v1::CancelAppointmentRequestRequest cancel;
  cancel.set_request_id(Uuid());
  cancel.set_id(first.id());
  v1::AppointmentRequest c1, c2;
  ASSERT_THAT(appts_->CancelAppointmentRequest(Ctx(officer_).get(), cancel, &c1), IsOk());
  ASSERT_THAT(appts_->CancelAppointmentRequest(Ctx(officer_).get(), cancel, &c2), IsOk());
  EXPECT_EQ(c2.state(), v1::APPOINTMENT_REQUEST_STATE_CANCELLED);
  EXPECT_EQ(c1.etag(), c2.etag());
  // Its two reminders are withdrawn before they go out: not sent, and no failure either.
  EXPECT_EQ(
      server_->Query("SELECT string_agg(n.status || '/' || t.state, ',') FROM notifications n"
                     " JOIN tasks t ON t.id = n.task_id WHERE n.address = '" +
                     first.applicant().phone() + "' AND n.template_id = 'appointment.reminder'"),
      "skipped/done,skipped/done");
  EXPECT_EQ(
      server_->Query("SELECT count(*) FROM notifications WHERE address = '" +
                     first.applicant().phone() + "' AND template_id = 'appointment.cancelled'"),
      "1");
  ExpectSeatsConsistent();
}

TEST_F(AppointmentTest, FieldsAreValidatedByName) {
  v1::AppointmentRequest r;
  auto bad = NewRequest(3, "2026-03-25", {{"09:00", "08:00"}});
  grpc::Status s = appts_->CreateAppointmentRequest(Ctx(officer_).get(), bad, &r);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_NE(s.error_message().find("windows[0]"), std::string::npos) << s.error_message();
  auto two_days = NewRequest(3, "2026-03-25", {{"09:00", "10:00"}});
  *two_days.add_windows() = NewRequest(3, "2026-03-26", {{"09:00", "10:00"}}).windows(0);
  s = appts_->CreateAppointmentRequest(Ctx(officer_).get(), two_days, &r);
  EXPECT_NE(s.error_message().find("windows[1]"), std::string::npos) << s.error_message();
  auto service = NewRequest(3, "2026-03-25", {{"09:00", "10:00"}});
  service.set_service("NOPE");
  s = appts_->CreateAppointmentRequest(Ctx(officer_).get(), service, &r);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_NE(s.error_message().find("service"), std::string::npos) << s.error_message();
  auto nik = NewRequest(3, "2026-03-25", {{"09:00", "10:00"}});
  nik.mutable_applicant()->set_nik("123");
  s = appts_->CreateAppointmentRequest(Ctx(officer_).get(), nik, &r);
  EXPECT_NE(s.error_message().find("applicant.nik"), std::string::npos) << s.error_message();
  auto holiday = NewRequest(3, "2026-04-03", {{"09:00", "10:00"}});
  s = appts_->CreateAppointmentRequest(Ctx(officer_).get(), holiday, &r);
  EXPECT_NE(s.error_message().find("no open slots"), std::string::npos) << s.error_message();
  EXPECT_EQ(
      server_->Query("SELECT count(*) FROM appointment_requests WHERE nik = '" + Nik(3) + "'"),
      "0");
}

TEST_F(AppointmentTest, AtMostTwoLiveRequestsPerNik) {
  v1::AppointmentRequest a = Create(NewRequest(4, "2026-03-26", {{"08:00", "10:00"}}));
  Create(NewRequest(4, "2026-03-26", {{"08:00", "10:00"}}));
  v1::AppointmentRequest r;
  grpc::Status s = appts_->CreateAppointmentRequest(
      Ctx(officer_).get(), NewRequest(4, "2026-03-30", {{"08:00", "10:00"}}), &r);
  EXPECT_THAT(s, StatusIs(grpc::RESOURCE_EXHAUSTED));
  EXPECT_NE(s.error_message().find("applicant.nik"), std::string::npos) << s.error_message();
  // Allocation does not free a place (a booked visit is live); cancelling does.
  RunScheduler();
  s = appts_->CreateAppointmentRequest(Ctx(officer_).get(),
                                       NewRequest(4, "2026-03-30", {{"08:00", "10:00"}}), &r);
  EXPECT_THAT(s, StatusIs(grpc::RESOURCE_EXHAUSTED));
  ASSERT_THAT(Cancel(a.id()), IsOk());
  s = appts_->CreateAppointmentRequest(Ctx(officer_).get(),
                                       NewRequest(4, "2026-03-30", {{"08:00", "10:00"}}), &r);
  EXPECT_THAT(s, IsOk()) << s.error_message();
}

TEST_F(AppointmentTest, RequestsOfAPastDayNoLongerCountAgainstTheNik) {
  Create(NewRequest(800, "2026-03-26", {{"08:00", "10:00"}}));
  Create(NewRequest(800, "2026-03-26", {{"08:00", "10:00"}}));
  v1::AppointmentRequest r;
  EXPECT_THAT(appts_->CreateAppointmentRequest(
                  Ctx(officer_).get(), NewRequest(800, "2026-03-30", {{"08:00", "10:00"}}), &r),
              StatusIs(grpc::RESOURCE_EXHAUSTED));
  server_->clock().Set(
      absl::FromCivil(absl::CivilMinute(2026, 3, 27, 9, 0), absl::FixedTimeZone(8 * 3600)));
  EXPECT_THAT(appts_->CreateAppointmentRequest(
                  Ctx(officer_).get(), NewRequest(800, "2026-03-30", {{"08:00", "10:00"}}), &r),
              IsOk());
}

TEST_F(AppointmentTest, ReservedSeatsGoToPriorityFirstAndOpenAtTheCutoff) {
  // Five ordinary requests and one elderly visitor want the 08:00 slot of Friday 03-27
  // (capacity 4, 2 reserved): before the cut-off only 2 ordinary ones get in.
  std::vector<int64_t> ordinary;
  for (int i = 0; i < 5; ++i) {
    ordinary.push_back(Create(NewRequest(100 + i, "2026-03-27", {{"08:00", "08:30"}})).id());
  }
  int64_t elderly =
      Create(NewRequest(110, "2026-03-27", {{"08:00", "08:30"}}, v1::PRIORITY_CLASS_ELDERLY)).id();
  RunScheduler();
  EXPECT_EQ(Get(elderly).state(), v1::APPOINTMENT_REQUEST_STATE_ALLOCATED);
  int allocated = 0, waitlisted = 0;
  for (int64_t id : ordinary) {
    auto st = Get(id).state();
    allocated += st == v1::APPOINTMENT_REQUEST_STATE_ALLOCATED;
    waitlisted += st == v1::APPOINTMENT_REQUEST_STATE_WAITLISTED;
  }
  EXPECT_EQ(allocated, 2);
  EXPECT_EQ(waitlisted, 3);
  EXPECT_EQ(server_->Query("SELECT booked || '/' || booked_priority FROM slots"
                           " WHERE starts_at = '" +
                           At("2026-03-27", "08:00") + "'"),
            "3/1");
  // 2 hours before the slot the reserved seat nobody with priority took opens to the waitlist:
  // the round enqueued for that cut-off gives it to one ordinary request (the slot is then full).
  // Here that round already ran once, at once (the queue runs on the database's clock, months past
  // the fake one) and changed nothing; it is run again with the fake clock at the cut-off.
  server_->clock().Set(
      absl::FromCivil(absl::CivilMinute(2026, 3, 27, 6, 30), absl::FixedTimeZone(8 * 3600)));
  server_->Query(
      "UPDATE tasks SET state = 'ready', run_after = now(), attempt = 0"
      " WHERE queue = 'slots.allocate' AND dedupe_key = '2026-03-27T08:00/release'");
  RunScheduler();
  allocated = 0;
  for (int64_t id : ordinary)
    allocated += Get(id).state() == v1::APPOINTMENT_REQUEST_STATE_ALLOCATED;
  EXPECT_EQ(allocated, 3);
  EXPECT_EQ(server_->Query("SELECT booked FROM slots WHERE starts_at = '" +
                           At("2026-03-27", "08:00") + "'"),
            "4");
  ExpectSeatsConsistent();
}

TEST_F(AppointmentTest, NextDayAndSameDayPriorityRequestsStillGetTheReservedSeats) {
  // The day before, at 10:00: four ordinary requests for Wednesday 04-08 09:30 (capacity 4, 2
  // reserved) take only the 2 general seats: the reserved ones are held until 2 hours before.
  server_->clock().Set(
      absl::FromCivil(absl::CivilMinute(2026, 4, 7, 10, 0), absl::FixedTimeZone(8 * 3600)));
  RunScheduler();
  std::vector<int64_t> ordinary;
  for (int i = 0; i < 4; ++i) {
    ordinary.push_back(Create(NewRequest(900 + i, "2026-04-08", {{"09:30", "10:00"}})).id());
  }
  RunScheduler();
  int allocated = 0;
  for (int64_t id : ordinary)
    allocated += Get(id).state() == v1::APPOINTMENT_REQUEST_STATE_ALLOCATED;
  EXPECT_EQ(allocated, 2);
  // A next-day request of an elderly visitor gets a reserved seat ...
  int64_t elderly =
      Create(NewRequest(910, "2026-04-08", {{"09:30", "10:00"}}, v1::PRIORITY_CLASS_ELDERLY)).id();
  RunScheduler();
  EXPECT_EQ(Get(elderly).state(), v1::APPOINTMENT_REQUEST_STATE_ALLOCATED);
  // ... and so does a health worker's on the day itself, at 07:00.
  server_->clock().Set(
      absl::FromCivil(absl::CivilMinute(2026, 4, 8, 7, 0), absl::FixedTimeZone(8 * 3600)));
  int64_t nurse =
      Create(NewRequest(911, "2026-04-08", {{"09:30", "10:00"}}, v1::PRIORITY_CLASS_HEALTH_WORKER))
          .id();
  RunScheduler();
  EXPECT_EQ(Get(nurse).state(), v1::APPOINTMENT_REQUEST_STATE_ALLOCATED);
  EXPECT_EQ(
      server_->Query("SELECT booked || '/' || booked_priority FROM slots WHERE starts_at = '" +
                     At("2026-04-08", "09:30") + "'"),
      "4/2");
  ExpectSeatsConsistent();
}

TEST_F(AppointmentTest, TwoRoundsFromTheSameInputCannotOverbook) {
  // Two schedulers allocate 04-09 from the same snapshot (the day's task and a no-show sweep
  // leased before either finishes): each assigns the same 2 general seats of the 08:00 slot.
  RunScheduler();  // nothing else of earlier tests is ready
  std::vector<int64_t> ids;
  for (int i = 0; i < 4; ++i) {
    ids.push_back(Create(NewRequest(700 + i, "2026-04-09", {{"08:00", "08:30"}})).id());
  }
  server_->Query(
      "INSERT INTO tasks (office_id, queue, dedupe_key) VALUES ('bpp', 'slots.allocate',"
      " '2026-04-09T08:00')");
  std::vector<v1::Task> leased;
  for (int i = 0; i < 2; ++i) {
    v1::PollTaskRequest poll;
    poll.set_queue("slots.allocate");
    poll.set_worker_id(absl::StrCat("scheduler-", i));
    poll.set_wait_seconds(0);
    v1::PollTaskResponse resp;
    ASSERT_THAT(tasks_->PollTask(Ctx(worker_).get(), poll, &resp), IsOk());
    ASSERT_TRUE(resp.has_task());
    leased.push_back(resp.task());
  }
  std::vector<v1::CompleteTaskRequest> results(2);
  for (int i = 0; i < 2; ++i) {
    results[i].set_task_id(leased[i].id());
    results[i].set_attempt(leased[i].attempt());
    ASSERT_THAT(scheduling::HandleAllocateTask(leased[i], &results[i]), IsOk());
    EXPECT_EQ(results[i].allocation().assigned_size(), 2);
  }
  for (int i = 0; i < 2; ++i) {
    v1::CompleteTaskResponse cr;
    grpc::Status s = tasks_->CompleteTask(Ctx(worker_).get(), results[i], &cr);
    EXPECT_THAT(s, IsOk()) << s.error_message();
  }
  EXPECT_EQ(server_->Query("SELECT booked FROM slots WHERE starts_at = '" +
                           At("2026-04-09", "08:00") + "'"),
            "2");
  RunScheduler();  // whatever the second round could not place gets a fresh round
  int allocated = 0, waitlisted = 0;
  for (int64_t id : ids) {
    auto st = Get(id).state();
    allocated += st == v1::APPOINTMENT_REQUEST_STATE_ALLOCATED;
    waitlisted += st == v1::APPOINTMENT_REQUEST_STATE_WAITLISTED;
  }
  EXPECT_EQ(allocated, 2);
  EXPECT_EQ(waitlisted, 2);
  ExpectSeatsConsistent();
}

// The seat's UPDATE guards capacity itself (booked < capacity), so the database refuses a full slot
// even where the C++ check (domain::SeatOpenTo under the slot's lock) were skipped or wrong: the
// test calls the statement with no check in front. In one transaction, rolled back at the end: a
// slot with one seat left gives it once, then is full; a slot already full gives nothing. A refusal
// is "no row updated" (false), the check's own "full", not a CHECK violation failing the round.
TEST_F(AppointmentTest, TheSeatUpdateItselfRefusesAFullSlot) {
  store::Database db(store::DatabaseOptions{server_->conninfo(), 1});
  auto slot_at = [](const std::string& hhmm) {
    return server_->Query("SELECT id FROM slots WHERE office_id = 'bpp' AND starts_at = '" +
                          At("2026-04-10", hhmm) + "'");
  };
  const std::string last_seat = slot_at("08:00"), full = slot_at("08:30");
  ASSERT_FALSE(last_seat.empty());
  ASSERT_FALSE(full.empty());
  std::vector<bool> took;
  std::string last_seat_after, full_after;
  absl::Status s = db.impl().RunTx([&](store::Tx& tx) -> absl::Status {
    tx.ExecRaw("UPDATE slots SET capacity = 1, booked = 0, booked_priority = 0 WHERE id = " +
               last_seat);
    tx.ExecRaw("UPDATE slots SET capacity = 2, booked = 2, booked_priority = 0 WHERE id = " + full);
    took.push_back(store::TakeSeatInTx(tx, std::stoll(last_seat), true));
    took.push_back(store::TakeSeatInTx(tx, std::stoll(last_seat), false));
    took.push_back(store::TakeSeatInTx(tx, std::stoll(full), false));
    auto seats = [&tx](const std::string& id) {
      return tx
          .ExecRaw(
              "SELECT booked || '/' || capacity || '/' || booked_priority FROM slots"
              " WHERE id = " +
              id)[0][0]
          .as<std::string>();
    };
    last_seat_after = seats(last_seat);
    full_after = seats(full);
    return absl::CancelledError("rolled back on purpose");
  });
  // Cancelled is this test's own roll-back: a CHECK violation would have ended it otherwise.
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kCancelled)) << s;
  EXPECT_EQ(took, (std::vector<bool>{true, false, false}));
  EXPECT_EQ(last_seat_after, "1/1/1");
  EXPECT_EQ(full_after, "2/2/0");
  ExpectSeatsConsistent();  // nothing of it stayed
}

// ListSlots reads through the one slot mapping the rules use (SlotFromRow): every column arrives.
TEST_F(AppointmentTest, ListSlotsGivesEveryColumnOfTheDaysSlots) {
  v1::ListSlotsRequest req;
  req.set_day("2026-04-08");
  v1::ListSlotsResponse resp;
  grpc::Status s = appts_->ListSlots(Ctx(officer_).get(), req, &resp);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  ASSERT_EQ(resp.slots_size(), 4);
  std::vector<std::string> got;
  for (const v1::Slot& slot : resp.slots()) {
    got.push_back(absl::StrCat(slot.id(), "|", slot.day(), "|", slot.starts_at(), "|",
                               slot.ends_at(), "|", slot.capacity(), "|", slot.reserved_priority(),
                               "|", slot.booked(), "|", slot.booked_priority(), "|",
                               slot.closed() ? 1 : 0));
  }
  const std::string utc = R"(AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))";
  EXPECT_EQ(absl::StrJoin(got, ";"),
            server_->Query("SELECT string_agg(concat_ws('|', id, day, to_char(starts_at " + utc +
                           ", to_char(ends_at " + utc +
                           ", capacity, reserved_priority, booked, booked_priority,"
                           " CASE WHEN closed THEN 1 ELSE 0 END), ';' ORDER BY starts_at)"
                           " FROM slots WHERE office_id = 'bpp' AND day = '2026-04-08'"));
}

TEST_F(AppointmentTest, CancelPromotesTheWaitlist) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(Create(NewRequest(200 + i, "2026-03-30", {{"08:30", "09:00"}})).id());
  }
  RunScheduler();  // two general seats: one request waits
  int64_t waiting = 0, booked = 0;
  for (int64_t id : ids) {
    auto st = Get(id).state();
    if (st == v1::APPOINTMENT_REQUEST_STATE_WAITLISTED) waiting = id;
    if (st == v1::APPOINTMENT_REQUEST_STATE_ALLOCATED) booked = id;
  }
  ASSERT_NE(waiting, 0);
  ASSERT_NE(booked, 0);
  ASSERT_THAT(Cancel(booked), IsOk());
  RunScheduler();
  v1::AppointmentRequest promoted = Get(waiting);
  EXPECT_EQ(promoted.state(), v1::APPOINTMENT_REQUEST_STATE_ALLOCATED);
  EXPECT_EQ(promoted.appointment().starts_at(), "2026-03-30T00:30:00.000Z");
  ExpectSeatsConsistent();
}

TEST_F(AppointmentTest, ClosingACounterReallocatesItsShareOfTheDay) {
  // Fill the 08:00 slot of 03-31 (2 general + 2 priority), then close one of the two counters:
  // the slot keeps half its seats, and the ordinary bookings move first.
  std::vector<int64_t> ids;
  for (int i = 0; i < 2; ++i) {
    ids.push_back(Create(NewRequest(300 + i, "2026-03-31", {{"08:00", "08:30"}})).id());
  }
  for (int i = 0; i < 2; ++i) {
    ids.push_back(Create(NewRequest(310 + i, "2026-03-31", {{"08:00", "08:30"}},
                                    v1::PRIORITY_CLASS_DISABILITY))
                      .id());
  }
  RunScheduler();
  for (int64_t id : ids) ASSERT_EQ(Get(id).state(), v1::APPOINTMENT_REQUEST_STATE_ALLOCATED);
  v1::CloseCounterRequest close;
  close.set_request_id(Uuid());
  close.set_counter_id("C2");
  close.set_day("2026-03-31");
  close.set_reason("printer broken");
  v1::ClosureResponse cr;
  grpc::Status s = appts_->CloseCounter(Ctx(admin_).get(), close, &cr);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(cr.displaced(), 2);
  EXPECT_EQ(server_->Query("SELECT capacity || '/' || booked FROM slots WHERE starts_at = '" +
                           At("2026-03-31", "08:00") + "'"),
            "2/2");
  for (int i = 0; i < 2; ++i) {
    v1::AppointmentRequest r = Get(ids[i]);
    EXPECT_EQ(r.state(), v1::APPOINTMENT_REQUEST_STATE_PENDING);
    EXPECT_TRUE(r.flexible());
    EXPECT_EQ(server_->Query("SELECT count(*) FROM notifications WHERE address = '" +
                             r.applicant().phone() + "' AND template_id = 'appointment.cancelled'"),
              "1");
  }
  RunScheduler();
  // Both get another slot of the same day (not their window: choice -1), and are told so.
  for (int i = 0; i < 2; ++i) {
    v1::AppointmentRequest r = Get(ids[i]);
    EXPECT_EQ(r.state(), v1::APPOINTMENT_REQUEST_STATE_ALLOCATED);
    EXPECT_EQ(r.appointment().choice_rank(), -1);
    EXPECT_EQ(server_->Query("SELECT count(*) FROM notifications WHERE address = '" +
                             r.applicant().phone() + "' AND template_id = 'appointment.confirmed'"),
              "2");
  }
  for (int i = 2; i < 4; ++i) {
    EXPECT_EQ(Get(ids[i]).appointment().choice_rank(), 0);  // priority kept their seats
  }
  // Closing the same counter again is refused; replaying the same request is not.
  v1::ClosureResponse replay;
  EXPECT_THAT(appts_->CloseCounter(Ctx(admin_).get(), close, &replay), IsOk());
  EXPECT_EQ(replay.displaced(), 2);
  close.set_request_id(Uuid());
  EXPECT_THAT(appts_->CloseCounter(Ctx(admin_).get(), close, &replay),
              StatusIs(grpc::FAILED_PRECONDITION));
  ExpectSeatsConsistent();
}

TEST_F(AppointmentTest, ClosingADayMovesItsAppointmentsToTheNextOpenDay) {
  int64_t id = Create(NewRequest(400, "2026-04-01", {{"09:00", "09:30"}})).id();
  RunScheduler();
  ASSERT_EQ(Get(id).state(), v1::APPOINTMENT_REQUEST_STATE_ALLOCATED);
  v1::ClosureResponse cr = CloseDay("2026-04-01", "");
  EXPECT_EQ(cr.displaced(), 1);
  EXPECT_EQ(cr.realloc_day(), "2026-04-02");
  RunScheduler();
  v1::AppointmentRequest r = Get(id);
  EXPECT_EQ(r.state(), v1::APPOINTMENT_REQUEST_STATE_ALLOCATED);
  EXPECT_EQ(r.day(), "2026-04-02");
  EXPECT_EQ(r.appointment().starts_at(), "2026-04-02T01:00:00.000Z");  // same time, next day
  EXPECT_EQ(server_->Query("SELECT count(*) FROM slots WHERE day = '2026-04-01' AND NOT closed"),
            "0");
  ExpectSeatsConsistent();
}

TEST_F(AppointmentTest, NoShowsReleaseTheirSeatsAfterTheGracePeriod) {
  int64_t id = Create(NewRequest(500, "2026-04-06", {{"08:00", "08:30"}})).id();
  RunScheduler();
  ASSERT_EQ(Get(id).state(), v1::APPOINTMENT_REQUEST_STATE_ALLOCATED);
  auto release = [&] {
    v1::ReleaseNoShowsRequest req;
    req.set_request_id(Uuid());
    req.set_day("2026-04-06");
    v1::ReleaseNoShowsResponse resp;
    EXPECT_THAT(appts_->ReleaseNoShows(Ctx(counter_).get(), req, &resp), IsOk());
    return resp.released();
  };
  absl::TimeZone wita = absl::FixedTimeZone(8 * 3600);
  server_->clock().Set(absl::FromCivil(absl::CivilMinute(2026, 4, 6, 8, 10), wita));
  EXPECT_EQ(release(), 0);  // within the grace period
  server_->clock().Set(absl::FromCivil(absl::CivilMinute(2026, 4, 6, 8, 16), wita));
  EXPECT_EQ(release(), 1);
  EXPECT_EQ(Get(id).appointment().state(), "no_show");
  EXPECT_EQ(server_->Query("SELECT booked FROM slots WHERE starts_at = '" +
                           At("2026-04-06", "08:00") + "'"),
            "0");
  // A no-show no longer counts against the NIK's limit.
  Create(NewRequest(500, "2026-04-07", {{"08:00", "10:00"}}));
  Create(NewRequest(500, "2026-04-07", {{"08:00", "10:00"}}));
  ExpectSeatsConsistent();
}

TEST_F(AppointmentTest, ClinicsBookHealthWorkersAndSeeOnlyTheirOwn) {
  v1::AppointmentRequest r = Create(NewRequest(600, "2026-04-08", {{"08:00", "10:00"}}), clinic_a_);
  EXPECT_EQ(r.applicant().priority_class(), v1::PRIORITY_CLASS_HEALTH_WORKER);
  EXPECT_EQ(r.clinic_id(), "pkm-a");
  v1::GetAppointmentRequestRequest get;
  get.set_id(r.id());
  v1::AppointmentRequest out;
  EXPECT_THAT(appts_->GetAppointmentRequest(Ctx(clinic_a_).get(), get, &out), IsOk());
  EXPECT_THAT(appts_->GetAppointmentRequest(Ctx(clinic_b_).get(), get, &out),
              StatusIs(grpc::NOT_FOUND));
  v1::ListAppointmentRequestsRequest list;
  list.set_day("2026-04-08");
  v1::ListAppointmentRequestsResponse lr;
  ASSERT_THAT(appts_->ListAppointmentRequests(Ctx(clinic_b_).get(), list, &lr), IsOk());
  EXPECT_EQ(lr.requests_size(), 0);
  ASSERT_THAT(appts_->ListAppointmentRequests(Ctx(clinic_a_).get(), list, &lr), IsOk());
  EXPECT_EQ(lr.requests_size(), 1);
  // Calendar administration is the admin's.
  v1::CloseDayRequest close;
  close.set_request_id(Uuid());
  close.set_day("2026-04-08");
  v1::ClosureResponse cr;
  EXPECT_THAT(appts_->CloseDay(Ctx(officer_).get(), close, &cr), StatusIs(grpc::PERMISSION_DENIED));
}

TEST_F(AppointmentTest, ADayClosedBeforeItsSlotsExistGetsNone) {
  // Tuesday 21 April is closed (a flood forecast) before the slots of 20-21 April are made.
  EXPECT_EQ(CloseDay("2026-04-21", "banjir").displaced(), 0);
  // Monday's four; until 2026-12-02 the closed Tuesday got four too.
  EXPECT_EQ(GenerateSlots("2026-04-20", "2026-04-21"), 4);
  EXPECT_EQ(server_->Query("SELECT count(*) FROM slots WHERE day = '2026-04-21'"), "0");
}

TEST_F(AppointmentTest, AHolidayWaitsUntilItsDaysVisitsHaveMovedAndClosesItsSlots) {
  ASSERT_EQ(GenerateSlots("2026-04-22", "2026-04-24"), 12);
  int64_t id = Create(NewRequest(700, "2026-04-22", {{"08:00", "08:30"}})).id();
  RunScheduler();
  ASSERT_EQ(Get(id).state(), v1::APPOINTMENT_REQUEST_STATE_ALLOCATED);
  auto open_slots = [&](const std::string& day) {
    return server_->Query(
        absl::StrCat("SELECT count(*) FROM slots WHERE day = '", day, "' AND NOT closed"));
  };

  // A holiday declared on a day someone was given a time: refused, naming what the day holds,
  // until the day is closed (which moves the visit and tells the applicant). Until 2026-12-02
  // the holiday went in and the visit stayed booked on a day the office is shut.
  v1::AddHolidayRequest add;
  add.set_request_id(Uuid());
  add.set_date("2026-04-22");
  add.set_name("Cuti bersama (uji)");
  v1::Holiday h;
  grpc::Status s = server_->admin().AddHoliday(Ctx(admin_).get(), add, &h);
  EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(s.error_message(),
              HasSubstr("date: 2026-04-22 has 1 booked visit. Close the day first"));
  // An import naming that day is refused whole.
  v1::ImportHolidaysRequest imp;
  imp.set_request_id(Uuid());
  imp.set_year(2026);
  imp.set_csv("date,name\n2026-04-24,Libur daerah (uji)\n2026-04-22,Cuti bersama (uji)\n");
  v1::ImportHolidaysResponse imported;
  s = server_->admin().ImportHolidays(Ctx(admin_).get(), imp, &imported);
  EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(s.error_message(), HasSubstr("csv: 2026-04-22 has 1 booked visit"));
  EXPECT_EQ(server_->Query("SELECT count(*) FROM holidays WHERE day IN ('2026-04-22',"
                           " '2026-04-24')"),
            "0");
  EXPECT_EQ(open_slots("2026-04-22"), "4");

  EXPECT_EQ(CloseDay("2026-04-22", "cuti bersama").realloc_day(), "2026-04-23");
  add.set_request_id(Uuid());
  ASSERT_THAT(server_->admin().AddHoliday(Ctx(admin_).get(), add, &h), IsOk());
  RunScheduler();
  EXPECT_EQ(Get(id).day(), "2026-04-23");

  // On a day with slots and nothing booked the holiday closes them; taking it back opens them.
  add.set_request_id(Uuid());
  add.set_date("2026-04-24");
  ASSERT_THAT(server_->admin().AddHoliday(Ctx(admin_).get(), add, &h), IsOk());
  EXPECT_EQ(open_slots("2026-04-24"), "0");
  v1::RemoveHolidayRequest rm;
  rm.set_request_id(Uuid());
  rm.set_date("2026-04-24");
  v1::RemoveHolidayResponse removed;
  ASSERT_THAT(server_->admin().RemoveHoliday(Ctx(admin_).get(), rm, &removed), IsOk());
  EXPECT_EQ(open_slots("2026-04-24"), "4");
  // A day closed by CloseDay stays closed when its holiday goes.
  rm.set_request_id(Uuid());
  rm.set_date("2026-04-22");
  ASSERT_THAT(server_->admin().RemoveHoliday(Ctx(admin_).get(), rm, &removed), IsOk());
  EXPECT_EQ(open_slots("2026-04-22"), "0");
  ExpectSeatsConsistent();
}

}  // namespace
}  // namespace loket::itest
