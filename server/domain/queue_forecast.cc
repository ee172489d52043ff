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

// A counter's pace for `service`: its median for it, else over all its services.
std::optional<absl::Duration> PaceFor(const CounterPace& c, const std::string& service) {
  auto it = c.by_service.find(service);
  return it != c.by_service.end() ? std::optional(it->second) : c.overall;
}

// The medians of each open counter that serves `service`, as EstimateWaitMeasured takes them.
std::vector<std::optional<absl::Duration>> MediansFor(const std::vector<CounterPace>& counters,
                                                      const std::string& service) {
  std::vector<std::optional<absl::Duration>> out;
  for (const auto& c : counters) {
    if (!c.services.empty() &&
        std::find(c.services.begin(), c.services.end(), service) == c.services.end()) {
      continue;
    }
    out.push_back(PaceFor(c, service));
  }
  return out;
}

}  // namespace

QueueForecast ForecastQueue(const std::vector<WaitingTicket>& waiting, const LaneCredits& credits,
                            const LaneWeights& weights, const std::vector<ServiceSample>& samples,
                            const std::vector<OpenCounter>& open_counters) {
  QueueForecast f;
  std::map<std::string, size_t> open_at;  // counter id -> index in open_counters
  for (size_t i = 0; i < open_counters.size(); ++i) open_at[open_counters[i].id] = i;
  std::vector<size_t> transferred;  // to an open counter: its next calls
  std::array<std::vector<size_t>, kLaneCount> lanes;
  for (size_t i = 0; i < waiting.size(); ++i) {
    ++f.waiting[static_cast<int>(waiting[i].lane)];
    if (open_at.count(waiting[i].transferred_to)) {
      transferred.push_back(i);
    } else {
      lanes[static_cast<int>(waiting[i].lane)].push_back(i);
    }
  }

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

  std::map<std::string, int> ahead_at;  // transfers to a counter so far
  for (size_t i : transferred) {
    ForecastEntry e;
    e.ticket = i;
    e.calls_ahead = ahead_at[waiting[i].transferred_to]++;
    e.wait = EstimateWaitMeasured(
        e.calls_ahead, {PaceFor(counters[open_at[waiting[i].transferred_to]], waiting[i].service)});
    f.order.push_back(e);
  }
  std::array<int, kLaneCount> in_lanes;
  for (int i = 0; i < kLaneCount; ++i) in_lanes[i] = static_cast<int>(lanes[i].size());
  std::array<size_t, kLaneCount> next = {0, 0, 0};
  for (Lane l : InterleaveOrder(credits, weights, in_lanes)) {
    ForecastEntry e;
    e.ticket = lanes[static_cast<int>(l)][next[static_cast<int>(l)]++];
    e.calls_ahead = static_cast<int>(f.order.size());  // the transfers are called first
    e.wait = EstimateWaitMeasured(e.calls_ahead, MediansFor(counters, waiting[e.ticket].service));
    f.order.push_back(e);
  }
  return f;
}

}  // namespace loket::domain
