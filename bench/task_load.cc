// task_load: TaskService throughput. `--loops` worker loops each lease a task (PollTask) and
// complete it (CompleteTask) as fast as they can for --duration seconds, against tasks already in
// the queue. Reports tasks/s and the latency of one lease+complete round trip. Run by
// bench/run_task_bench.sh beside a bare SKIP LOCKED loop in pgbench on the same database.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "loket/v1/task.grpc.pb.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:7400", "loketd address");
ABSL_FLAG(std::string, token, "", "bearer token of a worker principal");
ABSL_FLAG(std::string, queue, "notify.send", "queue to drain");
ABSL_FLAG(int, loops, 4, "worker loops, each with one task in hand");
ABSL_FLAG(double, duration, 10, "seconds");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int loops = absl::GetFlag(FLAGS_loops);
  const std::string token = absl::GetFlag(FLAGS_token);
  std::vector<std::unique_ptr<loket::v1::TaskService::Stub>> stubs;
  for (int i = 0; i < loops; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("loket_bench_channel", i);
    stubs.push_back(loket::v1::TaskService::NewStub(grpc::CreateCustomChannel(
        absl::GetFlag(FLAGS_addr), grpc::InsecureChannelCredentials(), args)));
  }
  auto ctx = [&token](grpc::ClientContext& c) {
    c.AddMetadata("authorization", "Bearer " + token);
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  };
  const absl::Time end = absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_duration));
  std::mutex mu;
  std::vector<double> rtt_ms;
  std::atomic<int64_t> errors{0}, empty{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < loops; ++t) {
    threads.emplace_back([&, t] {
      std::vector<double> mine;
      while (absl::Now() < end) {
        absl::Time start = absl::Now();
        loket::v1::PollTaskRequest poll;
        poll.set_queue(absl::GetFlag(FLAGS_queue));
        poll.set_worker_id("task_load");
        poll.set_wait_seconds(0);
        loket::v1::PollTaskResponse got;
        grpc::ClientContext c1;
        ctx(c1);
        if (!stubs[t]->PollTask(&c1, poll, &got).ok()) {
          ++errors;
          continue;
        }
        if (!got.has_task()) {
          ++empty;
          continue;
        }
        loket::v1::CompleteTaskRequest done;
        done.set_task_id(got.task().id());
        done.set_attempt(got.task().attempt());
        done.mutable_notify()->set_delivered(true);
        loket::v1::CompleteTaskResponse r;
        grpc::ClientContext c2;
        ctx(c2);
        grpc::Status s = stubs[t]->CompleteTask(&c2, done, &r);
        if (!s.ok()) {
          ++errors;
          continue;
        }
        mine.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
      }
      std::lock_guard<std::mutex> lock(mu);
      rtt_ms.insert(rtt_ms.end(), mine.begin(), mine.end());
    });
  }
  for (auto& th : threads) th.join();
  double seconds = absl::GetFlag(FLAGS_duration);
  std::sort(rtt_ms.begin(), rtt_ms.end());
  auto pct = [&](double p) {
    return rtt_ms.empty() ? 0 : rtt_ms[std::min(rtt_ms.size() - 1, size_t(p * rtt_ms.size()))];
  };
  std::printf(
      "{\"loops\": %d, \"tasks\": %zu, \"per_second\": %.1f, \"p50_ms\": %.3f, "
      "\"p99_ms\": %.3f, \"errors\": %lld, \"empty_polls\": %lld}\n",
      loops, rtt_ms.size(), rtt_ms.size() / seconds, pct(0.5), pct(0.99),
      static_cast<long long>(errors.load()), static_cast<long long>(empty.load()));
  return errors.load() == 0 ? 0 : 1;
}
