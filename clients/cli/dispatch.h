// The loket command's dispatcher: parses the command line, finds the command in the table
// (command.h) and runs it against one server session. Exit status: 0 done, 1 the server refused or
// failed (or answered "no"), 2 the command line is wrong.
#ifndef LOKET_CLIENTS_CLI_DISPATCH_H_
#define LOKET_CLIENTS_CLI_DISPATCH_H_

namespace loket::cli {

int Run(int argc, char** argv);

}  // namespace loket::cli

#endif  // LOKET_CLIENTS_CLI_DISPATCH_H_
