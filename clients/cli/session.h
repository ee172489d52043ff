// One connection to loketd and the rules every call follows (DESIGN.md section 3): a deadline, the
// bearer token and the terminal name as metadata, and retries of UNAVAILABLE and
// DEADLINE_EXCEEDED, and of a refusal that says how long to wait (loketd's pool when it is full:
// RESOURCE_EXHAUSTED with grpc-retry-pushback-ms). The caller builds each request once, so a retry
// carries the same request_id and the server answers it from its idempotency record. Used from
// one thread.
#ifndef LOKET_CLIENTS_CLI_SESSION_H_
#define LOKET_CLIENTS_CLI_SESSION_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace loket::cli {

// What the global flags say about the connection.
struct ConnectionOptions {
  std::string addr;      // host:port
  std::string token;     // empty: no authorization header (health, verify-permit)
  std::string terminal;  // x-loket-terminal: the desk recorded in the case history
  absl::Duration timeout = absl::Seconds(10);
  std::string tls_ca_file;  // any TLS file set: TLS; none: plaintext
  std::string tls_cert_file;
  std::string tls_key_file;
};

// Retries after the first attempt; with the back-off below they wait at most 3 s in all.
inline constexpr int kMaxRetries = 4;

// Wait before retry number `retry` (0-based): 0.2 s, 0.4 s, 0.8 s, ...
absl::Duration Backoff(int retry);
// The most a call waits in all for refusals that ask for a wait (AskedWait, common/grpc_status.h):
// a person at a terminal is told the refusal ("try again in N s") rather than kept waiting longer.
inline constexpr absl::Duration kMaxAskedWait = absl::Seconds(15);
// True for the codes a client may retry: the call may not have run, or ran and can be replayed by
// request_id.
bool IsRetryable(grpc::StatusCode code);
// The same, and also ABORTED "concurrent update; retry": loketd's answer to a serialization failure
// or a deadlock in PostgreSQL, which the same call (with the same request id) can simply repeat.
// Other ABORTED answers (a stale --etag) would fail again and are not retried.
bool IsRetryable(const grpc::Status& status);

class Session {
 public:
  // Opens a channel (it connects lazily, on the first call). Returns InvalidArgumentError when a
  // TLS file cannot be read or a client certificate comes without its key.
  static absl::StatusOr<std::unique_ptr<Session>> Open(ConnectionOptions options);

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  // Runs `rpc` with a fresh context per attempt until it returns a status that is not
  // retryable, or kMaxRetries retries have failed; waits Backoff(retry) before each retry, less
  // when a lost connection comes back sooner, or the wait a refusal asks for while the waits stay
  // within kMaxAskedWait. Returns the last status.
  grpc::Status Call(absl::FunctionRef<grpc::Status(grpc::ClientContext&)> rpc) const;

  // Puts the metadata on `ctx`, and the per-call deadline when `with_deadline` (a watch stream
  // has none: it lasts as long as the case moves).
  void Prepare(grpc::ClientContext& ctx, bool with_deadline) const;

 private:
  Session(ConnectionOptions options, std::shared_ptr<grpc::Channel> channel)
      : options_(std::move(options)), channel_(std::move(channel)) {}

  ConnectionOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace loket::cli

#endif  // LOKET_CLIENTS_CLI_SESSION_H_
