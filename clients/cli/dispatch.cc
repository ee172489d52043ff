#include "clients/cli/dispatch.h"

#include <unistd.h>

#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/cli/args.h"
#include "clients/cli/command.h"
#include "clients/cli/session.h"

namespace loket::cli {
namespace {

constexpr absl::string_view kDefaultAddr = "127.0.0.1:7400";

constexpr absl::string_view kGlobalFlagsHelp =
    R"(Global flags (anywhere on the line; --flag value or --flag=value):
  --addr HOST:PORT     server (default $LOKET_ADDR, else 127.0.0.1:7400)
  --token T            bearer token (default $LOKET_TOKEN)
  --json               print the reply as JSON (proto field names)
  --get PATH           print one field of the reply, e.g. --get id, --get stops.0.id
                       (for scripts: CASE=$(loket --get id clinic submit ...))
  --terminal NAME      desk or device recorded in the case history (default: host name)
  --timeout SECONDS    deadline per call (default 10)
  --tls-ca FILE        use TLS, trusting this root CA (plaintext otherwise)
  --tls-cert FILE      client certificate for mutual TLS (with --tls-key)
  --tls-key FILE       its private key
  --help               this text; after a command word, that group's commands
)";

const std::vector<absl::string_view> kGlobalFlags = {
    "addr", "token", "json", "get", "terminal", "timeout", "tls-ca", "tls-cert", "tls-key", "help"};

bool IsGlobalFlag(absl::string_view name) {
  for (absl::string_view g : kGlobalFlags) {
    if (g == name) return true;
  }
  return false;
}

std::vector<std::string> Words(absl::string_view s) {
  return absl::StrSplit(s, ' ', absl::SkipEmpty());
}

// True when `prefix` are the first words of `words`.
bool StartsWithWords(const std::vector<std::string>& words,
                     const std::vector<std::string>& prefix) {
  if (prefix.size() > words.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (words[i] != prefix[i]) return false;
  }
  return true;
}

// The command named by the first words of `words` (the longest match), or nullptr.
const Command* FindCommand(const std::vector<Command>& table,
                           const std::vector<std::string>& words) {
  const Command* best = nullptr;
  size_t best_len = 0;
  for (const Command& c : table) {
    std::vector<std::string> name = Words(c.name);
    if (name.size() > best_len && StartsWithWords(words, name)) {
      best = &c;
      best_len = name.size();
    }
  }
  return best;
}

// The commands under the group named by `words` ("office", "admin token"); all when empty.
std::vector<const Command*> CommandsUnder(const std::vector<Command>& table,
                                          const std::vector<std::string>& words) {
  std::vector<const Command*> out;
  for (const Command& c : table) {
    if (StartsWithWords(Words(c.name), words)) out.push_back(&c);
  }
  return out;
}

void PrintHelp(const std::vector<const Command*>& commands) {
  std::cout << "loket: the command-line client of Loket, the DPMPTSP back office.\n\n"
            << "usage: loket [global flags] COMMAND [arguments]\n\nCommands:\n";
  for (const Command* c : commands) {
    std::cout << "  " << c->name << (c->usage.empty() ? "" : " ") << c->usage << "\n"
              << "      " << c->help << "\n";
  }
  std::cout << "\n" << kGlobalFlagsHelp;
}

// A wrong command word: one line saying so and the words that would fit.
int UnknownCommand(const std::vector<Command>& table, const std::vector<std::string>& words) {
  // The longest group prefix that exists, e.g. "office" for "office frob".
  std::vector<std::string> group = words;
  std::vector<const Command*> under;
  while (!group.empty()) {
    under = CommandsUnder(table, group);
    if (!under.empty()) break;
    group.pop_back();
  }
  std::vector<std::string> next;
  for (const Command* c : group.empty() ? CommandsUnder(table, {}) : under) {
    std::string word = Words(c->name)[group.size()];
    if (next.empty() || next.back() != word) next.push_back(word);
  }
  const std::string prefix = group.empty() ? "" : absl::StrJoin(group, " ") + " ";
  if (words.size() == group.size()) {
    std::cerr << "loket: " << (prefix.empty() ? "missing command" : prefix + "needs a command")
              << "\n";
  } else {
    std::cerr << "loket: unknown command '" << prefix << words[group.size()] << "'\n";
  }
  std::cerr << "usage: loket " << prefix << "<" << absl::StrJoin(next, "|") << "> ...  (loket "
            << prefix << "--help)\n";
  return kExitUsage;
}

// Checks `args` against the command's usage; prints the problem and returns false when they
// do not fit.
bool ArgumentsFit(const Command& command, const Args& args,
                  const std::vector<std::string>& positionals) {
  const ArgSpec spec = ParseUsage(command.usage);
  std::string problem;
  for (const auto& [name, value] : args.flags()) {
    if (IsGlobalFlag(name)) continue;
    bool known = false;
    for (const auto& f : spec.required_flags) known |= f == name;
    for (const auto& f : spec.optional_flags) known |= f == name;
    if (!known) {
      problem = absl::StrCat("unknown flag --", name);
      break;
    }
  }
  if (problem.empty()) {
    for (const auto& f : spec.required_flags) {
      if (!args.Has(f) || args.Get(f).empty()) {
        problem = absl::StrCat("missing --", f);
        break;
      }
    }
  }
  if (problem.empty() && positionals.size() < spec.positionals.size()) {
    problem = absl::StrCat("missing ", spec.positionals[positionals.size()]);
  }
  if (problem.empty() && positionals.size() > spec.positionals.size()) {
    problem = absl::StrCat("unexpected argument '", positionals[spec.positionals.size()], "'");
  }
  if (problem.empty()) return true;
  std::cerr << "loket: " << command.name << ": " << problem << "\n"
            << "usage: loket " << command.name << " " << command.usage << "\n";
  return false;
}

std::string EnvOr(const char* name, absl::string_view fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : std::string(fallback);
}

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "";
  return buf;
}

}  // namespace

