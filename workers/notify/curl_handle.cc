#include "workers/notify/curl_handle.h"

#include <algorithm>
#include <cstdint>
#include <mutex>

#include "absl/strings/str_format.h"
#include "common/status_macros.h"

namespace loket::notify {
namespace {

// curl_global_init is not thread-safe with respect to other libcurl calls, and every Send may run
// on a different thread, so it runs exactly once before the first handle exists. It is never
// undone: the channels live as long as the process.
absl::Status GlobalInitOnce() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (result != CURLE_OK) {
    return absl::InternalError(absl::StrFormat("curl_global_init: %s", curl_easy_strerror(result)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CurlHandle> CurlHandle::Create() {
  LOKET_RETURN_IF_ERROR(GlobalInitOnce());
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return absl::InternalError("curl_easy_init failed");
  return CurlHandle(curl);
}

CurlHandle::CurlHandle(CURL* curl) : curl_(curl) {}

CurlHandle::CurlHandle(CurlHandle&& other) noexcept
    : curl_(other.curl_), headers_(other.headers_), recipients_(other.recipients_) {
  other.curl_ = nullptr;
  other.headers_ = nullptr;
  other.recipients_ = nullptr;
  // CURLOPT_ERRORBUFFER points into the object; a moved handle is not configured yet, so there is
  // nothing to repoint.
}

CurlHandle::~CurlHandle() {
  if (curl_ != nullptr) curl_easy_cleanup(curl_);
  curl_slist_free_all(headers_);
  curl_slist_free_all(recipients_);
}

CURL* CurlHandle::Release() {
  CURL* out = curl_;
  if (out != nullptr) curl_easy_reset(out);  // before the lists it points to are freed
  curl_slist_free_all(headers_);
  curl_slist_free_all(recipients_);
  curl_ = nullptr;
  headers_ = nullptr;
  recipients_ = nullptr;
  return out;
}

void CurlHandle::AddHeader(const std::string& line) {
  headers_ = curl_slist_append(headers_, line.c_str());
}

void CurlHandle::AddRecipient(const std::string& address) {
  recipients_ = curl_slist_append(recipients_, address.c_str());
}

void CurlHandle::SetCommonOptions(const char* protocols, absl::Duration timeout) {
  const long ms = static_cast<long>(std::max<int64_t>(1, absl::ToInt64Milliseconds(timeout)));
  curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, protocols);
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, ms);
  curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, ms);
  // Without this, libcurl uses SIGALRM for DNS timeouts, which is not safe with threads.
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error_);
  error_[0] = '\0';
}

absl::Status CurlHandle::Perform(std::string_view what) {
  if (headers_ != nullptr) curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
  if (recipients_ != nullptr) curl_easy_setopt(curl_, CURLOPT_MAIL_RCPT, recipients_);
  const CURLcode rc = curl_easy_perform(curl_);
  if (rc == CURLE_OK) return absl::OkStatus();
  const std::string message =
      absl::StrFormat("%s: %s (%s)", what, curl_easy_strerror(rc), error_[0] ? error_ : "-");
  switch (rc) {
    // Configuration the operator must fix; retrying the same message cannot help.
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_LOGIN_DENIED:
      return absl::FailedPreconditionError(message);
    default:
      // Connection refused, timeouts, resets, DNS and TLS trouble: the receiver or the network
      // may be back later, and the task queue bounds the retries.
      return absl::UnavailableError(message);
  }
}

std::string HeaderSafe(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace loket::notify
