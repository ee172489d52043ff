// The live office queue in pure C++ (issue 4): lanes and their weighted interleaving, ticket
// labels, the late-arrival rule, the health screening verdict and the estimated wait. No gRPC or
// pqxx; every function is pure and safe from any thread.
#ifndef LOKET_SERVER_DOMAIN_QUEUE_H_
#define LOKET_SERVER_DOMAIN_QUEUE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/case.h"

namespace loket::domain {

// Priority: Temankubela (elderly, disability). Appointment: checked in on time. Walk-in: everyone
// else, late appointments included. The order is the tie-break order of the interleaving.
enum class Lane { kPriority = 0, kAppointment = 1, kWalkIn = 2 };
inline constexpr int kLaneCount = 3;
std::string_view LaneName(Lane l);  // "priority", "appointment", "walk_in"
std::optional<Lane> LaneFromName(std::string_view s);
char LaneLetter(Lane l);  // 'P', 'A', 'W'

// "A-012": the lane's letter and the day's number in that lane (at least three digits).
std::string TicketLabel(Lane lane, int number);

// Shares of the calls each lane gets while all lanes have waiting tickets.
struct LaneWeights {
  std::array<int, kLaneCount> w = {3, 2, 1};
};

// The interleaving's state for one office and day: smooth weighted round robin credits. Credits of
// lanes with nobody waiting stay as they are, so their sum stays 0 and the state space is finite.
struct LaneCredits {
  std::array<int64_t, kLaneCount> c = {0, 0, 0};
};

// Chooses the lane the next call serves among those with waiting tickets (`waiting`), and updates
// `credits`: every waiting lane gains its weight, the chosen one (highest credit, ties in lane
// order) gives back the sum of the waiting lanes' weights. Nullopt, credits unchanged, when no lane
// has anyone waiting.
//
// Starvation bound: while a lane has someone waiting, it is passed over at most
// MaxPasses(weights, lane) calls in a row (with the default 3:2:1, priority 2, appointment 3,
// walk-in 6), whatever arrives meanwhile.
std::optional<Lane> PickLane(LaneCredits& credits, const LaneWeights& weights,
                             const std::array<bool, kLaneCount>& waiting);

// The most calls in a row that pass over `lane` while it has someone waiting, found by exploring
// every reachable credit state (finite, see LaneCredits) under every pattern of arrivals.
// INVALID_ARGUMENT unless every weight is in [1, 20].
absl::StatusOr<int> MaxPasses(const LaneWeights& weights, Lane lane);

// A seated ticket waits for a seated counter (one that is open and serves its service) at most
// this long after it queued; then any counter serving its service may call it. An open seated
// counter nobody staffs must not keep an elderly or disabled visitor waiting all day.
inline constexpr absl::Duration kSeatedWaitLimit = absl::Minutes(15);

// The seated rule (Temankubela): a seated counter calls a waiting seated or priority ticket
// before any walk-in, whatever the rotation says. `first` marks the lanes holding such tickets
// that this counter may serve; when any is set, the rotation picks among those lanes only (and
// the caller claims only a seated or priority ticket in it); otherwise it is PickLane over
// `waiting`. Ordinary counters pass `first` all false.
std::optional<Lane> PickLaneFirst(LaneCredits& credits, const LaneWeights& weights,
                                  const std::array<bool, kLaneCount>& waiting,
                                  const std::array<bool, kLaneCount>& first);

// The bound for the rest under the seated rule: the most calls of ordinary counters that pass
// over `lane` while it has someone waiting before any counter serves it, whatever seated counters
// call in between (any number of calls restricted to any subset of the waiting lanes, sharing the
// same credits). Finite: a seated call never lowers the credit of a lane it does not serve.
absl::StatusOr<int> MaxPassesWithSeatedCalls(const LaneWeights& weights, Lane lane);

// The late-arrival rule, stated: check-in opens `early` before the slot starts; up to `grace`
// after the start the visitor is on time (appointment lane); later on the slot's day they are
// late and queue as a walk-in (also when Spontan's no-show sweep, which runs at the same grace,
// has released their seat already); before the window opens or on another day they are turned
// away.
struct ArrivalRule {
  absl::Duration early = absl::Minutes(30);
  absl::Duration grace = absl::Minutes(15);
};
enum class Arrival { kTooEarly, kOnTime, kLate, kOtherDay };
std::string_view ArrivalName(Arrival a);  // "too_early", "on_time", "late", "other_day"
Arrival ClassifyArrival(absl::Time now, absl::Time slot_start, int utc_offset_minutes,
                        const ArrivalRule& rule = {});

// The lane a checked-in visitor queues in.
Lane LaneFor(PriorityClass priority, bool has_appointment, Arrival arrival);

// Health screening at the door.
struct Screening {
  double temperature_c = 0;
  bool mask = false;
};
inline constexpr double kFeverC = 37.5;
// INVALID_ARGUMENT naming screening.temperature_c outside [30, 45] (a misread thermometer).
absl::Status ValidateScreening(const Screening& s);
// Passed: below kFeverC and masked. `reason` says why not, for the clerk ("" when passed).
bool ScreeningPassed(const Screening& s, std::string* reason);

// How many calls come before the ticket at `position` (0-based) of `lane`, given `waiting` tickets
// per lane now and the current credits (arrivals after now are not foreseen).
int CallsAhead(LaneCredits credits, const LaneWeights& weights, std::array<int, kLaneCount> waiting,
               Lane lane, int position);

// The lanes of the next calls, in order, until `waiting` (tickets per lane now) is used up: the
// board's "next" list and every waiting ticket's place in it.
std::vector<Lane> InterleaveOrder(LaneCredits credits, const LaneWeights& weights,
                                  std::array<int, kLaneCount> waiting);

// Estimated wait: the calls ahead shared by the open counters, each taking `mean_service`.
absl::Duration EstimateWait(int calls_ahead, int open_counters, absl::Duration mean_service);

// The office's opening hours of one day, in minutes after local midnight ([opens, closes)).
struct OpeningHours {
  int opens_minute = 0;
  int closes_minute = 0;
};

// Walk-ins get tickets while the office is open: on a working day (`working_day`: not a holiday
// nor a closed day) within its hours (`hours`: nullopt when that weekday has none). Otherwise
// FAILED_PRECONDITION naming the hours in office time, e.g. "walk-in tickets are issued during
// opening hours: today 08:00-15:00 WITA; it is 16:05 WITA".
absl::Status CheckWalkInHours(absl::Time now, int utc_offset_minutes,
                              const std::optional<OpeningHours>& hours, bool working_day);

// How many recent finished tickets make a service time's rolling median, and how far back they
// may go.
inline constexpr int kServiceSamples = 20;
inline constexpr int kServiceHistoryDays = 14;

// A ticket finished sooner than this after its call was no service (a mis-click, a visitor who
// only asked the way): it is left out of the measured times.
inline constexpr absl::Duration kMinServiceSample = absl::Minutes(1);

// The median of `samples` (a counter's recent finished tickets of one service, called to
// finished), leaving out those shorter than kMinServiceSample; nullopt when none is left.
std::optional<absl::Duration> MedianService(std::vector<absl::Duration> samples);

// The wait from measured service times: `calls_ahead` calls shared by the open counters that may
// serve the ticket, one entry per counter with its median service time for the ticket's service
// (nullopt: no history there). The counters are served in rounds (ceil(calls / counters)), each
// round lasting the harmonic mean of the known medians. Nullopt (unknown) when no counter has a
// history or none is open; zero when nobody is ahead (also without history). Never negative.
std::optional<absl::Duration> EstimateWaitMeasured(
    int calls_ahead, const std::vector<std::optional<absl::Duration>>& counter_medians);

// Whole minutes to show for a wait, rounded up (a wait of 20 s is "1 min", never "0 min" with
// people ahead); 0 for zero or a negative duration.
int WaitMinutes(absl::Duration wait);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_QUEUE_H_
