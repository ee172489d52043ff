// Channels against real receivers (tests/support/*.py run as child processes on port 0).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/testing/fake_clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "tests/workers/receiver_process.h"
#include "workers/notify/file_channel.h"
#include "workers/notify/json_text.h"
#include "workers/notify/smtp_channel.h"
#include "workers/notify/webhook_channel.h"

namespace loket::notify {

using ::loket::testing::IsOk;
using ::loket::testing::StatusIs;
namespace {

using ::loket::testing::MakeTempDir;
using ::loket::testing::ReceiverProcess;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Generous: a loaded 2-core machine must not turn into flaky "timeouts"; only the timeout test
// uses a short one, against a receiver that never answers in time.
constexpr absl::Duration kTimeout = absl::Seconds(20);

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 3, 17, 2, 0, 0), absl::UTCTimeZone());

OutgoingMessage Message(int64_t id, std::string address) {
  OutgoingMessage m;
  m.notification_id = id;
  m.address = std::move(address);
  m.recipient_name = "Siti Rahmawati";
  m.subject = "Permohonan SIP Perawat No. 42 telah diterima";
  m.body =
      "Yth. Siti Rahmawati, permohonan SIP Perawat Anda (No. 42) telah kami terima. "
      "DPMPTSP Kota Balikpapan";
  return m;
}

// A port on 127.0.0.1 that refuses connections for as long as the object lives: bound (so no
// one else gets it) but not listening.
class ClosedPort {
 public:
  ClosedPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len), 0);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
  }
  ~ClosedPort() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_;
  int port_;
};

// ---------------------------------------------------------------------------------------------
// WebhookChannel

class WebhookChannelTest : public ::testing::Test {
 protected:
  void StartGateway(const std::vector<std::string>& args = {}) {
    absl::StatusOr<std::unique_ptr<ReceiverProcess>> r =
        ReceiverProcess::Start("http_receiver.py", args);
    ASSERT_THAT(r, IsOk()) << r.status();
    gateway_ = *std::move(r);
  }
  std::string Url() const { return absl::StrFormat("http://127.0.0.1:%d/send", gateway_->port()); }
  void TearDown() override { gateway_.reset(); }

  std::unique_ptr<ReceiverProcess> gateway_;
};

TEST_F(WebhookChannelTest, DeliversWithIdempotencyKey) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  WebhookChannel channel(Url(), "secret-token", kTimeout);
  OutgoingMessage m = Message(7, "+6281234567890");
  m.recipient_name = "Siti \"Ani\" Rahmawati";
  m.body = "Baris satu\nbaris dua: é ✓ \\ \"kutip\"";
  m.urgent = true;
  absl::StatusOr<DeliveryReceipt> receipt = channel.Send(m);
  ASSERT_THAT(receipt, IsOk()) << receipt.status();
  EXPECT_EQ(receipt->provider_message_id, "gw-1");
  EXPECT_EQ(receipt->detail, "HTTP 200");

  std::vector<std::string> log = gateway_->LogLines();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(FindJsonMember(log[0], "idempotency_key"), "loket-notification-7");
  EXPECT_EQ(FindJsonMember(log[0], "authorization"), "Bearer secret-token");
  EXPECT_EQ(FindJsonMember(log[0], "content_type"), "application/json");
  // The receiver parsed our JSON and wrote it back with Python's json.dumps: the same text only
  // if every string survived the round trip.
  EXPECT_THAT(log[0],
              HasSubstr(R"("body": {"id": "loket-7", "to": "+6281234567890", )"
                        R"("name": "Siti \"Ani\" Rahmawati", )"
                        R"("text": "Baris satu\nbaris dua: é ✓ \\ \"kutip\"", "urgent": true})"));
}

TEST_F(WebhookChannelTest, ServerErrorIsUnavailableAndTheRetrySucceeds) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--fail-first", "1", "--status", "500"}));
  WebhookChannel channel(Url(), "", kTimeout);
  const OutgoingMessage m = Message(8, "+6281234567890");
  absl::StatusOr<DeliveryReceipt> first = channel.Send(m);
  EXPECT_THAT(first, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(first.status().message(), HasSubstr("HTTP 500"));
  absl::StatusOr<DeliveryReceipt> retry = channel.Send(m);
  ASSERT_THAT(retry, IsOk()) << retry.status();
  EXPECT_EQ(retry->provider_message_id, "gw-1");

  std::vector<std::string> log = gateway_->LogLines();
  ASSERT_EQ(log.size(), 2u);
  for (const std::string& line : log) {
    EXPECT_EQ(FindJsonMember(line, "idempotency_key"), "loket-notification-8");
    EXPECT_EQ(FindJsonMember(line, "authorization"), std::nullopt);  // no token, no header
  }
}

