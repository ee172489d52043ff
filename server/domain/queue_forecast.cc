#include "server/domain/queue_forecast.h"

#include <algorithm>
#include <map>

namespace loket::domain {
namespace {

// Measured service times of one open counter: the median for each service it served recently
// and over all its services (the fallback for a service it has no history of).
struct CounterPace {
  std::vector<std::string> services;  // empty: all
  std::map<std::string, absl::Duration> by_service;
  std::optional<absl::Duration> overall;
};

// The medians of each open counter that serves `service`, as EstimateWaitMeasured takes them.
std::vector<std::optional<absl::Duration>> MediansFor(const std::vector<CounterPace>& counters,
                                                      const std::string& service) {
  std::vector<std::optional<absl::Duration>> out;
  for (const auto& c : counters) {
    if (!c.services.empty() &&
        std::find(c.services.begin(), c.services.end(), service) == c.services.end()) {
      continue;
    }
    auto it = c.by_service.find(service);
    out.push_back(it != c.by_service.end() ? std::optional(it->second) : c.overall);
  }
  return out;
}

}  // namespace

QueueForecast ForecastQueue(const std::vector<WaitingTicket>& waiting, const LaneCredits& credits,
                            const LaneWeights& weights, const std::vector<ServiceSample>& samples,
                            const std::vector<OpenCounter>& open_counters) {
  QueueForecast f;
  std::array<std::vector<size_t>, kLaneCount> lanes;
  for (size_t i = 0; i < waiting.size(); ++i) {
    lanes[static_cast<int>(waiting[i].lane)].push_back(i);
  }
  for (int i = 0; i < kLaneCount; ++i) f.waiting[i] = static_cast<int>(lanes[i].size());

  std::map<std::string, std::map<std::string, std::vector<absl::Duration>>> by_counter_service;
  std::map<std::string, std::vector<absl::Duration>> by_counter;
  std::vector<absl::Duration> all;
  for (const ServiceSample& s : samples) {
    by_counter_service[s.counter_id][s.service].push_back(s.took);
    by_counter[s.counter_id].push_back(s.took);
    all.push_back(s.took);
  }
  f.mean_service = MedianService(all).value_or(absl::ZeroDuration());
  std::vector<CounterPace> counters;
  for (const OpenCounter& oc : open_counters) {
    CounterPace c;
    c.services = oc.services;
    for (const auto& [service, ds] : by_counter_service[oc.id]) {
      if (auto m = MedianService(ds)) c.by_service[service] = *m;
    }
    c.overall = MedianService(by_counter[oc.id]);
    counters.push_back(std::move(c));
  }
  f.open_counters = static_cast<int>(counters.size());

  std::array<size_t, kLaneCount> next = {0, 0, 0};
  for (Lane l : InterleaveOrder(credits, weights, f.waiting)) {
    ForecastEntry e;
    e.ticket = lanes[static_cast<int>(l)][next[static_cast<int>(l)]++];
    e.calls_ahead = static_cast<int>(f.order.size());
    e.wait = EstimateWaitMeasured(e.calls_ahead, MediansFor(counters, waiting[e.ticket].service));
    f.order.push_back(e);
  }
  return f;
}

}  // namespace loket::domain
