// loket-notifier: leases notify.send tasks, renders the message, sends it by its channel and
// reports the outcome. Flags -> channels -> TaskLoop; SIGTERM drains.
#include <map>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "common/grpc_log.h"
#include "common/log.h"
#include "workers/notify/bounded_channel.h"
#include "workers/notify/channel.h"
#include "workers/notify/file_channel.h"
#include "workers/notify/notify_task.h"
#include "workers/notify/smtp_channel.h"
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
ABSL_FLAG(int, channel_concurrency, 32,
          "deliveries in flight at once per channel (webhook, email), whatever is leased");

using loket::notify::Channel;

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("loket-notifier: delivers Loket notifications (notify.send tasks)");
  absl::ParseCommandLine(argc, argv);
  loket::log::SetProcessName("loket-notifier");
  loket::log::RouteGrpcLogs();
  loket::workers::BlockStopSignals();
  absl::StatusOr<loket::workers::WorkerOptions> o =
      loket::workers::WorkerOptionsFromFlags("notify.send", /*default_concurrency=*/4,
                                             /*default_lease_batch=*/32);
  if (!o.ok()) {
    loket::log::Error(std::string(o.status().message()));
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
        return loket::notify::HandleNotify(channels, t, done);
      });
  loket::log::Info(
      absl::StrCat("polling ", o->queue, " on ", o->addr, " (", o->concurrency, " loops x ",
                   o->lease_batch, " tasks, ", bound, " sends per channel)"),
      {{"queue", o->queue},
       {"addr", o->addr},
       {"loops", absl::StrCat(o->concurrency)},
       {"lease_batch", absl::StrCat(o->lease_batch)},
       {"channel_sends", absl::StrCat(bound)}});
  return loket::workers::RunUntilStopSignal(loop, "loket-notifier");
}
