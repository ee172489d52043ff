#include "workers/notify/smtp_channel.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "common/status_macros.h"
#include "workers/notify/curl_handle.h"
#include "workers/notify/json_text.h"

namespace loket::notify {
namespace {

// SMTP's hard limit on a line, CRLF excluded (RFC 5321 section 4.5.3.1.6).
constexpr size_t kMaxLineBytes = 998;
// Raw bytes per RFC 2047 encoded-word: 39 bytes are 52 base64 characters, so "Subject: " plus one
// word stays under the recommended 78 characters a line.
constexpr size_t kEncodedWordBytes = 39;

struct Mailbox {
  std::string display;
  std::string address;
};

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

bool IsAtext(char c) {
  static constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~";
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         kSpecials.find(c) != std::string_view::npos;
}

bool IsDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  int labels = 0;
  std::string_view last;
  while (true) {
    const size_t dot = domain.find('.');
    const std::string_view label = domain.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    domain.remove_prefix(dot + 1);
  }
  return labels >= 2 && last.size() >= 2;
}

// "Name <a@b.c>", "\"Name\" <a@b.c>" or "a@b.c".
std::optional<Mailbox> ParseMailbox(std::string_view text) {
  text = TrimSpace(text);
  Mailbox out;
  const size_t lt = text.rfind('<');
  if (lt != std::string_view::npos && text.ends_with('>')) {
    out.address = std::string(text.substr(lt + 1, text.size() - lt - 2));
    std::string_view display = TrimSpace(text.substr(0, lt));
    if (display.size() >= 2 && display.front() == '"' && display.back() == '"') {
      display = display.substr(1, display.size() - 2);
    }
    out.display = std::string(display);
  } else {
    out.address = std::string(text);
  }
  if (!IsMailAddress(out.address)) return std::nullopt;
  return out;
}

bool IsPrintableAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
}

// RFC 2047 encoded-words for `text`, each at most kEncodedWordBytes of it and cut only between
// UTF-8 sequences, joined by folding whitespace (which decoders drop between encoded-words).
std::string EncodedWords(std::string_view text) {
  std::vector<std::string> words;
  for (size_t i = 0; i < text.size();) {
    size_t end = std::min(text.size(), i + kEncodedWordBytes);
    while (end < text.size() && end > i + 1 &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    words.push_back(absl::StrFormat("=?UTF-8?B?%s?=",
                                    absl::Base64Escape(std::string(text.substr(i, end - i)))));
    i = end;
  }
  return absl::StrJoin(words, "\r\n ");
}

// Unstructured header text (Subject): as is when plain ASCII, else encoded. Text that merely looks
// like an encoded-word is encoded too, or a reader would decode it.
std::string HeaderText(std::string_view value) {
  const std::string safe = HeaderSafe(value);
  if (IsPrintableAscii(safe) && safe.find("=?") == std::string::npos) return safe;
  return EncodedWords(safe);
}

// A display name as an RFC 5322 phrase: atoms as they are, other ASCII quoted, anything else
// encoded.
std::string Phrase(std::string_view display) {
  const std::string safe(TrimSpace(HeaderSafe(display)));
  if (!IsPrintableAscii(safe) || safe.find("=?") != std::string::npos) return EncodedWords(safe);
  if (std::all_of(safe.begin(), safe.end(), [](char c) { return IsAtext(c) || c == ' '; })) {
    return safe;
  }
  std::string quoted = "\"";
  for (char c : safe) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

std::string FormatMailbox(std::string_view display, std::string_view address) {
  const std::string phrase = Phrase(display);
  if (phrase.empty()) return std::string(address);
  return absl::StrFormat("%s <%s>", phrase, address);
}

// RFC 5322 date-time in UTC. Written by hand because strftime's %a and %b follow the C locale of
// the process, which a host may have set to something other than English.
std::string MailDate(absl::Time t) {
  static constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const absl::CivilSecond s = absl::ToCivilSecond(t, absl::UTCTimeZone());
  const int weekday = static_cast<int>(absl::GetWeekday(absl::CivilDay(s)));  // Monday is 0
  return absl::StrFormat("%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[weekday], s.day(),
                         kMonths[s.month() - 1], s.year(), s.hour(), s.minute(), s.second());
}

// `body` with every line ending (LF, CR or CRLF) made CRLF and a final CRLF; `longest` gets the
// longest line's length.
std::string CrlfLines(std::string_view body, size_t& longest) {
  std::string out;
  out.reserve(body.size() + body.size() / 16 + 2);
  longest = 0;
  size_t line = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < body.size() && body[i + 1] == '\n') ++i;
      out.append("\r\n");
      longest = std::max(longest, line);
      line = 0;
    } else {
      out.push_back(c);
      ++line;
    }
  }
  longest = std::max(longest, line);
  if (!out.ends_with("\r\n")) out.append("\r\n");
  return out;
}

struct Upload {
  std::string_view data;
  size_t pos = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, upload->data.size() - upload->pos);
  std::memcpy(buffer, upload->data.data() + upload->pos, n);
  upload->pos += n;
  return n;
}

