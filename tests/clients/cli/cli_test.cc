// Unit tests of the loket command's parts that need no loketd: the command line (CLI11 over the
// command table), the usage specs, enum names, the human output, and the session's retry rules
// (against a small CaseService of the test's own on a real socket).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/cli/args.h"
#include "clients/cli/command.h"
#include "clients/cli/dispatch.h"
#include "clients/cli/enum_names.h"
#include "clients/cli/output.h"
#include "clients/cli/session.h"
#include "loket/v1/case.grpc.pb.h"
#include "tests/support/status_matchers.h"

namespace loket::cli {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

// A command line read against the real command table, with what it printed.
struct Parsed {
  CommandLine line;
  std::string out;
  std::string err;
  bool ok() const { return line.command != nullptr; }
  std::string name() const { return line.command == nullptr ? "" : line.command->name; }
};

Parsed ParseWords(const std::vector<std::string>& argv) {
  static const std::vector<Command>* table = new std::vector<Command>(AllCommands());
  std::ostringstream out, err;
  Parsed p;
  p.line = ParseCommandLine(*table, argv, out, err);
  p.out = out.str();
  p.err = err.str();
  return p;
}

Parsed ParseLine(absl::string_view line) {
  return ParseWords(absl::StrSplit(line, ' ', absl::SkipEmpty()));
}

TEST(ParseCommandLineTest, FlagsAnywhereInBothForms) {
  Parsed p = ParseWords(
      {"--json", "office", "approve", "12", "--note=Dokumen lengkap", "--etag", "3", "--addr=h:1"});
  ASSERT_TRUE(p.ok()) << p.err;
  EXPECT_EQ(p.name(), "office approve");
  EXPECT_EQ(p.line.positionals, (std::vector<std::string>{"12"}));
  EXPECT_EQ(p.line.args.words(), (std::vector<std::string>{"office", "approve", "12"}));
  EXPECT_TRUE(p.line.args.Has("json"));
  EXPECT_EQ(p.line.args.Get("note"), "Dokumen lengkap");
  EXPECT_EQ(p.line.args.Get("etag"), "3");
  EXPECT_EQ(p.line.args.Get("addr"), "h:1");
  EXPECT_EQ(p.line.args.Get("token", "none"), "none");
  EXPECT_EQ(p.line.exit_code, kExitOk);
  EXPECT_EQ(p.err, "");
  // Global flags after the command's words and flags before its argument.
  p = ParseLine("office approve --note x 12 --get id --timeout 2 --json");
  ASSERT_TRUE(p.ok()) << p.err;
  EXPECT_EQ(p.line.positionals, (std::vector<std::string>{"12"}));
  EXPECT_EQ(p.line.args.Get("get"), "id");
  EXPECT_EQ(p.line.args.Get("timeout"), "2");
  EXPECT_TRUE(p.line.args.Has("json"));
}

TEST(ParseCommandLineTest, RepeatedFlagKeepsItsLastValue) {
  Parsed p = ParseLine("office reject 12 --note a --note b --addr x:1 --addr y:2");
  ASSERT_TRUE(p.ok()) << p.err;
  EXPECT_EQ(p.line.args.Get("note"), "b");
  EXPECT_EQ(p.line.args.Get("addr"), "y:2");
}

// A command's "[--x]" flags take no value: `admin courier shift ID --day D --off` and
// `office request-revision CASE --note N --new-paper` as the README types them.
TEST(ParseCommandLineTest, BooleanFlagsTakeNoValue) {
  Parsed p = ParseLine("admin courier shift 7 --day 2026-12-01 --off");
  ASSERT_TRUE(p.ok()) << p.err;
  EXPECT_TRUE(p.line.args.Has("off"));
  EXPECT_EQ(p.line.args.Get("off"), "true");
  EXPECT_EQ(p.line.positionals, (std::vector<std::string>{"7"}));
  p = ParseLine("admin courier shift --off 7 --day 2026-12-01");  // not taken as its value
  ASSERT_TRUE(p.ok()) << p.err;
  EXPECT_TRUE(p.line.args.Has("off"));
  EXPECT_EQ(p.line.positionals, (std::vector<std::string>{"7"}));
  p = ParseLine("office request-revision --new-paper 12 --note x");
  ASSERT_TRUE(p.ok()) << p.err;
  EXPECT_TRUE(p.line.args.Has("new-paper"));
  EXPECT_EQ(p.line.positionals, (std::vector<std::string>{"12"}));
  p = ParseLine("office list --all --overdue=false --json=true");
  ASSERT_TRUE(p.ok()) << p.err;
  EXPECT_TRUE(p.line.args.Has("all"));
  EXPECT_FALSE(p.line.args.Has("overdue"));
  EXPECT_TRUE(p.line.args.Has("json"));
  p = ParseLine("admin courier shift 7 --day 2026-12-01 --off=true");
  ASSERT_TRUE(p.ok()) << p.err;
  EXPECT_TRUE(p.line.args.Has("off"));
  // "--x=" is an empty value, not a flag that takes the next word.
  p = ParseLine("office approve 12 --etag= --note x");
  ASSERT_TRUE(p.ok()) << p.err;
  EXPECT_TRUE(p.line.args.Has("etag"));
  EXPECT_EQ(p.line.args.Get("etag", "none"), "");
  EXPECT_EQ(p.line.args.Get("note"), "x");
  p = ParseLine("admin courier shift 7 --day 2026-12-01 --off --off=false");
  ASSERT_TRUE(p.ok()) << p.err;
  EXPECT_FALSE(p.line.args.Has("off"));  // the last one counts
}

TEST(ParseCommandLineTest, BooleanFlagGivenAValueIsRefusedNamingIt) {
  Parsed p = ParseLine("admin courier shift 7 --day 2026-12-01 --off=maybe");
  EXPECT_FALSE(p.ok());
  EXPECT_EQ(p.line.exit_code, kExitUsage);
  EXPECT_NE(p.err.find("--off takes no value"), std::string::npos) << p.err;
  p = ParseLine("whoami --json=yes");
  EXPECT_EQ(p.line.exit_code, kExitUsage);
  EXPECT_NE(p.err.find("--json takes no value"), std::string::npos) << p.err;
  // "--off true": a boolean flag never takes the next word, so "true" is one argument too many.
  p = ParseLine("admin courier shift 7 --day 2026-12-01 --off true");
  EXPECT_EQ(p.line.exit_code, kExitUsage);
  EXPECT_NE(p.err.find("unexpected argument 'true'"), std::string::npos) << p.err;
}

// Every problem is one line naming the flag or argument, then the command's usage.
TEST(ParseCommandLineTest, ErrorsNameTheFlagOrArgument) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"office approve 12 --frob", "loket: office approve: unknown flag --frob\n"},
      {"office approve 12 --frob=3", "loket: office approve: unknown flag --frob\n"},
      {"office approve 12 -x", "loket: office approve: unknown flag -x\n"},
      {"office reject 12", "loket: office reject: missing --note\n"},
      {"office reject 12 --note=", "loket: office reject: missing --note\n"},
      {"office show", "loket: office show: missing CASE\n"},
      {"office show 12 13", "loket: office show: unexpected argument '13'\n"},
      {"verify-permit --code", "loket: verify-permit: --code needs a value\n"},
      {"admin courier shift 7 --off", "loket: admin courier shift: missing --day\n"},
  };
  for (const auto& [line, first] : cases) {
    Parsed p = ParseLine(line);
    EXPECT_FALSE(p.ok()) << line;
    EXPECT_EQ(p.line.exit_code, kExitUsage) << line;
    EXPECT_TRUE(p.err.starts_with(first)) << line << " printed:\n" << p.err;
    EXPECT_NE(p.err.find("\nusage: loket "), std::string::npos) << line << ":\n" << p.err;
    EXPECT_EQ(p.out, "") << line;
  }
  Parsed p = ParseLine("office reject 12");
  EXPECT_NE(p.err.find("usage: loket office reject CASE --note TEXT [--etag E]"), std::string::npos)
      << p.err;
}

