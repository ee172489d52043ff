#include "clients/cli/args.h"

#include <array>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace loket::cli {

bool IsBooleanFlag(absl::string_view name) {
  static constexpr std::array<absl::string_view, 7> kBooleans = {
      "json", "help", "draft", "overdue",
      "all",  "once", "seated"};  // the live queue: `display --once`, `office checkin --seated`
  for (absl::string_view b : kBooleans) {
    if (name == b) return true;
  }
  return false;
}

absl::StatusOr<Args> Args::Parse(const std::vector<std::string>& argv, const FlagNames& booleans) {
  Args args;
  bool flags_ended = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (flags_ended || arg == "-" || arg.empty() || arg[0] != '-') {
      args.words_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_ended = true;
      continue;
    }
    if (arg == "-h") {
      args.flags_["help"] = "true";
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown option ", arg, " (flags are --name)"));
    }
    std::string name = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      has_value = true;
    }
    if (name.empty()) return absl::InvalidArgumentError(absl::StrCat("bad flag ", arg));
    if (IsBooleanFlag(name) || booleans.contains(name)) {
      if (!has_value || value == "true") {
        args.flags_[name] = "true";
      } else if (value == "false") {
        args.flags_.erase(name);
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " takes no value (or =true / =false)"));
      }
      continue;
    }
    if (!has_value) {
      if (i + 1 == argv.size()) {
        return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
      }
      value = argv[++i];
    }
    args.flags_[name] = value;
  }
  return args;
}

bool Args::Has(absl::string_view name) const { return flags_.find(name) != flags_.end(); }

std::string Args::Get(absl::string_view name, absl::string_view fallback) const {
  auto it = flags_.find(name);
  return it == flags_.end() ? std::string(fallback) : it->second;
}

}  // namespace loket::cli
