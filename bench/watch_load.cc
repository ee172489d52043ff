// watch_load: how soon a change of the queue reaches every screen watching it (issue 12).
//
// Boards (default): opens --streams QueueService.WatchQueue streams from this one process (the
// callback client API, over --channels connections), waits until each has drawn its first board,
// then checks a walk-in in every --interval_ms for --duration seconds (QueueService.CheckIn, an
// admin's outside-hours override, so the office clock does not matter). For every walk-in and every
// board it measures the time from sending the check-in to that board receiving the ticket's
// "issued" event: what a visitor sees between the clerk's click and the TV.
//
// Phones (--phones): checks in 20 walk-ins first, then opens --streams
// PublicService.WatchQueuePosition streams following them round-robin (no token; each stream
// claims a client address of its own through loket-web's edge key, --edge_key, as loket-web does
// for browsers, so the per-address limit sees 2,000 phones, not one), then a desk calls the next
// ticket at counter C1 every --interval_ms (--desk_token: an officer), finishing the one before.
// For every call and every phone following the called ticket: the time from sending CallNext to
// the phone seeing its turn has come ("called", or "done" when the desk was quicker than the
// phone's 2 s between looks).
//
// Events a screen had not received 30 s after the last change are counted as missed. Output: one
// human line and, with --json, one JSON object for scripts.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/ids.h"
#include "loket/v1/public.grpc.pb.h"
#include "loket/v1/queue.grpc.pb.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:7400", "loketd address");
ABSL_FLAG(std::string, token, "", "bearer token of an admin (watches and checks walk-ins in)");
ABSL_FLAG(int, streams, 100, "screens (boards, or phones with --phones) open at once");
ABSL_FLAG(bool, phones, false, "applicants' phones (WatchQueuePosition) instead of boards");
ABSL_FLAG(std::string, edge_key, "", "with --phones: loketd's --edge_key_file content");
ABSL_FLAG(std::string, desk_token, "", "with --phones: bearer token of an officer (calls tickets)");
ABSL_FLAG(std::string, office, "bpp", "with --phones: the office");
ABSL_FLAG(std::string, mark_dir, "",
          "creates DIR/start when the changes begin and DIR/end when they stop, for a script "
          "measuring loketd over that window only");
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
  std::map<std::string, std::vector<absl::Time>> arrived;  // ticket label -> arrival per screen
  std::map<std::string, int> following;                    // phones: ticket label -> phones drawn
  std::map<int, int> end_codes;
};

// One screen's stream: what it receives goes to Saw (under Seen's lock), its end to Seen.
template <class Msg>
class Screen : public grpc::ClientReadReactor<Msg> {
 public:
  explicit Screen(Seen& seen) : seen_(seen), opened_(absl::Now()) {}
  void Stop() { ctx_.TryCancel(); }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows
    const absl::Time now = absl::Now();
    {
      std::lock_guard<std::mutex> lock(seen_.mu);
      Saw(now);
      seen_.changed.notify_all();
    }
    this->StartRead(&msg_);
  }

  void OnDone(const grpc::Status& s) override {
    std::lock_guard<std::mutex> lock(seen_.mu);
    ++seen_.ended;
    ++seen_.end_codes[s.error_code()];
    seen_.changed.notify_all();
  }

 protected:
  virtual void Saw(absl::Time now) = 0;
  // Counts the screen's first message; true the first time.
  bool FirstMessage(absl::Time now) {
    if (drawn_) return false;
    drawn_ = true;
    ++seen_.drawn;
    seen_.first_board_ms.push_back(absl::ToDoubleMilliseconds(now - opened_));
    return true;
  }
  void Begin() {
    this->StartRead(&msg_);
    this->StartCall();
  }

  Seen& seen_;
  grpc::ClientContext ctx_;
  Msg msg_;

 private:
  absl::Time opened_;
  bool drawn_ = false;
};

// A display board: the walk-ins' "issued" events.
class Board final : public Screen<v1::QueueUpdate> {
 public:
  Board(v1::QueueService::Stub* stub, const std::string& token, Seen& seen) : Screen(seen) {
    ctx_.AddMetadata("authorization", "Bearer " + token);
    stub->async()->WatchQueue(&ctx_, &req_, this);
    Begin();
  }

 private:
  void Saw(absl::Time now) override {
    if (msg_.has_event() && msg_.event().kind() == "issued") {
      seen_.arrived[msg_.event().label()].push_back(now);
    }
    if (msg_.has_board()) FirstMessage(now);
  }
  v1::WatchQueueRequest req_;
};

// An applicant's phone following one ticket.
class Phone final : public Screen<v1::QueuePosition> {
 public:
  Phone(v1::PublicService::Stub* stub, const std::string& office, const std::string& ticket,
        const std::string& edge_key, const std::string& address, Seen& seen)
      : Screen(seen), ticket_(ticket) {
    ctx_.AddMetadata("x-loket-edge-key", edge_key);
    ctx_.AddMetadata("x-loket-client-addr", address);
    req_.set_office_id(office);
    req_.set_ticket(ticket);
    stub->async()->WatchQueuePosition(&ctx_, &req_, this);
    Begin();
  }