TEST_F(WebhookChannelTest, RepeatOfADeliveredMessageKeepsItsKey) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  WebhookChannel channel(Url(), "", kTimeout);
  ASSERT_THAT(channel.Send(Message(9, "+6281234567890")), IsOk());
  ASSERT_THAT(channel.Send(Message(10, "+6281234567891")), IsOk());
  absl::StatusOr<DeliveryReceipt> repeat = channel.Send(Message(9, "+6281234567890"));
  ASSERT_THAT(repeat, IsOk()) << repeat.status();
  EXPECT_EQ(repeat->provider_message_id, "gw-1");  // the gateway deduped on the key
}

struct HttpStatusCase {
  int http_status;
  absl::StatusCode code;
};

class WebhookHttpStatusTest : public WebhookChannelTest,
                              public ::testing::WithParamInterface<HttpStatusCase> {};

TEST_P(WebhookHttpStatusTest, MapsToRetryOrPermanent) {
  ASSERT_NO_FATAL_FAILURE(StartGateway(
      {"--fail-first", "1", "--status", absl::StrFormat("%d", GetParam().http_status)}));
  WebhookChannel channel(Url(), "", kTimeout);
  absl::StatusOr<DeliveryReceipt> r = channel.Send(Message(11, "+6281234567890"));
  EXPECT_EQ(r.status().code(), GetParam().code) << r.status();
  EXPECT_THAT(r.status().message(),
              HasSubstr(absl::StrFormat("HTTP %d: {\"error\"", GetParam().http_status)));
}

INSTANTIATE_TEST_SUITE_P(
    Statuses, WebhookHttpStatusTest,
    ::testing::Values(HttpStatusCase{400, absl::StatusCode::kInvalidArgument},
                      HttpStatusCase{422, absl::StatusCode::kInvalidArgument},
                      HttpStatusCase{401, absl::StatusCode::kFailedPrecondition},
                      HttpStatusCase{404, absl::StatusCode::kFailedPrecondition},
                      HttpStatusCase{408, absl::StatusCode::kUnavailable},
                      HttpStatusCase{409, absl::StatusCode::kUnavailable},
                      HttpStatusCase{429, absl::StatusCode::kUnavailable},
                      HttpStatusCase{503, absl::StatusCode::kUnavailable}),
    [](const ::testing::TestParamInfo<HttpStatusCase>& info) {
      return absl::StrFormat("Http%d", info.param.http_status);
    });

TEST_F(WebhookChannelTest, ClosedPortIsUnavailable) {
  ClosedPort closed;
  WebhookChannel channel(absl::StrFormat("http://127.0.0.1:%d/send", closed.port()), "", kTimeout);
  absl::StatusOr<DeliveryReceipt> r = channel.Send(Message(12, "+6281234567890"));
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kUnavailable)) << r.status();
}

TEST_F(WebhookChannelTest, SlowGatewayTimesOutAsUnavailable) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--delay", "60"}));
  WebhookChannel channel(Url(), "", absl::Milliseconds(300));
  absl::StatusOr<DeliveryReceipt> r = channel.Send(Message(13, "+6281234567890"));
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kUnavailable)) << r.status();
}

TEST_F(WebhookChannelTest, BadAddressIsInvalidArgumentAndNothingIsSent) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  WebhookChannel channel(Url(), "", kTimeout);
  for (const char* address : {"", "081234567890", "+62 812 3456 7890", "+0812345678", "+62812",
                              "+62812345678901234", "siti@example.com"}) {
    absl::StatusOr<DeliveryReceipt> r = channel.Send(Message(14, address));
    EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument)) << address;
  }
  OutgoingMessage no_id = Message(0, "+6281234567890");
  EXPECT_THAT(channel.Send(no_id), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(gateway_->LogLines().empty());
}

TEST_F(WebhookChannelTest, UnsupportedSchemeIsFailedPrecondition) {
  WebhookChannel channel("ftp://127.0.0.1:1/send", "", kTimeout);
  absl::StatusOr<DeliveryReceipt> r = channel.Send(Message(15, "+6281234567890"));
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kFailedPrecondition)) << r.status();
}

