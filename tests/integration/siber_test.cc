// SIBER end to end against a real PostgreSQL: a clinic's submission plans a pickup, the router's
// code (plan_adapter + solver, run here in place of the loket-router process) plans the day through
// TaskService, couriers confirm their own stops with proof, each hand-over is a custody event, a
// courier's delivery marks the case DELIVERED, a failed pickup is planned again, and re-planning
// keeps what a courier has already begun. Each test runs on a working day of its own.
#include <functional>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/ids.h"
#include "common/sha256.h"
#include "common/testing/fake_clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "loket/v1/appointment.grpc.pb.h"
#include "loket/v1/courier.grpc.pb.h"
#include "loket/v1/queue.grpc.pb.h"
#include "loket/v1/task.grpc.pb.h"
#include "tests/integration/fixture.h"
#include "tests/integration/permit_keys.h"
#include "tests/support/status_matchers.h"
#include "workers/routing/plan_adapter.h"

namespace loket::itest {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::testing::HasSubstr;

constexpr char kProof[] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

absl::Time At(absl::CivilDay day, int hour) {
  return absl::FromCivil(absl::CivilHour(day) + hour, absl::FixedTimeZone(8 * 3600));
}

struct CourierLogin {
  int64_t id = 0;
  std::string token;
};

class SiberTest : public ServerTest {
 protected:
  // Issue 13: this loketd signs permits, so a permit's hand-overs name the signed document.
  static void SetUpTestSuite() {
    keys_ = MakePermitKeys();
    ASSERT_TRUE(keys_.ok()) << keys_.log;
    configure_ = [](api::ServerOptions& o) { UsePermitKeys(o, keys_); };
    ServerTest::SetUpTestSuite();
  }
  static void TearDownTestSuite() {
    ServerTest::TearDownTestSuite();
    configure_ = nullptr;
    keys_.Remove();
  }
  static inline PermitKeys keys_;

  void SetUp() override {
    if (!tasks_) {
      worker_ = server_->TokenFor("bpp", "worker");
      tasks_ = v1::TaskService::NewStub(server_->channel());
      couriers_ = v1::CourierService::NewStub(server_->channel());
    }
  }

  // A working day of the test's own, at 09:00 WITA, with no courier on shift yet but `n` new ones.
  std::vector<CourierLogin> StartDay(absl::CivilDay day, int n, int capacity = 4) {
    server_->clock().Set(At(day, 9));
    // Couriers of earlier tests take the day off.
    server_->Query(
        absl::StrCat("INSERT INTO courier_shifts (office_id, courier_id, day, off, starts,"
                     " ends) SELECT office_id, principal_id, '",
                     absl::FormatCivilTime(day),
                     "', true, '08:00', '16:00' FROM couriers ON CONFLICT DO NOTHING"));
    std::vector<CourierLogin> out;
    for (int i = 0; i < n; ++i) {
      CourierLogin c;
      c.token = server_->TokenFor("bpp", "courier");
      c.id = std::stoll(server_->Query("SELECT max(id) FROM principals WHERE role = 'courier'"));
      v1::CreateCourierRequest req;
      req.set_request_id(NewUuid());
      req.set_principal_id(c.id);
      req.set_name(i == 0 ? "Budi Santoso" : "Rina Wulandari");
      req.set_capacity(capacity);
      v1::Courier out_courier;
      grpc::Status s = couriers_->CreateCourier(Ctx(admin_).get(), req, &out_courier);
      EXPECT_THAT(s, IsOk()) << s.error_message();
      out.push_back(c);
    }
    return out;
  }

  // What loket-router does, in-process: lease every due route.plan task, plan, complete.
  int RunRouter(const std::function<void(const v1::RoutePlanInput&)>& inspect = nullptr) {
    int planned = 0;
    for (;;) {
      v1::PollTaskRequest req;
      req.set_queue("route.plan");
      req.set_worker_id("test-router");
      v1::PollTaskResponse resp;
      grpc::Status s = tasks_->PollTask(Ctx(worker_).get(), req, &resp);
      EXPECT_THAT(s, IsOk()) << s.error_message();
      if (!s.ok() || !resp.has_task()) return planned;
      v1::RoutePlanInput in;
      EXPECT_TRUE(in.ParseFromString(resp.task().payload()));
      if (inspect) inspect(in);
      routing::PlanOptions options;
      options.solver.time_limit = absl::InfiniteDuration();
      options.solver.max_iterations = 300;
      FakeClock still(absl::UnixEpoch());
      absl::StatusOr<v1::RoutePlanResult> plan = routing::PlanRoutes(in, options, still);
      EXPECT_THAT(plan, IsOk()) << plan.status();
      if (!plan.ok()) return planned;
      v1::CompleteTaskRequest done;
      done.set_task_id(resp.task().id());
      done.set_attempt(resp.task().attempt());
      *done.mutable_route_plan() = *plan;
      v1::CompleteTaskResponse ok;
      s = tasks_->CompleteTask(Ctx(worker_).get(), done, &ok);
      EXPECT_THAT(s, IsOk()) << s.error_message();
      ++planned;
    }
  }

  v1::GetRouteResponse Route(const CourierLogin& c) {
    v1::GetRouteRequest req;
    v1::GetRouteResponse resp;
    grpc::Status s = couriers_->GetRoute(Ctx(c.token).get(), req, &resp);
    EXPECT_THAT(s, IsOk()) << s.error_message();
    return resp;
  }

  // The next morning (`next`, 09:00) with only `courier` on shift: the office asks for the day's
  // plan, the router runs, and the courier's route is read, its stops of `case_id` in order (other
  // tests' stops may share the route when the tests run in one process).
  std::vector<v1::Stop> NextMorningRoute(absl::CivilDay next, const CourierLogin& courier,
                                         int64_t case_id) {
    server_->clock().Set(At(next, 9));
    server_->Query(
        absl::StrCat("INSERT INTO courier_shifts (office_id, courier_id, day, off, starts, ends)"
                     " SELECT office_id, principal_id, '",
                     absl::FormatCivilTime(next),
                     "', true, '08:00', '16:00' FROM couriers WHERE principal_id <> ", courier.id,
                     " ON CONFLICT DO NOTHING"));
    v1::PlanDayRequest plan;
    plan.set_request_id(NewUuid());
    v1::DayPlan day;
    EXPECT_THAT(couriers_->PlanDay(Ctx(officer_).get(), plan, &day), IsOk());
    EXPECT_EQ(day.day(), absl::FormatCivilTime(next));
    RunRouter();
    std::vector<v1::Stop> mine;
    const v1::GetRouteResponse route = Route(courier);
    for (const auto& stop : route.stops()) {
      if (stop.case_id() == case_id) mine.push_back(stop);
    }
    return mine;
  }

  std::vector<v1::Stop> StopsOf(int64_t case_id) {
    v1::ListStopsRequest req;
    req.set_case_id(case_id);
    v1::ListStopsResponse resp;
    grpc::Status s = couriers_->ListStops(Ctx(officer_).get(), req, &resp);
    EXPECT_THAT(s, IsOk()) << s.error_message();
    return {resp.stops().begin(), resp.stops().end()};
  }

  // A clinic's case whose documents `courier` took and handed in, then issued, and whose permit
  // `courier` collected at the office: what is left is the delivery (returned) and the case's
  // first hand-in's id (`documents_handin`).
  v1::Stop CarryIssuedPermit(const CourierLogin& courier, const v1::Case& c,
                             int64_t* documents_handin = nullptr) {
    v1::Stop pickup = StopOf(c.id(), v1::STOP_KIND_PICKUP);
    EXPECT_GE(RunRouter(), 1);
    v1::Stop handin = StopOf(c.id(), v1::STOP_KIND_HANDIN);
    EXPECT_EQ(handin.courier_id(), courier.id);
    EXPECT_THAT(Confirm(courier, pickup.id(), true), IsOk());
    server_->clock().Advance(absl::Minutes(40));
    EXPECT_THAT(Confirm(courier, handin.id(), false), IsOk());
    if (documents_handin) *documents_handin = handin.id();
    AttachAll(c.id(), clinic_a_);
    EXPECT_THAT(Do(&v1::CaseService::Stub::StartVerification, officer_, c.id()), IsOk());
    EXPECT_THAT(Do(&v1::CaseService::Stub::Approve, approver_, c.id()), IsOk());
    EXPECT_THAT(Do(&v1::CaseService::Stub::Issue, officer_, c.id()), IsOk());
    v1::Stop collect = StopOf(c.id(), v1::STOP_KIND_COLLECT);
    v1::Stop delivery = StopOf(c.id(), v1::STOP_KIND_DELIVERY);
    EXPECT_GE(RunRouter(), 1);
    server_->clock().Advance(absl::Minutes(20));
    EXPECT_THAT(Confirm(courier, collect.id(), true), IsOk());  // the courier carries the permit
    return delivery;
  }

