// loket-notifier: leases notify.send tasks, renders the message, sends it by its channel and
// reports the outcome. Flags -> channels -> TaskLoop; SIGTERM drains.
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "loket/v1/task.pb.h"
#include "workers/notify/channel.h"
#include "workers/notify/file_channel.h"
#include "workers/notify/smtp_channel.h"
#include "workers/notify/templates.h"
#include "workers/notify/webhook_channel.h"
#include "workers/runtime/task_loop.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:7400", "loketd address");
ABSL_FLAG(std::string, token, "", "bearer token of a worker principal (or env LOKET_TOKEN)");
ABSL_FLAG(std::string, tls_ca, "", "CA of loketd's certificate (PEM); TLS when set");
ABSL_FLAG(std::string, tls_cert, "", "client certificate (PEM) for mTLS");
ABSL_FLAG(std::string, tls_key, "", "client key (PEM) for mTLS");
ABSL_FLAG(int, concurrency, 4, "tasks handled at once");
ABSL_FLAG(int, lease_seconds, 30, "lease per task; heartbeats renew it");
ABSL_FLAG(std::string, webhook_url, "",
          "SMS/WhatsApp gateway endpoint (HTTP POST JSON); empty: write to --outbox_dir");
ABSL_FLAG(std::string, webhook_token, "", "bearer token for the gateway");
ABSL_FLAG(std::string, smtp_url, "", "SMTP server, e.g. smtp://127.0.0.1:25; empty: --outbox_dir");
ABSL_FLAG(std::string, smtp_from, "DPMPTSP Kota Balikpapan <noreply@dpmptsp.balikpapan.invalid>",
          "From: of e-mails");
ABSL_FLAG(std::string, outbox_dir, "var/outbox", "file channel directory (development)");
ABSL_FLAG(int, channel_timeout_seconds, 10, "timeout of one delivery attempt");

namespace {

using loket::notify::Channel;

// Renders and sends one notify.send task. Permanent problems (unknown template, bad address, a
// gateway that refuses the message) fail the task at once; outages are retried by loketd.
absl::Status HandleNotify(const std::map<std::string, std::unique_ptr<Channel>>& channels,
                          const loket::v1::Task& task, loket::v1::CompleteTaskRequest* done) {
  loket::v1::NotifySend n;
  if (!n.ParseFromString(task.payload())) {
    return absl::InvalidArgumentError("payload: not a NotifySend message");
  }
  auto it = channels.find(n.channel());
  if (it == channels.end()) {
    return absl::InvalidArgumentError(absl::StrCat("channel: unknown channel ", n.channel()));
  }
  std::map<std::string, std::string> params(n.params().begin(), n.params().end());
  auto rendered = loket::notify::RenderTemplate(n.template_id(), n.language(), params);
  if (!rendered.ok()) return absl::InvalidArgumentError(rendered.status().message());
  loket::notify::OutgoingMessage m{n.notification_id(), n.address(),    n.recipient_name(),
                                   rendered->subject,   rendered->body, n.urgent()};
  auto receipt = it->second->Send(m);
  if (!receipt.ok()) return receipt.status();
  loket::v1::NotifyResult* r = done->mutable_notify();
  r->set_delivered(true);
  r->set_channel(std::string(it->second->name()));
  r->set_provider_message_id(receipt->provider_message_id);
  r->set_detail(receipt->detail);
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("loket-notifier: delivers Loket notifications (notify.send tasks)");
  absl::ParseCommandLine(argc, argv);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  loket::workers::WorkerOptions o;
  o.addr = absl::GetFlag(FLAGS_addr);
  o.token = absl::GetFlag(FLAGS_token);
  if (o.token.empty() && std::getenv("LOKET_TOKEN") != nullptr)
    o.token = std::getenv("LOKET_TOKEN");
  if (o.token.empty()) {
    std::fprintf(stderr, "loket-notifier: --token (or LOKET_TOKEN) is required\n");
    return 2;
  }
  o.tls_ca = absl::GetFlag(FLAGS_tls_ca);
  o.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  o.tls_key = absl::GetFlag(FLAGS_tls_key);
  o.queue = "notify.send";
  o.concurrency = absl::GetFlag(FLAGS_concurrency);
  o.lease_seconds = absl::GetFlag(FLAGS_lease_seconds);

  absl::Duration timeout = absl::Seconds(absl::GetFlag(FLAGS_channel_timeout_seconds));
  std::map<std::string, std::unique_ptr<Channel>> channels;
  std::string outbox = absl::GetFlag(FLAGS_outbox_dir);
  if (absl::GetFlag(FLAGS_webhook_url).empty()) {
    channels["webhook"] = std::make_unique<loket::notify::FileChannel>(outbox + "/webhook");
  } else {
    channels["webhook"] = std::make_unique<loket::notify::WebhookChannel>(
        absl::GetFlag(FLAGS_webhook_url), absl::GetFlag(FLAGS_webhook_token), timeout);
  }
  if (absl::GetFlag(FLAGS_smtp_url).empty()) {
    channels["email"] = std::make_unique<loket::notify::FileChannel>(outbox + "/email");
  } else {
    channels["email"] = std::make_unique<loket::notify::SmtpChannel>(
        absl::GetFlag(FLAGS_smtp_url), absl::GetFlag(FLAGS_smtp_from), timeout);
  }

  loket::workers::TaskLoop loop(
      o, [&channels](const loket::v1::Task& t, loket::v1::CompleteTaskRequest* done) {
        return HandleNotify(channels, t, done);
      });
  std::thread signals([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::fprintf(stderr, "loket-notifier: signal %d, finishing the tasks in hand\n", sig);
    loop.Stop();
  });
  std::fprintf(stderr, "loket-notifier: polling %s on %s\n", o.queue.c_str(), o.addr.c_str());
  loop.Run();
  std::fprintf(stderr, "loket-notifier: stopped (%lld delivered, %lld failed)\n",
               static_cast<long long>(loop.counters().completed.load()),
               static_cast<long long>(loop.counters().failed.load()));
  // The signal thread is still waiting if Run() ended by itself; it never does without Stop().
  signals.join();
  return 0;
}
