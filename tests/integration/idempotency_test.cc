// request_id replay: a repeat returns the first response and writes nothing.
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "gmock/gmock.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"

namespace loket::itest {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::testing::HasSubstr;

class IdempotencyTest : public ServerTest {
 protected:
  std::string Count(const std::string& table) {
    return server_->Query("SELECT count(*) FROM " + table);
  }
};

TEST_F(IdempotencyTest, RepeatedSubmitReturnsFirstResponseAndWritesNothing) {
  v1::SubmitApplicationRequest req = NurseApplication();
  v1::Case first;
  ASSERT_THAT(cases().SubmitApplication(Ctx(clinic_a_).get(), req, &first), IsOk());
  std::string cases_before = Count("cases"), events_before = Count("case_events");
  for (int i = 0; i < 3; ++i) {
    v1::Case again;
    ASSERT_THAT(cases().SubmitApplication(Ctx(clinic_a_).get(), req, &again), IsOk());
    EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());
  }
  EXPECT_EQ(Count("cases"), cases_before);
  EXPECT_EQ(Count("case_events"), events_before);
}

TEST_F(IdempotencyTest, RepeatedTransitionReplaysEvenAfterLaterChanges) {
  v1::Case c = SubmitAsClinicA();
  v1::TransitionRequest verify = Transition(c.id());
  v1::Case first, again;
  ASSERT_THAT(cases().StartVerification(Ctx(officer_).get(), verify, &first), IsOk());
  ASSERT_THAT(Do(&v1::CaseService::Stub::RequestRevision, officer_, c.id(), "foto"), IsOk());
  // A retry of the old call gets the old answer, not FAILED_PRECONDITION, and changes nothing.
  ASSERT_THAT(cases().StartVerification(Ctx(officer_).get(), verify, &again), IsOk());
  EXPECT_EQ(again.state(), v1::CASE_STATE_VERIFYING);
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(server_->Query(absl::StrCat("SELECT state FROM cases WHERE id = ", c.id())),
            "REVISION_REQUESTED");
  EXPECT_EQ(
      server_->Query(absl::StrCat(
          "SELECT count(*) FROM case_events WHERE action = 'StartVerification' AND case_id = ",
          c.id())),
      "1");
}

TEST_F(IdempotencyTest, ConcurrentRetriesOfOneRequestCreateOneCase) {
  v1::SubmitApplicationRequest req = NurseApplication();
  std::string before = Count("cases");
  std::vector<std::thread> threads;
  std::vector<int64_t> ids(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      v1::Case c;
      grpc::Status s = cases().SubmitApplication(Ctx(clinic_a_).get(), req, &c);
      EXPECT_THAT(s, IsOk()) << s.error_message();
      ids[i] = c.id();
    });
  }
  for (auto& t : threads) t.join();
  for (int64_t id : ids) EXPECT_EQ(id, ids[0]);
  EXPECT_EQ(std::stoll(Count("cases")), std::stoll(before) + 1);
}

TEST_F(IdempotencyTest, ARequestIdBelongsToOneMethod) {
  v1::Case c = SubmitAsClinicA();
  v1::TransitionRequest t = Transition(c.id());
  v1::Case out;
  ASSERT_THAT(cases().StartVerification(Ctx(officer_).get(), t, &out), IsOk());
  grpc::Status s = cases().Withdraw(Ctx(officer_).get(), t, &out);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("request_id"));
}

TEST_F(IdempotencyTest, AnotherPrincipalCannotReplaySomeoneElsesRequest) {
  v1::SubmitApplicationRequest req = NurseApplication();
  v1::Case first, stolen;
  ASSERT_THAT(cases().SubmitApplication(Ctx(clinic_a_).get(), req, &first), IsOk());
  grpc::Status s = cases().SubmitApplication(Ctx(counter_).get(), req, &stolen);
  EXPECT_THAT(s, StatusIs(grpc::INVALID_ARGUMENT));
  EXPECT_THAT(s.error_message(), HasSubstr("request_id"));
  EXPECT_TRUE(stolen.applicant().nik().empty());  // learned nothing
}

TEST_F(IdempotencyTest, ConcurrentRetriesOfOneTransitionAllGetTheFirstAnswer) {
  v1::Case c = SubmitAsClinicA();
  v1::TransitionRequest verify = Transition(c.id());
  std::vector<std::thread> threads;
  std::vector<grpc::Status> results(6);
  std::vector<v1::Case> answers(6);
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      results[i] = cases().StartVerification(Ctx(officer_).get(), verify, &answers[i]);
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 6; ++i) {
    EXPECT_THAT(results[i], IsOk()) << results[i].error_code() << " " << results[i].error_message();
    EXPECT_EQ(answers[i].SerializeAsString(), answers[0].SerializeAsString());
  }
}

TEST_F(IdempotencyTest, FailedCallsAreNotRecordedSoTheirRetryRunsAfresh) {
  v1::Case c = SubmitAsClinicA();
  v1::TransitionRequest approve = Transition(c.id());
  v1::Case out;
  // Approve from SUBMITTED fails...
  EXPECT_THAT(cases().Approve(Ctx(approver_).get(), approve, &out),
              StatusIs(grpc::FAILED_PRECONDITION));
  AttachAll(c.id(), clinic_a_);
  ASSERT_THAT(Do(&v1::CaseService::Stub::StartVerification, officer_, c.id()), IsOk());
  // ...and the same request, retried once the case is ready, succeeds.
  ASSERT_THAT(cases().Approve(Ctx(approver_).get(), approve, &out), IsOk());
  EXPECT_EQ(out.state(), v1::CASE_STATE_APPROVED);
}

}  // namespace
}  // namespace loket::itest
