// submit_load: a gRPC load generator for CaseService.SubmitApplication.
//
// N client threads (--concurrency) submit nurse applications for --duration seconds, optionally
// paced to --rate submissions per second in total, and report throughput and latency percentiles.
// Every call is a real submission (its own request_id, a distinct NIK serial) that loketd commits
// to PostgreSQL. Output: one human line and, with --json, one JSON object for scripts.
#include <grpcpp/alarm.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/grpc_status.h"
#include "common/ids.h"
#include "loket/v1/case.grpc.pb.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:7400", "loketd address");
ABSL_FLAG(std::string, token, "", "bearer token of a clinic (or officer) principal");
ABSL_FLAG(int, concurrency, 8, "client threads, each with one call in flight");
ABSL_FLAG(double, duration, 10, "seconds of load");
ABSL_FLAG(double, rate, 0, "total submissions per second (0 = as fast as possible)");
ABSL_FLAG(double, warmup, 1, "seconds of load before measuring");
ABSL_FLAG(bool, json, false, "also print one JSON line with the results");
ABSL_FLAG(bool, with_email, false, "give applicants an e-mail address too (a second notification)");
ABSL_FLAG(int, deadline_ms, 10000, "each call's deadline");
ABSL_FLAG(int, backoff_ms, 0,
          "after RESOURCE_EXHAUSTED a thread waits this long (+-50 %, as loketd's 'try again in "
          "1 s' asks) before its next call; 0: at once");
ABSL_FLAG(bool, backoff_doubling, false,
          "each further RESOURCE_EXHAUSTED in a row doubles the wait, up to 16 x --backoff_ms (the "
          "doubling of gRPC's retry policy); any other answer starts it again");
ABSL_FLAG(bool, backoff_pushback, false,
          "after RESOURCE_EXHAUSTED wait what loketd asks (its grpc-retry-pushback-ms trailer, as "
          "gRPC's retry policy would) instead of --backoff_ms, when the answer carries one");
ABSL_FLAG(bool, async, false,
          "drive every caller from one completion-queue thread instead of a thread each (many "
          "callers on a small machine: the generator itself then costs little); not with --rate");
ABSL_FLAG(
    bool, once, false,
    "async mode: each caller stops after its first answer in time, as a person who wanted one "
    "submission (a flash crowd); the report adds when the last of them got in");
ABSL_FLAG(int, channels, 0,
          "connections, shared round-robin by the threads (0: one per thread, as separate "
          "terminals would have)");

namespace {

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  std::nth_element(v.begin(), v.begin() + i, v.end());
  return v[i];
}

// A synthetic NIK that passes validation (Balikpapan Kota) and is this process's own: loketd
// refuses a second live application per NIK and permit type (issue 13), so neither a run past
// 9,999 submissions nor a second run on the same database may repeat one. Submission `n` of a run
// starting at a random point of 336 million NIKs: serial 0001..9999, then the birth date (day
// 01..28, month, two-digit year) counts on.
std::string Nik(int64_t n) {
  static const uint64_t start = [] {
    std::random_device rd;
    return ((uint64_t{rd()} << 32) | rd()) % (9999ull * 28 * 12 * 100);
  }();
  uint64_t k = (start + static_cast<uint64_t>(n)) % (9999ull * 28 * 12 * 100);
  const int serial = 1 + static_cast<int>(k % 9999);
  k /= 9999;
  const int day = 1 + static_cast<int>(k % 28);
  k /= 28;
  const int month = 1 + static_cast<int>(k % 12);
  const int year = static_cast<int>(k / 12);
  return absl::StrFormat("647106%02d%02d%02d%04d", day, month, year, serial);
}

// Submission number `n`: its own request_id, NIK serial and phone.
loket::v1::SubmitApplicationRequest Request(int64_t n) {
  loket::v1::SubmitApplicationRequest req;
  req.set_request_id(loket::NewUuid());
  req.set_permit_type("SIP_PERAWAT");
  auto* a = req.mutable_applicant();
  a->set_nik(Nik(n));
  a->set_name("Siti Rahmawati");
  a->set_phone(absl::StrFormat("0812%08d", n % 100000000));  // one applicant each
  a->set_priority_class(loket::v1::PRIORITY_CLASS_HEALTH_WORKER);
  if (absl::GetFlag(FLAGS_with_email)) a->set_email(absl::StrFormat("perawat%d@example.com", n));
  req.set_practice_place("Puskesmas Klandasan Ilir");
  req.set_str_number("STR-BENCH");
  return req;
}

