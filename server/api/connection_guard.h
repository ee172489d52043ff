// The hard stop on what clients can make loketd buffer (issue 12; docs/operations.md, "Memory and
// thread limits"). gRPC 1.51's memory quota reclaims after the fact, one stream per pass, and its
// gentler passes (handing back a connection's read buffer) win the race against the pass that
// resets a stream: a flood of half-sent messages on 20 connections took loketd to 1.4 GB with a
// 32 MiB quota, memory growing with every byte sent. gRPC opens each stream's window to the
// message size the client declares, whatever --max_receive_kb says, so nothing else bounds it.
//
// ConnectionGuard watches loketd's memory every tick. When the heap in use passes the limit, it
// closes (shutdown(2)) the client connections that received the most bytes since the last look,
// until they account for the excess: gRPC then ends their streams and frees what they buffered.
// A client that was uploading at that moment sees UNAVAILABLE and retries; a display board or
// loket-web, receiving little, stays. Below the limit it only hands freed pages back
// (malloc_trim), at most once a second, so that RSS follows the heap.
#ifndef LOKET_SERVER_API_CONNECTION_GUARD_H_
#define LOKET_SERVER_API_CONNECTION_GUARD_H_

#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace loket::api {

// One accepted client connection of the listener, as the kernel counts it.
struct ConnectionSample {
  int fd = -1;
  uint64_t inode = 0;           // tells a reused fd number from the connection seen before
  uint64_t bytes_received = 0;  // TCP_INFO tcpi_bytes_received, since the connection began
};

// The accepted connections of this process's listener on `port`, from its open fds.
std::vector<ConnectionSample> SampleConnections(int port);

// The connections to close: those that received at least `min_bytes` since `before` (inode ->
// bytes received then; a connection not in it counts all it received), most first, until what
// they received covers `excess` bytes. A display board or loket-web, receiving little, is never
// picked, however far over the heap is.
std::vector<ConnectionSample> PickConnectionsToShed(
    const std::vector<ConnectionSample>& now, const absl::flat_hash_map<uint64_t, uint64_t>& before,
    int64_t excess, uint64_t min_bytes);

class ConnectionGuard {
 public:
  struct Options {
    int port = 0;             // the gRPC listener's port: only its accepted connections are closed
    int64_t limit_bytes = 0;  // heap in use past which connections are closed; 0: no guard
    absl::Duration tick = absl::Milliseconds(50);
    // What a connection must have received since the last look to be closed (a flood's
    // connections receive megabytes a look).
    uint64_t min_bytes = 256 << 10;
  };
  // Starts the watching thread (none when limit_bytes is 0). `on_shed` is called on it with the
  // number of connections closed.
  ConnectionGuard(Options options, std::function<void(int)> on_shed);
  ~ConnectionGuard();  // Stop()
  // Stops and joins the thread; idempotent. Called before the server closes its connections, so
  // that no fd number the server gives up is shut down after it is reused.
  void Stop();
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;

 private:
  void Run();

  Options options_;
  std::function<void(int)> on_shed_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_CONNECTION_GUARD_H_
