// Latency of CaseService.SearchCases and ReportService.GetMonthlyReport as an officer sees it: one
// caller, one call at a time, through gRPC (run by bench/run_search_bench.sh; docs/benchmarks.md).
//
//   search_load --addr A --token T --mode search --queries FILE --repeat N
//       FILE: one search per line, "kind<TAB>field=value[<TAB>field=value...]" (fields as in
//       SearchCasesRequest); every line is run N times; p50/p99/max per kind and overall.
//   search_load --addr A --token T --mode report --months 2026-01,... --repeat N
#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "grpcpp/grpcpp.h"
#include "loket/v1/case.grpc.pb.h"
#include "loket/v1/report.grpc.pb.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:7400", "loketd address");
ABSL_FLAG(std::string, token, "", "bearer token of an officer");
ABSL_FLAG(std::string, mode, "search", "search | report");
ABSL_FLAG(std::string, queries, "", "search mode: the file of searches");
ABSL_FLAG(std::string, months, "", "report mode: comma-separated YYYY-MM");
ABSL_FLAG(int, repeat, 5, "times each query or month is run");

namespace {

using Clock = std::chrono::steady_clock;

struct Stats {
  std::vector<double> ms;
  long results = 0;
};

double Pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(std::max(1.0, std::ceil(p / 100 * v.size()))) - 1;
  return v[std::min(i, v.size() - 1)];
}

void Print(const std::string& kind, const Stats& s) {
  std::cout << absl::StrFormat("%-14s %7d %9.2f %9.2f %9.2f %9.2f %10.1f\n", kind, s.ms.size(),
                               Pct(s.ms, 50), Pct(s.ms, 90), Pct(s.ms, 99),
                               s.ms.empty() ? 0 : *std::max_element(s.ms.begin(), s.ms.end()),
                               s.ms.empty() ? 0 : double(s.results) / s.ms.size());
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto channel = grpc::CreateChannel(absl::GetFlag(FLAGS_addr), grpc::InsecureChannelCredentials());
  auto cases = loket::v1::CaseService::NewStub(channel);
  auto reports = loket::v1::ReportService::NewStub(channel);
  const std::string bearer = "Bearer " + absl::GetFlag(FLAGS_token);
  const int repeat = absl::GetFlag(FLAGS_repeat);
  std::map<std::string, Stats> by_kind;
  Stats all;
  int failures = 0;

  if (absl::GetFlag(FLAGS_mode) == "search") {
    std::ifstream in(absl::GetFlag(FLAGS_queries));
    std::vector<std::pair<std::string, loket::v1::SearchCasesRequest>> queries;
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      std::vector<std::string> parts = absl::StrSplit(line, '\t');
      loket::v1::SearchCasesRequest r;
      r.set_page_size(20);
      const auto* d = r.GetDescriptor();
      for (size_t i = 1; i < parts.size(); ++i) {
        std::pair<std::string, std::string> kv = absl::StrSplit(parts[i], absl::MaxSplits('=', 1));
        const auto* f = d->FindFieldByName(kv.first);
        if (f == nullptr) {
          std::cerr << "unknown field " << kv.first << "\n";
          return 2;
        }
        r.GetReflection()->SetString(&r, f, kv.second);
      }
      queries.emplace_back(parts[0], r);
    }
    for (int k = 0; k < repeat; ++k) {
      for (const auto& [kind, req] : queries) {
        grpc::ClientContext ctx;
        ctx.AddMetadata("authorization", bearer);
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        loket::v1::SearchCasesResponse resp;
        auto t0 = Clock::now();
        grpc::Status s = cases->SearchCases(&ctx, req, &resp);
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (!s.ok()) {
          if (++failures < 5) std::cerr << kind << ": " << s.error_message() << "\n";
          continue;
        }
        by_kind[kind].ms.push_back(ms);
        by_kind[kind].results += resp.cases_size();
        all.ms.push_back(ms);
        all.results += resp.cases_size();
      }
    }
  } else {
    std::vector<std::string> months = absl::StrSplit(absl::GetFlag(FLAGS_months), ',');
    for (int k = 0; k < repeat; ++k) {
      for (const std::string& m : months) {
        grpc::ClientContext ctx;
        ctx.AddMetadata("authorization", bearer);
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
        loket::v1::GetMonthlyReportRequest req;
        req.set_month(m);
        loket::v1::MonthlyReport resp;
        auto t0 = Clock::now();
        grpc::Status s = reports->GetMonthlyReport(&ctx, req, &resp);
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (!s.ok()) {
          if (++failures < 5) std::cerr << m << ": " << s.error_message() << "\n";
          continue;
        }
        by_kind["month"].ms.push_back(ms);
        by_kind["month"].results += resp.applications_total();
        all.ms.push_back(ms);
        all.results += resp.applications_total();
      }
    }
  }
  std::cout << absl::StrFormat("%-14s %7s %9s %9s %9s %9s %10s\n", "kind", "calls", "p50_ms",
                               "p90_ms", "p99_ms", "max_ms", "results");
  for (const auto& [kind, s] : by_kind) Print(kind, s);
  Print("all", all);
  if (failures > 0) std::cout << "failures: " << failures << "\n";
  return failures > 0 ? 1 : 0;
}