// One caller of the async mode: its call in flight, or its back-off alarm.
struct AsyncCaller {
  std::unique_ptr<grpc::ClientContext> ctx;
  std::unique_ptr<grpc::ClientAsyncResponseReader<loket::v1::Case>> reader;
  loket::v1::Case resp;
  grpc::Status status;
  absl::Time sent;
  grpc::Alarm alarm;
  int refusals_in_a_row = 0;
  absl::Time first_refused = absl::InfiniteFuture();  // of the refusals in a row so far
};

// The waits loketd asked for (grpc-retry-pushback-ms), in ms, for the report.
std::mutex asked_mu;
std::vector<double> asked_ms;
// Async mode: for each caller refused and then answered OK, the time from its first refusal to
// that answer, in ms: how long a refused person took to get in.
std::vector<double> got_in_ms;

// The wait after the `refusals_in_a_row`-th refusal in a row (1, 2, ...), with the caller's jitter
// (`jitter` in 0.5..1.5); or, with --backoff_pushback, the wait the refusal's trailers ask for
// (loketd spreads it itself).
absl::Duration Backoff(int backoff_ms, bool doubling, int refusals_in_a_row, double jitter,
                       const grpc::Status& status, const grpc::ClientContext& ctx) {
  if (absl::GetFlag(FLAGS_backoff_pushback)) {
    if (std::optional<absl::Duration> asked = loket::AskedWait(status, ctx)) {
      std::lock_guard<std::mutex> lock(asked_mu);
      asked_ms.push_back(absl::ToDoubleMilliseconds(*asked));
      return *asked;
    }
  }
  const int doublings = doubling ? std::min(refusals_in_a_row - 1, 4) : 0;
  return absl::Milliseconds(backoff_ms) * (1 << doublings) * jitter;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int concurrency = absl::GetFlag(FLAGS_concurrency);
  const double rate = absl::GetFlag(FLAGS_rate);
  const std::string token = absl::GetFlag(FLAGS_token);
  if (token.empty() || concurrency < 1) {
    std::fprintf(stderr, "submit_load: --token and --concurrency >= 1 are required\n");
    return 2;
  }
  auto channel_args = grpc::ChannelArguments();
  // One connection per thread, as separate terminals would have (or --channels shared ones).
  const int channels = absl::GetFlag(FLAGS_channels) > 0
                           ? std::min(absl::GetFlag(FLAGS_channels), concurrency)
                           : concurrency;
  const int deadline_ms = absl::GetFlag(FLAGS_deadline_ms);
  const int backoff_ms = absl::GetFlag(FLAGS_backoff_ms);
  const bool doubling = absl::GetFlag(FLAGS_backoff_doubling);
  std::vector<std::unique_ptr<loket::v1::CaseService::Stub>> stubs;
  for (int i = 0; i < channels; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("loket_bench_channel", i);  // distinct args: distinct subchannels
    stubs.push_back(loket::v1::CaseService::NewStub(grpc::CreateCustomChannel(
        absl::GetFlag(FLAGS_addr), grpc::InsecureChannelCredentials(), args)));
  }

  const absl::Time start = absl::Now();
  const absl::Time measure_from = start + absl::Seconds(absl::GetFlag(FLAGS_warmup));
  const absl::Time end = measure_from + absl::Seconds(absl::GetFlag(FLAGS_duration));
  std::atomic<int64_t> serial{1};
  std::mutex mu;
  std::vector<double> latencies_ms;
  std::map<int, int64_t> errors;
  std::atomic<int64_t> acknowledged{0};  // every OK answer, warm-up and edges included
  int64_t still_out = 0;                 // async mode: callers whose last answer was a refusal
  absl::Time last_in = start;            // --once: when the last caller got its answer
  // Answers per whole second of the measured time (async mode): where in a step goodput is lost.
  const int whole_seconds = static_cast<int>(std::ceil(absl::GetFlag(FLAGS_duration)));
  std::vector<int64_t> ok_by_second(whole_seconds), refused_by_second(whole_seconds);

  if (absl::GetFlag(FLAGS_async)) {
    // Each caller keeps one call in flight; a refusal waits its back-off on an alarm.
    grpc::CompletionQueue cq;
    std::vector<AsyncCaller> callers(concurrency);
    std::mt19937 rng(1);
    std::uniform_real_distribution<double> jitter(0.5, 1.5);
    auto tag = [](int i, bool alarm) { return reinterpret_cast<void*>((int64_t{i} << 1) | alarm); };
    auto start_call = [&](int i) {
      AsyncCaller& c = callers[i];
      c.ctx = std::make_unique<grpc::ClientContext>();
      c.ctx->AddMetadata("authorization", "Bearer " + token);
      c.ctx->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::milliseconds(deadline_ms));
      c.sent = absl::Now();
      c.reader = stubs[i % channels]->AsyncSubmitApplication(c.ctx.get(),
                                                             Request(serial.fetch_add(1)), &cq);
      c.reader->Finish(&c.resp, &c.status, tag(i, false));
    };
    const bool once = absl::GetFlag(FLAGS_once);
    for (int i = 0; i < concurrency; ++i) start_call(i);
    int in_flight = concurrency;
    void* got = nullptr;
    bool ok = false;
    while (in_flight > 0 && cq.Next(&got, &ok)) {
      const int i = static_cast<int>(reinterpret_cast<int64_t>(got) >> 1);
      const bool was_alarm = reinterpret_cast<int64_t>(got) & 1;
      const absl::Time now = absl::Now();
      if (!was_alarm) {
        AsyncCaller& c = callers[i];
        if (c.status.ok()) acknowledged.fetch_add(1);
        if (c.sent >= measure_from && now <= end) {
          const int second = std::min(whole_seconds - 1,
                                      static_cast<int>(absl::ToDoubleSeconds(now - measure_from)));
          if (c.status.ok()) {
            ++ok_by_second[second];
            latencies_ms.push_back(absl::ToDoubleMilliseconds(now - c.sent));
          } else {
            refused_by_second[second] += c.status.error_code() == grpc::RESOURCE_EXHAUSTED;
            ++errors[c.status.error_code()];
          }
        }
        const bool refused = c.status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED;
        if (refused && c.refusals_in_a_row == 0) c.first_refused = now;
        if (c.status.ok() && c.refusals_in_a_row > 0 && c.first_refused >= measure_from) {
          got_in_ms.push_back(absl::ToDoubleMilliseconds(now - c.first_refused));
        }
        c.refusals_in_a_row = refused ? c.refusals_in_a_row + 1 : 0;
        if (refused && backoff_ms > 0 && now < end) {
          const absl::Duration wait =
              Backoff(backoff_ms, doubling, c.refusals_in_a_row, jitter(rng), c.status, *c.ctx);
          // Not past the end: a long wait would only keep the run from finishing.
          c.alarm.Set(&cq, absl::ToChronoTime(std::min(now + wait, end)), tag(i, true));
          continue;
        }
      }
      if (once && !was_alarm && callers[i].status.ok()) {
        last_in = now;
        --in_flight;
      } else if (now < end) {
        start_call(i);
      } else {
        --in_flight;
      }
    }
    cq.Shutdown();
    while (cq.Next(&got, &ok)) {
    }
    for (const AsyncCaller& c : callers) still_out += c.refusals_in_a_row > 0;
  }

  std::vector<std::thread> threads;
  for (int t = 0; t < (absl::GetFlag(FLAGS_async) ? 0 : concurrency); ++t) {
    threads.emplace_back([&, t] {
      std::vector<double> mine;
      std::map<int, int64_t> my_errors;
      std::mt19937 rng(t);
      std::uniform_real_distribution<double> jitter(0.5, 1.5);
      // Paced mode: thread t sends at start + (t + k*concurrency) / rate.
      int64_t k = 0;
      int refusals_in_a_row = 0;
      for (;;) {
        absl::Time now = absl::Now();
        if (rate > 0) {
          absl::Time due = start + absl::Seconds((t + k * concurrency) / rate);
          ++k;
          if (due > end) break;
          if (due > now) absl::SleepFor(due - now);
        } else if (now >= end) {
          break;
        }
        loket::v1::SubmitApplicationRequest req = Request(serial.fetch_add(1));
        grpc::ClientContext ctx;
        ctx.AddMetadata("authorization", "Bearer " + token);
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(deadline_ms));
        loket::v1::Case resp;
        absl::Time sent = absl::Now();
        grpc::Status s = stubs[t % channels]->SubmitApplication(&ctx, req, &resp);
        absl::Time done = absl::Now();
        if (s.ok()) acknowledged.fetch_add(1);
        const bool refused = s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED;
        refusals_in_a_row = refused ? refusals_in_a_row + 1 : 0;
        if (refused && backoff_ms > 0) {
          absl::SleepFor(
              std::min(Backoff(backoff_ms, doubling, refusals_in_a_row, jitter(rng), s, ctx),
                       end - absl::Now()));
        }
        if (sent < measure_from || done > end) continue;
        if (s.ok()) {
          mine.push_back(absl::ToDoubleMilliseconds(done - sent));
        } else {
          ++my_errors[s.error_code()];
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      latencies_ms.insert(latencies_ms.end(), mine.begin(), mine.end());
      for (auto [code, n] : my_errors) errors[code] += n;
    });
  }
  for (auto& th : threads) th.join();

  double seconds = absl::GetFlag(FLAGS_duration);
  int64_t ok = latencies_ms.size();
  int64_t failed = 0;
  for (auto [code, n] : errors) failed += n;
  double p50 = Percentile(latencies_ms, 0.50), p99 = Percentile(latencies_ms, 0.99);
  double max =
      latencies_ms.empty() ? 0 : *std::max_element(latencies_ms.begin(), latencies_ms.end());
  std::printf(
      "submit_load: concurrency %d, %.0f s: %lld ok, %lld failed, %.1f submissions/s, "
      "p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
      concurrency, seconds, static_cast<long long>(ok), static_cast<long long>(failed),
      ok / seconds, p50, p99, max);
  for (auto [code, n] : errors) {
    std::printf("  error code %d: %lld\n", code, static_cast<long long>(n));
  }
  const double asked_p50 = Percentile(asked_ms, 0.50), asked_p90 = Percentile(asked_ms, 0.90);
  if (!asked_ms.empty()) {
    std::printf("  waits loketd asked for: %zu, p50 %.0f ms, p90 %.0f ms\n", asked_ms.size(),
                asked_p50, asked_p90);
  }
  const double got_in_p50 = Percentile(got_in_ms, 0.50), got_in_p90 = Percentile(got_in_ms, 0.90);
  if (!got_in_ms.empty()) {
    std::printf(
        "  refused callers got in: %zu, p50 %.0f ms, p90 %.0f ms after their first refusal; %lld "
        "still refused at the end\n",
        got_in_ms.size(), got_in_p50, got_in_p90, static_cast<long long>(still_out));
  }
  if (absl::GetFlag(FLAGS_once)) {
    std::printf("  once: the last caller got in %.1f s after the start; %lld never did\n",
                absl::ToDoubleSeconds(last_in - start), static_cast<long long>(still_out));
  }
  if (absl::GetFlag(FLAGS_json)) {
    std::printf(
        "{\"concurrency\": %d, \"seconds\": %.1f, \"ok\": %lld, \"failed\": %lld, "
        "\"per_second\": %.1f, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f, "
        "\"acknowledged\": %lld, \"asked_p50_ms\": %.0f, \"asked_p90_ms\": %.0f, "
        "\"got_in\": %zu, \"got_in_p50_ms\": %.0f, \"got_in_p90_ms\": %.0f, \"still_out\": %lld, "
        "\"last_in_s\": %.1f, "
        "\"codes\": "
        "{%s}, \"ok_by_second\": [%s], \"refused_by_second\": [%s]}\n",
        concurrency, seconds, static_cast<long long>(ok), static_cast<long long>(failed),
        ok / seconds, p50, p99, max, static_cast<long long>(acknowledged.load()), asked_p50,
        asked_p90, got_in_ms.size(), got_in_p50, got_in_p90, static_cast<long long>(still_out),
        absl::ToDoubleSeconds(last_in - start),
        [&] {
          std::string codes;
          for (auto [code, n] : errors) {
            absl::StrAppendFormat(&codes, "%s\"%d\": %lld", codes.empty() ? "" : ", ", code,
                                  static_cast<long long>(n));
          }
          return codes;
        }()
            .c_str(),
        absl::StrJoin(ok_by_second, ",").c_str(), absl::StrJoin(refused_by_second, ",").c_str());
  }
  return failed == 0 ? 0 : 1;
}