TEST(ParseCommandLineTest, UnknownOrMissingCommandWords) {
  Parsed p = ParseLine("office frob");
  EXPECT_EQ(p.line.exit_code, kExitUsage);
  EXPECT_TRUE(p.err.starts_with("loket: unknown command 'office frob'\n")) << p.err;
  EXPECT_NE(p.err.find("approve"), std::string::npos) << p.err;  // the words that would fit
  p = ParseLine("office");
  EXPECT_EQ(p.line.exit_code, kExitUsage);
  EXPECT_TRUE(p.err.starts_with("loket: office needs a command\n")) << p.err;
  p = ParseLine("--json");
  EXPECT_EQ(p.line.exit_code, kExitUsage);
  EXPECT_TRUE(p.err.starts_with("loket: missing command\n")) << p.err;
  p = ParseLine("frobnicate 12");
  EXPECT_EQ(p.line.exit_code, kExitUsage);
  EXPECT_TRUE(p.err.starts_with("loket: unknown command 'frobnicate'\n")) << p.err;
}

// Arguments that look like flags or command words are still arguments where one is expected.
TEST(ParseCommandLineTest, ArgumentsThatLookLikeFlagsOrWords) {
  Parsed p = ParseLine("office show office");
  ASSERT_TRUE(p.ok()) << p.err;
  EXPECT_EQ(p.line.positionals, (std::vector<std::string>{"office"}));
  p = ParseLine("office show -- --5");
  ASSERT_TRUE(p.ok()) << p.err;
  EXPECT_EQ(p.line.positionals, (std::vector<std::string>{"--5"}));
  p = ParseLine("admin clinic set klinik-sehat --lat -1.26 --lng 116.85");
  ASSERT_TRUE(p.ok()) << p.err;
  EXPECT_EQ(p.line.args.Get("lat"), "-1.26");
  p = ParseLine("admin principal set-password 3 --username u --password-file -");
  ASSERT_TRUE(p.ok()) << p.err;
  EXPECT_EQ(p.line.args.Get("password-file"), "-");
  // "admin office" is a command and a group ("admin office set").
  EXPECT_EQ(ParseLine("admin office").name(), "admin office");
  EXPECT_EQ(ParseLine("admin office set --utc-offset 480").name(), "admin office set");
}

