// watch_load: how soon a change of the queue reaches every display board (issue 12).
//
// Opens --streams QueueService.WatchQueue streams from this one process (the callback client API,
// over --channels connections), waits until each has drawn its first board, then checks a walk-in
// in every --interval_ms for --duration seconds (QueueService.CheckIn, an admin's outside-hours
// override, so the office clock does not matter). For every walk-in and every board it measures the
// time from sending the check-in to that board receiving the ticket's "issued" event: what a
// visitor sees between the clerk's click and the TV. Events a board had not received 30 s after the
// last walk-in are counted as missed.
// Output: one human line and, with --json, one JSON object for scripts.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/ids.h"
#include "loket/v1/queue.grpc.pb.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:7400", "loketd address");
ABSL_FLAG(std::string, token, "", "bearer token of an admin (watches and checks walk-ins in)");
ABSL_FLAG(int, streams, 100, "display boards (WatchQueue streams) open at once");
ABSL_FLAG(int, channels, 8, "connections the boards share (loketd allows 512 streams on each)");
ABSL_FLAG(double, duration, 10, "seconds of walk-ins");
ABSL_FLAG(int, interval_ms, 500, "time between walk-ins");
ABSL_FLAG(bool, json, false, "also print one JSON line with the results");

namespace {

namespace v1 = loket::v1;

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  std::nth_element(v.begin(), v.begin() + i, v.end());
  return v[i];
}

// What every board saw, under one lock (the reactions run on gRPC's threads).
struct Seen {
  std::mutex mu;
  std::condition_variable changed;
  int drawn = 0;  // boards that have their first board
  int ended = 0;  // streams that ended (an error: they should stay open)
  std::vector<double> first_board_ms;
  std::map<int64_t, std::vector<absl::Time>> issued;  // ticket id -> arrival per board
  std::map<int, int> end_codes;
};

