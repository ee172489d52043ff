#include "clients/cli/dispatch.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "clients/cli/args.h"
#include "clients/cli/command.h"
#include "clients/cli/session.h"

namespace loket::cli {
namespace {

constexpr absl::string_view kDefaultAddr = "127.0.0.1:7400";

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
  CommandLine line = ParseCommandLine(table, std::vector<std::string>(argv + 1, argv + argc),
                                      std::cout, std::cerr);
  if (line.command == nullptr) return line.exit_code;
  const Command* command = line.command;
  const Args& args = line.args;

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
  Invocation invocation(*command, args, std::move(line.positionals), session->get(),
                        args.Has("json"));
  const int rc = command->run(invocation);
  if (rc == kExitOk && args.Has("get") && !invocation.replied()) {
    std::cerr << "loket: --get: '" << command->name << "' prints more than one reply; use --json\n";
    return kExitUsage;
  }
  return rc;
}

}  // namespace loket::cli
