// loket-notifier: leases notify.send tasks, renders the message, sends it by its channel and
// reports the outcome. Flags -> channels -> TaskLoop; SIGTERM drains.
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "loket/v1/task.pb.h"
#include "workers/notify/bounded_channel.h"
#include "workers/notify/channel.h"
#include "workers/notify/file_channel.h"
#include "workers/notify/smtp_channel.h"
#include "workers/notify/templates.h"
#include "workers/notify/webhook_channel.h"
#include "workers/runtime/task_loop.h"
#include "workers/runtime/worker_main.h"

ABSL_FLAG(std::string, webhook_url, "",
          "SMS/WhatsApp gateway endpoint (HTTP POST JSON); empty: write to --outbox_dir");
ABSL_FLAG(std::string, webhook_token, "", "bearer token for the gateway");
ABSL_FLAG(std::string, smtp_url, "", "SMTP server, e.g. smtp://127.0.0.1:25; empty: --outbox_dir");
ABSL_FLAG(std::string, smtp_from, "DPMPTSP Kota Balikpapan <noreply@dpmptsp.balikpapan.invalid>",
          "From: of e-mails");
ABSL_FLAG(std::string, outbox_dir, "var/outbox", "file channel directory (development)");
ABSL_FLAG(int, channel_timeout_seconds, 10, "timeout of one delivery attempt");
ABSL_FLAG(int, channel_concurrency, 16,
          "deliveries in flight at once per channel (webhook, email), whatever is leased");

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
  loket::workers::BlockStopSignals();
  absl::StatusOr<loket::workers::WorkerOptions> o =
      loket::workers::WorkerOptionsFromFlags("notify.send", /*default_concurrency=*/4,
                                             /*default_lease_batch=*/32);
  if (!o.ok()) {
    std::fprintf(stderr, "loket-notifier: %s\n", std::string(o.status().message()).c_str());
    return 2;
  }

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

  // Each loop holds up to --lease_batch tasks (distinct recipients) and sends them at once; the
  // channel bound keeps the gateway, the SMTP server and the disk to a fixed number at a time.
  const int bound = absl::GetFlag(FLAGS_channel_concurrency);
  for (auto& [name, channel] : channels) {
    channel = std::make_unique<loket::notify::BoundedChannel>(std::move(channel), bound);
  }

  loket::workers::TaskLoop loop(
      *o, [&channels](const loket::v1::Task& t, loket::v1::CompleteTaskRequest* done) {
        return HandleNotify(channels, t, done);
      });
  std::fprintf(stderr,
               "loket-notifier: polling %s on %s (%d loops x %d tasks, %d sends per channel)\n",
               o->queue.c_str(), o->addr.c_str(), o->concurrency, o->lease_batch, bound);
  loket::workers::RunUntilStopSignal(loop, "loket-notifier");
  return 0;
}
