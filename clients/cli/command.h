// The command table: every `loket` subcommand is a Command whose usage string is also the
// specification of its arguments, so what --help shows and what the parser accepts cannot drift
// apart. Invocation is what a command's function gets. Used from main's thread only.
#ifndef LOKET_CLIENTS_CLI_COMMAND_H_
#define LOKET_CLIENTS_CLI_COMMAND_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clients/cli/args.h"
#include "clients/cli/session.h"
#include "google/protobuf/message.h"

namespace loket::cli {

inline constexpr int kExitOk = 0;
// The server refused or failed, or the answer is "no" (NOT VALID, NOT_SERVING).
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

class Invocation;

struct Command {
  // The words that select the command: "office approve".
  std::string name;
  // Its arguments as --help shows them: "CASE --note TEXT [--etag E]". Upper-case words are
  // positional arguments; "--x V" is a required flag, "[--x V]" an optional one, "[--x]" a
  // boolean flag (it takes no value). The parser (args.h) and --help are built from it.
  std::string usage;
  // One line for --help.
  std::string help;
  std::function<int(const Invocation&)> run;
};

// The arguments a usage string allows.
struct ArgSpec {
  std::vector<std::string> positionals;
  std::vector<std::string> required_flags;
  std::vector<std::string> optional_flags;
  // The optional flags that take no value ("[--x]").
  std::vector<std::string> boolean_flags;
  // What each valued flag's value is called in the usage: "note" -> "TEXT".
  std::map<std::string, std::string, std::less<>> value_names;
};
ArgSpec ParseUsage(absl::string_view usage);

// One run of a command: its arguments, the server session and the output mode.
class Invocation {
 public:
  Invocation(const Command& command, const Args& args, std::vector<std::string> positionals,
             const Session* session, bool json)
      : command_(command),
        args_(args),
        positionals_(std::move(positionals)),
        session_(session),
        json_(json) {}

  const Command& command() const { return command_; }
  const Args& args() const { return args_; }
  // The i-th positional argument after the command's words (CASE, ID); checked to exist.
  const std::string& arg(int i) const { return positionals_.at(i); }
  const Session& session() const { return *session_; }
  // True under --json, and under --get (the reply is wanted whole, as for JSON).
  bool json() const { return json_ || args_.Has("get"); }
  // True once Reply has printed the reply (main checks that --get was honoured).
  bool replied() const { return replied_; }

  // Prints "loket: <message>" and the command's usage on stderr; returns kExitUsage.
  int UsageError(absl::string_view message) const;
  // Prints "loket: <CODE>: <message>" on stderr; returns kExitFailed.
  int ServerError(const grpc::Status& status) const;
  // Prints `m` as JSON under --json, one field of it under --get PATH (FieldValue in output.h),
  // else `human`; returns kExitOk (kExitUsage when PATH names no field of the reply).
  int Reply(const google::protobuf::Message& m, absl::string_view human) const;

  // The --request-id flag when given (it must be a UUID), else a fresh one. Call once per
  // command: every retry of the call must carry the same id.
  absl::StatusOr<std::string> RequestId() const;
  // Positional argument `i` as a positive id (a case, principal or token).
  absl::StatusOr<int64_t> IdArg(int i) const;

 private:
  const Command& command_;
  const Args& args_;
  std::vector<std::string> positionals_;
  const Session* session_;
  bool json_;
  mutable bool replied_ = false;
};

// "loket: <CODE>: <message>" on stderr; returns kExitFailed. For places without an Invocation.
int ReportServerError(const grpc::Status& status);
// A positive number for `what`, or InvalidArgumentError.
absl::StatusOr<int64_t> ParsePositive(absl::string_view what, absl::string_view text);

// Every command of the loket CLI: the tables below, in this order.
std::vector<Command> AllCommands();

// The commands, by area.
std::vector<Command> CaseCommands();         // clinic, office, verify-permit
std::vector<Command> AdminCommands();        // health, whoami, catalog, holidays, admin
std::vector<Command> TaskCommands();         // admin tasks
std::vector<Command> CourierCommands();      // courier, office stops|plan|custody, admin courier
std::vector<Command> QueueCommands();        // office checkin|walk-in, counter ..., display
std::vector<Command> ReportCommands();       // report monthly
std::vector<Command> AppointmentCommands();  // office appointments, clinic book, admin calendar

}  // namespace loket::cli

#endif  // LOKET_CLIENTS_CLI_COMMAND_H_