// Every command of the table is reachable with its usage: its words, its arguments and its
// required flags; then with every optional flag too.
TEST(ParseCommandLineTest, EveryCommandParsesFromItsUsage) {
  for (const Command& c : AllCommands()) {
    const ArgSpec spec = ParseUsage(c.usage);
    std::vector<std::string> argv = absl::StrSplit(c.name, ' ');
    for (size_t i = 0; i < spec.positionals.size(); ++i) argv.push_back(std::to_string(i + 1));
    for (const std::string& f : spec.required_flags) {
      argv.push_back("--" + f);
      argv.push_back("v");
    }
    Parsed p = ParseWords(argv);
    ASSERT_TRUE(p.ok()) << c.name << ": " << p.err;
    EXPECT_EQ(p.name(), c.name);
    EXPECT_EQ(p.line.positionals.size(), spec.positionals.size()) << c.name;
    for (const std::string& f : spec.optional_flags) {
      const bool boolean = std::find(spec.boolean_flags.begin(), spec.boolean_flags.end(), f) !=
                           spec.boolean_flags.end();
      argv.push_back("--" + f);
      if (!boolean) argv.push_back("w");
    }
    p = ParseWords(argv);
    ASSERT_TRUE(p.ok()) << c.name << ": " << p.err;
    for (const std::string& f : spec.optional_flags) {
      EXPECT_TRUE(p.line.args.Has(f)) << c.name << " --" << f;
    }
  }
}