// Keeps the server's last reply line: the receipt's detail, or the reason for a refusal.
int RecordReply(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  if (type != CURLINFO_HEADER_IN) return 0;
  std::string_view line(data, size);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (!line.empty()) *static_cast<std::string*>(user) = PrintableExcerpt(line, 200);
  return 0;
}

}  // namespace

bool IsMailAddress(std::string_view address) {
  if (address.size() > 254) return false;
  const size_t at = address.find('@');
  if (at == std::string_view::npos || address.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view local = address.substr(0, at);
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : local) {
    if (!IsAtext(c) && c != '.') return false;
  }
  return IsDomain(address.substr(at + 1));
}

absl::StatusOr<std::string> FormatMailMessage(const OutgoingMessage& m, std::string_view from,
                                              absl::Time date) {
  if (m.notification_id <= 0) {
    return absl::InvalidArgumentError("notification_id: must be positive");
  }
  // The address itself stays out of the message: statuses end up in logs and on the case.
  if (!IsMailAddress(m.address)) {
    return absl::InvalidArgumentError("address: not an e-mail address (local@domain.tld)");
  }
  std::optional<Mailbox> sender = ParseMailbox(from);
  if (!sender) {
    return absl::FailedPreconditionError(
        "from: not an e-mail address (local@domain.tld or Name <local@domain.tld>)");
  }
  size_t longest = 0;
  std::string body = CrlfLines(m.body, longest);
  const bool base64 = longest > kMaxLineBytes;
  if (base64) {
    const std::string encoded = absl::Base64Escape(body);
    body.clear();
    for (size_t i = 0; i < encoded.size(); i += 76) {
      body.append(encoded, i, 76).append("\r\n");
    }
  }
  std::string out;
  out.append(absl::StrFormat("Date: %s\r\n", MailDate(date)));
  out.append(absl::StrFormat("From: %s\r\n", FormatMailbox(sender->display, sender->address)));
  out.append(absl::StrFormat("To: %s\r\n", FormatMailbox(m.recipient_name, m.address)));
  out.append(absl::StrFormat("Subject: %s\r\n", HeaderText(m.subject)));
  out.append(
      absl::StrFormat("Message-ID: <loket-notification-%d@loket.invalid>\r\n", m.notification_id));
  out.append("MIME-Version: 1.0\r\n");
  out.append("Content-Type: text/plain; charset=UTF-8\r\n");
  out.append(base64 ? "Content-Transfer-Encoding: base64\r\n"
                    : "Content-Transfer-Encoding: 8bit\r\n");
  // RFC 3834: keeps vacation responders from answering a machine.
  out.append("Auto-Submitted: auto-generated\r\n");
  if (m.urgent) out.append("Importance: high\r\nX-Priority: 1\r\n");
  out.append("\r\n");
  out.append(body);
  return out;
}

SmtpChannel::SmtpChannel(std::string smtp_url, std::string from, absl::Duration timeout,
                         const Clock* clock)
    : smtp_url_(std::move(smtp_url)), from_(std::move(from)), timeout_(timeout), clock_(clock) {}

absl::StatusOr<DeliveryReceipt> SmtpChannel::Send(const OutgoingMessage& m) {
  LOKET_ASSIGN_OR_RETURN(std::string message, FormatMailMessage(m, from_, clock_->Now()));
  const std::string envelope_from = ParseMailbox(from_)->address;  // checked by FormatMailMessage

  LOKET_ASSIGN_OR_RETURN(CurlHandle handle, CurlHandle::Create());
  CurlHandle& h = handle;
  h.SetCommonOptions("smtp,smtps", timeout_);
  Upload upload{message};
  std::string last_reply;
  curl_easy_setopt(h.get(), CURLOPT_URL, smtp_url_.c_str());
  curl_easy_setopt(h.get(), CURLOPT_MAIL_FROM, ("<" + envelope_from + ">").c_str());
  h.AddRecipient("<" + m.address + ">");
  curl_easy_setopt(h.get(), CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h.get(), CURLOPT_READFUNCTION, &ReadUpload);
  curl_easy_setopt(h.get(), CURLOPT_READDATA, &upload);
  // The debug callback is libcurl's only view of the server's replies; with it set, verbose output
  // goes there rather than to stderr.
  curl_easy_setopt(h.get(), CURLOPT_DEBUGFUNCTION, &RecordReply);
  curl_easy_setopt(h.get(), CURLOPT_DEBUGDATA, &last_reply);
  curl_easy_setopt(h.get(), CURLOPT_VERBOSE, 1L);
  const absl::Status sent = h.Perform("smtp");
  if (!sent.ok()) {
    long code = 0;
    curl_easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &code);
    const std::string message = absl::StrFormat("smtp: %s", last_reply);
    if (code >= 400 && code <= 499) return absl::UnavailableError(message);
    if (code >= 500 && code <= 599) return absl::FailedPreconditionError(message);
    return sent;
  }
  DeliveryReceipt receipt;
  receipt.provider_message_id =
      absl::StrFormat("<loket-notification-%d@loket.invalid>", m.notification_id);
  receipt.detail = last_reply.empty() ? "250" : last_reply;
  return receipt;
}

}  // namespace loket::notify