int Run(int argc, char** argv) {
  const std::vector<Command> table = AllCommands();
  absl::StatusOr<Args> parsed =
      Args::Parse(std::vector<std::string>(argv + 1, argv + argc), BooleanFlags(table));
  if (!parsed.ok()) {
    std::cerr << "loket: " << parsed.status().message() << "\nusage: loket --help\n";
    return kExitUsage;
  }
  const Args& args = *parsed;

  if (args.Has("help")) {
    std::vector<const Command*> shown = CommandsUnder(table, args.words());
    if (shown.empty()) {
      // "loket office approve 12 --help": the command itself.
      if (const Command* c = FindCommand(table, args.words())) shown = {c};
    }
    if (shown.empty()) return UnknownCommand(table, args.words());
    PrintHelp(shown);
    return kExitOk;
  }
  const Command* command = FindCommand(table, args.words());
  if (command == nullptr) return UnknownCommand(table, args.words());
  std::vector<std::string> positionals(args.words().begin() + Words(command->name).size(),
                                       args.words().end());
  if (!ArgumentsFit(*command, args, positionals)) return kExitUsage;

  ConnectionOptions options;
  options.addr = args.Get("addr", EnvOr("LOKET_ADDR", kDefaultAddr));
  options.token = args.Get("token", EnvOr("LOKET_TOKEN", ""));
  options.terminal = args.Has("terminal") ? args.Get("terminal") : HostName();
  options.tls_ca_file = args.Get("tls-ca");
  options.tls_cert_file = args.Get("tls-cert");
  options.tls_key_file = args.Get("tls-key");
  if (args.Has("timeout")) {
    double seconds = 0;
    if (!absl::SimpleAtod(args.Get("timeout"), &seconds) || !(seconds > 0) || seconds > 86400) {
      std::cerr << "loket: --timeout must be a number of seconds, e.g. 10 or 0.5\n";
      return kExitUsage;
    }
    options.timeout = absl::Seconds(seconds);
  }
  absl::StatusOr<std::unique_ptr<Session>> session = Session::Open(std::move(options));
  if (!session.ok()) {
    std::cerr << "loket: " << session.status().message() << "\n";
    return kExitUsage;
  }
  Invocation invocation(*command, args, std::move(positionals), session->get(), args.Has("json"));
  const int rc = command->run(invocation);
  if (rc == kExitOk && args.Has("get") && !invocation.replied()) {
    std::cerr << "loket: --get: '" << command->name << "' prints more than one reply; use --json\n";
    return kExitUsage;
  }
  return rc;
}

}  // namespace loket::cli