 private:
  void Saw(absl::Time now) override {
    if (FirstMessage(now)) ++seen_.following[ticket_];
    // Its turn has come: "called", or already past it when the counter was quicker than the
    // phone's 2 s between looks.
    if (msg_.state() != "waiting" && !turn_seen_) {
      turn_seen_ = true;
      seen_.arrived[ticket_].push_back(now);
    }
  }
  const std::string ticket_;
  v1::QueuePositionRequest req_;
  bool turn_seen_ = false;
};

// A walk-in checked in by an admin whatever the office hours; the ticket, or nullopt.
std::optional<v1::Ticket> WalkIn(v1::QueueService::Stub& desk, const std::string& token,
                                 absl::Time* sent) {
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
  *sent = absl::Now();
  grpc::Status s = desk.CheckIn(&ctx, req, &resp);
  if (!s.ok() || !resp.has_ticket()) {
    std::fprintf(stderr, "check-in: %s\n", s.error_message().c_str());
    return std::nullopt;
  }
  return resp.ticket();
}

int64_t serving = 0;  // the ticket called at C1 (the desk is one thread)

// Finishes the ticket called at C1, if any: a counter serves one at a time.
void FinishServing(v1::QueueService::Stub& desk, const std::string& token) {
  if (serving != 0) {
    v1::TicketActionRequest done;
    done.set_request_id(loket::NewUuid());
    done.set_ticket_id(serving);
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    v1::Ticket finished;
    if (grpc::Status s = desk.Finish(&ctx, done, &finished); !s.ok()) {
      std::fprintf(stderr, "finish: %s\n", s.error_message().c_str());
    }
    serving = 0;
  }
}

// The next ticket called at C1 by an officer (the one before finished first), or nullopt.
std::optional<v1::Ticket> CallNext(v1::QueueService::Stub& desk, const std::string& token,
                                   absl::Time* sent) {
  FinishServing(desk, token);
  v1::CallNextRequest req;
  req.set_request_id(loket::NewUuid());
  req.set_counter_id("C1");
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + token);
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  v1::CallNextResponse resp;
  *sent = absl::Now();
  grpc::Status s = desk.CallNext(&ctx, req, &resp);
  if (!s.ok() || !resp.has_ticket()) {
    if (!s.ok()) std::fprintf(stderr, "call next: %s\n", s.error_message().c_str());
    return std::nullopt;
  }
  serving = resp.ticket().id();
  return resp.ticket();
}