  v1::Stop StopOf(int64_t case_id, v1::StopKind kind) {
    v1::Stop found;
    for (const v1::Stop& s : StopsOf(case_id)) {
      if (s.kind() == kind && s.state() != v1::STOP_STATE_CANCELLED &&
          s.state() != v1::STOP_STATE_FAILED && (found.id() == 0 || s.id() > found.id())) {
        found = s;
      }
    }
    return found;
  }

  // Arrives first (a pickup or delivery is confirmed only after arriving; a repeat or someone
  // else's stop fails harmlessly), then confirms.
  grpc::Status Confirm(const CourierLogin& c, int64_t stop, bool taking,
                       const std::string& request_id = NewUuid(), v1::Stop* out = nullptr) {
    v1::ArriveAtStopRequest arrive;
    arrive.set_request_id(NewUuid());
    arrive.set_stop_id(stop);
    v1::Stop arrived;
    couriers_->ArriveAtStop(Ctx(c.token).get(), arrive, &arrived).ok();
    return ConfirmOnly(c, stop, taking, request_id, out);
  }
  // The courier reports the stop failed.
  grpc::Status FailStop(const CourierLogin& c, int64_t stop, v1::StopFailureReason reason,
                        const std::string& note, v1::Stop* out = nullptr) {
    v1::FailStopRequest req;
    req.set_request_id(NewUuid());
    req.set_stop_id(stop);
    req.set_reason(reason);
    req.set_note(note);
    v1::Stop tmp;
    return couriers_->FailStop(Ctx(c.token).get(), req, out ? out : &tmp);
  }
  grpc::Status ConfirmOnly(const CourierLogin& c, int64_t stop, bool taking,
                           const std::string& request_id = NewUuid(), v1::Stop* out = nullptr) {
    v1::ConfirmStopRequest req;
    req.set_request_id(request_id);
    req.set_stop_id(stop);
    req.set_receiver_name(taking ? "Ns. Dewi Lestari" : "Andi Pratama");
    req.set_proof_sha256(kProof);
    req.set_taking(taking);
    v1::Stop tmp;
    return couriers_->ConfirmStop(Ctx(c.token).get(), req, out ? out : &tmp);
  }

  // Takes a clinic case from submission to ISSUED (the pickup happened or not, it does not matter).
  int64_t IssuedCase() {
    v1::Case c = SubmitAsClinicA();
    AttachAll(c.id(), clinic_a_);
    EXPECT_THAT(Do(&v1::CaseService::Stub::StartVerification, officer_, c.id()), IsOk());
    EXPECT_THAT(Do(&v1::CaseService::Stub::Approve, approver_, c.id()), IsOk());
    EXPECT_THAT(Do(&v1::CaseService::Stub::Issue, officer_, c.id()), IsOk());
    return c.id();
  }

  std::string worker_;
  std::unique_ptr<v1::TaskService::Stub> tasks_;
  std::unique_ptr<v1::CourierService::Stub> couriers_;
};

TEST_F(SiberTest, PickupToDeliveryWithACompleteCustodyChain) {
  std::vector<CourierLogin> fleet = StartDay(absl::CivilDay(2026, 3, 17), 1);
  v1::Case c = SubmitAsClinicA();
  v1::Stop pickup = StopOf(c.id(), v1::STOP_KIND_PICKUP);
  ASSERT_GT(pickup.id(), 0) << "a clinic submission plans a pickup";
  EXPECT_EQ(pickup.state(), v1::STOP_STATE_PENDING);
  EXPECT_EQ(pickup.clinic_id(), "pkm-a");
  EXPECT_EQ(pickup.day(), "2026-03-17");
  EXPECT_GT(pickup.partner_stop_id(), 0);
  EXPECT_GE(RunRouter(), 1);

  v1::GetRouteResponse route = Route(fleet[0]);
  ASSERT_EQ(route.stops_size(), 2);  // the clinic, then the office
  EXPECT_EQ(route.stops(0).id(), pickup.id());
  EXPECT_EQ(route.stops(0).state(), v1::STOP_STATE_PLANNED);
  EXPECT_EQ(route.stops(1).kind(), v1::STOP_KIND_HANDIN);
  EXPECT_EQ(route.plan().planned_version(), route.plan().input_version());
  EXPECT_EQ(route.stops(0).applicant_name().find("Rahmawati"), std::string::npos)
      << "couriers see applicants' names masked";
  // The clinic hears when the courier comes.
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT count(*) FROM notifications WHERE case_id = ",
                                        c.id(), " AND template_id = 'courier.pickup_planned'")),
            "1");

  v1::ArriveAtStopRequest arrive;
  arrive.set_request_id(NewUuid());
  arrive.set_stop_id(pickup.id());
  v1::Stop arrived;
  ASSERT_THAT(couriers_->ArriveAtStop(Ctx(fleet[0].token).get(), arrive, &arrived), IsOk());
  EXPECT_EQ(arrived.state(), v1::STOP_STATE_ARRIVED);
  // The wrong verb, missing proof: refused, nothing written.
  grpc::Status wrong = Confirm(fleet[0], pickup.id(), /*taking=*/false);
  EXPECT_THAT(wrong, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_NE(wrong.error_message().find("loket courier pickup"), std::string::npos);
  v1::ConfirmStopRequest no_proof;
  no_proof.set_request_id(NewUuid());
  no_proof.set_stop_id(pickup.id());
  no_proof.set_receiver_name("Ns. Dewi Lestari");
  no_proof.set_taking(true);
  v1::Stop tmp;
  grpc::Status refused = couriers_->ConfirmStop(Ctx(fleet[0].token).get(), no_proof, &tmp);
  EXPECT_THAT(refused, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_NE(refused.error_message().find("proof_sha256"), std::string::npos);

  // Taken at the clinic; a retry with the same request_id records nothing twice.
  std::string rid = NewUuid();
  ASSERT_THAT(Confirm(fleet[0], pickup.id(), true, rid), IsOk());
  ASSERT_THAT(Confirm(fleet[0], pickup.id(), true, rid), IsOk());
  server_->clock().Advance(absl::Minutes(40));
  ASSERT_THAT(Confirm(fleet[0], route.stops(1).id(), false), IsOk());  // handed in at the office

  // Issued: the permit goes back to the clinic by courier.
  AttachAll(c.id(), clinic_a_);
  ASSERT_THAT(Do(&v1::CaseService::Stub::StartVerification, officer_, c.id()), IsOk());
  ASSERT_THAT(Do(&v1::CaseService::Stub::Approve, approver_, c.id()), IsOk());
  ASSERT_THAT(Do(&v1::CaseService::Stub::Issue, officer_, c.id()), IsOk());
  v1::Stop collect = StopOf(c.id(), v1::STOP_KIND_COLLECT);
  v1::Stop delivery = StopOf(c.id(), v1::STOP_KIND_DELIVERY);
  ASSERT_GT(collect.id(), 0);
  ASSERT_GT(delivery.id(), 0);
  EXPECT_GE(RunRouter(), 1);
  server_->clock().Advance(absl::Minutes(20));
  ASSERT_THAT(Confirm(fleet[0], collect.id(), true), IsOk());
  server_->clock().Advance(absl::Minutes(30));
  v1::Stop delivered;
  ASSERT_THAT(Confirm(fleet[0], delivery.id(), false, NewUuid(), &delivered), IsOk());
  EXPECT_EQ(delivered.state(), v1::STOP_STATE_DONE);

  v1::Case after;
  v1::GetCaseRequest get;
  get.set_case_id(c.id());
  ASSERT_THAT(cases().GetCase(Ctx(officer_).get(), get, &after), IsOk());
  EXPECT_EQ(after.state(), v1::CASE_STATE_DELIVERED) << "the courier's delivery marks the case";
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT actor_role FROM case_events WHERE case_id = ",
                                        c.id(), " ORDER BY id DESC LIMIT 1")),
            "courier");

  v1::GetCustodyRequest creq;
  creq.set_case_id(c.id());
  v1::GetCustodyResponse custody;
  ASSERT_THAT(couriers_->GetCustody(Ctx(clinic_a_).get(), creq, &custody), IsOk());
  ASSERT_EQ(custody.events_size(), 4);
  EXPECT_TRUE(custody.complete());
  const std::string courier = absl::StrCat("courier:", fleet[0].id);
  EXPECT_EQ(custody.events(0).from_holder(), "clinic:pkm-a");
  EXPECT_EQ(custody.events(0).to_holder(), courier);
  EXPECT_EQ(custody.events(1).to_holder(), "office");
  EXPECT_EQ(custody.events(2).item(), "permit");
  EXPECT_EQ(custody.events(2).from_holder(), "office");
  EXPECT_EQ(custody.events(3).to_holder(), "clinic:pkm-a");
  // The permit's hand-overs name the signed document handed over; the paper bundle's do not.
  ASSERT_EQ(after.permit_document_sha256().size(), 64u);
  EXPECT_EQ(custody.events(0).document_sha256(), "");
  EXPECT_EQ(custody.events(2).document_sha256(), after.permit_document_sha256());
  EXPECT_EQ(custody.events(3).document_sha256(), after.permit_document_sha256());
  // documents: clinic, courier, office; permit: office, courier, clinic.
  ASSERT_EQ(custody.periods_size(), 6);
  EXPECT_EQ(custody.periods(1).holder(), courier);
  EXPECT_FALSE(custody.periods(1).from().empty());
  EXPECT_FALSE(custody.periods(1).until().empty());
  EXPECT_TRUE(custody.periods(5).until().empty()) << "the clinic holds the permit now";
  // Another clinic does not see this case's custody.
  v1::GetCustodyResponse none;
  EXPECT_THAT(couriers_->GetCustody(Ctx(clinic_b_).get(), creq, &none), StatusIs(grpc::NOT_FOUND));
}

