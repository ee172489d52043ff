// A way of delivering one rendered message to one address: the SMS/WhatsApp gateway (webhook),
// e-mail (SMTP) or, for development, files. The notifier delivers at least once (a task whose
// worker dies is leased again), so every channel hands the receiving end a key derived from
// notification_id that it dedupes on; at-least-once delivery plus that key gives an exactly-once
// effect.
//
// Implementations are safe to call from several threads at once.
#ifndef LOKET_WORKERS_NOTIFY_CHANNEL_H_
#define LOKET_WORKERS_NOTIFY_CHANNEL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace loket::notify {

struct OutgoingMessage {
  int64_t notification_id = 0;  // > 0; the idempotency key towards the receiver
  std::string address;          // "+628..." for the gateway, local@domain for e-mail
  std::string recipient_name;
  std::string subject;
  std::string body;
  bool urgent = false;
};

struct DeliveryReceipt {
  std::string provider_message_id;  // what the receiver calls the message, if it said
  std::string detail;               // a short human-readable note ("HTTP 200", "250 OK")
};

class Channel {
 public:
  virtual ~Channel() = default;

  // "webhook", "email" or "file": the channel names of NotifySend.channel and of the metrics.
  virtual std::string_view name() const = 0;

  // Delivers `m` once more; a message delivered before is delivered again and the receiver
  // dedupes it. The error code says what the caller should do:
  // UNAVAILABLE (retry later): connection failure, timeout, HTTP 5xx or 429, SMTP 4xx.
  // INVALID_ARGUMENT / FAILED_PRECONDITION (permanent): HTTP 4xx other than 408/429, SMTP 5xx,
  // bad address.
  virtual absl::StatusOr<DeliveryReceipt> Send(const OutgoingMessage& m) = 0;
};

}  // namespace loket::notify

#endif  // LOKET_WORKERS_NOTIFY_CHANNEL_H_
