// Delivers messages by e-mail through an SMTP server (libcurl's SMTP client): one plain-text UTF-8
// message per Send, with `Message-ID: <loket-notification-<notification_id>@loket.invalid>`, on
// which the receiving end dedupes repeats.
//
// Holds only its configuration and a Clock (for the Date header); each Send uses its own libcurl
// handle and connection, so Send is safe from several threads at once.
#ifndef LOKET_WORKERS_NOTIFY_SMTP_CHANNEL_H_
#define LOKET_WORKERS_NOTIFY_SMTP_CHANNEL_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "workers/notify/channel.h"

namespace loket::notify {

class SmtpChannel final : public Channel {
 public:
  // `smtp_url`: smtp://host:port (plain) or smtps://host:port (TLS), credentials in the URL if the
  // server wants them. `from`: "noreply@example.go.id" or "DPMPTSP Kota Balikpapan
  // <noreply@example.go.id>". `timeout`: for the whole SMTP session. `clock` must outlive this.
  SmtpChannel(std::string smtp_url, std::string from, absl::Duration timeout,
              const Clock* clock = SystemClock::Get());

  std::string_view name() const override { return "email"; }

  // On the server's 250 for the message returns a receipt whose provider_message_id is the
  // Message-ID and whose detail is the server's last reply ("250 OK: queued as ..."). Errors:
  // INVALID_ARGUMENT: notification_id not positive or address not local@domain.tld;
  // FAILED_PRECONDITION: `from` not an address, a malformed URL, an SMTP 5xx (the server refuses
  //   the message or the recipient for good);
  // UNAVAILABLE: no connection, timeout, an SMTP 4xx (greylisting, a full queue).
  absl::StatusOr<DeliveryReceipt> Send(const OutgoingMessage& m) override;

 private:
  const std::string smtp_url_;
  const std::string from_;
  const absl::Duration timeout_;
  const Clock* const clock_;
};

// The RFC 5322 message Send uploads for `m`, lines ending in CRLF (dot-stuffing is left to
// libcurl). Non-ASCII in Subject and display names is RFC 2047 encoded (=?UTF-8?B?...?=); header
// values lose any control characters; the body goes as 8bit UTF-8, or as base64 should a line
// exceed SMTP's 998-byte limit. Returns the errors of Send for bad addresses.
absl::StatusOr<std::string> FormatMailMessage(const OutgoingMessage& m, std::string_view from,
                                              absl::Time date);

// Whether `address` is a plain local@domain.tld address (ASCII, at most 254 characters, no
// quoting, no comments); what Send accepts as a recipient.
bool IsMailAddress(std::string_view address);

}  // namespace loket::notify

#endif  // LOKET_WORKERS_NOTIFY_SMTP_CHANNEL_H_