TEST_F(WebhookChannelTest, SendsFromSeveralThreadsAtOnce) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  WebhookChannel channel(Url(), "", kTimeout);
  constexpr int kThreads = 4;
  constexpr int kEach = 8;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (!channel.Send(Message(100 + t * kEach + i, "+6281234567890")).ok()) ++failures[t];
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int f : failures) EXPECT_EQ(f, 0);
  std::set<std::string> keys;
  for (const std::string& line : gateway_->LogLines()) {
    keys.insert(FindJsonMember(line, "idempotency_key").value_or(""));
  }
  EXPECT_EQ(keys.size(), static_cast<size_t>(kThreads * kEach));
}

// ---------------------------------------------------------------------------------------------
// SmtpChannel

class SmtpChannelTest : public ::testing::Test {
 protected:
  void StartServer(const std::vector<std::string>& args = {}) {
    absl::StatusOr<std::unique_ptr<ReceiverProcess>> r =
        ReceiverProcess::Start("smtp_receiver.py", args);
    ASSERT_THAT(r, IsOk()) << r.status();
    server_ = *std::move(r);
  }
  std::string Url() const { return absl::StrFormat("smtp://127.0.0.1:%d", server_->port()); }
  void TearDown() override { server_.reset(); }

  FakeClock clock_{kNow};
  std::unique_ptr<ReceiverProcess> server_;
};

TEST_F(SmtpChannelTest, DeliversWithMessageIdSubjectAndUtf8Body) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  SmtpChannel channel(Url(), "DPMPTSP Kota Balikpapan <noreply@dpmptsp.balikpapankota.go.id>",
                      kTimeout, &clock_);
  OutgoingMessage m = Message(21, "siti@example.com");
  m.subject = "Izin Praktik Perawat — permohonan No. 42 telah diterima (ü, é, ✓)";
  // Lines that start with a dot, and one that is only a dot, would end or corrupt the DATA
  // section if nobody dot-stuffed them: libcurl does.
  m.body = "Yth. Siti,\n.baris dengan titik\n.\n..dua titik\nakhir: é ✓\r\nCRLF juga";
  absl::StatusOr<DeliveryReceipt> receipt = channel.Send(m);
  ASSERT_THAT(receipt, IsOk()) << receipt.status();
  EXPECT_EQ(receipt->provider_message_id, "<loket-notification-21@loket.invalid>");
  EXPECT_THAT(receipt->detail, StartsWith("250 "));

  std::vector<std::string> log = server_->LogLines();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(FindJsonMember(log[0], "message_id"), "<loket-notification-21@loket.invalid>");
  EXPECT_EQ(FindJsonMember(log[0], "to"), "siti@example.com");
  EXPECT_EQ(FindJsonMember(log[0], "mail_from"), "noreply@dpmptsp.balikpapankota.go.id");
  EXPECT_EQ(FindJsonMember(log[0], "header_to"), "Siti Rahmawati <siti@example.com>");
  EXPECT_EQ(FindJsonMember(log[0], "subject"), m.subject);
  EXPECT_EQ(FindJsonMember(log[0], "body"),
            "Yth. Siti,\n.baris dengan titik\n.\n..dua titik\nakhir: é ✓\nCRLF juga\n");
  EXPECT_EQ(FindJsonMember(log[0], "content_transfer_encoding"), "8bit");
}

TEST_F(SmtpChannelTest, BadAddressIsInvalidArgumentAndNothingIsSent) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  SmtpChannel channel(Url(), "noreply@loket.example", kTimeout, &clock_);
  for (const char* address :
       {"", "siti", "siti@", "@example.com", "siti@@example.com", "si ti@example.com",
        "siti@localhost", ".siti@example.com", "siti..r@example.com", "siti@exa_mple.com",
        "siti@example.com>\r\nRCPT TO:<evil@example.net", "Siti <siti@example.com>",
        "sïti@example.com", "+6281234567890"}) {
    absl::StatusOr<DeliveryReceipt> r = channel.Send(Message(22, address));
    EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument)) << address;
  }
  EXPECT_TRUE(server_->LogLines().empty());
}

