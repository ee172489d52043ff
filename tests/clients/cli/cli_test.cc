// Unit tests of the loket command's parts that need no server: the argument parser, the usage
// specs, enum names and the human output.
#include <gtest/gtest.h>

#include "absl/strings/str_split.h"
#include "clients/cli/args.h"
#include "clients/cli/command.h"
#include "clients/cli/dispatch.h"
#include "clients/cli/enum_names.h"
#include "clients/cli/output.h"
#include "clients/cli/session.h"
#include "tests/support/status_matchers.h"

namespace loket::cli {

using ::loket::testing::IsOk;
namespace {

TEST(ArgsTest, FlagsAnywhereInBothForms) {
  absl::StatusOr<Args> a =
      Args::Parse({"--json", "office", "approve", "12", "--note=Dokumen lengkap", "--etag", "3"});
  ASSERT_THAT(a, IsOk()) << a.status();
  EXPECT_EQ(a->words(), (std::vector<std::string>{"office", "approve", "12"}));
  EXPECT_TRUE(a->Has("json"));
  EXPECT_EQ(a->Get("note"), "Dokumen lengkap");
  EXPECT_EQ(a->Get("etag"), "3");
  EXPECT_EQ(a->Get("addr", "127.0.0.1:7400"), "127.0.0.1:7400");
}

TEST(ArgsTest, BooleanFlagsTakeNoValue) {
  absl::StatusOr<Args> a = Args::Parse({"office", "list", "--all", "12", "--overdue=false"});
  ASSERT_THAT(a, IsOk());
  EXPECT_TRUE(a->Has("all"));
  EXPECT_FALSE(a->Has("overdue"));
  EXPECT_EQ(a->words().back(), "12");  // not taken as the value of --all
  EXPECT_FALSE(Args::Parse({"--json=yes"}).ok());
}

// A command's "[--x]" flags take no value: `admin courier shift ID --day D --off` and
// `office request-revision CASE --note N --new-paper` as the README types them.
TEST(ArgsTest, CommandBooleanFlagsStandAlone) {
  const std::vector<Command> table = AllCommands();
  const FlagNames booleans = BooleanFlags(table);
  EXPECT_TRUE(booleans.contains("off"));
  EXPECT_TRUE(booleans.contains("new-paper"));
  EXPECT_FALSE(booleans.contains("state"));  // "[--state S]" takes a value
  absl::StatusOr<Args> a =
      Args::Parse({"admin", "courier", "shift", "7", "--day", "2026-12-01", "--off"}, booleans);
  ASSERT_THAT(a, IsOk()) << a.status();
  EXPECT_TRUE(a->Has("off"));
  EXPECT_EQ(a->words().back(), "7");
  a = Args::Parse({"office", "request-revision", "--new-paper", "12", "--note", "x"}, booleans);
  ASSERT_THAT(a, IsOk()) << a.status();
  EXPECT_TRUE(a->Has("new-paper"));
  EXPECT_EQ(a->words().back(), "12");  // not taken as the value of --new-paper
  a = Args::Parse({"admin", "courier", "shift", "7", "--off=false"}, booleans);
  ASSERT_THAT(a, IsOk()) << a.status();
  EXPECT_FALSE(a->Has("off"));
  EXPECT_FALSE(Args::Parse({"--off=maybe"}, booleans).ok());
  // Without the command table's names it is a valued flag, as before.
  EXPECT_FALSE(Args::Parse({"admin", "courier", "shift", "7", "--off"}).ok());
}

// One name is a boolean in every command or in none: the parser decides before it knows which
// command the words name.
TEST(ArgsTest, NoFlagIsBooleanInOneCommandAndValuedInAnother) {
  const std::vector<Command> table = AllCommands();
  const FlagNames booleans = BooleanFlags(table);
  for (const Command& c : table) {
    const ArgSpec spec = ParseUsage(c.usage);
    for (const std::string& f : spec.required_flags) {
      EXPECT_FALSE(booleans.contains(f)) << c.name << ": --" << f << " takes a value here";
    }
    std::vector<std::string> words = absl::StrSplit(c.usage, ' ', absl::SkipEmpty());
    for (size_t i = 0; i + 1 < words.size(); ++i) {
      if (!words[i].starts_with("[--") || words[i].ends_with("]")) continue;
      const std::string name = words[i].substr(3);
      EXPECT_FALSE(booleans.contains(name)) << c.name << ": [--" << name << " V] takes a value";
    }
  }
}

TEST(ArgsTest, MissingValueAndShortOptions) {
  EXPECT_FALSE(Args::Parse({"verify-permit", "--code"}).ok());
  EXPECT_FALSE(Args::Parse({"-x"}).ok());
  absl::StatusOr<Args> a = Args::Parse({"-h", "--", "--not-a-flag"});
  ASSERT_THAT(a, IsOk());
  EXPECT_TRUE(a->Has("help"));
  EXPECT_EQ(a->words(), (std::vector<std::string>{"--not-a-flag"}));
}

TEST(ParseUsageTest, PositionalsRequiredAndOptionalFlags) {
  ArgSpec spec = ParseUsage("CASE --note TEXT [--etag E] [--all] [--needs A,B]");
  EXPECT_EQ(spec.positionals, (std::vector<std::string>{"CASE"}));
  EXPECT_EQ(spec.required_flags, (std::vector<std::string>{"note"}));
  EXPECT_EQ(spec.optional_flags, (std::vector<std::string>{"etag", "all", "needs"}));
}

// A bracket may group flags that go together; all of them are optional.
TEST(ParseUsageTest, GroupedOptionalFlags) {
  ArgSpec spec = ParseUsage("--name NAME [--case ID --nik NIK] [--seated] --temp C");
  EXPECT_EQ(spec.required_flags, (std::vector<std::string>{"name", "temp"}));
  EXPECT_EQ(spec.optional_flags, (std::vector<std::string>{"case", "nik", "seated"}));
  EXPECT_TRUE(spec.positionals.empty());
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
  ASSERT_THAT(Parse("state", "verifying", &state), IsOk());
  EXPECT_EQ(state, v1::CASE_STATE_VERIFYING);
  ASSERT_THAT(Parse("state", "CASE_STATE_REVISION_REQUESTED", &state), IsOk());
  EXPECT_EQ(Name(state), "REVISION_REQUESTED");
  EXPECT_FALSE(Parse("state", "unspecified", &state).ok());
  v1::Role role;
  ASSERT_THAT(Parse("role", "approver", &role), IsOk());
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

// Times for people are office time with the zone named, never the UTC the server sends.
TEST(OutputTest, TimesAreOfficeTimeWita) {
  EXPECT_EQ(OfficeTime("2026-11-30T06:05:00Z"), "30 Nov 2026 14:05 WITA");
  EXPECT_EQ(OfficeTime("2026-11-30T22:30:00.123Z"), "1 Dec 2026 06:30 WITA");  // the next day
  EXPECT_EQ(OfficeTime("2026-11-30T06:05:00Z", 420), "30 Nov 2026 13:05 WIB");
  EXPECT_EQ(OfficeTime("2026-11-30T06:05:00Z", 330), "30 Nov 2026 11:35 UTC+05:30");
  EXPECT_EQ(OfficeTime(""), "");
  EXPECT_EQ(OfficeTime("yesterday"), "yesterday");
  v1::CaseEvent e;
  e.set_id(3);
  e.set_at("2026-11-30T06:05:00Z");
  e.set_action("approve");
  const std::string line = FormatEvent(e);
  EXPECT_NE(line.find("30 Nov 2026 14:05 WITA"), std::string::npos) << line;
  EXPECT_EQ(line.find("06:05"), std::string::npos) << line;
  v1::Case c;
  v1::NotificationStatus* n = c.add_notifications();
  n->set_template_id("case.issued");
  n->set_sent_at("2026-11-30T01:00:00Z");
  EXPECT_NE(FormatCase(c).find("sent 30 Nov 2026 09:00 WITA"), std::string::npos) << FormatCase(c);
}

// --get PATH: one field of a reply for a shell variable (CASE=$(loket --get id clinic submit ...)).
TEST(OutputTest, FieldValueForScripts) {
  v1::Case c;
  c.set_id(12);
  c.set_state(v1::CASE_STATE_ISSUED);
  c.set_permit_number("0001/SIP_PERAWAT/DPMPTSP-BPP/2026");
  c.mutable_applicant()->set_name("Siti Rahmawati");
  c.add_documents()->set_code("STR");
  c.add_documents()->set_code("KTP");
  EXPECT_EQ(*FieldValue(c, "id"), "12");
  EXPECT_EQ(*FieldValue(c, "state"), "CASE_STATE_ISSUED");
  EXPECT_EQ(*FieldValue(c, "permit_number"), "0001/SIP_PERAWAT/DPMPTSP-BPP/2026");
  EXPECT_EQ(*FieldValue(c, "permitNumber"), "0001/SIP_PERAWAT/DPMPTSP-BPP/2026");
  EXPECT_EQ(*FieldValue(c, "applicant.name"), "Siti Rahmawati");
  EXPECT_EQ(*FieldValue(c, "documents.1.code"), "KTP");
  EXPECT_EQ(*FieldValue(c, "documents.code"), "STR\nKTP");
  EXPECT_EQ(*FieldValue(c, "applicant"), R"({"name":"Siti Rahmawati"})");
  absl::StatusOr<std::string> bad = FieldValue(c, "case.id");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("permit_number"), absl::string_view::npos)
      << bad.status();  // names the fields there are
  EXPECT_FALSE(FieldValue(c, "documents.2.code").ok());
  EXPECT_FALSE(FieldValue(c, "id.x").ok());
}

TEST(SessionTest, BackoffDoubles) {
  EXPECT_EQ(Backoff(0), absl::Milliseconds(200));
  EXPECT_EQ(Backoff(3), absl::Milliseconds(1600));
  EXPECT_TRUE(IsRetryable(grpc::StatusCode::UNAVAILABLE));
  EXPECT_FALSE(IsRetryable(grpc::StatusCode::ABORTED));
  // A deadlock or serialization failure in loketd's database: the same call again.
  EXPECT_TRUE(IsRetryable(grpc::Status(grpc::StatusCode::ABORTED,
                                       "concurrent update; retry: ERROR:  deadlock detected")));
  EXPECT_FALSE(IsRetryable(grpc::Status(grpc::StatusCode::ABORTED, "case 1 has changed (etag 3)")));
}

// The dispatcher (dispatch.cc, issue 14: main.cc only calls it) answers the command line before
// any server is asked: help is 0, an unknown command or a bad --timeout is 2.
int RunLine(const std::string& line) {
  std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  return Run(static_cast<int>(argv.size()), argv.data());
}

TEST(DispatchTest, TheCommandLineIsAnsweredBeforeAnyServerIsAsked) {
  EXPECT_EQ(RunLine("loket --help"), 0);
  EXPECT_EQ(RunLine("loket case --help"), 0);
  EXPECT_EQ(RunLine("loket frobnicate"), 2);
  EXPECT_EQ(RunLine("loket case show 12 --timeout soon"), 2);
  EXPECT_EQ(RunLine("loket case show"), 2);  // its case number is missing
}

}  // namespace
}  // namespace loket::cli
