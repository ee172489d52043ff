// The one log line format (common/log.h): logfmt a collector can parse, whatever a value holds.
#include "common/log.h"

#include <algorithm>
#include <string>

#include "common/testing/fake_clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace loket::log {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

absl::Time At(int64_t unix_ms) { return absl::FromUnixMillis(unix_ms); }

// 2026-12-01T03:12:00.123Z
constexpr int64_t kTs = 1796094720123;

TEST(LogTest, LineHasTimestampLevelProcRequestAndMessageInThatOrder) {
  Event e;
  e.msg = "serving on port 50051";
  e.req = "3f2a9c1e-0b7d-4c55-9a1e-8d2f6b0c4e11";
  e.fields = {{"port", "50051"}};
  EXPECT_EQ(FormatLine(e, At(kTs), "loketd"),
            "ts=2026-12-01T03:12:00.123Z level=info proc=loketd "
            "req=3f2a9c1e-0b7d-4c55-9a1e-8d2f6b0c4e11 msg=\"serving on port 50051\" port=50051\n");
}

TEST(LogTest, TimestampIsUtcWithMilliseconds) {
  EXPECT_THAT(FormatLine({Level::kInfo, "x"}, At(0), "p"),
              StartsWith("ts=1970-01-01T00:00:00.000Z "));
  EXPECT_THAT(FormatLine({Level::kInfo, "x"}, At(kTs + 877), "p"),
              StartsWith("ts=2026-12-01T03:12:01.000Z "));
  EXPECT_THAT(FormatLine({Level::kInfo, "x"}, At(kTs + 1), "p"),
              StartsWith("ts=2026-12-01T03:12:00.124Z "));
}

TEST(LogTest, NoRequestOrTaskKeyWhenThereIsNone) {
  const std::string line = FormatLine({Level::kWarn, "database unreachable"}, At(kTs), "loketd");
  EXPECT_EQ(line,
            "ts=2026-12-01T03:12:00.123Z level=warn proc=loketd msg=\"database unreachable\"\n");
  EXPECT_THAT(line, Not(HasSubstr("req=")));
  EXPECT_THAT(line, Not(HasSubstr("task=")));
}

TEST(LogTest, TaskIdComesBeforeMessage) {
  Event e{Level::kError, "failed", "", "42", {{"queue", "route.plan"}, {"attempt", "3"}}};
  EXPECT_EQ(FormatLine(e, At(kTs), "loket-router"),
            "ts=2026-12-01T03:12:00.123Z level=error proc=loket-router task=42 msg=failed "
            "queue=route.plan attempt=3\n");
}

TEST(LogTest, LevelNames) {
  EXPECT_EQ(LevelName(Level::kDebug), "debug");
  EXPECT_EQ(LevelName(Level::kInfo), "info");
  EXPECT_EQ(LevelName(Level::kWarn), "warn");
  EXPECT_EQ(LevelName(Level::kError), "error");
}

TEST(LogTest, PlainValuesAreBare) {
  EXPECT_EQ(Value("/loket.v1.CaseService/GetCase"), "/loket.v1.CaseService/GetCase");
  EXPECT_EQ(Value("12.50"), "12.50");
  EXPECT_EQ(Value("a,b:c"), "a,b:c");
}

TEST(LogTest, SpacesEqualsAndEmptyAreQuoted) {
  EXPECT_EQ(Value("two words"), "\"two words\"");
  EXPECT_EQ(Value("a=b"), "\"a=b\"");
  EXPECT_EQ(Value(""), "\"\"");
}

TEST(LogTest, QuotesAndBackslashesAreEscaped) {
  EXPECT_EQ(Value(R"(say "hi")"), R"("say \"hi\"")");
  EXPECT_EQ(Value(R"(C:\dir)"), R"("C:\\dir")");
  // A value cannot end the quoting early and forge a key of its own.
  EXPECT_EQ(Value(R"(x" level=error msg="forged)"), R"("x\" level=error msg=\"forged")");
}

