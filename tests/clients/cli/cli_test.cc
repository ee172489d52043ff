// Unit tests of the loket command's parts that need no server: the argument parser, the usage
// specs, enum names and the human output.
#include <gtest/gtest.h>

#include "clients/cli/args.h"
#include "clients/cli/command.h"
#include "clients/cli/enum_names.h"
#include "clients/cli/output.h"
#include "clients/cli/session.h"

namespace loket::cli {
namespace {

TEST(ArgsTest, FlagsAnywhereInBothForms) {
  absl::StatusOr<Args> a =
      Args::Parse({"--json", "office", "approve", "12", "--note=Dokumen lengkap", "--etag", "3"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->words(), (std::vector<std::string>{"office", "approve", "12"}));
  EXPECT_TRUE(a->Has("json"));
  EXPECT_EQ(a->Get("note"), "Dokumen lengkap");
  EXPECT_EQ(a->Get("etag"), "3");
  EXPECT_EQ(a->Get("addr", "127.0.0.1:7400"), "127.0.0.1:7400");
}

TEST(ArgsTest, BooleanFlagsTakeNoValue) {
  absl::StatusOr<Args> a = Args::Parse({"office", "list", "--all", "12", "--overdue=false"});
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->Has("all"));
  EXPECT_FALSE(a->Has("overdue"));
  EXPECT_EQ(a->words().back(), "12");  // not taken as the value of --all
  EXPECT_FALSE(Args::Parse({"--json=yes"}).ok());
}

TEST(ArgsTest, MissingValueAndShortOptions) {
  EXPECT_FALSE(Args::Parse({"verify-permit", "--code"}).ok());
  EXPECT_FALSE(Args::Parse({"-x"}).ok());
  absl::StatusOr<Args> a = Args::Parse({"-h", "--", "--not-a-flag"});
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->Has("help"));
  EXPECT_EQ(a->words(), (std::vector<std::string>{"--not-a-flag"}));
}

TEST(ParseUsageTest, PositionalsRequiredAndOptionalFlags) {
  ArgSpec spec = ParseUsage("CASE --note TEXT [--etag E] [--all] [--needs A,B]");
  EXPECT_EQ(spec.positionals, (std::vector<std::string>{"CASE"}));
  EXPECT_EQ(spec.required_flags, (std::vector<std::string>{"note"}));
  EXPECT_EQ(spec.optional_flags, (std::vector<std::string>{"etag", "all", "needs"}));
}

TEST(ParseUsageTest, EveryCommandUsageParses) {
  std::vector<Command> table = CaseCommands();
  for (Command& c : AdminCommands()) table.push_back(std::move(c));
  for (const Command& c : table) {
    ArgSpec spec = ParseUsage(c.usage);
    for (const std::string& p : spec.positionals) {
      EXPECT_TRUE(p == "CASE" || p == "ID") << c.name << ": stray word '" << p << "'";
    }
  }
}

TEST(EnumNamesTest, ShortNamesBothWays) {
  v1::CaseState state;
  ASSERT_TRUE(Parse("state", "verifying", &state).ok());
  EXPECT_EQ(state, v1::CASE_STATE_VERIFYING);
  ASSERT_TRUE(Parse("state", "CASE_STATE_REVISION_REQUESTED", &state).ok());
  EXPECT_EQ(Name(state), "REVISION_REQUESTED");
  EXPECT_FALSE(Parse("state", "unspecified", &state).ok());
  v1::Role role;
  ASSERT_TRUE(Parse("role", "approver", &role).ok());
  EXPECT_EQ(Name(role), "approver");
  v1::Channel channel;
  absl::Status bad = Parse("channel", "fax", &channel);
  EXPECT_NE(bad.message().find("ONLINE"), absl::string_view::npos) << bad;
}

TEST(OutputTest, Rupiah) {
  EXPECT_EQ(FormatRupiah(0), "Rp 0");
  EXPECT_EQ(FormatRupiah(150000), "Rp 150.000");
  EXPECT_EQ(FormatRupiah(1234567), "Rp 1.234.567");
}

TEST(OutputTest, CaseShowsSlaAndPermit) {
  v1::Case c;
  c.set_id(12);
  c.set_permit_type("SIP_PERAWAT");
  c.set_state(v1::CASE_STATE_VERIFYING);
  c.set_channel(v1::CHANNEL_CLINIC);
  c.set_etag("3");
  c.mutable_applicant()->set_name("Siti Rahmawati");
  c.mutable_sla()->set_service_level_days(5);
  c.mutable_sla()->set_due_date("2026-12-07");
  c.mutable_sla()->set_working_days_left(4);
  std::string text = FormatCase(c);
  EXPECT_NE(text.find("Case 12  SIP_PERAWAT  state VERIFYING  channel CLINIC  etag 3"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("SLA  5 working days, due 2026-12-07 (4 left)"), std::string::npos) << text;
  c.mutable_sla()->set_overdue(true);
  c.mutable_sla()->set_working_days_left(-2);
  EXPECT_NE(FormatCase(c).find("OVERDUE by 2 working days"), std::string::npos);
  c.set_permit_number("0001/SIP_PERAWAT/DPMPTSP-BPP/2026");
  c.set_verification_code("ABCD23EFGH");
  EXPECT_NE(FormatCase(c).find("Permit  0001/SIP_PERAWAT/DPMPTSP-BPP/2026  code ABCD23EFGH"),
            std::string::npos);
}

TEST(OutputTest, JsonUsesProtoFieldNames) {
  v1::Case c;
  c.set_id(7);
  c.set_permit_number("0001/X");
  EXPECT_EQ(ToJson(c), R"({"id":"7","permit_number":"0001/X"})");
}

TEST(SessionTest, BackoffDoubles) {
  EXPECT_EQ(Backoff(0), absl::Milliseconds(200));
  EXPECT_EQ(Backoff(3), absl::Milliseconds(1600));
  EXPECT_TRUE(IsRetryable(grpc::StatusCode::UNAVAILABLE));
  EXPECT_FALSE(IsRetryable(grpc::StatusCode::ABORTED));
}

}  // namespace
}  // namespace loket::cli
