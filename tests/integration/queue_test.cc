// The live office queue through QueueService over gRPC: check-in and screening, lanes and the
// late rule, counters calling, transfer and no-show, concurrent counters, the display stream.
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "common/ids.h"
#include "gmock/gmock.h"
#include "loket/v1/appointment.grpc.pb.h"
#include "loket/v1/queue.grpc.pb.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class QueueTest : public ServerTest {
 protected:
  void SetUp() override {
    server_->clock().Set(DefaultTestNow());  // 09:00 WITA
    queue_ = v1::QueueService::NewStub(server_->channel());
    server_->Query(
        "DELETE FROM queue_events; DELETE FROM tickets; DELETE FROM visits;"
        " DELETE FROM queue_days; DELETE FROM queue_feeds; DELETE FROM appointments;"
        " DELETE FROM appointment_windows; DELETE FROM appointment_requests; DELETE FROM slots;"
        " UPDATE tasks SET state = 'done', lease_expires_at = NULL WHERE state <> 'done';"
        " DELETE FROM counter_closures; DELETE FROM counters; DELETE FROM office_hours;"
        " INSERT INTO counters (office_id, id, name) VALUES ('bpp', 'C1', 'Loket 1'),"
        " ('bpp', 'C2', 'Loket 2'), ('bpp', 'C3', 'Loket 3'), ('bpp', 'C4', 'Loket 4')");
  }

  // A booked appointment with `code` for a slot starting at local `hour`:`minute` today.
  void Book(const std::string& code, int hour, int minute, const std::string& priority = "NONE",
            int64_t case_id = 0) {
    std::string starts = absl::StrFormat("2026-03-17 %02d:%02d:00+08", hour, minute);
    server_->Query(absl::StrCat(
        // The seat taken as the allocator would: booked, and booked_priority for a priority class.
        "WITH s AS (INSERT INTO slots (office_id, day, starts_at, ends_at, capacity, booked,"
        " booked_priority) VALUES ('bpp', '2026-03-17', '",
        starts, "', timestamptz '", starts, "' + interval '30 minutes', 4, 1, ",
        priority == "NONE" ? 0 : 1,
        ") ON CONFLICT (office_id, starts_at) DO UPDATE SET booked = slots.booked + 1,"
        " booked_priority = slots.booked_priority + EXCLUDED.booked_priority RETURNING id),"
        " r AS (INSERT INTO appointment_requests (office_id, nik, name, phone, service,"
        " priority_class, case_id, day, state, created_by) SELECT 'bpp', '",
        kNik, "', 'Budi Santoso', '+6281234567890', 'SIP_PERAWAT', '", priority, "', ",
        case_id == 0 ? std::string("NULL") : absl::StrCat(case_id),
        ", '2026-03-17', 'allocated', min(id) FROM principals WHERE office_id = 'bpp'"
        " RETURNING id)"
        " INSERT INTO appointments (office_id, request_id, slot_id, code, priority_class)"
        " SELECT 'bpp', r.id, s.id, '",
        code, "', '", priority, "' FROM r, s"));
  }

  static v1::CheckInRequest ByCode(const std::string& code, double temp = 36.6, bool mask = true) {
    v1::CheckInRequest r;
    r.set_request_id(NewUuid());
    r.set_appointment_code(code);
    r.mutable_screening()->set_temperature_c(temp);
    r.mutable_screening()->set_mask(mask);
    return r;
  }

  static v1::CheckInRequest WalkIn(const std::string& name,
                                   v1::PriorityClass p = v1::PRIORITY_CLASS_NONE,
                                   double temp = 36.6, bool mask = true, int64_t case_id = 0) {
    v1::CheckInRequest r;
    r.set_request_id(NewUuid());
    r.mutable_walk_in()->set_name(name);
    r.mutable_walk_in()->set_service("SIP_PERAWAT");
    r.mutable_walk_in()->set_priority_class(p);
    r.mutable_walk_in()->set_phone("081298765432");
    r.mutable_walk_in()->set_case_id(case_id);
    r.mutable_screening()->set_temperature_c(temp);
    r.mutable_screening()->set_mask(mask);
    return r;
  }

  v1::CheckInResponse CheckIn(const v1::CheckInRequest& r) {
    v1::CheckInResponse resp;
    grpc::Status s = queue_->CheckIn(Ctx(counter_).get(), r, &resp);
    EXPECT_THAT(s, IsOk()) << s.error_message();
    return resp;
  }

  // Calls the next ticket at `counter`; id 0 when nobody waits.
  v1::Ticket Call(const std::string& counter, grpc::Status* status = nullptr) {
    v1::CallNextRequest r;
    r.set_request_id(NewUuid());
    r.set_counter_id(counter);
    v1::CallNextResponse resp;
    grpc::Status s = queue_->CallNext(Ctx(counter_).get(), r, &resp);
    if (status != nullptr) {
      *status = s;
    } else {
      EXPECT_THAT(s, IsOk()) << s.error_message();
    }
    return resp.ticket();
  }

  using ActFn = grpc::Status (v1::QueueService::Stub::*)(grpc::ClientContext*,
                                                         const v1::TicketActionRequest&,
                                                         v1::Ticket*);
  grpc::Status Act(ActFn fn, int64_t ticket_id, v1::Ticket* out = nullptr) {
    v1::TicketActionRequest r;
    r.set_request_id(NewUuid());
    r.set_ticket_id(ticket_id);
    v1::Ticket tmp;
    return (queue_.get()->*fn)(Ctx(counter_).get(), r, out ? out : &tmp);
  }

  void Finish(int64_t ticket_id) {
    grpc::Status s = Act(&v1::QueueService::Stub::Finish, ticket_id);
    EXPECT_THAT(s, IsOk()) << s.error_message();
  }

  std::unique_ptr<v1::QueueService::Stub> queue_;
};

