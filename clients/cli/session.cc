#include "clients/cli/session.h"

#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/status_macros.h"

namespace loket::cli {
namespace {

absl::StatusOr<std::string> ReadTextFile(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("--", flag, ": cannot read ", path));
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> Credentials(const ConnectionOptions& o) {
  if (o.tls_ca_file.empty() && o.tls_cert_file.empty() && o.tls_key_file.empty()) {
    return grpc::InsecureChannelCredentials();
  }
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  grpc::SslCredentialsOptions ssl;
  if (!o.tls_ca_file.empty()) {  // else the system's roots
    LOKET_ASSIGN_OR_RETURN(std::string ca, ReadTextFile("tls-ca", o.tls_ca_file));
    ssl.pem_root_certs = std::move(ca);
  }
  if (!o.tls_cert_file.empty()) {
    LOKET_ASSIGN_OR_RETURN(std::string cert, ReadTextFile("tls-cert", o.tls_cert_file));
    LOKET_ASSIGN_OR_RETURN(std::string key, ReadTextFile("tls-key", o.tls_key_file));
    ssl.pem_cert_chain = std::move(cert);
    ssl.pem_private_key = std::move(key);
  }
  return grpc::SslCredentials(ssl);
}

}  // namespace

absl::Duration Backoff(int retry) { return absl::Milliseconds(200) * (1 << retry); }

bool IsRetryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED;
}

bool IsRetryable(const grpc::Status& status) {
  return IsRetryable(status.error_code()) ||
         (status.error_code() == grpc::StatusCode::ABORTED &&
          status.error_message().starts_with("concurrent update; retry"));
}

absl::StatusOr<std::unique_ptr<Session>> Session::Open(ConnectionOptions options) {
  LOKET_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> creds, Credentials(options));
  grpc::ChannelArguments args;
  // gRPC waits 1 s and more before reconnecting after a refused connection; our retries come
  // sooner (back-off from 0.2 s), and a server restarting should be found within them.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  std::shared_ptr<grpc::Channel> channel = grpc::CreateCustomChannel(options.addr, creds, args);
  return std::unique_ptr<Session>(new Session(std::move(options), std::move(channel)));
}

void Session::Prepare(grpc::ClientContext& ctx, bool with_deadline) const {
  if (with_deadline) ctx.set_deadline(absl::ToChronoTime(absl::Now() + options_.timeout));
  if (!options_.token.empty()) ctx.AddMetadata("authorization", "Bearer " + options_.token);
  if (!options_.terminal.empty()) ctx.AddMetadata("x-loket-terminal", options_.terminal);
}

grpc::Status Session::Call(absl::FunctionRef<grpc::Status(grpc::ClientContext&)> rpc) const {
  absl::Duration asked_in_all;
  for (int retry = 0;; ++retry) {
    grpc::ClientContext ctx;  // a context serves one call only
    Prepare(ctx, /*with_deadline=*/true);
    grpc::Status status = rpc(ctx);
    if (retry == kMaxRetries) return status;
    if (std::optional<absl::Duration> wait = AskedWait(status, ctx)) {
      // loketd is full and says when to come back: the same request (same request_id) then.
      asked_in_all += *wait;
      if (asked_in_all > kMaxAskedWait) return status;
      absl::SleepFor(*wait);
      continue;
    }
    if (!IsRetryable(status)) return status;
    const absl::Time next = absl::Now() + Backoff(retry);
    if (channel_->GetState(/*try_to_connect=*/false) != GRPC_CHANNEL_READY) {
      // No connection: ask the channel to reconnect (left alone, it keeps failing calls at once
      // even after the server is back) and retry as soon as it has, within the back-off.
      if (channel_->WaitForConnected(absl::ToChronoTime(next))) continue;
    }
    absl::SleepFor(next - absl::Now());
  }
}

}  // namespace loket::cli
