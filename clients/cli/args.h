// The loket command line read against the command table (command.h) with CLI11: every command
// is a subcommand (`loket office approve CASE --note TEXT`) whose positionals and flags come from
// its usage string, global flags (--addr, --json, ...) go anywhere on the line, "[--x]" flags take
// no value, and --help / `loket help ...` print help generated from the same tree. Args is what a
// command gets: a plain value; not synchronised.
#ifndef LOKET_CLIENTS_CLI_ARGS_H_
#define LOKET_CLIENTS_CLI_ARGS_H_

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace loket::cli {

struct Command;

// A command line that fitted its command: the positional words and the flags given.
class Args {
 public:
  // The positional words, in order: the command's words first, then its arguments.
  const std::vector<std::string>& words() const { return words_; }
  // Every flag given, by name without the dashes; a boolean flag given is "true".
  const std::map<std::string, std::string, std::less<>>& flags() const { return flags_; }

  bool Has(absl::string_view name) const;
  // The flag's value, or `fallback` when it was not given.
  std::string Get(absl::string_view name, absl::string_view fallback = "") const;

  void AddWord(std::string word) { words_.push_back(std::move(word)); }
  void Set(std::string name, std::string value) { flags_[std::move(name)] = std::move(value); }

 private:
  std::vector<std::string> words_;
  std::map<std::string, std::string, std::less<>> flags_;
};

// What the command line asks for.
struct CommandLine {
  // The command to run, or nullptr when the line was answered already (help printed: exit 0; a
  // usage error printed: exit 2) and `exit_code` is the answer.
  const Command* command = nullptr;
  Args args;
  // The command's arguments after its words (CASE, ID, ...).
  std::vector<std::string> positionals;
  int exit_code = 0;
};

// Reads `argv` (without the program name) against `table`. Help goes to `out`; a line that does
// not fit goes to `err` as "loket: <command>: <problem naming the flag or argument>" and the
// command's usage, and gives exit_code 2. Accepts "--name value" and "--name=value" (a repeated
// flag keeps its last value), boolean flags alone or as "--name=true|false", "-h"/"--help" and
// "--" to end the flags.
CommandLine ParseCommandLine(const std::vector<Command>& table,
                             const std::vector<std::string>& argv, std::ostream& out,
                             std::ostream& err);

}  // namespace loket::cli

#endif  // LOKET_CLIENTS_CLI_ARGS_H_
