// The notifier's proto adapter (workers/notify/notify_task.cc) with a real FileChannel: what a
// NotifySend task becomes, and which problems fail it for good.
#include "workers/notify/notify_task.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "tests/workers/receiver_process.h"
#include "workers/notify/file_channel.h"

namespace loket::notify {
namespace {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
using ::testing::HasSubstr;

class NotifyTaskTest : public ::testing::Test {
 protected:
  NotifyTaskTest() { channels_["webhook"] = std::make_unique<FileChannel>(root_ + "/webhook"); }
  ~NotifyTaskTest() override {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  static v1::Task TaskOf(const v1::NotifySend& n) {
    v1::Task t;
    t.set_id(7);
    t.set_attempt(1);
    t.set_payload(n.SerializeAsString());
    return t;
  }

  static v1::NotifySend Submitted() {
    v1::NotifySend n;
    n.set_notification_id(41);
    n.set_channel("webhook");
    n.set_address("+6281234567890");
    n.set_recipient_name("Siti Rahmawati");
    n.set_template_id("case.submitted");
    n.set_language("id");
    (*n.mutable_params())["name"] = "Siti Rahmawati";
    (*n.mutable_params())["case_id"] = "42";
    (*n.mutable_params())["permit_name"] = "SIP Perawat";
    (*n.mutable_params())["date"] = "2026-03-17";
    (*n.mutable_params())["due_date"] = "2026-03-24";
    (*n.mutable_params())["tracking_code"] = "K7M-4QX";
    return n;
  }

  const std::string root_ = ::loket::testing::MakeTempDir();
  std::map<std::string, std::unique_ptr<Channel>> channels_;
};

TEST_F(NotifyTaskTest, ASentMessageIsReportedWithItsChannelAndReceipt) {
  v1::CompleteTaskRequest done;
  ASSERT_THAT(HandleNotify(channels_, TaskOf(Submitted()), &done), IsOk());
  EXPECT_TRUE(done.notify().delivered());
  EXPECT_EQ(done.notify().channel(), "file");
  EXPECT_EQ(done.notify().provider_message_id(), root_ + "/webhook/41.json");
  std::ifstream in(root_ + "/webhook/41.json");
  std::stringstream written;
  written << in.rdbuf();
  EXPECT_THAT(written.str(), HasSubstr("\"address\": \"+6281234567890\""));
}

TEST_F(NotifyTaskTest, WhatCanNeverBeSentFailsForGoodNamingWhy) {
  v1::CompleteTaskRequest done;
  v1::Task garbage;
  garbage.set_payload("\xff\xff not a message");
  EXPECT_THAT(HandleNotify(channels_, garbage, &done),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("payload")));
  v1::NotifySend n = Submitted();
  n.set_channel("pigeon");
  EXPECT_THAT(HandleNotify(channels_, TaskOf(n), &done),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("channel: unknown channel")));
  n = Submitted();
  n.set_template_id("case.unheard_of");
  EXPECT_THAT(HandleNotify(channels_, TaskOf(n), &done),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_FALSE(done.has_notify());
  EXPECT_FALSE(std::filesystem::exists(root_ + "/webhook/41.json"));
}

}  // namespace
}  // namespace loket::notify
