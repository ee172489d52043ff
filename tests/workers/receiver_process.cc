#include "tests/workers/receiver_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"

extern char** environ;

namespace loket::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Waits for `pid` to exit within `limit`; true when it did (and was reaped).
bool WaitExit(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    int status;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

std::string MakeTempDir() {
  std::string pattern = ::testing::TempDir() + "loket_notify_XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp " << pattern << ": " << std::strerror(errno);
  }
  return pattern;
}

absl::StatusOr<std::unique_ptr<ReceiverProcess>> ReceiverProcess::Start(
    const std::string& script, const std::vector<std::string>& args) {
  const std::string dir = MakeTempDir();
  const std::string port_file = dir + "/port";
  const std::string stderr_file = dir + "/stderr";
  // Debian's python3, which has python3-aiosmtpd; any other only when that one is missing.
  const bool debian = ::access("/usr/bin/python3", X_OK) == 0;
  std::vector<std::string> argv_strings = {debian ? "/usr/bin/python3" : "python3",
                                           std::string(LOKET_TEST_SUPPORT_DIR) + "/" + script,
                                           "--port-file",
                                           port_file,
                                           "--log",
                                           dir + "/log"};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  pid_t pid;
  const int rc = debian ? posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ)
                        : posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return absl::InternalError(absl::StrFormat("spawn %s: %s", argv[0], std::strerror(rc)));
  }
  std::unique_ptr<ReceiverProcess> process(new ReceiverProcess(pid, dir));

  // Python and aiosmtpd start in a fraction of a second; the limit only guards a hung child.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(port_file);
    if (int port = 0; in >> port && port > 0) {
      process->port_ = port;
      return process;
    }
    int status;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      process->pid_ = -1;
      return absl::InternalError(
          absl::StrFormat("%s exited early: %s", script, ReadFile(stderr_file)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return absl::InternalError(
      absl::StrFormat("%s wrote no port within 20 s: %s", script, ReadFile(stderr_file)));
}

ReceiverProcess::~ReceiverProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    if (!WaitExit(pid_, std::chrono::seconds(5))) {
      ::kill(pid_, SIGKILL);
      WaitExit(pid_, std::chrono::seconds(5));
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::vector<std::string> ReceiverProcess::LogLines() const {
  std::vector<std::string> lines;
  std::ifstream in(dir_ + "/log");
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace loket::testing
