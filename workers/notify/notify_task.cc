#include "workers/notify/notify_task.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "workers/notify/templates.h"

namespace loket::notify {

absl::Status HandleNotify(const std::map<std::string, std::unique_ptr<Channel>>& channels,
                          const v1::Task& task, v1::CompleteTaskRequest* done) {
  v1::NotifySend n;
  if (!n.ParseFromString(task.payload())) {
    return absl::InvalidArgumentError("payload: not a NotifySend message");
  }
  auto it = channels.find(n.channel());
  if (it == channels.end()) {
    return absl::InvalidArgumentError(absl::StrCat("channel: unknown channel ", n.channel()));
  }
  std::map<std::string, std::string> params(n.params().begin(), n.params().end());
  auto rendered = RenderTemplate(n.template_id(), n.language(), params);
  if (!rendered.ok()) return absl::InvalidArgumentError(rendered.status().message());
  OutgoingMessage m{n.notification_id(), n.address(),    n.recipient_name(),
                    rendered->subject,   rendered->body, n.urgent()};
  LOKET_ASSIGN_OR_RETURN(auto receipt, it->second->Send(m));
  v1::NotifyResult* r = done->mutable_notify();
  r->set_delivered(true);
  r->set_channel(std::string(it->second->name()));
  r->set_provider_message_id(receipt.provider_message_id);
  r->set_detail(receipt.detail);
  return absl::OkStatus();
}

}  // namespace loket::notify
