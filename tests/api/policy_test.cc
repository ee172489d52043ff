// The authorisation policy table (server/api/auth.h) against the protos: every RPC of every
// loket.v1 service has an entry, every entry names a real RPC, and the public RPCs are exactly the
// ones listed here. No database, no server.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "loket/v1/admin.pb.h"
#include "loket/v1/appointment.pb.h"
#include "loket/v1/case.pb.h"
#include "loket/v1/catalog.pb.h"
#include "loket/v1/common.pb.h"
#include "loket/v1/courier.pb.h"
#include "loket/v1/public.pb.h"
#include "loket/v1/queue.pb.h"
#include "loket/v1/report.pb.h"
#include "loket/v1/session.pb.h"
#include "loket/v1/task.pb.h"
#include "server/api/auth.h"

namespace loket::api {
namespace {

using domain::Role;

// "Service.Method" of every RPC of `file`'s services that has no entry in the policy table.
std::vector<std::string> MissingFromPolicy(const google::protobuf::FileDescriptor& file) {
  std::vector<std::string> missing;
  for (int s = 0; s < file.service_count(); ++s) {
    const google::protobuf::ServiceDescriptor& service = *file.service(s);
    for (int m = 0; m < service.method_count(); ++m) {
      std::string name = std::string(service.name()) + "." + std::string(service.method(m)->name());
      if (FindPolicy(name) == nullptr) missing.push_back(name);
    }
  }
  return missing;
}

// One message of each generated file, so the linker keeps every file's descriptor in the
// generated pool. A new .proto file needs a line here (the walk below says so).
void LinkEveryProto() {
  for (const google::protobuf::Descriptor* d :
       {v1::CreatePrincipalRequest::descriptor(), v1::CreateAppointmentRequestRequest::descriptor(),
        v1::GetCaseRequest::descriptor(), v1::ListPermitTypesRequest::descriptor(),
        v1::Applicant::descriptor(), v1::GetRouteRequest::descriptor(),
        v1::GetPublicOfficeRequest::descriptor(), v1::CheckInRequest::descriptor(),
        v1::GetMonthlyReportRequest::descriptor(), v1::SignInRequest::descriptor(),
        v1::PollTaskRequest::descriptor()}) {
    ASSERT_NE(d, nullptr);
  }
}

// The .proto files of loket.v1, from the source tree (so a new file is walked too).
std::vector<std::string> ProtoFiles() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(LOKET_PROTO_DIR)) {
    if (entry.path().extension() == ".proto") {
      files.push_back("loket/v1/" + entry.path().filename().string());
    }
  }
  return files;
}

TEST(PolicyTableTest, EveryRpcOfEveryServiceHasAnEntry) {
  LinkEveryProto();
  std::vector<std::string> files = ProtoFiles();
  ASSERT_GE(files.size(), 10u) << "no protos found in " << LOKET_PROTO_DIR;
  int rpcs = 0;
  for (const std::string& name : files) {
    const google::protobuf::FileDescriptor* file =
        google::protobuf::DescriptorPool::generated_pool()->FindFileByName(name);
    ASSERT_NE(file, nullptr) << name << " is not linked in: add one of its messages to "
                             << "LinkEveryProto()";
    EXPECT_EQ(MissingFromPolicy(*file), std::vector<std::string>{})
        << name << ": add these RPCs to PolicyTable() in server/api/auth.cc";
    for (int s = 0; s < file->service_count(); ++s) rpcs += file->service(s)->method_count();
  }
  EXPECT_EQ(rpcs, static_cast<int>(PolicyTable().size()));
}

TEST(PolicyTableTest, TheWalkFindsAnRpcMissingFromTheTable) {
  google::protobuf::FileDescriptorProto proto;
  proto.set_name("ghost.proto");
  proto.set_package("loket.v1");
  proto.add_message_type()->set_name("Empty");
  for (auto [service_name, method_name] :
       {std::pair{"CaseService", "Approve"}, std::pair{"GhostService", "Haunt"}}) {
    auto* service = proto.add_service();
    service->set_name(service_name);
    auto* method = service->add_method();
    method->set_name(method_name);
    method->set_input_type(".loket.v1.Empty");
    method->set_output_type(".loket.v1.Empty");
  }
  google::protobuf::DescriptorPool pool;
  const google::protobuf::FileDescriptor* file = pool.BuildFile(proto);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(MissingFromPolicy(*file), std::vector<std::string>{"GhostService.Haunt"});
}

