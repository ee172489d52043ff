// A test receiver (tests/support/*.py) run as a child process: started with --port-file and --log
// in a fresh temporary directory, ready once it has written its port, stopped with SIGTERM (then
// SIGKILL) when destroyed. Not thread-safe; one test owns it.
#ifndef LOKET_TESTS_WORKERS_RECEIVER_PROCESS_H_
#define LOKET_TESTS_WORKERS_RECEIVER_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace loket::testing {

class ReceiverProcess {
 public:
  // Runs python3 `script` (a file name in LOKET_TEST_SUPPORT_DIR) with `args` and waits until it
  // listens. Returns InternalError with the child's stderr when it exits or stays silent instead.
  static absl::StatusOr<std::unique_ptr<ReceiverProcess>> Start(
      const std::string& script, const std::vector<std::string>& args);
  ~ReceiverProcess();

  int port() const { return port_; }
  // The log's lines so far (the receivers write a line before they answer).
  std::vector<std::string> LogLines() const;

 private:
  ReceiverProcess(pid_t pid, std::string dir) : pid_(pid), dir_(std::move(dir)) {}

  pid_t pid_;
  std::string dir_;
  int port_ = 0;
};

// A path to a new empty temporary directory (under gtest's TempDir) that nothing else uses.
std::string MakeTempDir();

}  // namespace loket::testing

#endif  // LOKET_TESTS_WORKERS_RECEIVER_PROCESS_H_
