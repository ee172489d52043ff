// One log format for loketd and every worker (issue 14, section 4): one line per event on stderr,
// in logfmt, so a log collector parses it without a pattern per process:
//
//   ts=2026-12-01T03:12:00.123Z level=info proc=loketd req=3f2a... msg="serving on port 50051"
//
// ts is UTC with milliseconds; level is debug, info, warn or error; proc is the process name
// (SetProcessName, first thing in main); req (a request's request_id) and task (a task's id) come
// only when there is one; then msg, then the event's own fields in the order given. A value is
// written bare when it is plain printable ASCII, otherwise quoted with \" \\ \n \r \t and \u00XX
// escapes (invalid UTF-8 becomes \ufffd), and cut at kMaxValueBytes: a line is always one line.
#ifndef LOKET_COMMON_LOG_H_
#define LOKET_COMMON_LOG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace loket::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// One key=value after msg. Keys are code's own ([A-Za-z0-9_.-], anything else becomes '_').
struct Field {
  std::string key;
  std::string value;
};
using Fields = std::vector<Field>;

struct Event {
  Level level = Level::kInfo;
  std::string msg;
  std::string req;   // the request's request_id; empty: none
  std::string task;  // the task's id; empty: none
  Fields fields;
};

// A longer value is cut at a UTF-8 boundary and says so: "… (cut at 4096 of 90000 bytes)".
inline constexpr size_t kMaxValueBytes = 4096;

// The proc= of every line this process writes. Until set: the program's file name.
void SetProcessName(std::string name);
std::string ProcessName();

// "info", "warn", ...
std::string_view LevelName(Level level);

// `value` as logfmt writes it: bare, or quoted and escaped (see above).
std::string Value(std::string_view value);

// The whole line for `event` at `ts` from `proc`, ending in '\n'.
std::string FormatLine(const Event& event, absl::Time ts, std::string_view proc);

// Writes `event`'s line to stderr (wall-clock time) in one write: lines of threads never mix.
void Write(const Event& event);

inline void Info(std::string msg, Fields fields = {}) {
  Write({Level::kInfo, std::move(msg), "", "", std::move(fields)});
}
inline void Warn(std::string msg, Fields fields = {}) {
  Write({Level::kWarn, std::move(msg), "", "", std::move(fields)});
}
inline void Error(std::string msg, Fields fields = {}) {
  Write({Level::kError, std::move(msg), "", "", std::move(fields)});
}

// For events anyone can cause as fast as they like (unauthenticated garbage, throttled callers):
// at most one line per `every`; the ones in between are counted, and the next line written says
// how many with suppressed=N and suppressed_what=`what`.
class Throttle {
 public:
  Throttle(const Clock& clock, absl::Duration every, std::string what)
      : clock_(clock), every_(every), what_(std::move(what)) {}
  // True when `event` is to be written now (the count of those held back is added to it).
  bool Admit(Event& event);
  // Admit, then Write.
  void Write(Event event);

 private:
  const Clock& clock_;
  const absl::Duration every_;
  const std::string what_;
  absl::Mutex mu_;
  absl::Time last_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  int64_t suppressed_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace loket::log

#endif  // LOKET_COMMON_LOG_H_
