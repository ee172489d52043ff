// The memory guard's two parts (server/api/connection_guard.h) on real loopback sockets: which
// connections it sees and which it picks. That it bounds loketd under a flood is
// tests/system/memory_bound_test.sh.
#include "server/api/connection_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace loket::api {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

sockaddr_in Loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a = Loopback(port);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  return fd;
}

void SendAll(int fd, size_t n) {
  std::string chunk(4096, 'x');
  while (n > 0) {
    ssize_t k = send(fd, chunk.data(), std::min(n, chunk.size()), 0);
    ASSERT_GT(k, 0);
    n -= static_cast<size_t>(k);
  }
}

// A loopback listener with two clients connected and accepted: a flooder and a display board.
struct TwoClients {
  static int Listen() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = Loopback(0);
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    EXPECT_EQ(listen(fd, 8), 0);
    return fd;
  }
  static int PortOf(int fd) {
    sockaddr_in a{};
    socklen_t len = sizeof(a);
    EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
    return ntohs(a.sin_port);
  }
  Fd listener{Listen()};
  int port = PortOf(listener.get());
  Fd flooder{Connect(port)}, board{Connect(port)};
  Fd flooder_in{accept(listener.get(), nullptr, nullptr)};
  Fd board_in{accept(listener.get(), nullptr, nullptr)};
};

std::vector<int> Fds(const std::vector<ConnectionSample>& picked) {
  std::vector<int> fds;
  for (const ConnectionSample& c : picked) fds.push_back(c.fd);
  return fds;
}

// The listener's connections once they have received `total` bytes in all (loopback delivers
// within the send call as a rule; this does not count on it).
std::vector<ConnectionSample> Received(int port, uint64_t total) {
  std::vector<ConnectionSample> now;
  for (int i = 0; i < 100000; ++i) {
    now = SampleConnections(port);
    uint64_t sum = 0;
    for (const ConnectionSample& c : now) sum += c.bytes_received;
    if (sum >= total) break;
  }
  return now;
}

TEST(ConnectionGuardTest, SeesTheListenersConnectionsAndClosesTheOneThatSentTheMost) {
  TwoClients t;
  const int port = t.port;
  Fd &flooder = t.flooder, &board = t.board, &flooder_in = t.flooder_in, &board_in = t.board_in;
  // Unread by the server, as gRPC's half-sent messages are unfinished: the kernel counts them.
  // (Less than a socket's buffers hold, so that send does not wait for a read.)
  SendAll(flooder.get(), 30000);
  SendAll(board.get(), 100);
  std::vector<ConnectionSample> before = Received(port, 30100);
  SendAll(board.get(), 1000);
  std::vector<ConnectionSample> now = Received(port, 31100);

  // The listener and the clients' own ends (their local port is another) are not connections.
  ASSERT_EQ(now.size(), 2u);
  for (const ConnectionSample& c : now) {
    if (c.fd == flooder_in.get())
      EXPECT_EQ(c.bytes_received, 30000u);
    else
      EXPECT_EQ(c.fd, board_in.get());
  }
  // Measured from nothing: the flooder covers a small excess on its own.
  EXPECT_THAT(Fds(PickConnectionsToShed(now, {}, 1000, 1)), ElementsAre(flooder_in.get()));
  // Measured from `before`: only the board sent since, so it is the one picked.
  absl::flat_hash_map<uint64_t, uint64_t> seen;
  for (const ConnectionSample& c : before) seen[c.inode] = c.bytes_received;
  EXPECT_THAT(Fds(PickConnectionsToShed(now, seen, 1000, 1)), ElementsAre(board_in.get()));
  // Unless it received too little to be a flood.
  EXPECT_THAT(PickConnectionsToShed(now, seen, 1000, 1001), IsEmpty());

  // What the guard does to a picked one: its client sees the connection end.
  ASSERT_EQ(shutdown(flooder_in.get(), SHUT_RDWR), 0);
  char byte;
  EXPECT_EQ(recv(flooder.get(), &byte, 1, 0), 0);
}

TEST(ConnectionGuardTest, PicksTheBiggestSendersUntilTheyCoverTheExcess) {
  std::vector<ConnectionSample> now = {
      {.fd = 10, .inode = 1, .bytes_received = 5000},  // 4,000 since
      {.fd = 11, .inode = 2, .bytes_received = 3000},  // new: all 3,000 count
      {.fd = 12, .inode = 3, .bytes_received = 9000},  // nothing since
      {.fd = 13, .inode = 4, .bytes_received = 2500},  // 2,500 since
      {.fd = 14, .inode = 5, .bytes_received = 900},   // 100 since: a board's pings
  };
  absl::flat_hash_map<uint64_t, uint64_t> before = {{1, 1000}, {3, 9000}, {4, 0}, {5, 800}};
  EXPECT_THAT(Fds(PickConnectionsToShed(now, before, 1, 1000)), ElementsAre(10));
  EXPECT_THAT(Fds(PickConnectionsToShed(now, before, 4000, 1000)), ElementsAre(10));
  EXPECT_THAT(Fds(PickConnectionsToShed(now, before, 4001, 1000)), ElementsAre(10, 11));
  EXPECT_THAT(Fds(PickConnectionsToShed(now, before, 100000, 1000)), ElementsAre(10, 11, 13));
  EXPECT_THAT(Fds(PickConnectionsToShed(now, before, 100000, 1)), ElementsAre(10, 11, 13, 14));
  // Nobody sent enough: nothing to close, however far over.
  EXPECT_THAT(PickConnectionsToShed(now, before, 100000, 5000), IsEmpty());
}

// The guard itself, with a limit this process is always over: it closes the connection that sends
// a flood's worth and leaves the one that sends little.
TEST(ConnectionGuardTest, OverItsLimitItClosesTheConnectionThatSentTheMostAndLeavesTheOther) {
  TwoClients t;
  const int port = t.port;
  Fd &flooder = t.flooder, &board = t.board, &flooder_in = t.flooder_in, &board_in = t.board_in;

  std::atomic<int> shed{0};
  ConnectionGuard guard(
      {.port = port, .limit_bytes = 1, .tick = absl::Milliseconds(5), .min_bytes = 10000},
      [&](int n) { shed += n; });
  SendAll(board.get(), 100);
  SendAll(flooder.get(), 30000);
  // The flooder's connection ends (recv gives 0 once the guard shut it down); 10 s at most.
  timeval ten_s{.tv_sec = 10, .tv_usec = 0};
  ASSERT_EQ(setsockopt(flooder.get(), SOL_SOCKET, SO_RCVTIMEO, &ten_s, sizeof(ten_s)), 0);
  char byte;
  EXPECT_EQ(recv(flooder.get(), &byte, 1, 0), 0);
  guard.Stop();
  EXPECT_GE(shed.load(), 1);
  // The board's is still open: nothing to read, and no end.
  EXPECT_EQ(recv(board.get(), &byte, 1, MSG_DONTWAIT), -1);
  EXPECT_EQ(errno, EAGAIN);
}

}  // namespace
}  // namespace loket::api