void Mark(const char* name) {
  if (absl::GetFlag(FLAGS_mark_dir).empty()) return;
  std::ofstream(absl::GetFlag(FLAGS_mark_dir) + "/" + name) << "\n";
}

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
  const bool phones = absl::GetFlag(FLAGS_phones);
  if (phones &&
      (absl::GetFlag(FLAGS_edge_key).empty() || absl::GetFlag(FLAGS_desk_token).empty())) {
    std::fprintf(stderr, "watch_load: --phones needs --edge_key and --desk_token\n");
    return 2;
  }
  std::vector<std::shared_ptr<grpc::Channel>> conns;
  for (int i = 0; i < channels; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("loket_bench_channel", i);  // distinct args: distinct connections
    conns.push_back(grpc::CreateCustomChannel(absl::GetFlag(FLAGS_addr),
                                              grpc::InsecureChannelCredentials(), args));
  }
  auto desk = v1::QueueService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_addr), grpc::InsecureChannelCredentials()));

  Seen seen;
  std::vector<std::unique_ptr<v1::QueueService::Stub>> board_stubs;
  std::vector<std::unique_ptr<v1::PublicService::Stub>> phone_stubs;
  for (auto& c : conns) {
    board_stubs.push_back(v1::QueueService::NewStub(c));
    phone_stubs.push_back(v1::PublicService::NewStub(c));
  }
  std::vector<std::unique_ptr<Board>> boards;
  std::vector<std::unique_ptr<Phone>> phone_streams;
  if (phones) {
    std::vector<std::string> labels;
    absl::Time ignored;
    // Tickets left waiting by an earlier run are called first, so that every call of this run is
    // for a ticket that phones follow.
    for (int i = 0; i < 1000 && CallNext(*desk, absl::GetFlag(FLAGS_desk_token), &ignored); ++i) {
    }
    for (int i = 0; i < 20; ++i) {
      if (auto t = WalkIn(*desk, token, &ignored)) labels.push_back(t->label());
    }
    if (labels.empty()) return 1;
    for (int i = 0; i < streams; ++i) {
      phone_streams.push_back(
          std::make_unique<Phone>(phone_stubs[i % channels].get(), absl::GetFlag(FLAGS_office),
                                  labels[i % labels.size()], absl::GetFlag(FLAGS_edge_key),
                                  absl::StrFormat("10.1.%d.%d", i / 250, 1 + i % 250), seen));
    }
  } else {
    for (int i = 0; i < streams; ++i) {
      boards.push_back(std::make_unique<Board>(board_stubs[i % channels].get(), token, seen));
    }
  }
  {
    std::unique_lock<std::mutex> lock(seen.mu);
    seen.changed.wait_for(lock, std::chrono::seconds(60),
                          [&] { return seen.drawn + seen.ended >= streams; });
  }

  // The changes, one at a time, each sent at its own tick: walk-ins for boards, calls for phones.
  std::map<std::string, absl::Time> sent;  // ticket label -> when its change was sent
  std::vector<double> change_ms;
  int change_errors = 0;
  const absl::Duration interval = absl::Milliseconds(absl::GetFlag(FLAGS_interval_ms));
  const absl::Time end = absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_duration));
  Mark("start");
  for (absl::Time tick = absl::Now(); tick < end; tick += interval) {
    absl::SleepFor(tick - absl::Now());
    absl::Time t0;
    std::optional<v1::Ticket> t =
        phones ? CallNext(*desk, absl::GetFlag(FLAGS_desk_token), &t0) : WalkIn(*desk, token, &t0);
    if (!t) {
      ++change_errors;
      continue;
    }
    change_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
    sent[t->label()] = t0;
  }
  Mark("end");
  if (phones) FinishServing(*desk, absl::GetFlag(FLAGS_desk_token));  // C1 free for the next run
  // Screens that should see a change: every board, or the phones following the called ticket.
  auto expected = [&](const std::string& label) {
    return phones ? seen.following[label] : seen.drawn - seen.ended;
  };
  {  // Until every screen has every change (or 30 s): a late event is late, not lost.
    std::unique_lock<std::mutex> lock(seen.mu);
    seen.changed.wait_for(lock, std::chrono::seconds(30), [&] {
      for (const auto& [label, t0] : sent) {
        if (static_cast<int>(seen.arrived[label].size()) < expected(label)) return false;
      }
      return true;
    });
  }
  for (auto& b : boards) b->Stop();
  for (auto& p : phone_streams) p->Stop();
  {
    std::unique_lock<std::mutex> lock(seen.mu);
    seen.changed.wait_for(lock, std::chrono::seconds(30), [&] { return seen.ended >= streams; });
  }

  std::lock_guard<std::mutex> lock(seen.mu);
  std::vector<double> fanout_ms;
  int64_t missed = 0;
  for (const auto& [label, t0] : sent) {
    const auto& arrivals = seen.arrived[label];
    for (absl::Time t : arrivals) fanout_ms.push_back(absl::ToDoubleMilliseconds(t - t0));
    missed += std::max<int64_t>(0, expected(label) - static_cast<int64_t>(arrivals.size()));
  }
  const double max_ms =
      fanout_ms.empty() ? 0 : *std::max_element(fanout_ms.begin(), fanout_ms.end());
  std::printf(
      "%s %d (drawn %d, first message p50 %.1f ms, p99 %.1f ms); %s %zu (call p50 %.1f ms, %d "
      "failed); click to screen p50 %.1f ms, p99 %.1f ms, max %.1f ms; missed %lld\n",
      phones ? "phones" : "boards", streams, seen.drawn, Percentile(seen.first_board_ms, 0.5),
      Percentile(seen.first_board_ms, 0.99), phones ? "calls" : "walk-ins", sent.size(),
      Percentile(change_ms, 0.5), change_errors, Percentile(fanout_ms, 0.5),
      Percentile(fanout_ms, 0.99), max_ms, static_cast<long long>(missed));
  if (absl::GetFlag(FLAGS_json)) {
    std::string codes;
    for (const auto& [code, n] : seen.end_codes) {
      absl::StrAppendFormat(&codes, "%s\"%d\": %d", codes.empty() ? "" : ", ", code, n);
    }
    std::printf(
        "{\"screens\": %d, \"drawn\": %d, \"first_message_p50_ms\": %.1f, "
        "\"first_message_p99_ms\": %.1f, \"changes\": %zu, \"change_p50_ms\": %.1f, "
        "\"change_errors\": %d, "
        "\"fanout_p50_ms\": %.1f, \"fanout_p99_ms\": %.1f, \"fanout_max_ms\": %.1f, \"missed\": "
        "%lld, \"end_codes\": {%s}}\n",
        streams, seen.drawn, Percentile(seen.first_board_ms, 0.5),
        Percentile(seen.first_board_ms, 0.99), sent.size(), Percentile(change_ms, 0.5),
        change_errors, Percentile(fanout_ms, 0.5), Percentile(fanout_ms, 0.99), max_ms,
        static_cast<long long>(missed), codes.c_str());
  }
  // A stream still open here (loketd too slow to end it) must not be destroyed under gRPC: leave.
  std::fflush(stdout);
  std::_Exit(seen.ended >= streams ? 0 : 1);
}