TEST_F(SmtpChannelTest, BadSenderIsFailedPrecondition) {
  SmtpChannel channel("smtp://127.0.0.1:1", "DPMPTSP <not an address>", kTimeout, &clock_);
  absl::StatusOr<DeliveryReceipt> r = channel.Send(Message(23, "siti@example.com"));
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kFailedPrecondition)) << r.status();
}

TEST_F(SmtpChannelTest, TemporaryRefusalIsUnavailableAndTheRetrySucceeds) {
  ASSERT_NO_FATAL_FAILURE(StartServer({"--fail-first", "1"}));
  SmtpChannel channel(Url(), "noreply@loket.example", kTimeout, &clock_);
  const OutgoingMessage m = Message(24, "siti@example.com");
  absl::StatusOr<DeliveryReceipt> first = channel.Send(m);
  EXPECT_THAT(first, StatusIs(absl::StatusCode::kUnavailable)) << first.status();
  EXPECT_THAT(first.status().message(), HasSubstr("451"));
  absl::StatusOr<DeliveryReceipt> retry = channel.Send(m);
  ASSERT_THAT(retry, IsOk()) << retry.status();
  std::vector<std::string> log = server_->LogLines();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(FindJsonMember(log[0], "message_id"), "<loket-notification-24@loket.invalid>");
}

TEST_F(SmtpChannelTest, PermanentRefusalIsFailedPrecondition) {
  ASSERT_NO_FATAL_FAILURE(
      StartServer({"--fail-first", "1", "--fail-reply", "554 5.7.1 Message refused"}));
  SmtpChannel channel(Url(), "noreply@loket.example", kTimeout, &clock_);
  absl::StatusOr<DeliveryReceipt> r = channel.Send(Message(25, "siti@example.com"));
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kFailedPrecondition)) << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr("554 5.7.1 Message refused"));
}

TEST_F(SmtpChannelTest, ClosedPortIsUnavailable) {
  ClosedPort closed;
  SmtpChannel channel(absl::StrFormat("smtp://127.0.0.1:%d", closed.port()),
                      "noreply@loket.example", kTimeout, &clock_);
  absl::StatusOr<DeliveryReceipt> r = channel.Send(Message(26, "siti@example.com"));
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kUnavailable)) << r.status();
}

TEST(FormatMailMessageTest, HeadersAreCompleteAndCannotBeInjected) {
  OutgoingMessage m = Message(31, "siti@example.com");
  m.recipient_name = "Siti \"Ani\"\r\nBcc: evil@example.net";
  m.subject = "Halo\r\nBcc: evil@example.net";
  m.urgent = true;
  absl::StatusOr<std::string> text = FormatMailMessage(m, "noreply@loket.example", kNow);
  ASSERT_THAT(text, IsOk()) << text.status();
  const std::vector<std::string> lines = absl::StrSplit(*text, "\r\n");
  const std::vector<std::string> headers(lines.begin(),
                                         std::find(lines.begin(), lines.end(), std::string()));
  EXPECT_THAT(headers,
              ::testing::ElementsAre(
                  "Date: Tue, 17 Mar 2026 02:00:00 +0000", "From: noreply@loket.example",
                  "To: \"Siti \\\"Ani\\\" Bcc: evil@example.net\" <siti@example.com>",
                  "Subject: Halo Bcc: evil@example.net",
                  "Message-ID: <loket-notification-31@loket.invalid>", "MIME-Version: 1.0",
                  "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 8bit",
                  "Auto-Submitted: auto-generated", "Importance: high", "X-Priority: 1"));
}

TEST(FormatMailMessageTest, NonAsciiHeadersAreEncodedWordsOfBoundedLength) {
  OutgoingMessage m = Message(32, "siti@example.com");
  m.recipient_name = "Sïti Rahmawati";
  m.subject = std::string(20, 'x') + " — " + std::string(60, 'y') + " é✓";
  absl::StatusOr<std::string> text =
      FormatMailMessage(m, "Kantor Perizinan <noreply@loket.example>", kNow);
  ASSERT_THAT(text, IsOk()) << text.status();
  EXPECT_THAT(*text, HasSubstr("\r\nFrom: Kantor Perizinan <noreply@loket.example>\r\n"));
  EXPECT_THAT(*text, HasSubstr("\r\nTo: =?UTF-8?B?U8OvdGkgUmFobWF3YXRp?= <siti@example.com>\r\n"));
  EXPECT_THAT(*text, HasSubstr("\r\nSubject: =?UTF-8?B?"));
  const std::string headers = text->substr(0, text->find("\r\n\r\n"));
  for (absl::string_view line : absl::StrSplit(headers, "\r\n")) {
    EXPECT_LE(line.size(), 78u) << line;  // encoded-words are folded, not one long line
  }
}