TEST(PolicyTableTest, EveryEntryNamesARealRpc) {
  LinkEveryProto();
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const auto& [method, policy] : PolicyTable()) {
    std::string name(method);
    size_t dot = name.find('.');
    ASSERT_NE(dot, std::string::npos) << name;
    const google::protobuf::ServiceDescriptor* service =
        pool->FindServiceByName("loket.v1." + name.substr(0, dot));
    ASSERT_NE(service, nullptr) << name << ": no such service";
    EXPECT_NE(service->FindMethodByName(name.substr(dot + 1)), nullptr) << name << ": no such RPC";
  }
}

TEST(PolicyTableTest, ThePublicRpcsAreExactlyTheseAndNeedNoRole) {
  const std::set<std::string> expected = {
      "CaseService.VerifyPermit",        "SessionService.SignIn",
      "PublicService.GetPublicOffice",   "PublicService.ListOpenDays",
      "PublicService.BookVisit",         "PublicService.ConfirmVisit",
      "PublicService.ResendCode",        "PublicService.GetVisit",
      "PublicService.CancelVisit",       "PublicService.MoveVisit",
      "PublicService.TrackCase",         "PublicService.GetQueuePosition",
      "PublicService.WatchQueuePosition"};
  std::set<std::string> found;
  for (const auto& [method, policy] : PolicyTable()) {
    if (policy.is_public) {
      found.insert(std::string(method));
      EXPECT_TRUE(policy.roles.empty()) << method << " is public and lists roles";
      EXPECT_FALSE(policy.note.empty()) << method << ": say why it is public";
    } else {
      EXPECT_FALSE(policy.roles.empty()) << method << " is neither public nor callable by a role";
    }
  }
  EXPECT_EQ(found, expected);
}

TEST(PolicyTableTest, RoleMayCallFollowsTheTableAndDeniesTheRest) {
  for (Role role : {Role::kAdmin, Role::kOfficer, Role::kApprover, Role::kCounter, Role::kClinic,
                    Role::kCourier, Role::kWorker, Role::kDisplay}) {
    EXPECT_EQ(RoleMayCall(role, "CaseService.Approve"), role == Role::kApprover);
    EXPECT_EQ(RoleMayCall(role, "TaskService.PollTask"), role == Role::kWorker);
    EXPECT_TRUE(RoleMayCall(role, "AdminService.WhoAmI"));
    EXPECT_FALSE(RoleMayCall(role, "CaseService.NoSuchRpc"));
    EXPECT_FALSE(RoleMayCall(role, "SessionService.SignIn"));  // public: no token, no role
  }
  EXPECT_TRUE(RoleMayCall(Role::kCounter, "QueueService.CallNext"));
  EXPECT_FALSE(RoleMayCall(Role::kClinic, "QueueService.CallNext"));
  EXPECT_EQ(FindPolicy("CaseService.NoSuchRpc"), nullptr);
}

// The names the handlers authorise with (LOKET_AUTHORIZE, AuthorizeStream, and the two helpers that
// authorise for several RPCs: CaseService's DoTransition, QueueService's Act) are exactly the
// non-public entries of the table: a misspelt name cannot deny everyone in silence, a public RPC
// does not ask for a token, and an RPC with roles is authorised by some handler.
TEST(PolicyTableTest, TheHandlersAuthoriseExactlyTheNonPublicMethods) {
  const std::regex call(
      R"re((LOKET_AUTHORIZE\(\w+,\s*\w+,|AuthorizeStream\(\*?\w+,|DoTransition\(ctx,|Act\(ctx, req,)\s*"([^"]+)")re");
  std::set<std::string> named;
  for (const auto& entry : std::filesystem::directory_iterator(LOKET_API_DIR)) {
    if (entry.path().extension() != ".cc") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string source = text.str();
    for (std::sregex_iterator it(source.begin(), source.end(), call), end; it != end; ++it) {
      const std::string method = (*it)[2];
      named.insert(method);
      const MethodPolicy* policy = FindPolicy(method);
      ASSERT_NE(policy, nullptr) << entry.path().filename() << " authorises " << method
                                 << ", which the table does not have";
      EXPECT_FALSE(policy->is_public) << method << " is public but its handler asks for a token";
    }
  }
  std::set<std::string> with_roles;
  for (const auto& [method, policy] : PolicyTable()) {
    if (!policy.is_public) with_roles.insert(std::string(method));
  }
  EXPECT_EQ(named, with_roles);
}

}  // namespace
}  // namespace loket::api