TEST_F(QueueTest, OnTimeAppointmentGoesAheadOfAnEarlierWalkIn) {
  v1::CheckInResponse walk = CheckIn(WalkIn("Andi Wijaya"));
  ASSERT_TRUE(walk.has_ticket());
  EXPECT_EQ(walk.ticket().label(), "W-001");
  EXPECT_EQ(walk.visit().arrival(), "walk_in");
  Book("ONT-001", 9, 0);
  v1::CheckInResponse appt = CheckIn(ByCode("ont-001"));  // codes are case-insensitive
  ASSERT_TRUE(appt.has_ticket());
  EXPECT_EQ(appt.ticket().label(), "A-001");
  EXPECT_EQ(appt.ticket().lane(), v1::LANE_APPOINTMENT);
  EXPECT_EQ(appt.visit().arrival(), "on_time");
  EXPECT_EQ(server_->Query("SELECT state FROM appointments WHERE code = 'ONT-001'"), "checked_in");

  v1::Ticket first = Call("C1");
  EXPECT_EQ(first.label(), "A-001");
  EXPECT_EQ(first.state(), v1::TICKET_STATE_CALLED);
  EXPECT_EQ(first.counter_id(), "C1");
  EXPECT_EQ(Call("C2").label(), "W-001");
  EXPECT_EQ(Call("C3").id(), 0);  // nobody waits: an empty answer, not an error
}

TEST_F(QueueTest, LateRuleAsStated) {
  // 09:00 now: 08:40 is 20 minutes late (past the 15 minutes' grace), 08:45 just in it.
  Book("LATE-01", 8, 40);
  Book("GRACE-01", 8, 45);
  Book("EARLY-01", 10, 0);
  Book("SOON-01", 9, 30);
  v1::CheckInResponse late = CheckIn(ByCode("LATE-01"));
  EXPECT_EQ(late.visit().arrival(), "late");
  EXPECT_EQ(late.ticket().lane(), v1::LANE_WALK_IN);
  EXPECT_EQ(late.ticket().label(), "W-001");
  v1::CheckInResponse grace = CheckIn(ByCode("GRACE-01"));
  EXPECT_EQ(grace.visit().arrival(), "on_time");
  EXPECT_EQ(grace.ticket().lane(), v1::LANE_APPOINTMENT);
  v1::CheckInResponse soon = CheckIn(ByCode("SOON-01"));  // 30 minutes early: window open
  EXPECT_EQ(soon.ticket().lane(), v1::LANE_APPOINTMENT);

  v1::CheckInResponse resp;
  grpc::Status s = queue_->CheckIn(Ctx(counter_).get(), ByCode("EARLY-01"), &resp);
  EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(s.error_message(), HasSubstr("check-in opens at 09:30"));
  EXPECT_EQ(server_->Query("SELECT state FROM appointments WHERE code = 'EARLY-01'"), "booked");
  // A second check-in of the same appointment is refused, naming why.
  s = queue_->CheckIn(Ctx(counter_).get(), ByCode("GRACE-01"), &resp);
  EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(s.error_message(), HasSubstr("checked_in"));
  // Spontan's no-show sweep released a late visitor's seat already: they still queue, as a walk-in.
  Book("SWEPT-01", 8, 30);
  server_->Query("UPDATE appointments SET state = 'no_show' WHERE code = 'SWEPT-01'");
  v1::CheckInResponse swept = CheckIn(ByCode("SWEPT-01"));
  EXPECT_EQ(swept.visit().arrival(), "late");
  EXPECT_EQ(swept.ticket().lane(), v1::LANE_WALK_IN);
  EXPECT_EQ(server_->Query("SELECT state FROM appointments WHERE code = 'SWEPT-01'"), "no_show");
  s = queue_->CheckIn(Ctx(counter_).get(), ByCode("SWEPT-01"), &resp);
  EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION));
  // The appointment lane goes by slot: 08:45 before 09:30.
  EXPECT_EQ(Call("C1").label(), grace.ticket().label());
}

// A visitor served before their slot begins gives the seat back to the slot, and the day's
// waitlist is offered it; one whose slot has begun held the seat, which stays counted. Until
// 2026-12-02 both stayed counted, so closing a counter before such a slot displaced one booking
// too many.
TEST_F(QueueTest, AVisitorServedBeforeTheirSlotBeginsFreesTheSeat) {
  Book("BEGUN-01", 8, 50);  // 09:00 now: begun, and within the grace
  Book("AHEAD-01", 9, 30);  // check-in opens at 09:00
  CheckIn(ByCode("BEGUN-01"));
  CheckIn(ByCode("AHEAD-01"));
  for (int i = 0; i < 2; ++i) {
    v1::Ticket t = Call("C1");
    ASSERT_NE(t.id(), 0) << i;
    Finish(t.id());
  }
  EXPECT_EQ(server_->Query("SELECT string_agg(a.code || ' ' || a.state || ' ' || s.booked, ', '"
                           " ORDER BY a.code) FROM appointments a JOIN slots s ON s.id = a.slot_id"
                           " WHERE a.code IN ('BEGUN-01', 'AHEAD-01')"),
            "AHEAD-01 served 0, BEGUN-01 served 1");
  EXPECT_EQ(server_->Query("SELECT count(*) FROM tasks WHERE queue = 'slots.allocate'"
                           " AND state = 'ready'"),
            "1");
}

