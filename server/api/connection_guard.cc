#include "server/api/connection_guard.h"

#include <dirent.h>
#include <linux/tcp.h>  // struct tcp_info with tcpi_bytes_received (glibc's lacks it)
#include <malloc.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace loket::api {
namespace {

int64_t ResidentBytes() {
  long pages = 0, resident = 0;  // NOLINT(runtime/int): the fscanf format's type
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  int n = std::fscanf(f, "%ld %ld", &pages, &resident);
  std::fclose(f);
  return n == 2 ? int64_t{resident} * sysconf(_SC_PAGESIZE) : 0;
}

// What the heap holds for live allocations: RSS also counts pages freed and not yet handed back.
int64_t HeapInUse() {
  struct mallinfo2 m = mallinfo2();
  return static_cast<int64_t>(m.uordblks + m.hblkhd);
}

int LocalPort(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
  return -1;
}

}  // namespace

std::vector<ConnectionSample> SampleConnections(int port) {
  std::vector<ConnectionSample> out;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return out;
  const int own = dirfd(dir);
  while (dirent* e = readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(e->d_name, &end, 10);  // NOLINT(runtime/int)
    if (end == e->d_name || *end != '\0' || fd == own) continue;
    struct stat st;
    if (fstat(static_cast<int>(fd), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    sockaddr_storage local{}, peer{};
    socklen_t len = sizeof(local);
    if (getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&local), &len) != 0 ||
        LocalPort(local) != port) {
      continue;
    }
    len = sizeof(peer);  // the listening socket has no peer
    if (getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    tcp_info info{};
    len = sizeof(info);
    if (getsockopt(static_cast<int>(fd), IPPROTO_TCP, TCP_INFO, &info, &len) != 0) continue;
    out.push_back({static_cast<int>(fd), static_cast<uint64_t>(st.st_ino),
                   static_cast<uint64_t>(info.tcpi_bytes_received)});
  }
  closedir(dir);
  return out;
}

std::vector<ConnectionSample> PickConnectionsToShed(
    const std::vector<ConnectionSample>& now, const absl::flat_hash_map<uint64_t, uint64_t>& before,
    int64_t excess, uint64_t min_bytes) {
  std::vector<std::pair<uint64_t, const ConnectionSample*>> recent;  // bytes since `before`
  for (const ConnectionSample& c : now) {
    auto it = before.find(c.inode);
    uint64_t then = it == before.end() ? 0 : std::min(it->second, c.bytes_received);
    if (c.bytes_received - then >= std::max<uint64_t>(min_bytes, 1)) {
      recent.emplace_back(c.bytes_received - then, &c);
    }
  }
  std::sort(recent.begin(), recent.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second->fd < b.second->fd;
  });
  std::vector<ConnectionSample> picked;
  int64_t covered = 0;
  for (const auto& [bytes, c] : recent) {
    if (!picked.empty() && covered >= excess) break;
    picked.push_back(*c);
    covered += static_cast<int64_t>(bytes);
  }
  return picked;
}

ConnectionGuard::ConnectionGuard(Options options, std::function<void(int)> on_shed)
    : options_(options), on_shed_(std::move(on_shed)) {
  if (options_.limit_bytes > 0) thread_ = std::thread([this] { Run(); });
}

ConnectionGuard::~ConnectionGuard() { Stop(); }

void ConnectionGuard::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void ConnectionGuard::Run() {
  const int64_t limit = options_.limit_bytes;
  absl::flat_hash_map<uint64_t, uint64_t> before;  // inode -> bytes received at the last look
  absl::Time last_trim = absl::InfinitePast();
  absl::Time last_log = absl::InfinitePast();
  int closed_unlogged = 0;  // a flood is logged once every 10 s, not at every tick
  int64_t heap_when_closed = 0;
  while (!stop_.WaitForNotificationWithTimeout(options_.tick)) {
    if (closed_unlogged > 0 && absl::Now() - last_log > absl::Seconds(10)) {
      log::Warn(absl::StrCat("memory guard: heap ", heap_when_closed >> 20,
                             " MB over the limit of ", limit >> 20, " MB; closed ", closed_unlogged,
                             " connection(s) that sent the most"),
                {{"heap_mb", absl::StrCat(heap_when_closed >> 20)},
                 {"closed", absl::StrCat(closed_unlogged)}});
      closed_unlogged = 0;
      last_log = absl::Now();
    }
    // Reading RSS is cheap; the connections are looked at only once memory is half way up, so
    // that a flood meets a recent look to measure its connections against.
    int64_t rss = ResidentBytes();
    if (rss < limit / 2) {
      before.clear();
      continue;
    }
    std::vector<ConnectionSample> now = SampleConnections(options_.port);
    if (rss > limit) {
      int64_t used = HeapInUse();
      if (used > limit) {
        int closed = 0;
        for (const ConnectionSample& c :
             PickConnectionsToShed(now, before, used - limit, options_.min_bytes)) {
          // Only if the fd is still that connection: gRPC may have closed it since the look, and
          // the number gone to another socket (a database connection, a new client).
          struct stat st;
          if (fstat(c.fd, &st) != 0 || static_cast<uint64_t>(st.st_ino) != c.inode) continue;
          if (shutdown(c.fd, SHUT_RDWR) == 0) ++closed;
        }
        if (closed > 0) {
          on_shed_(closed);
          closed_unlogged += closed;
          heap_when_closed = used;
        }
      } else if (absl::Now() - last_trim > absl::Seconds(1)) {
        malloc_trim(0);  // freed pages make RSS look fuller than the heap is
        last_trim = absl::Now();
      }
    }
    before.clear();
    for (const ConnectionSample& c : now) before[c.inode] = c.bytes_received;
  }
}

}  // namespace loket::api
