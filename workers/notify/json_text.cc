#include "workers/notify/json_text.h"

#include <nlohmann/json.hpp>

namespace loket::notify {
namespace {

// Length of the well-formed UTF-8 sequence at s[i], or 0 (overlong forms, surrogates and code
// points past U+10FFFF are not well-formed).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return len;
}

}  // namespace

std::string JsonQuote(std::string_view s) {
  // nlohmann's dump escapes '"', '\\' and control characters and, with `replace`, turns each byte
  // that is not part of well-formed UTF-8 into U+FFFD (it never throws with that handler).
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
}

std::string PrintableExcerpt(std::string_view s, size_t max_bytes) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : Utf8SequenceLength(s, i);
    std::string_view piece = len == 0 ? "\xEF\xBF\xBD" : s.substr(i, len);
    if (c < 0x20 || c == 0x7F) piece = " ";
    if (out.size() + piece.size() > max_bytes) break;
    out.append(piece);
    i += len == 0 ? 1 : len;
  }
  return out;
}

std::optional<std::string> FindJsonMember(std::string_view json, std::string_view key) {
  // allow_exceptions=false: a malformed text gives a "discarded" value instead of throwing.
  const nlohmann::json doc =
      nlohmann::json::parse(json, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return std::nullopt;
  const auto member = doc.find(std::string(key));
  if (member == doc.end()) return std::nullopt;
  if (member->is_string()) return member->get<std::string>();
  if (member->is_number()) return member->dump();
  return std::nullopt;
}

}  // namespace loket::notify