TEST_F(QueueTest, PriorityServedWithinItsBoundWhileWalkInsStillProgress) {
  for (int i = 0; i < 8; ++i)
    CheckIn(WalkIn(absl::StrCat("Walk In ", std::string(1, char('A' + i)))));
  for (int i = 0; i < 8; ++i) {
    CheckIn(
        WalkIn(absl::StrCat("Lansia ", std::string(1, char('A' + i))), v1::PRIORITY_CLASS_ELDERLY));
  }
  std::vector<std::string> lanes;
  for (int i = 0; i < 16; ++i) {
    v1::Ticket t = Call("C1");
    ASSERT_NE(t.id(), 0) << i;
    lanes.push_back(t.label().substr(0, 1));
    Finish(t.id());
  }
  // While both lanes wait: priority is passed over at most twice in a row, walk-ins at most six
  // times (the bounds of the 3:2:1 weights); both progress.
  int p_run = 0, w_run = 0, p_served = 0, w_served = 0;
  for (const auto& l : lanes) {
    bool p_waiting = p_served < 8, w_waiting = w_served < 8;
    if (l == "P") {
      ++p_served;
      p_run = 0;
      if (w_waiting) ++w_run;
    } else {
      ++w_served;
      w_run = 0;
      if (p_waiting) ++p_run;
    }
    EXPECT_LE(p_run, 2);
    EXPECT_LE(w_run, 6);
  }
  EXPECT_EQ(lanes[0], "P");  // checked in last, called first
  EXPECT_EQ(p_served, 8);
  EXPECT_EQ(w_served, 8);
  // Walk-ins were served before the priority lane ran dry.
  auto last_p = std::find(lanes.rbegin(), lanes.rend(), "P");
  EXPECT_GT(std::count(last_p, lanes.rend(), "W"), 0);
}

TEST_F(QueueTest, EstimatedWaitFollowsTheInterleavingAndMeasuredServiceTimes) {
  for (int i = 0; i < 4; ++i)
    CheckIn(WalkIn(absl::StrCat("Walk In ", std::string(1, char('A' + i)))));
  v1::CheckInResponse p = CheckIn(WalkIn("Lansia Satu", v1::PRIORITY_CLASS_ELDERLY));
  EXPECT_EQ(p.ticket().calls_ahead(), 0);
  EXPECT_TRUE(p.ticket().has_estimated_wait_minutes());  // next: no wait, history or not
  EXPECT_EQ(p.ticket().estimated_wait_minutes(), 0);
  auto waiting = [&] {
    v1::ListTicketsRequest req;
    req.set_state(v1::TICKET_STATE_WAITING);
    v1::ListTicketsResponse list;
    EXPECT_THAT(queue_->ListTickets(Ctx(counter_).get(), req, &list), IsOk());
    std::map<std::string, v1::Ticket> out;
    for (const auto& t : list.tickets()) out[t.label()] = t;
    return out;
  };
  std::map<std::string, v1::Ticket> w = waiting();
  ASSERT_EQ(w.size(), 5u);
  EXPECT_EQ(w["P-001"].calls_ahead(), 0);
  EXPECT_EQ(w["W-001"].calls_ahead(), 1);
  EXPECT_EQ(w["W-004"].calls_ahead(), 4);
  // Nobody has been served yet: the wait is unknown, not "about 0 minutes".
  EXPECT_FALSE(w["W-004"].has_estimated_wait_minutes());
  EXPECT_EQ(w["P-001"].estimated_wait_minutes(), 0);
  // A mis-click (finished within seconds) measures nothing.
  v1::Ticket first = Call("C1");
  server_->clock().Advance(absl::Seconds(5));
  Finish(first.id());
  EXPECT_FALSE(waiting()["W-004"].has_estimated_wait_minutes());
  // C1 serves a visitor in 6 minutes; C2 one in 12. Harmonic mean 8 minutes a call.
  v1::Ticket a = Call("C1");
  v1::Ticket b = Call("C2");
  server_->clock().Advance(absl::Minutes(6));
  Finish(a.id());
  server_->clock().Advance(absl::Minutes(6));
  Finish(b.id());
  v1::GetTicketRequest g;
  g.set_ticket_id(w["W-004"].id());
  v1::Ticket w4;
  ASSERT_THAT(queue_->GetTicket(Ctx(counter_).get(), g, &w4), IsOk());
  // W-003 and W-004 wait, W-004 one call ahead; 4 open counters (C3, C4 without history count
  // at the others' pace): one round of 8 minutes.
  EXPECT_EQ(w4.calls_ahead(), 1);
  ASSERT_TRUE(w4.has_estimated_wait_minutes());
  EXPECT_EQ(w4.estimated_wait_minutes(), 8);
  // Only C1 open: one call ahead at C1's own 6 minutes, never less than a call takes.
  server_->Query("UPDATE counters SET open = false WHERE id IN ('C2', 'C3', 'C4')");
  ASSERT_THAT(queue_->GetTicket(Ctx(counter_).get(), g, &w4), IsOk());
  EXPECT_EQ(w4.estimated_wait_minutes(), 6);
  // A counter that only serves another permit type does not shorten this wait.
  server_->Query("UPDATE counters SET open = true, services = '{SIUP}' WHERE id = 'C2'");
  ASSERT_THAT(queue_->GetTicket(Ctx(counter_).get(), g, &w4), IsOk());
  EXPECT_EQ(w4.estimated_wait_minutes(), 6);
}

