// The route.plan payload of a national day through the real transport (issue 12): a leased task's
// input of 4.2 MB (69,000 stops) is above gRPC's 4 MiB default receive limit, so a worker's channel
// (workers::TaskLoop::MakeChannel) must accept it, and loketd must accept the CompleteTask that
// carries the plan of such a day. Byte counts only; no timing.
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "loket/v1/courier.pb.h"
#include "loket/v1/task.grpc.pb.h"
#include "tests/integration/fixture.h"
#include "tests/support/status_matchers.h"
#include "workers/runtime/task_loop.h"

namespace loket::itest {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

constexpr int kPayloadBytes = 5 * 1024 * 1024;  // more than a 69,000-stop day's 4.2 MB

class RoutePlanSizeTest : public ServerTest {
 protected:
  // A ready task in `queue` with a payload of kPayloadBytes.
  void EnqueueLarge(const std::string& queue) {
    server_->Query(absl::StrCat("INSERT INTO tasks (office_id, queue, payload) VALUES ('bpp', '",
                                queue, "', convert_to(repeat('x', ", kPayloadBytes, "), 'UTF8'))"));
  }

  grpc::Status Poll(v1::TaskService::Stub& stub, const std::string& queue,
                    v1::PollTaskResponse* resp) {
    v1::PollTaskRequest req;
    req.set_queue(queue);
    req.set_worker_id("size-test");
    return stub.PollTask(Ctx(worker_).get(), req, resp);
  }

  std::string worker_ = server_->TokenFor("bpp", "worker");
};

TEST_F(RoutePlanSizeTest, AWorkerChannelReceivesATaskAboveFourMebibytes) {
  EnqueueLarge("size.lease");
  // gRPC's default channel refuses it (the control: the size is really above the default).
  auto plain = v1::TaskService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", server_->port()), grpc::InsecureChannelCredentials()));
  v1::PollTaskResponse refused;
  EXPECT_THAT(Poll(*plain, "size.lease", &refused), StatusIs(grpc::RESOURCE_EXHAUSTED));
  // The workers' channel takes it (the lease above was taken; it lapses, so enqueue another).
  EnqueueLarge("size.lease2");
  workers::WorkerOptions o;
  o.addr = absl::StrCat("127.0.0.1:", server_->port());
  auto stub = v1::TaskService::NewStub(workers::TaskLoop::MakeChannel(o));
  v1::PollTaskResponse resp;
  grpc::Status s = Poll(*stub, "size.lease2", &resp);
  ASSERT_THAT(s, IsOk()) << s.error_message();
  ASSERT_TRUE(resp.has_task());
  EXPECT_EQ(resp.task().payload().size(), static_cast<size_t>(kPayloadBytes));
}

TEST_F(RoutePlanSizeTest, LoketdReceivesTheCompletionOfA69000StopDay) {
  // A plan for 69,000 stops: 2,300 routes of 30 visits (about a megabyte). The task is no
  // route.plan task, so loketd refuses the result, but only after receiving it: never with
  // RESOURCE_EXHAUSTED for the message's size.
  EnqueueLarge("size.complete");
  workers::WorkerOptions o;
  o.addr = absl::StrCat("127.0.0.1:", server_->port());
  auto stub = v1::TaskService::NewStub(workers::TaskLoop::MakeChannel(o));
  v1::PollTaskResponse leased;
  ASSERT_THAT(Poll(*stub, "size.complete", &leased), IsOk());
  ASSERT_TRUE(leased.has_task());
  v1::CompleteTaskRequest done;
  done.set_task_id(leased.task().id());
  done.set_attempt(leased.task().attempt());
  v1::RoutePlanResult* plan = done.mutable_route_plan();
  plan->set_day("2026-03-17");
  plan->set_version(1);
  int64_t stop = 1000000;
  for (int r = 0; r < 2300; ++r) {
    auto* route = plan->add_routes();
    route->set_courier_id(500000 + r);
    for (int k = 0; k < 30; ++k) {
      auto* visit = route->add_visits();
      visit->set_stop_id(stop++);
      visit->set_start(8 * 3600 + 600 * k + 0.5);
    }
    route->set_end(17 * 3600 + 0.25);
  }
  while (stop < 1000000 + 69000) plan->add_unassigned_stop_ids(stop++);
  plan->set_areas(69);
  ASSERT_GT(done.ByteSizeLong(), 1000000u);
  v1::CompleteTaskResponse resp;
  grpc::Status s = stub->CompleteTask(Ctx(worker_).get(), done, &resp);
  EXPECT_NE(s.error_code(), grpc::RESOURCE_EXHAUSTED) << s.error_message();
  EXPECT_EQ(s.error_message().find("larger than max"), std::string::npos) << s.error_message();
}

}  // namespace
}  // namespace loket::itest