TEST(LogTest, NewlinesAndControlCharactersNeverBreakTheLine) {
  EXPECT_EQ(Value("one\ntwo\r\nthree\tfour"), R"("one\ntwo\r\nthree\tfour")");
  EXPECT_EQ(Value(std::string("a\0b", 3)), R"("a\u0000b")");
  EXPECT_EQ(Value("bell\x07 esc\x1b del\x7f"), R"("bell\u0007 esc\u001b del\u007f")");
  Event e{Level::kInfo, "line one\nts=forged level=error msg=injected"};
  const std::string line = FormatLine(e, At(kTs), "loketd");
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
  EXPECT_THAT(line, EndsWith("msg=\"line one\\nts=forged level=error msg=injected\"\n"));
}

TEST(LogTest, Utf8IsKeptAndInvalidBytesReplaced) {
  EXPECT_EQ(Value("Jl. Jend. Sudirman — Balikpapan"), "\"Jl. Jend. Sudirman — Balikpapan\"");
  EXPECT_EQ(Value("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
  EXPECT_EQ(Value("bad\xff\xfe"), R"("bad\ufffd\ufffd")");
  EXPECT_EQ(Value("cut\xe2\x80"), R"("cut\ufffd\ufffd")");      // a sequence cut short
  EXPECT_EQ(Value("\xc0\xaf"), R"("\ufffd\ufffd")");            // an overlong '/'
  EXPECT_EQ(Value("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");  // a surrogate
}

TEST(LogTest, LongValueIsCutAtAUtf8BoundaryAndSaysSo) {
  std::string v(kMaxValueBytes - 1, 'a');
  v += "é";  // two bytes, straddling the limit
  v += std::string(10000, 'b');
  const std::string out = Value(v);
  EXPECT_EQ(out, "\"" + std::string(kMaxValueBytes - 1, 'a') + "… (cut at " +
                     std::to_string(kMaxValueBytes - 1) + " of " + std::to_string(v.size()) +
                     " bytes)\"");
  // Exactly at the limit: whole, and bare when plain.
  EXPECT_EQ(Value(std::string(kMaxValueBytes, 'c')), std::string(kMaxValueBytes, 'c'));
  // A long message still makes one line.
  const std::string line = FormatLine({Level::kInfo, std::string(50000, 'x')}, At(kTs), "p");
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
  EXPECT_LT(line.size(), kMaxValueBytes + 200);
}

TEST(LogTest, KeysAreSanitised) {
  Event e{Level::kInfo, "m", "", "", {{"a key=\"x\"", "1"}, {"", "2"}, {"ok_key.sub-1", "3"}}};
  EXPECT_THAT(FormatLine(e, At(kTs), "p"), EndsWith(" msg=m a_key__x_=1 _=2 ok_key.sub-1=3\n"));
}

TEST(LogTest, ProcessNameIsWhatMainSet) {
  SetProcessName("loket-notifier");
  EXPECT_EQ(ProcessName(), "loket-notifier");
  SetProcessName("loketd");
  EXPECT_EQ(ProcessName(), "loketd");
}

TEST(LogTest, ThrottleWritesOneLinePerPeriodAndCountsTheRest) {
  FakeClock clock(At(kTs));
  Throttle t(clock, absl::Minutes(1), "refused calls");
  Event first{Level::kWarn, "refused"};
  ASSERT_TRUE(t.Admit(first));
  EXPECT_TRUE(first.fields.empty());
  for (int i = 0; i < 5; ++i) {
    Event e{Level::kWarn, "refused"};
    EXPECT_FALSE(t.Admit(e)) << i;
  }
  clock.Advance(absl::Seconds(59));
  Event early{Level::kWarn, "refused"};
  EXPECT_FALSE(t.Admit(early));
  clock.Advance(absl::Seconds(1));
  Event next{Level::kWarn, "refused"};
  ASSERT_TRUE(t.Admit(next));
  EXPECT_THAT(FormatLine(next, At(kTs), "loketd"),
              EndsWith(" msg=refused suppressed=6 suppressed_what=\"refused calls\"\n"));
  // The count starts again.
  clock.Advance(absl::Minutes(5));
  Event later{Level::kWarn, "refused"};
  ASSERT_TRUE(t.Admit(later));
  EXPECT_TRUE(later.fields.empty());
}

}  // namespace
}  // namespace loket::log