TEST_F(QueueTest, FailedScreeningRecordsTheVisitAndOffersSiberOrOnline) {
  v1::Case c = SubmitAsClinicA();
  Book("FEVER-01", 9, 0, "HEALTH_WORKER", c.id());
  v1::CheckInResponse fever = CheckIn(ByCode("FEVER-01", 38.2, true));
  EXPECT_FALSE(fever.has_ticket());
  EXPECT_FALSE(fever.visit().screening_passed());
  EXPECT_THAT(fever.visit().screening_note(), HasSubstr("38.2"));
  EXPECT_EQ(fever.visit().outcome(), "redirect_pending");
  EXPECT_THAT(fever.alternatives(),
              ElementsAre(v1::REDIRECT_HANDLING_ONLINE, v1::REDIRECT_HANDLING_SIBER_PICKUP));
  EXPECT_EQ(server_->Query("SELECT count(*) FROM visits"), "1");
  EXPECT_EQ(server_->Query("SELECT count(*) FROM tickets"), "0");

  v1::RedirectVisitRequest r;
  r.set_request_id(NewUuid());
  r.set_visit_id(fever.visit().id());
  r.set_handling(v1::REDIRECT_HANDLING_SIBER_PICKUP);
  v1::Visit v;
  grpc::Status s = queue_->RedirectVisit(Ctx(counter_).get(), r, &v);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("address"));
  r.set_address("Jl. Jend. Sudirman No. 1, Balikpapan");
  r.set_latitude(-1.2654);
  r.set_longitude(116.8312);
  s = queue_->RedirectVisit(Ctx(counter_).get(), r, &v);
  ASSERT_THAT(s, IsOk()) << s.error_code() << ": " << s.error_message();
  EXPECT_EQ(v.outcome(), "siber_pickup");
  EXPECT_GT(v.pickup_stop_id(), 0);
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT case_id FROM stops WHERE id = ", v.pickup_stop_id(),
                                        " AND kind = 'pickup'")),
            absl::StrCat(c.id()));
  EXPECT_EQ(server_->Query("SELECT state FROM appointments WHERE code = 'FEVER-01'"), "redirected");
  // Its seat is free again and offered to the day's waitlist.
  EXPECT_EQ(server_->Query("SELECT s.booked FROM slots s JOIN appointments a ON a.slot_id = s.id"
                           " WHERE a.code = 'FEVER-01'"),
            "0");
  EXPECT_EQ(server_->Query("SELECT count(*) FROM tasks WHERE queue = 'slots.allocate'"
                           " AND state = 'ready'"),
            "1");
  r.set_request_id(NewUuid());
  s = queue_->RedirectVisit(Ctx(counter_).get(), r, &v);
  EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION));

  // A walk-in without a mask and without a case: online handling only, and a message.
  v1::CheckInResponse bare = CheckIn(WalkIn("Rudi Hartono", v1::PRIORITY_CLASS_NONE, 36.5, false));
  EXPECT_FALSE(bare.has_ticket());
  EXPECT_EQ(bare.visit().screening_note(), "no mask");
  EXPECT_THAT(bare.alternatives(), ElementsAre(v1::REDIRECT_HANDLING_ONLINE));
  r.set_request_id(NewUuid());
  r.set_visit_id(bare.visit().id());
  s = queue_->RedirectVisit(Ctx(counter_).get(), r, &v);
  EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(s.error_message(), HasSubstr("no case"));
  r.set_request_id(NewUuid());
  r.set_handling(v1::REDIRECT_HANDLING_ONLINE);
  s = queue_->RedirectVisit(Ctx(counter_).get(), r, &v);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(v.outcome(), "online");
  EXPECT_EQ(server_->Query("SELECT count(*) FROM notifications WHERE template_id = 'visit.online'"
                           " AND address = '+6281298765432'"),
            "1");
}