TEST_F(SiberTest, APermitRevokedWhileTheCourierCarriesItIsNotHandedOver) {
  std::vector<CourierLogin> fleet = StartDay(absl::CivilDay(2026, 3, 17), 1);
  v1::Case c = SubmitAsClinicA();
  int64_t documents_handin = 0;
  v1::Stop delivery = CarryIssuedPermit(fleet[0], c, &documents_handin);
  ASSERT_FALSE(HasFailure());

  v1::RevokePermitRequest revoke;
  revoke.set_request_id(NewUuid());
  revoke.set_case_id(c.id());
  revoke.set_reason("STR dicabut oleh konsil");
  v1::Case revoked;
  ASSERT_THAT(cases().RevokePermit(Ctx(approver_).get(), revoke, &revoked), IsOk());
  server_->clock().Advance(absl::Minutes(30));
  grpc::Status handed = Confirm(fleet[0], delivery.id(), false);
  EXPECT_THAT(handed, StatusIs(grpc::FAILED_PRECONDITION)) << handed.error_message();
  EXPECT_NE(handed.error_message().find("revoked"), std::string::npos) << handed.error_message();
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT count(*) FROM custody_events WHERE case_id = ",
                                        c.id(), " AND to_holder = 'clinic:pkm-a'")),
            "0")
      << "a revoked permit never reaches the clinic";
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT state FROM cases WHERE id = ", c.id())), "REVOKED");

  // As the refusal says: the delivery is reported failed and the permit brought back. The office
  // takes it, and no new delivery is planned.
  ASSERT_THAT(FailStop(fleet[0], delivery.id(), v1::STOP_FAILURE_REASON_OTHER, "izin dicabut"),
              IsOk());
  v1::Stop back = StopOf(c.id(), v1::STOP_KIND_HANDIN);
  ASSERT_GT(back.id(), documents_handin) << "a new hand-in at the office";
  ASSERT_THAT(Confirm(fleet[0], back.id(), false), IsOk());
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT to_holder FROM custody_events WHERE case_id = ",
                                        c.id(), " ORDER BY id DESC LIMIT 1")),
            "office");
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT count(*) FROM stops WHERE case_id = ", c.id(),
                                        " AND kind IN ('collect', 'delivery')"
                                        " AND state IN ('pending', 'planned')")),
            "0")
      << "a revoked permit is not sent out again";
}

TEST_F(SiberTest, ACourierCannotSeeOrConfirmAnotherCouriersStops) {
  std::vector<CourierLogin> fleet = StartDay(absl::CivilDay(2026, 3, 25), 2, /*capacity=*/1);
  v1::Case a = SubmitAsClinicA();
  v1::SubmitApplicationRequest req = NurseApplication();
  v1::Case b;
  ASSERT_THAT(cases().SubmitApplication(Ctx(clinic_b_).get(), req, &b), IsOk());
  RunRouter();
  // Capacity 1 each: one pickup per courier at a time, so both couriers have work.
  v1::Stop pa = StopOf(a.id(), v1::STOP_KIND_PICKUP);
  v1::Stop pb = StopOf(b.id(), v1::STOP_KIND_PICKUP);
  ASSERT_EQ(pa.state(), v1::STOP_STATE_PLANNED);
  ASSERT_EQ(pb.state(), v1::STOP_STATE_PLANNED);
  const CourierLogin& owner = pa.courier_id() == fleet[0].id ? fleet[0] : fleet[1];
  const CourierLogin& other = pa.courier_id() == fleet[0].id ? fleet[1] : fleet[0];
  v1::GetRouteResponse others = Route(other);
  for (const v1::Stop& s : others.stops()) EXPECT_NE(s.case_id(), a.id());
  grpc::Status s = Confirm(other, pa.id(), true);
  EXPECT_THAT(s, StatusIs(grpc::NOT_FOUND));
  EXPECT_EQ(s.error_message(), absl::StrCat("stop ", pa.id(), " not found"));
  v1::FailStopRequest fail;
  fail.set_request_id(NewUuid());
  fail.set_stop_id(pa.id());
  fail.set_reason(v1::STOP_FAILURE_REASON_CLINIC_CLOSED);
  v1::Stop out;
  EXPECT_THAT(couriers_->FailStop(Ctx(other.token).get(), fail, &out), StatusIs(grpc::NOT_FOUND));
  EXPECT_THAT(Confirm(owner, pa.id(), true), IsOk());
  // A clinic lists only the stops at its own door, with their planned window.
  v1::ListStopsRequest lreq;
  lreq.set_day("2026-03-25");
  v1::ListStopsResponse mine;
  ASSERT_THAT(couriers_->ListStops(Ctx(clinic_a_).get(), lreq, &mine), IsOk());
  ASSERT_GE(mine.stops_size(), 1);
  for (const v1::Stop& st : mine.stops()) EXPECT_NE(st.case_id(), b.id());
  lreq.set_case_id(b.id());
  ASSERT_THAT(couriers_->ListStops(Ctx(clinic_a_).get(), lreq, &mine), IsOk());
  EXPECT_EQ(mine.stops_size(), 0);
  // Clinics and counters may not call courier confirmations at all.
  v1::ConfirmStopRequest creq;
  EXPECT_THAT(couriers_->ConfirmStop(Ctx(clinic_a_).get(), creq, &out),
              StatusIs(grpc::PERMISSION_DENIED));
}

TEST_F(SiberTest, TheProofPhotoIsKeptWhenItMatchesItsHashAndIsAnImage) {
  std::vector<CourierLogin> fleet = StartDay(absl::CivilDay(2026, 4, 13), 1, /*capacity=*/4);
  v1::Case a = SubmitAsClinicA();
  RunRouter();
  v1::Stop pickup = StopOf(a.id(), v1::STOP_KIND_PICKUP);
  ASSERT_EQ(pickup.state(), v1::STOP_STATE_PLANNED);
  v1::ArriveAtStopRequest arrive;
  arrive.set_request_id(NewUuid());
  arrive.set_stop_id(pickup.id());
  v1::Stop here;
  ASSERT_THAT(couriers_->ArriveAtStop(Ctx(fleet[0].token).get(), arrive, &here), IsOk());
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "not really pixels";
  v1::ConfirmStopRequest req;
  req.set_request_id(NewUuid());
  req.set_stop_id(pickup.id());
  req.set_receiver_name("Ns. Herlina");
  req.set_taking(true);
  req.set_proof_content(png);
  req.set_proof_sha256(std::string(64, 'a'));
  v1::Stop out;
  grpc::Status s = couriers_->ConfirmStop(Ctx(fleet[0].token).get(), req, &out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("proof_sha256"));
  req.set_proof_content("MZ\x90\x00 an executable");
  req.set_proof_sha256(Sha256Hex(req.proof_content()));
  s = couriers_->ConfirmStop(Ctx(fleet[0].token).get(), req, &out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("proof_content"));
  req.set_proof_content(png);
  req.set_proof_sha256(Sha256Hex(png));
  s = couriers_->ConfirmStop(Ctx(fleet[0].token).get(), req, &out);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(
      server_->Query(absl::StrCat("SELECT media_type || ' ' || length(content) FROM stop_proofs "
                                  "WHERE stop_id = ",
                                  pickup.id())),
      absl::StrCat("image/png ", png.size()));
}

