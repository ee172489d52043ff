#include "workers/notify/webhook_channel.h"

#include <curl/curl.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "workers/notify/curl_handle.h"
#include "workers/notify/json_text.h"

namespace loket::notify {
namespace {

// The gateway's answer is read for its message_id only; a huge body is a misbehaving gateway, and
// keeping all of it would only cost memory.
constexpr size_t kMaxResponseBytes = 64 * 1024;

size_t CollectResponse(char* data, size_t size, size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  const size_t n = size * count;
  if (out->size() < kMaxResponseBytes)
    out->append(data, std::min(n, kMaxResponseBytes - out->size()));
  return n;
}

bool IsE164(std::string_view address) {
  if (address.size() < 9 || address.size() > 16 || address[0] != '+' || address[1] == '0') {
    return false;
  }
  for (char c : address.substr(1)) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The start of an error body, on one line, for the status message (and so for the case's delivery
// record): enough to see what the gateway complained about.
std::string Excerpt(std::string_view body) {
  std::string out = PrintableExcerpt(body, 200);
  return out.empty() ? "empty body" : out;
}

absl::Status HttpError(long status, std::string_view body) {
  const std::string message = absl::StrFormat("webhook: HTTP %d: %s", status, Excerpt(body));
  if (status >= 500 || status == 408 || status == 409 || status == 425 || status == 429) {
    return absl::UnavailableError(message);
  }
  if (status == 400 || status == 413 || status == 414 || status == 415 || status == 422) {
    return absl::InvalidArgumentError(message);
  }
  return absl::FailedPreconditionError(message);
}

}  // namespace

WebhookChannel::WebhookChannel(std::string url, std::string bearer_token, absl::Duration timeout)
    : url_(std::move(url)), bearer_token_(std::move(bearer_token)), timeout_(timeout) {}

WebhookChannel::~WebhookChannel() {
  absl::MutexLock lock(&mu_);
  for (CURL* c : idle_) curl_easy_cleanup(c);
}

absl::StatusOr<DeliveryReceipt> WebhookChannel::Send(const OutgoingMessage& m) {
  if (m.notification_id <= 0) {
    return absl::InvalidArgumentError("notification_id: must be positive");
  }
  // The address itself stays out of the message: statuses end up in logs and on the case.
  if (!IsE164(m.address)) {
    return absl::InvalidArgumentError("address: not an E.164 phone number (+ and 8 to 15 digits)");
  }
  const std::string payload = absl::StrFormat(
      R"({"id": %s, "to": %s, "name": %s, "text": %s, "urgent": %s})",
      JsonQuote(absl::StrFormat("loket-%d", m.notification_id)), JsonQuote(m.address),
      JsonQuote(m.recipient_name), JsonQuote(m.body), m.urgent ? "true" : "false");

  CURL* idle = nullptr;
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      idle = idle_.back();
      idle_.pop_back();
    }
  }
  LOKET_ASSIGN_OR_RETURN(
      CurlHandle handle,
      idle != nullptr ? absl::StatusOr<CurlHandle>(CurlHandle::Adopt(idle)) : CurlHandle::Create());
  CurlHandle& h = handle;
  // The handle (and the connection it keeps alive) goes back to the pool however Send ends; a
  // connection the gateway closed is noticed and replaced by libcurl on the next use.
  struct GiveBack {
    WebhookChannel* channel;
    CurlHandle& handle;
    ~GiveBack() {
      CURL* c = handle.Release();
      absl::MutexLock lock(&channel->mu_);
      if (channel->idle_.size() < kMaxIdleHandles) {
        channel->idle_.push_back(c);
      } else {
        curl_easy_cleanup(c);
      }
    }
  } give_back{this, h};
  h.SetCommonOptions("http,https", timeout_);
  std::string response;
  curl_easy_setopt(h.get(), CURLOPT_URL, url_.c_str());
  curl_easy_setopt(h.get(), CURLOPT_POST, 1L);
  curl_easy_setopt(h.get(), CURLOPT_POSTFIELDS, payload.data());
  curl_easy_setopt(h.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
  curl_easy_setopt(h.get(), CURLOPT_WRITEFUNCTION, &CollectResponse);
  curl_easy_setopt(h.get(), CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(h.get(), CURLOPT_USERAGENT, "loket-notifier");
  h.AddHeader("Content-Type: application/json");  // JSON is UTF-8 by definition
  h.AddHeader("Accept: application/json");
  h.AddHeader(absl::StrFormat("Idempotency-Key: loket-notification-%d", m.notification_id));
  if (!bearer_token_.empty()) h.AddHeader("Authorization: Bearer " + HeaderSafe(bearer_token_));
  // libcurl would otherwise wait for "100 Continue" before larger bodies, which simple gateways
  // never send.
  h.AddHeader("Expect:");
  LOKET_RETURN_IF_ERROR(h.Perform("webhook"));

  long status = 0;
  curl_easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) return HttpError(status, response);
  DeliveryReceipt receipt;
  receipt.detail = absl::StrFormat("HTTP %d", status);
  std::optional<std::string> id = FindJsonMember(response, "message_id");
  receipt.provider_message_id = id && !id->empty() ? PrintableExcerpt(*id, 200) : receipt.detail;
  return receipt;
}

}  // namespace loket::notify
