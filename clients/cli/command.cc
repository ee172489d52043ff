#include "clients/cli/command.h"

#include <iostream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/cli/output.h"
#include "common/grpc_status.h"
#include "common/ids.h"

namespace loket::cli {

ArgSpec ParseUsage(absl::string_view usage) {
  ArgSpec spec;
  std::vector<absl::string_view> tokens = absl::StrSplit(usage, ' ', absl::SkipEmpty());
  // Brackets may group flags that go together: "[--case ID --nik NIK]" makes both optional.
  int depth = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    absl::string_view t = tokens[i];
    const bool opened = absl::ConsumePrefix(&t, "[");
    const bool closed = absl::ConsumeSuffix(&t, "]");
    if (opened) ++depth;
    const bool optional = depth > 0;
    if (closed && depth > 0) --depth;
    if (!absl::ConsumePrefix(&t, "--")) {
      spec.positionals.emplace_back(t);
      continue;
    }
    (optional ? spec.optional_flags : spec.required_flags).emplace_back(t);
    if (opened && closed) {  // "[--x]": a boolean flag, no value
      spec.boolean_flags.emplace_back(t);
      continue;
    }
    // "--x V" and "[--x V]" name the value in the next token.
    if (i + 1 < tokens.size()) {
      absl::string_view value = tokens[++i];
      if (absl::ConsumeSuffix(&value, "]") && depth > 0) --depth;  // "[--x V]" closes here
      spec.value_names[std::string(t)] = std::string(value);
    }
  }
  return spec;
}

std::vector<Command> AllCommands() {
  std::vector<Command> table = CaseCommands();
  for (Command& c : AdminCommands()) table.push_back(std::move(c));
  for (Command& c : TaskCommands()) table.push_back(std::move(c));
  for (Command& c : CourierCommands()) table.push_back(std::move(c));
  for (Command& c : QueueCommands()) table.push_back(std::move(c));  // the live queue
  for (Command& c : AppointmentCommands()) table.push_back(std::move(c));
  for (Command& c : ReportCommands()) table.push_back(std::move(c));
  return table;
}

int Invocation::UsageError(absl::string_view message) const {
  std::cerr << "loket: " << command_.name << ": " << message << "\n"
            << "usage: loket " << command_.name << " " << command_.usage << "\n";
  return kExitUsage;
}

int Invocation::ServerError(const grpc::Status& status) const { return ReportServerError(status); }

int ReportServerError(const grpc::Status& status) {
  absl::Status s = FromGrpcStatus(status);
  std::cerr << "loket: " << absl::StatusCodeToString(s.code()) << ": "
            << (s.message().empty() ? "(no message)" : s.message()) << "\n";
  return kExitFailed;
}

int Invocation::Reply(const google::protobuf::Message& m, absl::string_view human) const {
  replied_ = true;
  if (args_.Has("get")) {
    absl::StatusOr<std::string> value = FieldValue(m, args_.Get("get"));
    if (!value.ok()) {
      std::cerr << "loket: --get: " << value.status().message() << "\n";
      return kExitUsage;
    }
    std::cout << *value << "\n";
    return kExitOk;
  }
  if (json_) {
    std::cout << ToJson(m) << "\n";
  } else {
    std::cout << human;
  }
  return kExitOk;
}

absl::StatusOr<std::string> Invocation::RequestId() const {
  if (!args_.Has("request-id")) return NewUuid();
  std::string id = absl::AsciiStrToLower(args_.Get("request-id"));
  if (!IsUuid(id)) return absl::InvalidArgumentError("--request-id: not a UUID");
  return id;
}

absl::StatusOr<int64_t> Invocation::IdArg(int i) const {
  ArgSpec spec = ParseUsage(command_.usage);
  return ParsePositive(spec.positionals.at(i), arg(i));
}

absl::StatusOr<int64_t> ParsePositive(absl::string_view what, absl::string_view text) {
  int64_t n = 0;
  if (!absl::SimpleAtoi(text, &n) || n <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " must be a positive number, not '", text, "'"));
  }
  return n;
}

}  // namespace loket::cli