TEST_F(SiberTest, AFailedPickupIsPlannedAgainOnTheNextWorkingDay) {
  std::vector<CourierLogin> fleet = StartDay(absl::CivilDay(2026, 3, 26), 1);
  v1::Case c = SubmitAsClinicA();
  RunRouter();
  v1::Stop pickup = StopOf(c.id(), v1::STOP_KIND_PICKUP);
  ASSERT_EQ(pickup.courier_id(), fleet[0].id);
  v1::FailStopRequest fail;
  fail.set_request_id(NewUuid());
  fail.set_stop_id(pickup.id());
  fail.set_reason(v1::STOP_FAILURE_REASON_DOCUMENTS_NOT_READY);
  fail.set_note("STR belum dilegalisir");
  v1::Stop failed;
  grpc::Status s = couriers_->FailStop(Ctx(fleet[0].token).get(), fail, &failed);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(failed.state(), v1::STOP_STATE_FAILED);
  EXPECT_EQ(failed.failure_reason(), "documents_not_ready: STR belum dilegalisir");
  // The hand-in of the failed pickup is cancelled; a fresh pair waits on Friday 27 March.
  EXPECT_EQ(
      server_->Query(absl::StrCat("SELECT state FROM stops WHERE id = ", pickup.partner_stop_id())),
      "cancelled");
  v1::Stop again = StopOf(c.id(), v1::STOP_KIND_PICKUP);
  EXPECT_NE(again.id(), pickup.id());
  EXPECT_EQ(again.day(), "2026-03-27");
  // The change re-plans: a route.plan task is due for the failed day.
  EXPECT_EQ(server_->Query("SELECT count(*) FROM tasks WHERE queue = 'route.plan'"
                           " AND state = 'ready' AND dedupe_key = '2026-03-26'"),
            "1");
  // Unknown reason and missing note for "other": errors naming the field.
  fail.set_request_id(NewUuid());
  fail.set_reason(v1::STOP_FAILURE_REASON_OTHER);
  fail.set_note("");
  v1::Stop out;
  s = couriers_->FailStop(Ctx(fleet[0].token).get(), fail, &out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_NE(s.error_message().find("note"), std::string::npos);
  RunRouter();
}

TEST_F(SiberTest, ReplanningKeepsWhatACourierHasBegun) {
  std::vector<CourierLogin> fleet = StartDay(absl::CivilDay(2026, 3, 30), 2);
  // Courier 0 takes a permit out for clinic A.
  int64_t issued = IssuedCase();
  RunRouter();
  v1::Stop collect = StopOf(issued, v1::STOP_KIND_COLLECT);
  v1::Stop delivery = StopOf(issued, v1::STOP_KIND_DELIVERY);
  ASSERT_EQ(collect.state(), v1::STOP_STATE_PLANNED);
  const CourierLogin& carrier = collect.courier_id() == fleet[0].id ? fleet[0] : fleet[1];
  ASSERT_THAT(Confirm(carrier, collect.id(), true), IsOk());
  // New work arrives and the day is planned again: the permit on board stays with its carrier,
  // whatever is closer for the other courier.
  for (int i = 0; i < 3; ++i) {
    v1::SubmitApplicationRequest req = NurseApplication();
    v1::Case other;
    ASSERT_THAT(cases().SubmitApplication(Ctx(i % 2 ? clinic_a_ : clinic_b_).get(), req, &other),
                IsOk());
  }
  bool bound = false;
  EXPECT_GE(RunRouter([&](const v1::RoutePlanInput& in) {
              for (const auto& n : in.nodes()) {
                EXPECT_NE(n.stop_id(), collect.id()) << "a done stop is not planned again";
                if (n.stop_id() != delivery.id()) continue;
                bound = true;
                EXPECT_EQ(n.only_courier(), carrier.id);
                EXPECT_EQ(n.demand(), -1) << "on board: dropped at the clinic";
                EXPECT_EQ(n.partner_stop_id(), 0);
              }
            }),
            1);
  EXPECT_TRUE(bound);
  v1::Stop after = StopOf(issued, v1::STOP_KIND_DELIVERY);
  EXPECT_EQ(after.id(), delivery.id());
  EXPECT_EQ(after.state(), v1::STOP_STATE_PLANNED);
  EXPECT_EQ(after.courier_id(), carrier.id);
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT state FROM stops WHERE id = ", collect.id())),
            "done");
}

TEST_F(SiberTest, APlanForAWorldThatMovedOnIsNotApplied) {
  std::vector<CourierLogin> fleet = StartDay(absl::CivilDay(2026, 3, 31), 1);
  v1::Case c = SubmitAsClinicA();
  v1::PollTaskRequest req;
  req.set_queue("route.plan");
  v1::PollTaskResponse leased;
  ASSERT_THAT(tasks_->PollTask(Ctx(worker_).get(), req, &leased), IsOk());
  ASSERT_TRUE(leased.has_task());
  v1::RoutePlanInput in;
  ASSERT_TRUE(in.ParseFromString(leased.task().payload()));
  EXPECT_EQ(in.day(), "2026-03-31");
  EXPECT_EQ(in.vehicles_size(), 1);
  // While the router works, the clinic withdraws: the day's input moves on.
  ASSERT_THAT(Do(&v1::CaseService::Stub::Withdraw, clinic_a_, c.id(), "sudah tidak perlu"), IsOk());
  routing::PlanOptions options;
  options.solver.time_limit = absl::InfiniteDuration();
  options.solver.max_iterations = 100;
  FakeClock still(absl::UnixEpoch());
  absl::StatusOr<v1::RoutePlanResult> plan = routing::PlanRoutes(in, options, still);
  ASSERT_THAT(plan, IsOk());
  ASSERT_EQ(plan->routes_size(), 1);
  v1::CompleteTaskRequest done;
  done.set_task_id(leased.task().id());
  done.set_attempt(leased.task().attempt());
  *done.mutable_route_plan() = *plan;
  v1::CompleteTaskResponse ok;
  ASSERT_THAT(tasks_->CompleteTask(Ctx(worker_).get(), done, &ok), IsOk());
  // Not applied: the withdrawn case's stops stay cancelled, and a fresh plan is due.
  for (const v1::Stop& s : StopsOf(c.id())) EXPECT_EQ(s.state(), v1::STOP_STATE_CANCELLED);
  EXPECT_EQ(server_->Query("SELECT count(*) FROM tasks WHERE queue = 'route.plan'"
                           " AND state = 'ready' AND dedupe_key = '2026-03-31'"),
            "1");
  // A late second answer for the same lease is refused (fencing).
  EXPECT_THAT(tasks_->CompleteTask(Ctx(worker_).get(), done, &ok),
              StatusIs(grpc::FAILED_PRECONDITION));
  RunRouter();
}

TEST_F(SiberTest, ARevisionThatNeedsNewPaperReturnsTheOriginalsAndFetchesNewOnes) {
  StartDay(absl::CivilDay(2026, 4, 6), 1);
  v1::Case c = SubmitAsClinicA();
  AttachAll(c.id(), clinic_a_);
  ASSERT_THAT(Do(&v1::CaseService::Stub::StartVerification, officer_, c.id()), IsOk());
  v1::TransitionRequest req = Transition(c.id(), "STR perlu dilegalisir ulang");
  req.set_new_paper(true);
  v1::Case out;
  grpc::Status s = cases().RequestRevision(Ctx(officer_).get(), req, &out);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  // The first pickup is still live (never done); the originals' way back and a second pickup are
  // not created twice for one kind and item: one live pickup, plus the documents' collect and
  // delivery.
  int pickups = 0, returns = 0;
  for (const v1::Stop& stop : StopsOf(c.id())) {
    if (stop.kind() == v1::STOP_KIND_PICKUP) ++pickups;
    if (stop.kind() == v1::STOP_KIND_DELIVERY && stop.item() == "documents") {
      ++returns;
      EXPECT_EQ(stop.clinic_id(), "pkm-a");
    }
  }
  EXPECT_EQ(pickups, 1);
  EXPECT_EQ(returns, 1);
  // Only a revision may ask for new paper.
  v1::TransitionRequest approve = Transition(c.id(), "");
  approve.set_new_paper(true);
  EXPECT_THAT(cases().Approve(Ctx(approver_).get(), approve, &out),
              StatusIs(grpc::INVALID_ARGUMENT));
  RunRouter();
}

