#include "common/log.h"

#include <errno.h>
#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace loket::log {
namespace {

absl::Mutex g_mu;
std::string* g_proc ABSL_GUARDED_BY(g_mu) = nullptr;

// The length of the valid UTF-8 sequence starting at s[i] (2-4), or 0 when it is not one
// (a stray continuation byte, an overlong form, a surrogate, past U+10FFFF, cut short).
size_t Utf8SequenceAt(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xbf;  // the allowed range of the second byte
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) return 0;
  }
  return n;
}

bool Bare(std::string_view v) {
  if (v.empty()) return false;
  for (char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '=' || c == '\\') return false;
  }
  return true;
}

std::string Key(std::string_view k) {
  if (k.empty()) return "_";
  std::string out(k);
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) c = '_';
  }
  return out;
}

void Append(std::string& line, std::string_view key, std::string_view value) {
  if (!line.empty()) line.push_back(' ');
  line.append(Key(key));
  line.push_back('=');
  line.append(Value(value));
}

}  // namespace

void SetProcessName(std::string name) {
  absl::MutexLock lock(&g_mu);
  delete g_proc;
  g_proc = new std::string(std::move(name));
}

std::string ProcessName() {
  {
    absl::MutexLock lock(&g_mu);
    if (g_proc != nullptr) return *g_proc;
  }
  return program_invocation_short_name;
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

std::string Value(std::string_view value) {
  std::string_view v = value;
  size_t cut = 0;
  if (v.size() > kMaxValueBytes) {
    cut = kMaxValueBytes;
    while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xc0) == 0x80) --cut;
    v = v.substr(0, cut);
  }
  if (cut == 0 && Bare(v)) return std::string(v);
  std::string out = "\"";
  for (size_t i = 0; i < v.size();) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (c >= 0x80) {
      const size_t n = Utf8SequenceAt(v, i);
      if (n == 0) {
        out.append("\\ufffd");
        ++i;
      } else {
        out.append(v.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out.append(absl::StrFormat("\\u%04x", c));
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  if (cut > 0) absl::StrAppend(&out, "… (cut at ", cut, " of ", value.size(), " bytes)");
  out.push_back('"');
  return out;
}

std::string FormatLine(const Event& event, absl::Time ts, std::string_view proc) {
  std::string line;
  line.reserve(128 + event.msg.size());
  Append(line, "ts", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", ts, absl::UTCTimeZone()));
  Append(line, "level", LevelName(event.level));
  Append(line, "proc", proc);
  if (!event.req.empty()) Append(line, "req", event.req);
  if (!event.task.empty()) Append(line, "task", event.task);
  Append(line, "msg", event.msg);
  for (const Field& f : event.fields) Append(line, f.key, f.value);
  line.push_back('\n');
  return line;
}

void Write(const Event& event) {
  const std::string line = FormatLine(event, absl::Now(), ProcessName());
  // One write(2) per line under a lock: threads of this process never interleave (a pipe takes
  // a write of up to PIPE_BUF bytes whole even across processes).
  static absl::Mutex mu;
  absl::MutexLock lock(&mu);
  std::fflush(stderr);
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere to log to: nothing better to do
    done += static_cast<size_t>(n);
  }
}

bool Throttle::Admit(Event& event) {
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_.Now();
  if (now - last_ < every_) {
    ++suppressed_;
    return false;
  }
  if (suppressed_ > 0) {
    event.fields.push_back({"suppressed", absl::StrCat(suppressed_)});
    event.fields.push_back({"suppressed_what", what_});
  }
  suppressed_ = 0;
  last_ = now;
  return true;
}

void Throttle::Write(Event event) {
  if (Admit(event)) log::Write(event);
}

}  // namespace loket::log
