// Delivers messages to the SMS/WhatsApp gateway: one HTTP POST of a small JSON document per
// message,
//   {"id": "loket-<notification_id>", "to": "+62...", "name": ..., "text": <body>, "urgent": bool}
// with the header `Idempotency-Key: loket-notification-<notification_id>`, on which the gateway
// dedupes repeats.
//
// Send is safe from several threads at once: each Send uses its own libcurl handle, taken from a
// pool of idle handles (at most kMaxIdleHandles), so connections to the gateway are kept alive and
// reused by later Sends instead of opened for every message.
#ifndef LOKET_WORKERS_NOTIFY_WEBHOOK_CHANNEL_H_
#define LOKET_WORKERS_NOTIFY_WEBHOOK_CHANNEL_H_

#include <curl/curl.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "workers/notify/channel.h"

namespace loket::notify {

class WebhookChannel final : public Channel {
 public:
  // `url`: http:// or https://; `bearer_token`: sent as `Authorization: Bearer ...` unless empty;
  // `timeout`: for the whole request, connecting included.
  WebhookChannel(std::string url, std::string bearer_token, absl::Duration timeout);
  ~WebhookChannel() override;
  WebhookChannel(const WebhookChannel&) = delete;
  WebhookChannel& operator=(const WebhookChannel&) = delete;

  static constexpr size_t kMaxIdleHandles = 64;

  std::string_view name() const override { return "webhook"; }

  // On a 2xx answer returns a receipt whose provider_message_id is the answer's "message_id" (or
  // "HTTP <status>" when it has none). Errors:
  // INVALID_ARGUMENT: notification_id not positive, address not an E.164 number (+ and 8 to 15
  //   digits), or the gateway answered 400, 413, 414, 415 or 422 (it will never take this message);
  // FAILED_PRECONDITION: any other 3xx/4xx (wrong URL or token: the operator must act), a
  //   malformed URL;
  // UNAVAILABLE: no connection, timeout, 5xx, 408, 425, 429, and 409 (the Idempotency-Key draft
  //   answers 409 while a request with the same key is still in progress).
  absl::StatusOr<DeliveryReceipt> Send(const OutgoingMessage& m) override;

 private:
  const std::string url_;
  const std::string bearer_token_;
  const absl::Duration timeout_;
  absl::Mutex mu_;
  std::vector<CURL*> idle_ ABSL_GUARDED_BY(mu_);  // handles with their kept-alive connections
};

}  // namespace loket::notify

#endif  // LOKET_WORKERS_NOTIFY_WEBHOOK_CHANNEL_H_