TEST_F(SiberTest, WorkNobodyBeganMovesToTheNextDayPlanned) {
  std::vector<CourierLogin> fleet = StartDay(absl::CivilDay(2026, 4, 7), 0);  // nobody on shift
  v1::Case c = SubmitAsClinicA();
  RunRouter();
  v1::Stop pickup = StopOf(c.id(), v1::STOP_KIND_PICKUP);
  ASSERT_EQ(pickup.day(), "2026-04-07");
  EXPECT_EQ(pickup.state(), v1::STOP_STATE_PENDING);
  // The next morning a courier is on shift and the office asks for a plan.
  fleet = StartDay(absl::CivilDay(2026, 4, 8), 1);
  v1::PlanDayRequest plan;
  plan.set_request_id(NewUuid());
  v1::DayPlan day;
  ASSERT_THAT(couriers_->PlanDay(Ctx(officer_).get(), plan, &day), IsOk());
  EXPECT_EQ(day.day(), "2026-04-08");
  RunRouter();
  v1::Stop moved = StopOf(c.id(), v1::STOP_KIND_PICKUP);
  EXPECT_EQ(moved.id(), pickup.id());
  EXPECT_EQ(moved.day(), "2026-04-08");
  EXPECT_EQ(moved.state(), v1::STOP_STATE_PLANNED);
  EXPECT_EQ(moved.courier_id(), fleet[0].id);
  EXPECT_EQ(StopOf(c.id(), v1::STOP_KIND_HANDIN).day(), "2026-04-08");
}

// A permit brought back after a failed delivery is on board with its courier (a hand-in without
// a partner). If it is not handed in that day, the next day's plan carries it over with that
// courier: until 2026-12-02 the carry-over cleared the courier, the hand-in dropped off every
// route, nobody could confirm it, and a withdrawal would have cancelled it.
TEST_F(SiberTest, APermitBroughtBackStaysWithItsCourierOnTheNextDay) {
  const absl::CivilDay next(2026, 4, 22);
  std::vector<CourierLogin> fleet = StartDay(absl::CivilDay(2026, 4, 21), 1);
  v1::Case c = SubmitAsClinicA();
  v1::Stop delivery = CarryIssuedPermit(fleet[0], c);
  ASSERT_FALSE(HasFailure());
  server_->clock().Advance(absl::Minutes(30));
  ASSERT_THAT(FailStop(fleet[0], delivery.id(), v1::STOP_FAILURE_REASON_NOBODY_TO_RECEIVE, ""),
              IsOk());
  const std::string back_id = server_->Query(absl::StrCat(
      "SELECT id FROM stops WHERE case_id = ", c.id(),
      " AND kind = 'handin' AND partner_id IS NULL AND state IN ('pending', 'planned')"));
  ASSERT_FALSE(back_id.empty()) << "the permit rides back to the office";
  const std::string courier = absl::StrCat(fleet[0].id);
  ASSERT_EQ(server_->Query(absl::StrCat("SELECT courier_id FROM stops WHERE id = ", back_id)),
            courier);

  // The courier does not come back that day. The next morning only they are on shift. Their
  // route: hand the permit in where the route starts, collect it again, deliver it.
  const std::vector<v1::Stop> mine = NextMorningRoute(next, fleet[0], c.id());
  std::vector<v1::StopKind> kinds;
  for (const auto& stop : mine) kinds.push_back(stop.kind());
  ASSERT_THAT(kinds, ::testing::ElementsAre(v1::STOP_KIND_HANDIN, v1::STOP_KIND_COLLECT,
                                            v1::STOP_KIND_DELIVERY));
  EXPECT_EQ(absl::StrCat(mine[0].id()), back_id);
  EXPECT_EQ(mine[0].courier_id(), fleet[0].id);
  EXPECT_EQ(mine[0].day(), "2026-04-22");
  EXPECT_EQ(mine[0].sequence(), 1);
  // Followed in that order, the custody chain is true: the office has the permit when it is
  // collected, and the clinic holds it at the end.
  for (int i = 0; i < 3; ++i) {
    server_->clock().Advance(absl::Minutes(20));
    ASSERT_THAT(Confirm(fleet[0], mine[i].id(), i == 1), IsOk()) << i;
  }
  v1::GetCustodyRequest creq;
  creq.set_case_id(c.id());
  v1::GetCustodyResponse custody;
  ASSERT_THAT(couriers_->GetCustody(Ctx(officer_).get(), creq, &custody), IsOk());
  std::vector<std::string> permit;
  for (const auto& e : custody.events()) {
    if (e.item() == "permit") permit.push_back(absl::StrCat(e.from_holder(), ">", e.to_holder()));
  }
  const std::string courier_holder = absl::StrCat("courier:", fleet[0].id);
  EXPECT_THAT(permit, ::testing::ElementsAre(absl::StrCat("office>", courier_holder),
                                             absl::StrCat(courier_holder, ">office"),
                                             absl::StrCat("office>", courier_holder),
                                             absl::StrCat(courier_holder, ">clinic:pkm-a")));
}

// Documents picked up late and not handed in that day are on board with their courier. The next
// morning's plan carries the hand-in over with them, first on their route. Until 2026-12-03 the
// carry-over left it on the day before (its pickup was done): on no route, and nobody could
// confirm it.
TEST_F(SiberTest, DocumentsNotHandedInAreHandedInFirstTheNextMorning) {
  std::vector<CourierLogin> fleet = StartDay(absl::CivilDay(2026, 4, 23), 1);
  v1::Case c = SubmitAsClinicA();
  EXPECT_GE(RunRouter(), 1);
  const v1::Stop pickup = StopOf(c.id(), v1::STOP_KIND_PICKUP);
  const v1::Stop handin = StopOf(c.id(), v1::STOP_KIND_HANDIN);
  ASSERT_EQ(pickup.courier_id(), fleet[0].id);
  ASSERT_THAT(Confirm(fleet[0], pickup.id(), true), IsOk());

  const std::vector<v1::Stop> mine =
      NextMorningRoute(absl::CivilDay(2026, 4, 24), fleet[0], c.id());
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].id(), handin.id());
  EXPECT_EQ(mine[0].day(), "2026-04-24");
  EXPECT_EQ(mine[0].courier_id(), fleet[0].id);
  EXPECT_EQ(mine[0].sequence(), 1) << "handed in where the route starts";
  // Its window keeps the start it had (on board since the day before), which is what has the plan
  // hand it in first.
  EXPECT_EQ(mine[0].window_start(), handin.window_start());
  server_->clock().Advance(absl::Minutes(10));
  ASSERT_THAT(Confirm(fleet[0], handin.id(), false), IsOk());
  EXPECT_EQ(StopOf(c.id(), v1::STOP_KIND_HANDIN).state(), v1::STOP_STATE_DONE);
}

// A permit collected and not delivered that day stays on board: the next morning its delivery is
// on the same courier's route, at the clinic's hours of that day.
TEST_F(SiberTest, APermitNotDeliveredIsDeliveredByItsCourierTheNextMorning) {
  std::vector<CourierLogin> fleet = StartDay(absl::CivilDay(2026, 4, 27), 1);
  v1::Case c = SubmitAsClinicA();
  const v1::Stop delivery = CarryIssuedPermit(fleet[0], c);
  ASSERT_FALSE(HasFailure());

  const std::vector<v1::Stop> mine =
      NextMorningRoute(absl::CivilDay(2026, 4, 28), fleet[0], c.id());
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].id(), delivery.id());
  EXPECT_EQ(mine[0].day(), "2026-04-28");
  EXPECT_EQ(mine[0].state(), v1::STOP_STATE_PLANNED);
  EXPECT_EQ(mine[0].courier_id(), fleet[0].id);
  EXPECT_EQ(mine[0].window_start().substr(0, 10), "2026-04-28") << mine[0].window_start();
  // The clinic was told the 27th when the permit left the office; it is told the 28th now.
  EXPECT_EQ(
      server_->Query(absl::StrCat("SELECT count(*) FROM notifications WHERE case_id = ", c.id(),
                                  " AND template_id = 'courier.delivery_planned'"
                                  " AND channel = 'webhook'")),
      "2");
  server_->clock().Advance(absl::Hours(1));
  v1::Stop delivered;
  ASSERT_THAT(Confirm(fleet[0], delivery.id(), false, NewUuid(), &delivered), IsOk());
  EXPECT_EQ(delivered.state(), v1::STOP_STATE_DONE);
}

