// The little JSON the channels speak (quoting strings for requests and files, reading one member of
// a gateway's answer), done by nlohmann-json, and making a receiver's words fit for a status
// message. Pure functions; safe from any thread.
#ifndef LOKET_WORKERS_NOTIFY_JSON_TEXT_H_
#define LOKET_WORKERS_NOTIFY_JSON_TEXT_H_

#include <optional>
#include <string>
#include <string_view>

namespace loket::notify {

// `s` as a JSON string literal, quotes included. Control characters, '"' and '\' are escaped;
// other UTF-8 passes through, and bytes that are not valid UTF-8 become U+FFFD so the document
// stays valid JSON whatever the input.
std::string JsonQuote(std::string_view s);

// The value of member `key` of the top-level object in `json`: a string (unescaped) or a number
// (integers as written, others as nlohmann prints them). nullopt when `json` is not valid JSON or
// not an object, lacks the member, or the value is another kind (object, array, bool, null).
std::optional<std::string> FindJsonMember(std::string_view json, std::string_view key);

// At most `max_bytes` of `s` as one line of valid UTF-8: control characters become spaces, bytes
// that are not UTF-8 become U+FFFD, and the cut falls between characters. For text a receiver sent
// (error bodies, reply lines, message ids) that ends up in statuses, logs and protobuf strings,
// which must be valid UTF-8.
std::string PrintableExcerpt(std::string_view s, size_t max_bytes);

}  // namespace loket::notify

#endif  // LOKET_WORKERS_NOTIFY_JSON_TEXT_H_
