// The waiting queue's forecast (issue 14: the rule apart from the store that loads it): the order
// the waiting tickets are expected to be called in, how many calls come before each and the wait
// that means, from the service times the open counters measured. The store loads the waiting
// tickets, the lane credits, the recent service samples and the open counters; ForecastQueue
// answers. Pure; safe from any thread.
#ifndef LOKET_SERVER_DOMAIN_QUEUE_FORECAST_H_
#define LOKET_SERVER_DOMAIN_QUEUE_FORECAST_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/domain/queue.h"

namespace loket::domain {

// A waiting ticket as the forecast needs it.
struct WaitingTicket {
  Lane lane = Lane::kWalkIn;
  std::string service;
  std::string transferred_to;  // the counter it was transferred to; "" when none
};

// One finished ticket of the recent history (kServiceSamples per counter and service, over
// kServiceHistoryDays): called to finished at `counter_id`.
struct ServiceSample {
  std::string counter_id;
  std::string service;
  absl::Duration took;
};

// A counter open on the day and the services it serves (empty: all).
struct OpenCounter {
  std::string id;
  std::vector<std::string> services;
};

struct ForecastEntry {
  size_t ticket = 0;                   // index into the `waiting` given to ForecastQueue
  int calls_ahead = 0;                 // calls before this one
  std::optional<absl::Duration> wait;  // nullopt: unknown (no counter that serves it has history)
};

struct QueueForecast {
  std::vector<ForecastEntry> order;                    // in the expected call order
  std::array<int, kLaneCount> waiting = {0, 0, 0};     // tickets per lane
  absl::Duration mean_service = absl::ZeroDuration();  // the office's median; zero: no history
  int open_counters = 0;
};

// `waiting` lists each lane's tickets in that lane's own order (lanes may be interleaved in the
// list). A ticket transferred to an open counter is that counter's next call (calling takes
// transferred tickets first, in the order given): it comes first, with the transfers to the same
// counter before it as its calls ahead and that counter's median as its pace, and every other
// ticket has the transfers as calls ahead too. A ticket transferred to a counter now closed is
// anyone's again and waits in its lane. The lanes' call order is InterleaveOrder from `credits`;
// each ticket's wait is EstimateWaitMeasured over the open counters that serve its service, each
// counter's median for that service or, without one, over all its services. `waiting` in the
// answer counts every ticket of each lane, transferred or not.
QueueForecast ForecastQueue(const std::vector<WaitingTicket>& waiting, const LaneCredits& credits,
                            const LaneWeights& weights, const std::vector<ServiceSample>& samples,
                            const std::vector<OpenCounter>& open_counters);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_QUEUE_FORECAST_H_