TEST_F(SiberTest, AConfirmationWhileTheRouterWorksKeepsTheBundleWithItsTaker) {
  std::vector<CourierLogin> fleet = StartDay(absl::CivilDay(2026, 4, 9), 1);
  v1::Case c = SubmitAsClinicA();
  RunRouter();
  v1::Stop pickup = StopOf(c.id(), v1::STOP_KIND_PICKUP);
  v1::Stop handin = StopOf(c.id(), v1::STOP_KIND_HANDIN);
  ASSERT_EQ(pickup.courier_id(), fleet[0].id);
  // Handing in before taking is refused.
  EXPECT_THAT(Confirm(fleet[0], handin.id(), false), StatusIs(grpc::FAILED_PRECONDITION));
  // A second courier arrives and a plan is leased; meanwhile the first takes the documents.
  std::vector<CourierLogin> more = StartDay(absl::CivilDay(2026, 4, 9), 1);
  server_->Query(absl::StrCat("DELETE FROM courier_shifts WHERE courier_id = ", fleet[0].id,
                              " AND day = '2026-04-09'"));
  v1::PlanDayRequest plan;
  plan.set_request_id(NewUuid());
  v1::DayPlan day;
  ASSERT_THAT(couriers_->PlanDay(Ctx(officer_).get(), plan, &day), IsOk());
  v1::PollTaskRequest req;
  req.set_queue("route.plan");
  v1::PollTaskResponse leased;
  ASSERT_THAT(tasks_->PollTask(Ctx(worker_).get(), req, &leased), IsOk());
  ASSERT_TRUE(leased.has_task());
  ASSERT_THAT(Confirm(fleet[0], pickup.id(), true), IsOk());
  v1::RoutePlanInput in;
  ASSERT_TRUE(in.ParseFromString(leased.task().payload()));
  routing::PlanOptions options;
  options.solver.time_limit = absl::InfiniteDuration();
  options.solver.max_iterations = 100;
  FakeClock still(absl::UnixEpoch());
  absl::StatusOr<v1::RoutePlanResult> result = routing::PlanRoutes(in, options, still);
  ASSERT_THAT(result, IsOk());
  v1::CompleteTaskRequest done;
  done.set_task_id(leased.task().id());
  done.set_attempt(leased.task().attempt());
  *done.mutable_route_plan() = *result;
  v1::CompleteTaskResponse ok;
  ASSERT_THAT(tasks_->CompleteTask(Ctx(worker_).get(), done, &ok), IsOk());
  RunRouter();  // the fresh plan, from the world as it is
  EXPECT_EQ(StopOf(c.id(), v1::STOP_KIND_HANDIN).courier_id(), fleet[0].id);
  EXPECT_THAT(Confirm(fleet[0], handin.id(), false), IsOk());
}