class Board final : public grpc::ClientReadReactor<v1::QueueUpdate> {
 public:
  Board(v1::QueueService::Stub* stub, const std::string& token, Seen& seen) : seen_(seen) {
    ctx_.AddMetadata("authorization", "Bearer " + token);
    opened_ = absl::Now();
    stub->async()->WatchQueue(&ctx_, &req_, this);
    StartRead(&msg_);
    StartCall();
  }
  void Stop() { ctx_.TryCancel(); }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows
    const absl::Time now = absl::Now();
    {
      std::lock_guard<std::mutex> lock(seen_.mu);
      if (msg_.has_event() && msg_.event().kind() == "issued") {
        seen_.issued[msg_.event().ticket_id()].push_back(now);
        seen_.changed.notify_all();
      }
      if (msg_.has_board() && !drawn_) {
        drawn_ = true;
        ++seen_.drawn;
        seen_.first_board_ms.push_back(absl::ToDoubleMilliseconds(now - opened_));
        seen_.changed.notify_all();
      }
    }
    StartRead(&msg_);
  }

  void OnDone(const grpc::Status& s) override {
    std::lock_guard<std::mutex> lock(seen_.mu);
    ++seen_.ended;
    ++seen_.end_codes[s.error_code()];
    seen_.changed.notify_all();
  }

 private:
  Seen& seen_;
  grpc::ClientContext ctx_;
  v1::WatchQueueRequest req_;
  v1::QueueUpdate msg_;
  absl::Time opened_;
  bool drawn_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string token = absl::GetFlag(FLAGS_token);
  const int streams = absl::GetFlag(FLAGS_streams);
  const int channels = std::max(1, absl::GetFlag(FLAGS_channels));
  if (token.empty() || streams < 1) {
    std::fprintf(stderr, "watch_load: --token and --streams >= 1 are required\n");
    return 2;
  }
  std::vector<std::unique_ptr<v1::QueueService::Stub>> stubs;
  for (int i = 0; i < channels; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("loket_bench_channel", i);  // distinct args: distinct connections
    stubs.push_back(v1::QueueService::NewStub(grpc::CreateCustomChannel(
        absl::GetFlag(FLAGS_addr), grpc::InsecureChannelCredentials(), args)));
  }

  Seen seen;
  std::vector<std::unique_ptr<Board>> boards;
  for (int i = 0; i < streams; ++i) {
    boards.push_back(std::make_unique<Board>(stubs[i % channels].get(), token, seen));
  }
  {
    std::unique_lock<std::mutex> lock(seen.mu);
    seen.changed.wait_for(lock, std::chrono::seconds(60),
                          [&] { return seen.drawn + seen.ended >= streams; });
  }

  // The walk-ins, one at a time, each sent at its own tick.
  auto desk = v1::QueueService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_addr), grpc::InsecureChannelCredentials()));
  std::map<int64_t, absl::Time> sent;  // ticket id -> when its check-in was sent
  std::vector<double> checkin_ms;
  int checkin_errors = 0;
  const absl::Duration interval = absl::Milliseconds(absl::GetFlag(FLAGS_interval_ms));
  const absl::Time end = absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_duration));
  for (absl::Time tick = absl::Now(); tick < end; tick += interval) {
    absl::SleepFor(tick - absl::Now());
    v1::CheckInRequest req;
    req.set_request_id(loket::NewUuid());
    v1::WalkIn* w = req.mutable_walk_in();
    w->set_name("Pengunjung Uji");
    w->set_service("SIP_PERAWAT");
    req.mutable_screening()->set_temperature_c(36.5);
    req.mutable_screening()->set_mask(true);
    req.set_outside_hours_override(true);
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    v1::CheckInResponse resp;
    const absl::Time t0 = absl::Now();
    grpc::Status s = desk->CheckIn(&ctx, req, &resp);
    if (!s.ok() || !resp.has_ticket()) {
      if (++checkin_errors == 1) std::fprintf(stderr, "check-in: %s\n", s.error_message().c_str());
      continue;
    }
    checkin_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
    sent[resp.ticket().id()] = t0;
  }
  {  // Until every board has every walk-in (or 30 s): a late event is late, not lost.
    std::unique_lock<std::mutex> lock(seen.mu);
    seen.changed.wait_for(lock, std::chrono::seconds(30), [&] {
      for (const auto& [ticket, t0] : sent) {
        if (static_cast<int>(seen.issued[ticket].size()) < seen.drawn - seen.ended) return false;
      }
      return true;
    });
  }
  for (auto& b : boards) b->Stop();
  {
    std::unique_lock<std::mutex> lock(seen.mu);
    seen.changed.wait_for(lock, std::chrono::seconds(30), [&] { return seen.ended >= streams; });
  }

  std::lock_guard<std::mutex> lock(seen.mu);
  std::vector<double> fanout_ms;
  int64_t missed = 0;
  for (const auto& [ticket, t0] : sent) {
    const auto& arrivals = seen.issued[ticket];
    for (absl::Time t : arrivals) fanout_ms.push_back(absl::ToDoubleMilliseconds(t - t0));
    missed += seen.drawn - static_cast<int64_t>(arrivals.size());
  }
  const double max_ms =
      fanout_ms.empty() ? 0 : *std::max_element(fanout_ms.begin(), fanout_ms.end());
  std::printf(
      "boards %d (drawn %d, first board p50 %.1f ms, p99 %.1f ms); walk-ins %zu (check-in p50 "
      "%.1f ms, %d failed); click to board p50 %.1f ms, p99 %.1f ms, max %.1f ms; missed %lld\n",
      streams, seen.drawn, Percentile(seen.first_board_ms, 0.5),
      Percentile(seen.first_board_ms, 0.99), sent.size(), Percentile(checkin_ms, 0.5),
      checkin_errors, Percentile(fanout_ms, 0.5), Percentile(fanout_ms, 0.99), max_ms,
      static_cast<long long>(missed));
  if (absl::GetFlag(FLAGS_json)) {
    std::string codes;
    for (const auto& [code, n] : seen.end_codes) {
      absl::StrAppendFormat(&codes, "%s\"%d\": %d", codes.empty() ? "" : ", ", code, n);
    }
    std::printf(
        "{\"boards\": %d, \"drawn\": %d, \"first_board_p50_ms\": %.1f, \"first_board_p99_ms\": "
        "%.1f, \"walk_ins\": %zu, \"checkin_p50_ms\": %.1f, \"checkin_errors\": %d, "
        "\"fanout_p50_ms\": %.1f, \"fanout_p99_ms\": %.1f, \"fanout_max_ms\": %.1f, \"missed\": "
        "%lld, \"end_codes\": {%s}}\n",
        streams, seen.drawn, Percentile(seen.first_board_ms, 0.5),
        Percentile(seen.first_board_ms, 0.99), sent.size(), Percentile(checkin_ms, 0.5),
        checkin_errors, Percentile(fanout_ms, 0.5), Percentile(fanout_ms, 0.99), max_ms,
        static_cast<long long>(missed), codes.c_str());
  }
  // A stream still open here (loketd too slow to end it) must not be destroyed under gRPC: leave.
  std::fflush(stdout);
  std::_Exit(seen.ended >= streams ? 0 : 1);
}