// A fever found at the kiosk (seen in a day lived in the pages): the clerk at the counter had no
// way to find that visit. ListVisits gives the day's failed screenings, from any terminal, until
// each is redirected.
TEST_F(QueueTest, TheCounterListsFailedScreeningsFromAnyTerminalUntilRedirected) {
  v1::CheckInResponse fever = CheckIn(WalkIn("Demam di Kios", v1::PRIORITY_CLASS_NONE, 38.4, true));
  CheckIn(WalkIn("Sehat Saja"));
  v1::ListVisitsRequest pending;
  pending.set_outcome("redirect_pending");
  v1::ListVisitsResponse list;
  ASSERT_THAT(queue_->ListVisits(Ctx(counter_).get(), pending, &list), IsOk());
  ASSERT_EQ(list.visits_size(), 1);
  EXPECT_EQ(list.visits(0).id(), fever.visit().id());
  EXPECT_EQ(list.visits(0).name(), "Demam di Kios");
  EXPECT_THAT(list.visits(0).screening_note(), HasSubstr("38.4"));
  ASSERT_THAT(queue_->ListVisits(Ctx(officer_).get(), v1::ListVisitsRequest(), &list), IsOk());
  EXPECT_EQ(list.visits_size(), 2);  // every visit of the day

  v1::RedirectVisitRequest r;
  r.set_request_id(NewUuid());
  r.set_visit_id(fever.visit().id());
  r.set_handling(v1::REDIRECT_HANDLING_ONLINE);
  v1::Visit v;
  ASSERT_THAT(queue_->RedirectVisit(Ctx(counter_).get(), r, &v), IsOk());
  ASSERT_THAT(queue_->ListVisits(Ctx(counter_).get(), pending, &list), IsOk());
  EXPECT_EQ(list.visits_size(), 0);

  ASSERT_THAT(queue_->ListVisits(Ctx(other_office_officer_).get(), v1::ListVisitsRequest(), &list),
              IsOk());
  EXPECT_EQ(list.visits_size(), 0);
  pending.set_outcome("demam");
  grpc::Status bad = queue_->ListVisits(Ctx(counter_).get(), pending, &list);
  EXPECT_THAT(bad, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(bad.error_message(), HasSubstr("outcome:"));
}

TEST_F(QueueTest, RedirectNamesTheVisitByTheAppointmentCodeTheVisitorShows) {
  Book("K7M4QX", 9, 0);
  v1::CheckInResponse fever = CheckIn(ByCode("K7M-4QX", 38.0, true));
  ASSERT_FALSE(fever.has_ticket());
  v1::RedirectVisitRequest r;
  r.set_request_id(NewUuid());
  r.set_appointment_code("k7m-4qx");
  r.set_handling(v1::REDIRECT_HANDLING_ONLINE);
  v1::Visit v;
  grpc::Status s = queue_->RedirectVisit(Ctx(counter_).get(), r, &v);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(v.id(), fever.visit().id());
  EXPECT_EQ(v.outcome(), "online");
  r.set_request_id(NewUuid());
  r.set_appointment_code("ZZZ-999");
  s = queue_->RedirectVisit(Ctx(counter_).get(), r, &v);
  EXPECT_THAT(s, StatusIs(grpc::NOT_FOUND));
  EXPECT_THAT(s.error_message(), HasSubstr("ZZZ-999"));
  r.set_visit_id(fever.visit().id());
  s = queue_->RedirectVisit(Ctx(counter_).get(), r, &v);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
}

TEST_F(QueueTest, WalkInsOutsideOpeningHoursAreRefusedUnlessAnAdminOverrides) {
  // Tuesday 08:00-15:00; no hours on Wednesday.
  server_->Query(
      "INSERT INTO office_hours (office_id, weekday, opens, closes, slot_minutes, capacity)"
      " VALUES ('bpp', 2, '08:00', '15:00', 30, 12)");
  EXPECT_TRUE(CheckIn(WalkIn("Pagi Hari")).has_ticket());  // 09:00
  server_->clock().Set(
      absl::FromCivil(absl::CivilSecond(2026, 3, 17, 15, 30, 0), absl::FixedTimeZone(8 * 3600)));
  v1::CheckInResponse resp;
  grpc::Status s = queue_->CheckIn(Ctx(counter_).get(), WalkIn("Sore Hari"), &resp);
  EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(s.error_message(), HasSubstr("today 08:00-15:00 WITA; it is 15:30 WITA"));
  // Only an admin overrides; an admin checks in only to override.
  v1::CheckInRequest over = WalkIn("Sore Hari");
  over.set_outside_hours_override(true);
  s = queue_->CheckIn(Ctx(counter_).get(), over, &resp);
  EXPECT_THAT(s, StatusIs(grpc::PERMISSION_DENIED));
  EXPECT_THAT(s.error_message(), HasSubstr("outside_hours_override"));
  s = queue_->CheckIn(Ctx(admin_).get(), WalkIn("Sore Hari"), &resp);
  EXPECT_THAT(s, StatusIs(grpc::PERMISSION_DENIED));
  s = queue_->CheckIn(Ctx(admin_).get(), over, &resp);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_TRUE(resp.has_ticket());
  EXPECT_TRUE(resp.visit().outside_hours());
  // Audited: the visit says it was let in outside the hours, and by whom.
  EXPECT_EQ(
      server_->Query(absl::StrCat("SELECT v.outside_hours::text || ' ' || p.role FROM visits v"
                                  " JOIN principals p ON p.id = v.created_by WHERE v.id = ",
                                  resp.visit().id())),
      "true admin");
  // Wednesday has no opening hours: closed.
  server_->clock().Set(
      absl::FromCivil(absl::CivilSecond(2026, 3, 18, 10, 0, 0), absl::FixedTimeZone(8 * 3600)));
  s = queue_->CheckIn(Ctx(counter_).get(), WalkIn("Rabu Pagi"), &resp);
  EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(s.error_message(), HasSubstr("closed today (2026-03-18)"));
  // A Saturday with opening hours takes walk-ins (until 2026-12-02 the weekday calendar of the
  // SLA clock refused them on every weekend, while Spontan made slots for that Saturday).
  server_->Query(
      "INSERT INTO office_hours (office_id, weekday, opens, closes, slot_minutes, capacity)"
      " VALUES ('bpp', 6, '08:00', '12:00', 30, 12)");
  server_->clock().Set(
      absl::FromCivil(absl::CivilSecond(2026, 3, 28, 10, 0, 0), absl::FixedTimeZone(8 * 3600)));
  s = queue_->CheckIn(Ctx(counter_).get(), WalkIn("Sabtu Pagi"), &resp);
  EXPECT_THAT(s, IsOk()) << s.error_message();
  EXPECT_TRUE(resp.has_ticket());
  // A holiday is closed whatever the hours say: Saturday 21 March 2026 is Idul Fitri.
  server_->clock().Set(
      absl::FromCivil(absl::CivilSecond(2026, 3, 21, 10, 0, 0), absl::FixedTimeZone(8 * 3600)));
  s = queue_->CheckIn(Ctx(counter_).get(), WalkIn("Hari Raya"), &resp);
  EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(s.error_message(), HasSubstr("closed today (2026-03-21)"));
  // A day the office closed (a flood) is closed at the door too: until 2026-12-02 only its
  // appointments and couriers moved, and the door still issued walk-in tickets.
  server_->clock().Set(
      absl::FromCivil(absl::CivilSecond(2026, 3, 28, 11, 0, 0), absl::FixedTimeZone(8 * 3600)));
  auto appts = v1::AppointmentService::NewStub(server_->channel());
  v1::CloseDayRequest close;
  close.set_request_id(NewUuid());
  close.set_day("2026-03-28");
  close.set_reason("banjir");
  v1::ClosureResponse closed;
  ASSERT_THAT(appts->CloseDay(Ctx(admin_).get(), close, &closed), IsOk());
  s = queue_->CheckIn(Ctx(counter_).get(), WalkIn("Sabtu Banjir"), &resp);
  EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(s.error_message(), HasSubstr("closed today (2026-03-28)"));
  server_->Query("DELETE FROM office_hours WHERE office_id = 'bpp' AND weekday = 6");
}

TEST_F(QueueTest, TheTicketShowsTheVisitorsNeeds) {
  Book("NEEDS-01", 9, 0);
  server_->Query(
      "UPDATE appointment_requests SET accessibility_needs = '{SIGN_LANGUAGE,WHEELCHAIR}'"
      " WHERE id = (SELECT request_id FROM appointments WHERE code = 'NEEDS-01')");
  v1::CheckInResponse booked = CheckIn(ByCode("NEEDS-01"));
  EXPECT_THAT(booked.ticket().needs(),
              ElementsAre(v1::ACCESSIBILITY_NEED_SIGN_LANGUAGE, v1::ACCESSIBILITY_NEED_WHEELCHAIR));
  // Listed and read back the same way; a visitor without needs has none.
  v1::CheckInResponse plain = CheckIn(WalkIn("Tanpa Kebutuhan"));
  EXPECT_TRUE(plain.ticket().needs().empty());
  v1::GetTicketRequest g;
  g.set_ticket_id(booked.ticket().id());
  v1::Ticket t;
  ASSERT_THAT(queue_->GetTicket(Ctx(counter_).get(), g, &t), IsOk());
  EXPECT_EQ(t.needs_size(), 2);
  EXPECT_EQ(Call("C1").needs_size(), 2);  // the called ticket, as the counter sees it
}

TEST_F(QueueTest, NoShowMarksTheAppointmentAndEndsTheTicket) {
  Book("GONE-01", 9, 0);
  v1::CheckInResponse a = CheckIn(ByCode("GONE-01"));
  v1::Ticket t = Call("C1");
  ASSERT_EQ(t.id(), a.ticket().id());
  v1::Ticket recalled;
  ASSERT_THAT(Act(&v1::QueueService::Stub::Recall, t.id(), &recalled), IsOk());
  EXPECT_EQ(recalled.calls(), 2);
  v1::Ticket gone;
  ASSERT_THAT(Act(&v1::QueueService::Stub::MarkNoShow, t.id(), &gone), IsOk());
  EXPECT_EQ(gone.state(), v1::TICKET_STATE_NO_SHOW);
  EXPECT_EQ(server_->Query("SELECT state FROM appointments WHERE code = 'GONE-01'"), "no_show");
  grpc::Status s = Act(&v1::QueueService::Stub::Finish, t.id());
  EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(s.error_message(), HasSubstr("it is no_show"));
  // The counter is free again.
  EXPECT_EQ(Call("C1").id(), 0);
}

TEST_F(QueueTest, TransferGoesFirstAtTheTargetCounterAndSkipGoesToTheBack) {
  v1::CheckInResponse w1 = CheckIn(WalkIn("Satu Orang"));
  v1::CheckInResponse w2 = CheckIn(WalkIn("Dua Orang"));
  v1::CheckInResponse w3 = CheckIn(WalkIn("Tiga Orang"));
  v1::Ticket t = Call("C1");
  ASSERT_EQ(t.id(), w1.ticket().id());
  grpc::Status busy;
  Call("C1", &busy);
  EXPECT_THAT(busy, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(busy.error_message(), HasSubstr("W-001"));

  v1::TransferTicketRequest tr;
  tr.set_request_id(NewUuid());
  tr.set_ticket_id(t.id());
  tr.set_to_counter_id("C9");
  v1::Ticket moved;
  EXPECT_THAT(queue_->Transfer(Ctx(counter_).get(), tr, &moved), StatusIs(grpc::NOT_FOUND));
  tr.set_to_counter_id("C2");
  ASSERT_THAT(queue_->Transfer(Ctx(counter_).get(), tr, &moved), IsOk());
  EXPECT_EQ(moved.state(), v1::TICKET_STATE_WAITING);
  EXPECT_EQ(moved.counter_id(), "C2");
  EXPECT_EQ(Call("C3").id(), w2.ticket().id());  // not someone else's transfer
  EXPECT_EQ(Call("C2").id(), w1.ticket().id());  // the transfer, ahead of W-003

  v1::Ticket skipped;
  ASSERT_THAT(Act(&v1::QueueService::Stub::Skip, w2.ticket().id(), &skipped), IsOk());
  EXPECT_EQ(skipped.state(), v1::TICKET_STATE_WAITING);
  EXPECT_EQ(skipped.skips(), 1);
  EXPECT_EQ(Call("C3").id(), w3.ticket().id());  // the skipped one queues behind W-003
  Finish(w3.ticket().id());
  EXPECT_EQ(Call("C3").id(), w2.ticket().id());
}

TEST_F(QueueTest, ATransferredTicketIsForecastAsItsCountersNextCall) {
  v1::CheckInResponse moved = CheckIn(WalkIn("Pindah Loket"));
  ASSERT_EQ(Call("C1").id(), moved.ticket().id());
  v1::TransferTicketRequest tr;
  tr.set_request_id(NewUuid());
  tr.set_ticket_id(moved.ticket().id());
  tr.set_to_counter_id("C2");
  v1::Ticket t;
  ASSERT_THAT(queue_->Transfer(Ctx(counter_).get(), tr, &t), IsOk());
  // A priority ticket arrives: the rotation would call it first, but C2 takes its transfer first.
  // Until 2026-12-02 the forecast put the transferred ticket behind it, at its old lane place.
  v1::CheckInResponse elder = CheckIn(WalkIn("Lansia Tiga", v1::PRIORITY_CLASS_ELDERLY));
  auto ahead = [&](int64_t id) {
    v1::GetTicketRequest g;
    g.set_ticket_id(id);
    v1::Ticket out;
    EXPECT_THAT(queue_->GetTicket(Ctx(counter_).get(), g, &out), IsOk());
    return out.calls_ahead();
  };
  EXPECT_EQ(ahead(moved.ticket().id()), 0);
  EXPECT_EQ(ahead(elder.ticket().id()), 1);
  EXPECT_EQ(Call("C2").id(), moved.ticket().id());  // as forecast
}

TEST_F(QueueTest, SeatedTicketsGoToASeatedCounterWhileOneIsOpen) {
  server_->Query("UPDATE counters SET seated = true WHERE id = 'C4'");
  v1::CheckInRequest r = WalkIn("Kursi Roda", v1::PRIORITY_CLASS_DISABILITY);
  r.set_seated(true);
  v1::CheckInResponse seated = CheckIn(r);
  EXPECT_TRUE(seated.ticket().seated());
  v1::CheckInResponse plain = CheckIn(WalkIn("Berdiri Saja"));
  EXPECT_EQ(Call("C1").id(), plain.ticket().id());
  EXPECT_EQ(Call("C4").id(), seated.ticket().id());
}

// The seated counter is open but nobody staffs it (seen in a day lived in the pages: an elderly
// visitor's ticket waited while Loket 1 found "nobody waiting"). After kSeatedWaitLimit (15 min)
// in the queue, an ordinary counter calls the seated ticket.
TEST_F(QueueTest, ASeatedTicketNobodyCallsGoesToAnyCounterAfterFifteenMinutes) {
  server_->Query("UPDATE counters SET seated = true WHERE id = 'C4'");
  v1::CheckInRequest r = WalkIn("Lansia Menunggu", v1::PRIORITY_CLASS_ELDERLY);
  r.set_seated(true);
  v1::CheckInResponse seated = CheckIn(r);
  server_->clock().Advance(absl::Minutes(14));
  v1::CallNextRequest next;
  next.set_request_id(NewUuid());
  next.set_counter_id("C1");
  v1::CallNextResponse none;
  ASSERT_THAT(queue_->CallNext(Ctx(counter_).get(), next, &none), IsOk());
  EXPECT_FALSE(none.has_ticket()) << "C1 called the seated ticket before its 15 minutes";
  server_->clock().Advance(absl::Minutes(1));
  EXPECT_EQ(Call("C1").id(), seated.ticket().id());
}

TEST_F(QueueTest, SeatedCounterCallsSeatedOrPriorityBeforeAnyWalkInWhateverTheRotation) {
  server_->Query("UPDATE counters SET seated = true WHERE id = 'C4'");
  v1::CheckInResponse walk = CheckIn(WalkIn("Andi Wijaya"));
  v1::CheckInResponse elder = CheckIn(WalkIn("Lansia Satu", v1::PRIORITY_CLASS_ELDERLY));
  // The rotation is due to call a walk-in (the walk-in lane holds the credit) ...
  server_->Query("UPDATE queue_days SET credits = ARRAY[-6, 0, 6]::bigint[]");
  // ... yet the seated counter calls the priority ticket.
  EXPECT_EQ(Call("C4").id(), elder.ticket().id());
  Finish(elder.ticket().id());
  // A walk-in seated at the door comes before the walk-in who queued earlier, at a seated counter.
  v1::CheckInRequest r = WalkIn("Ibu Hamil");
  r.set_seated(true);
  v1::CheckInResponse seated_walk = CheckIn(r);
  v1::CheckInResponse walk2 = CheckIn(WalkIn("Budi Walk"));
  EXPECT_EQ(Call("C4").id(), seated_walk.ticket().id());
  EXPECT_EQ(Call("C3").id(), walk.ticket().id());  // an ordinary counter: the lane's order
  Finish(seated_walk.ticket().id());
  // Nobody seated or priority left: the seated counter serves walk-ins too.
  EXPECT_EQ(Call("C4").id(), walk2.ticket().id());
}

TEST_F(QueueTest, TwoCountersCallingAtOnceNeverGetTheSameTicket) {
  constexpr int kTickets = 40;
  for (int i = 0; i < kTickets; ++i)
    CheckIn(WalkIn(absl::StrCat("Pengunjung ", std::string(1, char('A' + i % 26)))));
  std::mutex mu;
  std::vector<int64_t> served;
  std::atomic<int> errors{0};
  auto counter = [&](const std::string& id) {
    auto stub = v1::QueueService::NewStub(server_->channel());
    for (;;) {
      v1::CallNextRequest r;
      r.set_request_id(NewUuid());
      r.set_counter_id(id);
      v1::CallNextResponse resp;
      grpc::Status s = stub->CallNext(Ctx(counter_).get(), r, &resp);
      if (!s.ok()) {
        ++errors;
        return;
      }
      if (!resp.has_ticket()) return;
      {
        std::lock_guard<std::mutex> lock(mu);
        served.push_back(resp.ticket().id());
      }
      v1::TicketActionRequest f;
      f.set_request_id(NewUuid());
      f.set_ticket_id(resp.ticket().id());
      v1::Ticket done;
      if (!stub->Finish(Ctx(counter_).get(), f, &done).ok()) ++errors;
    }
  };
  std::thread a(counter, "C1"), b(counter, "C2");
  a.join();
  b.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(served.size(), static_cast<size_t>(kTickets));
  EXPECT_EQ(std::set<int64_t>(served.begin(), served.end()).size(), static_cast<size_t>(kTickets));
  EXPECT_EQ(server_->Query("SELECT count(*) FROM tickets WHERE state = 'done'"), "40");
  EXPECT_EQ(server_->Query("SELECT count(*) FROM queue_events WHERE kind = 'called'"), "40");
}

// Beside the claim's own guard: the database itself refuses a second called ticket at a counter.
TEST_F(QueueTest, TheDatabaseAllowsOneCalledTicketPerCounter) {
  v1::CheckInResponse a = CheckIn(WalkIn("Satu Orang"));
  v1::CheckInResponse b = CheckIn(WalkIn("Dua Orang"));
  ASSERT_EQ(Call("C1").id(), a.ticket().id());
  EXPECT_THROW(server_->Query(absl::StrCat("UPDATE tickets SET state = 'called', counter_id = 'C1'"
                                           " WHERE id = ",
                                           b.ticket().id())),
               std::exception);
  EXPECT_EQ(server_->Query("SELECT count(*) FROM tickets WHERE state = 'called'"), "1");
}

// A counter closed for the day with a ticket still called (nobody pressed "Selesai") is free the
// next day: yesterday's ticket neither holds it nor shows as served (the day walk found the board
// showing it, and the counter refused to call).
TEST_F(QueueTest, ATicketLeftCalledOnAnEarlierDayHoldsNoCounter) {
  v1::CheckInResponse yesterday = CheckIn(WalkIn("Kemarin Dipanggil"));
  ASSERT_EQ(Call("C1").id(), yesterday.ticket().id());
  server_->clock().Set(DefaultTestNow() + absl::Hours(24 * 21));  // Tuesday 7 April, 09:00
  v1::CheckInResponse today = CheckIn(WalkIn("Hari Ini"));
  EXPECT_EQ(Call("C1").id(), today.ticket().id());
  EXPECT_EQ(server_->Query(
                absl::StrCat("SELECT state FROM tickets WHERE id = ", yesterday.ticket().id())),
            "called");
}

TEST_F(QueueTest, WatchQueueDeliversEveryCallInOrderToTwoWatchers) {
  struct Watcher {
    std::unique_ptr<grpc::ClientContext> ctx;
    std::unique_ptr<v1::QueueService::Stub> stub;
    std::vector<v1::QueueEvent> events;
    int64_t snapshot_seq = -1;
    int boards = 0;  // fresh boards after the snapshot
    absl::Notification ready;
    std::thread thread;
  };
  constexpr size_t kEvents = 12;  // 4 issued, 4 called, 4 done
  auto run = [&](Watcher& w) {
    auto reader = w.stub->WatchQueue(w.ctx.get(), v1::WatchQueueRequest());
    v1::QueueUpdate u;
    if (reader->Read(&u)) w.snapshot_seq = u.board().seq();
    w.ready.Notify();
    while (reader->Read(&u)) {
      w.events.push_back(u.event());
      // The board after a batch (shared by the watchers of the office) shows at least its event.
      if (u.has_board()) {
        ++w.boards;
        EXPECT_GE(u.board().seq(), u.event().seq()) << u.event().kind() << " " << u.event().label();
      }
      if (w.events.size() == kEvents) break;
    }
    w.ctx->TryCancel();
  };
  Watcher w[2];
  for (auto& x : w) {
    x.ctx = Ctx(counter_);
    x.stub = v1::QueueService::NewStub(server_->channel());
  }
  for (auto& x : w) x.thread = std::thread(run, std::ref(x));
  for (auto& x : w) x.ready.WaitForNotification();

  std::vector<std::string> expected;
  for (int i = 0; i < 4; ++i) {
    v1::CheckInResponse c = CheckIn(WalkIn(absl::StrCat("Tamu ", std::string(1, char('A' + i)))));
    expected.push_back("issued " + c.ticket().label());
  }
  for (int i = 0; i < 4; ++i) {
    std::string counter = i % 2 == 0 ? "C1" : "C2";
    v1::Ticket t = Call(counter);
    expected.push_back("called " + t.label() + " " + counter);
    Finish(t.id());
    expected.push_back("done " + t.label() + " " + counter);
  }
  EXPECT_EQ(expected.size(), kEvents);
  for (auto& x : w) x.thread.join();

  for (auto& x : w) {
    EXPECT_EQ(x.snapshot_seq, 0);
    EXPECT_GT(x.boards, 0);
    std::vector<std::string> got;
    int64_t seq = x.snapshot_seq;
    for (const auto& e : x.events) {
      EXPECT_EQ(e.seq(), seq + 1);  // no gap, no repeat
      seq = e.seq();
      got.push_back(e.kind() + " " + e.label() +
                    (e.counter_id().empty() ? "" : " " + e.counter_id()));
    }
    EXPECT_EQ(got, expected);
  }
}

TEST_F(QueueTest, RequestIdReplayDuplicatesNothing) {
  v1::CheckInRequest r = WalkIn("Ulang Lagi");
  v1::CheckInResponse first = CheckIn(r);
  v1::CheckInResponse again = CheckIn(r);
  EXPECT_EQ(first.ticket().id(), again.ticket().id());
  EXPECT_EQ(server_->Query("SELECT count(*) FROM visits"), "1");
  EXPECT_EQ(server_->Query("SELECT count(*) FROM tickets"), "1");

  v1::CallNextRequest call;
  call.set_request_id(NewUuid());
  call.set_counter_id("C1");
  v1::CallNextResponse c1, c2;
  ASSERT_THAT(queue_->CallNext(Ctx(counter_).get(), call, &c1), IsOk());
  ASSERT_THAT(queue_->CallNext(Ctx(counter_).get(), call, &c2), IsOk());
  EXPECT_EQ(c1.ticket().id(), c2.ticket().id());
  EXPECT_EQ(server_->Query("SELECT count(*) FROM queue_events WHERE kind = 'called'"), "1");
}

TEST_F(QueueTest, FieldsAndRolesAreChecked) {
  v1::CheckInRequest r = WalkIn("Tanpa Skrining");
  r.clear_screening();
  v1::CheckInResponse resp;
  grpc::Status s = queue_->CheckIn(Ctx(counter_).get(), r, &resp);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("screening"));
  r = WalkIn("Salah Ukur", v1::PRIORITY_CLASS_NONE, 99);
  s = queue_->CheckIn(Ctx(counter_).get(), r, &resp);
  EXPECT_THAT(s.error_message(), HasSubstr("screening.temperature_c"));
  r = WalkIn("Layanan Aneh");
  r.mutable_walk_in()->set_service("NOPE");
  s = queue_->CheckIn(Ctx(counter_).get(), r, &resp);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("walk_in.service"));
  s = queue_->CheckIn(Ctx(counter_).get(), ByCode("NOPE-00"), &resp);
  EXPECT_THAT(s, StatusIs(grpc::NOT_FOUND));
  grpc::Status call;
  Call("", &call);
  EXPECT_THAT(call, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(call.error_message(), HasSubstr("counter_id"));

  v1::CallNextRequest c;
  c.set_request_id(NewUuid());
  c.set_counter_id("C1");
  v1::CallNextResponse cr;
  EXPECT_THAT(queue_->CallNext(Ctx(clinic_a_).get(), c, &cr), StatusIs(grpc::PERMISSION_DENIED));
  // Another office's counter staff do not see this office's tickets.
  CheckIn(WalkIn("Kantor Ini"));
  v1::ListTicketsResponse list;
  ASSERT_THAT(
      queue_->ListTickets(Ctx(other_office_officer_).get(), v1::ListTicketsRequest(), &list),
      IsOk());
  EXPECT_EQ(list.tickets_size(), 0);
}

}  // namespace
}  // namespace loket::itest
