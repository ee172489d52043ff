// The unary pool's threads run below the process's priority (server/api/unary_pool.h), so that
// under overload gRPC's threads, which take calls in and refuse the excess, get a core first
// (docs/benchmarks.md, "The pool below gRPC's threads").
#include "server/api/unary_pool.h"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace loket::api {
namespace {

// How many of this process's threads have nice value `nice` (/proc/self/task/*/stat, field 19).
int ThreadsAtNice(int nice) {
  int n = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream in(task.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t comm_end = stat.rfind(')');
    if (comm_end == std::string::npos) continue;           // the thread ended while we looked
    std::istringstream fields(stat.substr(comm_end + 1));  // from field 3, the state
    std::string field;
    for (int i = 3; i <= 19 && fields >> field; ++i) {
    }
    if (!field.empty() && std::stoi(field) == nice) ++n;
  }
  return n;
}

// Waits (up to 10 s) until exactly `want` threads are at `nice`: the pool's threads set theirs as
// they start, and a joined thread can stay in /proc/self/task for a moment after join returns
// (the kernel wakes the joiner before it has reaped the thread).
int WaitForThreadsAtNice(int nice, int want) {
  for (int i = 0; i < 1000 && ThreadsAtNice(nice) != want; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return ThreadsAtNice(nice);
}

TEST(UnaryPoolTest, ItsThreadsRunTheGivenIncrementBelowTheProcess) {
  const int base = getpriority(PRIO_PROCESS, 0);
  ASSERT_LE(base, 12) << "the test needs room below the process's nice value";
  ASSERT_EQ(ThreadsAtNice(base + 7), 0);
  {
    UnaryPool pool(3, 3, 7);
    EXPECT_EQ(WaitForThreadsAtNice(base + 7, 3), 3);
    EXPECT_EQ(getpriority(PRIO_PROCESS, gettid()), base) << "the caller's thread keeps its own";
  }
  EXPECT_EQ(WaitForThreadsAtNice(base + 7, 0), 0);  // the pool's threads have ended
}

TEST(UnaryPoolTest, WithNoIncrementItsThreadsKeepTheProcesssPriority) {
  const int base = getpriority(PRIO_PROCESS, 0);
  const int before = ThreadsAtNice(base);
  UnaryPool pool(2, 2, 0);
  EXPECT_EQ(WaitForThreadsAtNice(base, before + 2), before + 2);
}

TEST(UnaryPoolTest, OnlyTheMethodsThatCarryAFileMayTakeMoreThanTheSmallLimit) {
  EXPECT_EQ(MaxRequestBytes("SubmitApplication"), kSmallRequestBytes);
  EXPECT_EQ(MaxRequestBytes("AttachDocument"), 0u);
  EXPECT_EQ(MaxRequestBytes("ConfirmStop"), 0u);
  EXPECT_EQ(MaxRequestBytes("ImportHolidays"), size_t{2} << 20);
}

}  // namespace
}  // namespace loket::api
