// The command line split into positional words and --flags. A parser of our own because the
// command tree (`loket office approve CASE --note TEXT`) and flags placed anywhere do not fit
// absl::flags. Args is a plain value; not synchronised.
#ifndef LOKET_CLIENTS_CLI_ARGS_H_
#define LOKET_CLIENTS_CLI_ARGS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace loket::cli {

// The global flags that take no value (--json, --help, ...): present means true. The commands'
// own boolean flags are the "[--x]" words of their usage strings (BooleanFlags in command.h).
bool IsBooleanFlag(absl::string_view name);

// Names of the flags that take no value.
using FlagNames = std::set<std::string, std::less<>>;

class Args {
 public:
  // Splits `argv` (without the program name). Accepts "--name value", "--name=value", boolean
  // flags (IsBooleanFlag, or named in `booleans`) alone or as "--name=true|false", "-h" for
  // "--help", and "--" to end the flags. A repeated flag keeps its last value. Returns
  // InvalidArgumentError for a flag without its value, an unknown short option or a bad boolean
  // value.
  static absl::StatusOr<Args> Parse(const std::vector<std::string>& argv,
                                    const FlagNames& booleans = {});

  // The positional words, in order: the command path first, then its arguments.
  const std::vector<std::string>& words() const { return words_; }
  // Every flag given, by name without the dashes.
  const std::map<std::string, std::string, std::less<>>& flags() const { return flags_; }

  bool Has(absl::string_view name) const;
  // The flag's value, or `fallback` when it was not given.
  std::string Get(absl::string_view name, absl::string_view fallback = "") const;

 private:
  std::vector<std::string> words_;
  std::map<std::string, std::string, std::less<>> flags_;
};

}  // namespace loket::cli

#endif  // LOKET_CLIENTS_CLI_ARGS_H_
