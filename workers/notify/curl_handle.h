// One libcurl easy handle for one transfer, with what the channels need around it: the process-wide
// curl_global_init (done once, on first use), the header and recipient lists it owns, and the
// mapping of transport failures to status codes.
//
// A CurlHandle belongs to one thread at a time; the channels make one per Send, so channels are
// safe from several threads without sharing a handle.
#ifndef LOKET_WORKERS_NOTIFY_CURL_HANDLE_H_
#define LOKET_WORKERS_NOTIFY_CURL_HANDLE_H_

#include <curl/curl.h>

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace loket::notify {

class CurlHandle {
 public:
  // Returns InternalError when libcurl cannot initialise (out of memory).
  static absl::StatusOr<CurlHandle> Create();
  // Wraps a handle given back by Release(): its open connections are reused.
  static CurlHandle Adopt(CURL* curl) { return CurlHandle(curl); }

  // Resets every option (keeping the handle's connection cache), frees the lists and hands the
  // easy handle over to the caller, who must Adopt it again or curl_easy_cleanup it.
  CURL* Release();

  CurlHandle(CurlHandle&& other) noexcept;
  CurlHandle& operator=(CurlHandle&&) = delete;
  CurlHandle(const CurlHandle&) = delete;
  ~CurlHandle();

  CURL* get() const { return curl_; }

  // Appends to the list given as CURLOPT_HTTPHEADER or CURLOPT_MAIL_RCPT (owned here, freed with
  // the handle).
  void AddHeader(const std::string& line);
  void AddRecipient(const std::string& address);

  // Options every transfer of ours shares: `protocols` only ("http,https"), the whole transfer
  // within `timeout`, no signals (required with threads), no redirects, errors into an internal
  // buffer.
  void SetCommonOptions(const char* protocols, absl::Duration timeout);

  // Runs the transfer. OK when libcurl reported success; otherwise UNAVAILABLE, except for errors
  // no retry can fix (a malformed URL, a protocol libcurl lacks, rejected credentials), which are
  // FAILED_PRECONDITION. The message starts with `what` ("webhook", "smtp").
  absl::Status Perform(std::string_view what);

 private:
  explicit CurlHandle(CURL* curl);

  CURL* curl_;
  curl_slist* headers_ = nullptr;
  curl_slist* recipients_ = nullptr;
  char error_[CURL_ERROR_SIZE] = {};
};

// Removes CR, LF and other control characters, so a value cannot end a header line early and
// smuggle in one of its own.
std::string HeaderSafe(std::string_view value);

}  // namespace loket::notify

#endif  // LOKET_WORKERS_NOTIFY_CURL_HANDLE_H_