TEST(FormatMailMessageTest, OverlongLinesGoAsBase64) {
  OutgoingMessage m = Message(33, "siti@example.com");
  m.body = std::string(1200, 'a');
  absl::StatusOr<std::string> text = FormatMailMessage(m, "noreply@loket.example", kNow);
  ASSERT_THAT(text, IsOk()) << text.status();
  EXPECT_THAT(*text, HasSubstr("\r\nContent-Transfer-Encoding: base64\r\n"));
  for (absl::string_view line : absl::StrSplit(*text, "\r\n")) EXPECT_LE(line.size(), 78u);
}

// ---------------------------------------------------------------------------------------------
// FileChannel

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class FileChannelTest : public ::testing::Test {
 protected:
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  const std::string root_ = MakeTempDir();
  FakeClock clock_{kNow};
};

TEST_F(FileChannelTest, WritesOnceAndARepeatDoesNotRewrite) {
  const std::string dir = root_ + "/out/notifications";  // created on demand
  FileChannel channel(dir, &clock_);
  OutgoingMessage m = Message(41, "+6281234567890");
  m.body = "Baris \"satu\"\nbaris dua é";
  absl::StatusOr<DeliveryReceipt> first = channel.Send(m);
  ASSERT_THAT(first, IsOk()) << first.status();
  EXPECT_EQ(first->provider_message_id, dir + "/41.json");
  EXPECT_EQ(first->detail, "written");
  const std::string written = ReadFile(dir + "/41.json");
  EXPECT_EQ(
      written,
      "{\n  \"id\": 41,\n  \"address\": \"+6281234567890\",\n  \"name\": \"Siti Rahmawati\",\n"
      "  \"subject\": \"Permohonan SIP Perawat No. 42 telah diterima\",\n"
      "  \"body\": \"Baris \\\"satu\\\"\\nbaris dua é\",\n  \"urgent\": false,\n"
      "  \"written_at\": \"2026-03-17T02:00:00+00:00\"\n}\n");

  clock_.Advance(absl::Minutes(5));
  m.body = "changed";
  absl::StatusOr<DeliveryReceipt> repeat = channel.Send(m);
  ASSERT_THAT(repeat, IsOk()) << repeat.status();
  EXPECT_EQ(repeat->detail, "already written");
  EXPECT_EQ(ReadFile(dir + "/41.json"), written);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir),
                          std::filesystem::directory_iterator()),
            1);  // no temporary file left behind
}

TEST_F(FileChannelTest, ConcurrentSendsOfOneMessageWriteItOnce) {
  FileChannel channel(root_, &clock_);
  constexpr int kThreads = 8;
  std::vector<std::string> details(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      absl::StatusOr<DeliveryReceipt> r = channel.Send(Message(42, "+6281234567890"));
      details[t] = r.ok() ? r->detail : r.status().ToString();
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(std::count(details.begin(), details.end(), "written"), 1);
  EXPECT_EQ(std::count(details.begin(), details.end(), "already written"), kThreads - 1);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(root_),
                          std::filesystem::directory_iterator()),
            1);
}

TEST_F(FileChannelTest, UnwritableDirectoryIsUnavailable) {
  std::ofstream(root_ + "/plain-file") << "x";
  FileChannel channel(root_ + "/plain-file/sub", &clock_);
  absl::StatusOr<DeliveryReceipt> r = channel.Send(Message(43, "+6281234567890"));
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kUnavailable)) << r.status();
}

TEST_F(FileChannelTest, NonPositiveIdIsInvalidArgument) {
  FileChannel channel(root_, &clock_);
  EXPECT_THAT(channel.Send(Message(0, "+6281234567890")),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ChannelNamesTest, MatchNotifySendChannels) {
  FakeClock clock(kNow);
  EXPECT_EQ(WebhookChannel("http://127.0.0.1:1/", "", kTimeout).name(), "webhook");
  EXPECT_EQ(SmtpChannel("smtp://127.0.0.1:1", "a@b.example", kTimeout, &clock).name(), "email");
  EXPECT_EQ(FileChannel("/nonexistent", &clock).name(), "file");
}

}  // namespace
}  // namespace loket::notify
