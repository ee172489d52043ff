// Delivers messages to the SMS/WhatsApp gateway: one HTTP POST of a small JSON document per
// message,
//   {"id": "loket-<notification_id>", "to": "+62...", "name": ..., "text": <body>, "urgent": bool}
// with the header `Idempotency-Key: loket-notification-<notification_id>`, on which the gateway
// dedupes repeats.
//
// Holds only its configuration; each Send uses its own libcurl handle (and connection), so Send is
// safe from several threads at once.
#ifndef LOKET_WORKERS_NOTIFY_WEBHOOK_CHANNEL_H_
#define LOKET_WORKERS_NOTIFY_WEBHOOK_CHANNEL_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "workers/notify/channel.h"

namespace loket::notify {

class WebhookChannel final : public Channel {
 public:
  // `url`: http:// or https://; `bearer_token`: sent as `Authorization: Bearer ...` unless empty;
  // `timeout`: for the whole request, connecting included.
  WebhookChannel(std::string url, std::string bearer_token, absl::Duration timeout);

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
};

}  // namespace loket::notify

#endif  // LOKET_WORKERS_NOTIFY_WEBHOOK_CHANNEL_H_