TEST_F(SiberTest, BadInputNamesTheField) {
  StartDay(absl::CivilDay(2026, 4, 1), 0);
  v1::SubmitApplicationRequest req = NurseApplication();
  req.mutable_pickup()->set_after("13:00");
  req.mutable_pickup()->set_before("12:00");
  v1::Case c;
  grpc::Status s = cases().SubmitApplication(Ctx(clinic_a_).get(), req, &c);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_NE(s.error_message().find("pickup.after"), std::string::npos) << s.error_message();
  req.set_request_id(NewUuid());
  req.mutable_pickup()->set_after("");
  req.mutable_pickup()->set_before("");
  req.mutable_pickup()->set_day("2026-04-03");  // Good Friday
  s = cases().SubmitApplication(Ctx(clinic_a_).get(), req, &c);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_NE(s.error_message().find("pickup.day"), std::string::npos) << s.error_message();
  // A requested afternoon is kept.
  req.set_request_id(NewUuid());
  req.mutable_pickup()->set_day("2026-04-02");
  req.mutable_pickup()->set_after("13:00");
  ASSERT_THAT(cases().SubmitApplication(Ctx(clinic_a_).get(), req, &c), IsOk());
  v1::Stop pickup = StopOf(c.id(), v1::STOP_KIND_PICKUP);
  EXPECT_EQ(pickup.day(), "2026-04-02");
  EXPECT_EQ(pickup.window_start(), "2026-04-02T05:00:00.000Z");  // 13:00 WITA

  v1::CreateCourierRequest creq;
  creq.set_request_id(NewUuid());
  creq.set_principal_id(1);  // not a courier
  creq.set_name("Budi");
  creq.set_capacity(4);
  v1::Courier out;
  s = couriers_->CreateCourier(Ctx(admin_).get(), creq, &out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_NE(s.error_message().find("principal_id"), std::string::npos);
  creq.set_capacity(0);
  s = couriers_->CreateCourier(Ctx(admin_).get(), creq, &out);
  EXPECT_NE(s.error_message().find("capacity"), std::string::npos);
}

// ---- Issue 11 (the office day): courier reports, names as people write them, officers' cancels.

TEST_F(SiberTest, ACourierReportsOnlyOnTheStopsDayAndConfirmsOnlyAfterArriving) {
  const absl::CivilDay tomorrow(2026, 4, 14);
  std::vector<CourierLogin> fleet = StartDay(absl::CivilDay(2026, 4, 13), 1);
  server_->Query(absl::StrCat(
      "INSERT INTO courier_shifts (office_id, courier_id, day, off, starts, ends)"
      " SELECT office_id, principal_id, '2026-04-14', true, '08:00', '16:00' FROM couriers"
      " WHERE principal_id <> ",
      fleet[0].id, " ON CONFLICT DO NOTHING"));
  v1::SubmitApplicationRequest req = NurseApplication();
  req.mutable_pickup()->set_day("2026-04-14");
  v1::Case c;
  ASSERT_THAT(cases().SubmitApplication(Ctx(clinic_a_).get(), req, &c), IsOk());
  RunRouter();
  v1::Stop pickup = StopOf(c.id(), v1::STOP_KIND_PICKUP);
  ASSERT_EQ(pickup.state(), v1::STOP_STATE_PLANNED);
  ASSERT_EQ(pickup.courier_id(), fleet[0].id);

  // The day before: neither arriving nor confirming.
  v1::ArriveAtStopRequest arrive;
  arrive.set_request_id(NewUuid());
  arrive.set_stop_id(pickup.id());
  v1::Stop out;
  grpc::Status early = couriers_->ArriveAtStop(Ctx(fleet[0].token).get(), arrive, &out);
  EXPECT_THAT(early, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(early.error_message(), HasSubstr("2026-04-14"));
  EXPECT_THAT(ConfirmOnly(fleet[0], pickup.id(), true), StatusIs(grpc::FAILED_PRECONDITION));

  // On the day, a confirmation without arriving first is refused and says what to do.
  server_->clock().Set(At(tomorrow, 9));
  grpc::Status skipped = ConfirmOnly(fleet[0], pickup.id(), true);
  EXPECT_THAT(skipped, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(skipped.error_message(), HasSubstr("loket courier arrive"));
  EXPECT_EQ(StopOf(c.id(), v1::STOP_KIND_PICKUP).state(), v1::STOP_STATE_PLANNED);

  // Names as a hospital desk writes them are taken; a line break is not.
  arrive.set_request_id(NewUuid());
  ASSERT_THAT(couriers_->ArriveAtStop(Ctx(fleet[0].token).get(), arrive, &out), IsOk());
  v1::ConfirmStopRequest confirm;
  confirm.set_request_id(NewUuid());
  confirm.set_stop_id(pickup.id());
  confirm.set_proof_sha256(kProof);
  confirm.set_taking(true);
  confirm.set_receiver_name("Ns. Herlina\nTU RSUD");
  grpc::Status two_lines = couriers_->ConfirmStop(Ctx(fleet[0].token).get(), confirm, &out);
  EXPECT_THAT(two_lines, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(two_lines.error_message(), HasSubstr("receiver_name"));
  confirm.set_receiver_name(std::string(101, 'a'));
  EXPECT_THAT(couriers_->ConfirmStop(Ctx(fleet[0].token).get(), confirm, &out),
              StatusIs(grpc::INVALID_ARGUMENT));
  confirm.set_receiver_name("  Ns.  Herlina (TU RSUD) ");
  grpc::Status taken = couriers_->ConfirmStop(Ctx(fleet[0].token).get(), confirm, &out);
  ASSERT_THAT(taken, IsOk()) << taken.error_message();
  EXPECT_EQ(out.state(), v1::STOP_STATE_DONE);
  EXPECT_EQ(out.receiver_name(), "Ns. Herlina (TU RSUD)");
}

TEST_F(SiberTest, ClinicsFileOnlyHealthWorkersPermits) {
  StartDay(absl::CivilDay(2026, 4, 15), 0);
  v1::SubmitApplicationRequest req = NurseApplication();
  req.set_permit_type("REKLAME");  // an advertising permit: no courier carries it
  v1::Case c;
  grpc::Status s = cases().SubmitApplication(Ctx(clinic_a_).get(), req, &c);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("permit_type: REKLAME"));
  EXPECT_EQ(server_->Query("SELECT count(*) FROM cases WHERE permit_type = 'REKLAME'"
                           " AND channel = 'CLINIC'"),
            "0");
}

TEST_F(SiberTest, AnOfficerCancelsAStopWithAReasonKeptInTheHistory) {
  std::vector<CourierLogin> fleet = StartDay(absl::CivilDay(2026, 4, 16), 1);
  v1::Case c = SubmitAsClinicA();
  v1::Stop pickup = StopOf(c.id(), v1::STOP_KIND_PICKUP);
  ASSERT_GT(pickup.id(), 0);
  v1::CancelStopRequest req;
  req.set_request_id(NewUuid());
  req.set_stop_id(pickup.id());
  v1::Stop out;
  // Couriers cannot; a reason is required and is one line.
  req.set_reason("klinik membatalkan");
  EXPECT_THAT(couriers_->CancelStop(Ctx(fleet[0].token).get(), req, &out),
              StatusIs(grpc::PERMISSION_DENIED));
  req.set_reason("  ");
  grpc::Status s = couriers_->CancelStop(Ctx(officer_).get(), req, &out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("reason"));
  req.set_reason("berkas diantar sendiri\noleh klinik");
  EXPECT_THAT(couriers_->CancelStop(Ctx(officer_).get(), req, &out),
              StatusIs(grpc::INVALID_ARGUMENT));
  req.set_request_id(NewUuid());
  req.set_reason("Berkas diantar sendiri oleh klinik");
  s = couriers_->CancelStop(Ctx(officer_).get(), req, &out);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(out.state(), v1::STOP_STATE_CANCELLED);
  EXPECT_EQ(out.cancel_reason(), "Berkas diantar sendiri oleh klinik");
  // Its other end (the hand-in) goes too; a retry answers the same; a second cancel is refused.
  EXPECT_EQ(
      server_->Query(absl::StrCat("SELECT state || ' ' || cancel_reason FROM stops WHERE id = ",
                                  pickup.partner_stop_id())),
      "cancelled Berkas diantar sendiri oleh klinik");
  v1::Stop again;
  ASSERT_THAT(couriers_->CancelStop(Ctx(officer_).get(), req, &again), IsOk());
  EXPECT_EQ(again.etag(), out.etag());
  req.set_request_id(NewUuid());
  EXPECT_THAT(couriers_->CancelStop(Ctx(officer_).get(), req, &again),
              StatusIs(grpc::FAILED_PRECONDITION));
  // The case's history says who cancelled what, and why.
  v1::GetCaseHistoryRequest hr;
  hr.set_case_id(c.id());
  v1::GetCaseHistoryResponse h;
  ASSERT_THAT(cases().GetCaseHistory(Ctx(officer_).get(), hr, &h), IsOk());
  ASSERT_GE(h.events_size(), 2);
  const v1::CaseEvent& e = h.events(h.events_size() - 1);
  EXPECT_EQ(e.action(), "CancelStop");
  EXPECT_EQ(e.actor_role(), "officer");
  EXPECT_THAT(e.note(), HasSubstr("Berkas diantar sendiri oleh klinik"));
  EXPECT_THAT(e.note(), HasSubstr(absl::StrCat("stop ", pickup.id(), " (pickup")));

  // A permit a courier already carries is not cancelled out of their hands.
  int64_t issued = IssuedCase();
  RunRouter();
  v1::Stop collect = StopOf(issued, v1::STOP_KIND_COLLECT);
  v1::Stop delivery = StopOf(issued, v1::STOP_KIND_DELIVERY);
  ASSERT_EQ(collect.courier_id(), fleet[0].id);
  ASSERT_THAT(Confirm(fleet[0], collect.id(), true), IsOk());
  req.set_request_id(NewUuid());
  req.set_stop_id(delivery.id());
  s = couriers_->CancelStop(Ctx(officer_).get(), req, &out);
  EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(s.error_message(), HasSubstr("holds the permit"));
}

// ---- NOTIFY helper (issue 11): the clinic hears of a courier's visit once, with the day, the
// window and the courier, and again only when the window moves by more than the margin.

// The notify.send payloads of a case's messages of one template, in the order they were stored.
std::vector<v1::NotifySend> Messages(TestServer& server, int64_t case_id,
                                     const std::string& template_id) {
  std::string hex = server.Query(absl::StrCat(
      "SELECT string_agg(encode(t.payload, 'hex'), ',' ORDER BY n.id) FROM notifications n"
      " JOIN tasks t ON t.id = n.task_id WHERE n.case_id = ",
      case_id, " AND n.template_id = '", template_id, "'"));
  std::vector<v1::NotifySend> out;
  for (absl::string_view h : absl::StrSplit(hex, ',', absl::SkipEmpty())) {
    std::string bytes;
    for (size_t i = 0; i + 1 < h.size(); i += 2) {
      bytes.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
    }
    v1::NotifySend n;
    EXPECT_TRUE(n.ParseFromString(bytes));
    out.push_back(n);
  }
  return out;
}

TEST_F(SiberTest, ReplanningTellsTheClinicOnceAndAgainOnlyWhenTheWindowMoves) {
  std::vector<CourierLogin> fleet = StartDay(absl::CivilDay(2026, 5, 12), 1);
  server_->Query(absl::StrCat("UPDATE couriers SET phone = '081350000001' WHERE principal_id = ",
                              fleet[0].id));
  v1::Case c = SubmitAsClinicA();
  ASSERT_GE(RunRouter(), 1);
  std::vector<v1::NotifySend> told = Messages(*server_, c.id(), "courier.pickup_planned");
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].address(), "+6281200000001") << "the clinic, not the health worker";
  EXPECT_EQ(told[0].recipient_name(), "Puskesmas A");
  EXPECT_EQ(told[0].params().at("date"), "2026-05-12");
  EXPECT_THAT(told[0].params().at("window"), ::testing::MatchesRegex("[0-9:]{5}-[0-9:]{5} WITA"));
  EXPECT_EQ(told[0].params().at("courier"), "Budi Santoso");
  EXPECT_EQ(told[0].params().at("courier_phone"), "081350000001");
  v1::Stop pickup = StopOf(c.id(), v1::STOP_KIND_PICKUP);
  const std::string where = absl::StrCat(" WHERE id = ", pickup.id());
  EXPECT_NE(server_->Query("SELECT announced_end" + std::string(" FROM stops") + where), "");
  // The message is not sent once the window it names has passed.
  EXPECT_EQ(server_->Query(
                absl::StrCat("SELECT bool_and(t.run_before = s.announced_end) FROM notifications n"
                             " JOIN tasks t ON t.id = n.task_id JOIN stops s ON s.id = ",
                             pickup.id(), " WHERE n.case_id = ", c.id(),
                             " AND n.template_id = 'courier.pickup_planned'")),
            "t");

  // The clinic sees its own stop, with its planned window.
  v1::ListStopsRequest lreq;
  lreq.set_case_id(c.id());
  v1::ListStopsResponse mine;
  ASSERT_THAT(couriers_->ListStops(Ctx(clinic_a_).get(), lreq, &mine), IsOk());
  ASSERT_GE(mine.stops_size(), 1);
  EXPECT_EQ(mine.stops(0).id(), pickup.id());
  EXPECT_EQ(mine.stops(0).day(), "2026-05-12");
  ASSERT_THAT(couriers_->ListStops(Ctx(clinic_b_).get(), lreq, &mine), IsOk());
  EXPECT_EQ(mine.stops_size(), 0) << "another clinic does not see it";

  auto replan = [&] {
    v1::PlanDayRequest req;
    req.set_request_id(NewUuid());
    req.set_day("2026-05-12");
    v1::DayPlan plan;
    grpc::Status s = couriers_->PlanDay(Ctx(officer_).get(), req, &plan);
    ASSERT_THAT(s, IsOk()) << s.error_message();
    ASSERT_GE(RunRouter(), 1);
  };
  // What the clinic was told is 20 minutes off what the router plans now: nothing new.
  server_->Query(
      "UPDATE stops SET announced_start = announced_start - interval '20 minutes',"
      " announced_end = announced_end - interval '20 minutes'" +
      where);
  replan();
  replan();
  EXPECT_EQ(Messages(*server_, c.id(), "courier.pickup_planned").size(), 1u);
  // 45 minutes off: the clinic hears the new window, once.
  server_->Query(
      "UPDATE stops SET announced_start = announced_start - interval '45 minutes',"
      " announced_end = announced_end - interval '45 minutes'" +
      where);
  replan();
  replan();
  told = Messages(*server_, c.id(), "courier.pickup_planned");
  ASSERT_EQ(told.size(), 2u);
  EXPECT_EQ(told[1].params().at("window"), told[0].params().at("window"));
  EXPECT_EQ(told[1].address(), "+6281200000001");
}

TEST_F(SiberTest, AClinicWithOnlyAnEmailIsToldByEmailAndTheHealthWorkerIsNot) {
  StartDay(absl::CivilDay(2026, 5, 13), 1);
  server_->Query(
      "INSERT INTO clinics (office_id, id, name, kind, latitude, longitude, phone, email) VALUES"
      " ('bpp', 'pkm-mail', 'Puskesmas Surel', 'puskesmas', -1.25, 116.86, '',"
      " 'tu@pkm-mail.example') ON CONFLICT DO NOTHING");
  std::string clinic = server_->TokenFor("bpp", "clinic", "pkm-mail");
  v1::Case c;
  grpc::Status s = cases().SubmitApplication(Ctx(clinic).get(), NurseApplication(), &c);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  ASSERT_GE(RunRouter(), 1);
  std::vector<v1::NotifySend> told = Messages(*server_, c.id(), "courier.pickup_planned");
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].channel(), "email");
  EXPECT_EQ(told[0].address(), "tu@pkm-mail.example");
  EXPECT_EQ(told[0].recipient_name(), "Puskesmas Surel");
  EXPECT_EQ(server_->Query(absl::StrCat(
                "SELECT count(*) FROM notifications WHERE case_id = ", c.id(),
                " AND template_id LIKE 'courier.%' AND address = (SELECT applicant_phone FROM"
                " cases WHERE id = ",
                c.id(), ")")),
            "0");
}