TEST(ParseCommandLineTest, HelpIsGeneratedFromTheTable) {
  Parsed p = ParseLine("--help");
  EXPECT_FALSE(p.ok());
  EXPECT_EQ(p.line.exit_code, kExitOk);
  EXPECT_NE(p.out.find("Commands:"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("office approve CASE [--note TEXT]"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("admin token create --principal ID"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("Global flags:\n"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("--addr HOST:PORT"), std::string::npos) << p.out;
  EXPECT_EQ(ParseLine("-h").out, p.out);
  EXPECT_EQ(ParseLine("help").out, p.out);
  // A group: its commands only.
  p = ParseLine("office --help");
  EXPECT_EQ(p.line.exit_code, kExitOk);
  EXPECT_NE(p.out.find("office approve CASE"), std::string::npos) << p.out;
  EXPECT_EQ(p.out.find("admin token create"), std::string::npos) << p.out;
  EXPECT_EQ(ParseLine("help office").out, p.out);
  // One command: its usage and its flags.
  p = ParseLine("office approve 12 --help");
  EXPECT_EQ(p.line.exit_code, kExitOk);
  EXPECT_NE(p.out.find("usage: loket office approve CASE [--note TEXT] [--etag E]"),
            std::string::npos)
      << p.out;
  EXPECT_NE(p.out.find("Arguments:\n  CASE"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("Flags:\n  -h,--help"), std::string::npos) << p.out;
  EXPECT_EQ(p.out.find("Options:"), std::string::npos) << p.out;  // one list of flags
  EXPECT_NE(p.out.find("--request-id UUID"), std::string::npos) << p.out;
  EXPECT_EQ(p.out.find("office reject"), std::string::npos) << p.out;
  EXPECT_EQ(ParseLine("help office approve").out, p.out);
  EXPECT_EQ(ParseLine("office approve -h").out, p.out);
  // A help flag wins over what is missing.
  EXPECT_EQ(ParseLine("office reject --help").line.exit_code, kExitOk);
  p = ParseLine("help office frob");
  EXPECT_EQ(p.line.exit_code, kExitUsage);
  EXPECT_TRUE(p.err.starts_with("loket: unknown command 'office frob'")) << p.err;
}

TEST(ParseUsageTest, PositionalsRequiredAndOptionalFlags) {
  ArgSpec spec = ParseUsage("CASE --note TEXT [--etag E] [--all] [--needs A,B]");
  EXPECT_EQ(spec.positionals, (std::vector<std::string>{"CASE"}));
  EXPECT_EQ(spec.required_flags, (std::vector<std::string>{"note"}));
  EXPECT_EQ(spec.optional_flags, (std::vector<std::string>{"etag", "all", "needs"}));
  EXPECT_EQ(spec.boolean_flags, (std::vector<std::string>{"all"}));
  EXPECT_EQ(spec.value_names.at("note"), "TEXT");
  EXPECT_EQ(spec.value_names.at("needs"), "A,B");
  EXPECT_FALSE(spec.value_names.contains("all"));
}

// A bracket may group flags that go together; all of them are optional.
TEST(ParseUsageTest, GroupedOptionalFlags) {
  ArgSpec spec = ParseUsage("--name NAME [--case ID --nik NIK] [--seated] --temp C");
  EXPECT_EQ(spec.required_flags, (std::vector<std::string>{"name", "temp"}));
  EXPECT_EQ(spec.optional_flags, (std::vector<std::string>{"case", "nik", "seated"}));
  EXPECT_EQ(spec.boolean_flags, (std::vector<std::string>{"seated"}));
  EXPECT_EQ(spec.value_names.at("nik"), "NIK");
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

TEST(OutputTest, TheCatalogShowsAPermitTypesNumberCodeWhenItHasOne) {
  v1::ListPermitTypesResponse r;
  v1::PermitType* t = r.add_permit_types();
  t->set_code("SIP_PERAWAT");
  t->set_name("Surat Izin Praktik Perawat (SIPP)");
  t->set_service_level_days(5);
  t->set_number_code("SIPP");
  EXPECT_NE(FormatPermitTypes(r).find(
                "SIP_PERAWAT  Surat Izin Praktik Perawat (SIPP)  number SIPP  fee Rp 0"),
            std::string::npos)
      << FormatPermitTypes(r);
  t->clear_number_code();
  EXPECT_EQ(FormatPermitTypes(r).find("number"), std::string::npos) << FormatPermitTypes(r);
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

// A CaseService on a real socket that refuses its first `refusals` submissions with
// RESOURCE_EXHAUSTED, as loketd's full pool does, asking for `asked_ms` (none when negative), and
// records the request_id of every submission it sees.
class RefusingCases final : public v1::CaseService::Service {
 public:
  RefusingCases(int refusals, int asked_ms) : refusals_(refusals), asked_ms_(asked_ms) {
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    b.RegisterService(this);
    server_ = b.BuildAndStart();
  }
  ~RefusingCases() override { server_->Shutdown(); }
  std::string addr() const { return absl::StrCat("127.0.0.1:", port_); }
  std::vector<std::string> seen() {
    std::lock_guard<std::mutex> l(mu_);
    return seen_;
  }

  grpc::Status SubmitApplication(grpc::ServerContext* ctx, const v1::SubmitApplicationRequest* req,
                                 v1::Case* out) override {
    std::lock_guard<std::mutex> l(mu_);
    seen_.push_back(req->request_id());
    if (static_cast<int>(seen_.size()) > refusals_) {
      out->set_id(1);
      return grpc::Status::OK;
    }
    if (asked_ms_ >= 0) ctx->AddTrailingMetadata("grpc-retry-pushback-ms", absl::StrCat(asked_ms_));
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "full; try again in 1 s");
  }

 private:
  const int refusals_;
  const int asked_ms_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::mutex mu_;
  std::vector<std::string> seen_;
};

// One submission through a Session to `cases`.
grpc::Status SubmitThrough(const RefusingCases& cases) {
  ConnectionOptions o;
  o.addr = cases.addr();
  auto session = Session::Open(o);
  EXPECT_THAT(session.status(), IsOk());
  auto stub = v1::CaseService::NewStub((*session)->channel());
  v1::SubmitApplicationRequest req;
  req.set_request_id("3f2a1c9e-0000-4000-8000-000000000001");
  v1::Case out;
  return (*session)->Call(
      [&](grpc::ClientContext& ctx) { return stub->SubmitApplication(&ctx, req, &out); });
}

TEST(SessionTest, ARefusalThatAsksForAWaitIsRetriedWithTheSameRequest) {
  RefusingCases cases(2, 50);
  EXPECT_TRUE(SubmitThrough(cases).ok());
  const std::vector<std::string> seen = cases.seen();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], seen[2]) << "a retry carries the same request_id";
}

TEST(SessionTest, ARefusalThatAsksForNoWaitIsNotRetried) {
  RefusingCases cases(1, -1);  // a throttle: "too many sign-ins; try again in 900 s"
  EXPECT_THAT(SubmitThrough(cases), StatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_EQ(cases.seen().size(), 1u);
}

TEST(SessionTest, AWaitPastTheBudgetIsToldNotKept) {
  RefusingCases cases(1, 60'000);
  EXPECT_THAT(SubmitThrough(cases), StatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_EQ(cases.seen().size(), 1u);
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
