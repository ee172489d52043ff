#include "clients/cli/command.h"

#include <iostream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
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
  for (size_t i = 0; i < tokens.size(); ++i) {
    absl::string_view t = tokens[i];
    const bool optional = absl::ConsumePrefix(&t, "[");
    const bool closed = absl::ConsumeSuffix(&t, "]");
    if (!absl::ConsumePrefix(&t, "--")) {
      spec.positionals.emplace_back(t);
      continue;
    }
    (optional ? spec.optional_flags : spec.required_flags).emplace_back(t);
    // "--x V" and "[--x V]" name the value in the next token; "[--x]" has none.
    if (!(optional && closed) && !IsBooleanFlag(t)) ++i;
  }
  return spec;
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