TEST_F(SiberTest, ARedirectedVisitorMustBeTheApplicantAndAnIssuedCaseGetsNoCourier) {
  StartDay(absl::CivilDay(2026, 4, 17), 1);
  int64_t issued = IssuedCase();
  auto queue = v1::QueueService::NewStub(server_->channel());
  v1::CheckInRequest r;
  r.set_request_id(NewUuid());
  r.mutable_walk_in()->set_name("Siti Rahmawati");
  r.mutable_walk_in()->set_service("SIP_PERAWAT");
  r.mutable_walk_in()->set_case_id(issued);
  r.mutable_screening()->set_temperature_c(38.4);  // fever: the visit is to be redirected
  r.mutable_screening()->set_mask(true);
  v1::CheckInResponse in;
  grpc::Status s = queue->CheckIn(Ctx(counter_).get(), r, &in);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("walk_in.nik"));
  r.mutable_walk_in()->set_nik("6471010101900001");  // someone else's
  s = queue->CheckIn(Ctx(counter_).get(), r, &in);
  EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(s.error_message(), HasSubstr("walk_in.nik"));
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT count(*) FROM visits WHERE case_id = ", issued)),
            "0");
  // NurseApplication gives every call its own NIK (issue 13's duplicate rule): the case's own.
  r.mutable_walk_in()->set_nik(
      server_->Query(absl::StrCat("SELECT applicant_nik FROM cases WHERE id = ", issued)));
  s = queue->CheckIn(Ctx(counter_).get(), r, &in);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  EXPECT_EQ(in.visit().outcome(), "redirect_pending");
  // The permit is issued: its papers are at the office, so no courier is offered or sent.
  ASSERT_EQ(in.alternatives_size(), 1);
  EXPECT_EQ(in.alternatives(0), v1::REDIRECT_HANDLING_ONLINE);
  const std::string pickups_before = server_->Query(
      absl::StrCat("SELECT count(*) FROM stops WHERE kind = 'pickup' AND case_id = ", issued));
  v1::RedirectVisitRequest redirect;
  redirect.set_request_id(NewUuid());
  redirect.set_visit_id(in.visit().id());
  redirect.set_handling(v1::REDIRECT_HANDLING_SIBER_PICKUP);
  redirect.set_address("Jl. Jend. Sudirman No. 1, Balikpapan");
  redirect.set_latitude(-1.2654);
  redirect.set_longitude(116.8312);
  v1::Visit v;
  s = queue->RedirectVisit(Ctx(counter_).get(), redirect, &v);
  EXPECT_THAT(s, StatusIs(grpc::FAILED_PRECONDITION));
  EXPECT_THAT(s.error_message(), HasSubstr("is ISSUED"));
  EXPECT_EQ(server_->Query(absl::StrCat(
                "SELECT count(*) FROM stops WHERE kind = 'pickup' AND case_id = ", issued)),
            pickups_before);
}

TEST_F(SiberTest, ADayClosedForAFloodMovesItsCourierStopsAndTellsTheClinics) {
  const absl::CivilDay flood(2026, 4, 20);  // a Monday
  std::vector<CourierLogin> fleet = StartDay(flood, 1);
  v1::Case c = SubmitAsClinicA();
  RunRouter();
  v1::Stop pickup = StopOf(c.id(), v1::STOP_KIND_PICKUP);
  ASSERT_EQ(pickup.day(), "2026-04-20");
  ASSERT_EQ(pickup.state(), v1::STOP_STATE_PLANNED);

  auto appointments = v1::AppointmentService::NewStub(server_->channel());
  v1::CloseDayRequest close;
  close.set_request_id(NewUuid());
  close.set_day("2026-04-20");
  close.set_reason("banjir di Jl. MT Haryono");
  v1::ClosureResponse closed;
  grpc::Status s = appointments->CloseDay(Ctx(admin_).get(), close, &closed);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  // The pickup and its hand-in, beside work of earlier days carried over to this one.
  EXPECT_GE(closed.stops_moved(), 2);
  EXPECT_EQ(closed.stops_moved_to(), "2026-04-21");

  v1::Stop moved = StopOf(c.id(), v1::STOP_KIND_PICKUP);
  EXPECT_EQ(moved.id(), pickup.id());
  EXPECT_EQ(moved.day(), "2026-04-21");
  EXPECT_EQ(moved.state(), v1::STOP_STATE_PENDING);
  EXPECT_EQ(moved.window_start().substr(10), pickup.window_start().substr(10)) << "same hours";
  EXPECT_EQ(Route(fleet[0]).stops_size(), 0) << "no route on the closed day";
  EXPECT_EQ(server_->Query(absl::StrCat(
                "SELECT count(*) FROM notifications WHERE template_id = 'courier.day_closed'"
                " AND address = (SELECT phone FROM clinics WHERE id = 'pkm-a')")),
            "1");
  // New work does not land on the closed day either; a second closure moves nothing more.
  v1::Case later = SubmitAsClinicA();
  EXPECT_EQ(StopOf(later.id(), v1::STOP_KIND_PICKUP).day(), "2026-04-21");
  close.set_request_id(NewUuid());
  ASSERT_THAT(appointments->CloseDay(Ctx(admin_).get(), close, &closed), IsOk());
  EXPECT_EQ(closed.stops_moved(), 0);
}

}  // namespace
}  // namespace loket::itest
