#include "server/domain/queue.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/office_zone.h"
#include "server/domain/validation.h"

namespace loket::domain {

std::string_view LaneName(Lane l) {
  switch (l) {
    case Lane::kPriority:
      return "priority";
    case Lane::kAppointment:
      return "appointment";
    case Lane::kWalkIn:
      return "walk_in";
  }
  return "walk_in";
}

std::optional<Lane> LaneFromName(std::string_view s) {
  for (Lane l : {Lane::kPriority, Lane::kAppointment, Lane::kWalkIn}) {
    if (LaneName(l) == s) return l;
  }
  return std::nullopt;
}

char LaneLetter(Lane l) {
  switch (l) {
    case Lane::kPriority:
      return 'P';
    case Lane::kAppointment:
      return 'A';
    case Lane::kWalkIn:
      return 'W';
  }
  return 'W';
}

std::string TicketLabel(Lane lane, int number) {
  return absl::StrFormat("%c-%03d", LaneLetter(lane), number);
}

std::optional<Lane> PickLane(LaneCredits& credits, const LaneWeights& weights,
                             const std::array<bool, kLaneCount>& waiting) {
  int total = 0;
  for (int i = 0; i < kLaneCount; ++i) {
    if (waiting[i]) total += weights.w[i];
  }
  if (total == 0) return std::nullopt;
  int best = -1;
  for (int i = 0; i < kLaneCount; ++i) {
    if (!waiting[i]) continue;
    credits.c[i] += weights.w[i];
    if (best < 0 || credits.c[i] > credits.c[best]) best = i;
  }
  credits.c[best] -= total;
  return static_cast<Lane>(best);
}

std::optional<Lane> PickLaneFirst(LaneCredits& credits, const LaneWeights& weights,
                                  const std::array<bool, kLaneCount>& waiting,
                                  const std::array<bool, kLaneCount>& first) {
  for (bool f : first) {
    if (f) return PickLane(credits, weights, first);
  }
  return PickLane(credits, weights, waiting);
}

namespace {

// MaxPasses' exploration; with `seated_calls`, between two ordinary calls any number of seated
// calls may pick among any non-empty subset of the waiting lanes; only ordinary calls count as
// passes (a seated call resets the count of the lane it serves and leaves the others).
absl::StatusOr<int> ExplorePasses(const LaneWeights& weights, Lane lane, bool seated_calls) {
  for (int i = 0; i < kLaneCount; ++i) {
    if (weights.w[i] < 1 || weights.w[i] > 20) {
      return absl::InvalidArgumentError(
          absl::StrCat("weights: each lane's weight must be in [1, 20], lane ",
                       std::string(LaneName(static_cast<Lane>(i))), " has ", weights.w[i]));
    }
  }
  // A state: credits, which lanes have someone waiting, and how often each was passed over since.
  // Between calls, any lane may gain arrivals; the lane just served may or may not empty; a lane
  // passed over keeps its waiting ticket.
  using State = std::tuple<std::array<int64_t, kLaneCount>, std::array<bool, kLaneCount>,
                           std::array<int, kLaneCount>>;
  const int target = static_cast<int>(lane);
  std::set<State> seen;
  std::vector<State> frontier = {State{{0, 0, 0}, {false, false, false}, {0, 0, 0}}};
  seen.insert(frontier[0]);
  int worst = 0;
  while (!frontier.empty()) {
    std::vector<State> next;
    for (const auto& [credits, active, passes] : frontier) {
      for (int arrivals = 0; arrivals < (1 << kLaneCount); ++arrivals) {
        std::array<bool, kLaneCount> waiting;
        for (int i = 0; i < kLaneCount; ++i) waiting[i] = active[i] || (arrivals >> i & 1);
        LaneCredits c{credits};
        std::optional<Lane> picked = PickLane(c, weights, waiting);
        if (!picked) continue;
        const int b = static_cast<int>(*picked);
        std::array<int, kLaneCount> p = {0, 0, 0};
        for (int i = 0; i < kLaneCount; ++i) {
          if (i != b && waiting[i]) p[i] = passes[i] + 1;
        }
        worst = std::max(worst, p[target]);
        if (p[target] > 1000 || seen.size() > 2000000) {
          return absl::FailedPreconditionError("the interleaving can starve this lane");
        }
        for (bool keep : {false, true}) {
          std::array<bool, kLaneCount> after = waiting;
          after[b] = keep;
          State s{c.c, after, p};
          if (seen.insert(s).second) next.push_back(s);
        }
      }
      if (!seated_calls) continue;
      // A seated call: it serves a lane of some subset of those waiting; passes stay as they are.
      for (int arrivals = 0; arrivals < (1 << kLaneCount); ++arrivals) {
        std::array<bool, kLaneCount> waiting;
        for (int i = 0; i < kLaneCount; ++i) waiting[i] = active[i] || (arrivals >> i & 1);
        for (int subset = 1; subset < (1 << kLaneCount); ++subset) {
          std::array<bool, kLaneCount> first;
          bool ok = true;
          for (int i = 0; i < kLaneCount; ++i) {
            first[i] = subset >> i & 1;
            if (first[i] && !waiting[i]) ok = false;
          }
          if (!ok) continue;
          LaneCredits c{credits};
          const int b = static_cast<int>(*PickLane(c, weights, first));
          if (seen.size() > 2000000) {
            return absl::FailedPreconditionError("the interleaving can starve this lane");
          }
          std::array<int, kLaneCount> p = passes;
          p[b] = 0;
          for (bool keep : {false, true}) {
            std::array<bool, kLaneCount> after = waiting;
            after[b] = keep;
            State s{c.c, after, p};
            if (seen.insert(s).second) next.push_back(s);
          }
        }
      }
    }
    frontier = std::move(next);
  }
  return worst;
}

}  // namespace

absl::StatusOr<int> MaxPasses(const LaneWeights& weights, Lane lane) {
  return ExplorePasses(weights, lane, /*seated_calls=*/false);
}

absl::StatusOr<int> MaxPassesWithSeatedCalls(const LaneWeights& weights, Lane lane) {
  return ExplorePasses(weights, lane, /*seated_calls=*/true);
}

std::string_view ArrivalName(Arrival a) {
  switch (a) {
    case Arrival::kTooEarly:
      return "too_early";
    case Arrival::kOnTime:
      return "on_time";
    case Arrival::kLate:
      return "late";
    case Arrival::kOtherDay:
      return "other_day";
  }
  return "other_day";
}

Arrival ClassifyArrival(absl::Time now, absl::Time slot_start, int utc_offset_minutes,
                        const ArrivalRule& rule) {
  absl::TimeZone tz = absl::FixedTimeZone(utc_offset_minutes * 60);
  if (absl::ToCivilDay(now, tz) != absl::ToCivilDay(slot_start, tz)) return Arrival::kOtherDay;
  if (now < slot_start - rule.early) return Arrival::kTooEarly;
  if (now <= slot_start + rule.grace) return Arrival::kOnTime;
  return Arrival::kLate;
}

Lane LaneFor(PriorityClass priority, bool has_appointment, Arrival arrival) {
  if (priority == PriorityClass::kElderly || priority == PriorityClass::kDisability) {
    return Lane::kPriority;
  }
  if (has_appointment && arrival == Arrival::kOnTime) return Lane::kAppointment;
  return Lane::kWalkIn;
}

absl::Status ValidateScreening(const Screening& s) {
  if (!std::isfinite(s.temperature_c) || s.temperature_c < 30 || s.temperature_c > 45) {
    return absl::InvalidArgumentError(
        "screening.temperature_c: the measured body temperature in °C, between 30 and 45");
  }
  return absl::OkStatus();
}

bool ScreeningPassed(const Screening& s, std::string* reason) {
  std::string why;
  if (s.temperature_c >= kFeverC) {
    why = absl::StrFormat("temperature %.1f °C (fever from %.1f °C)", s.temperature_c, kFeverC);
  }
  if (!s.mask) why = why.empty() ? "no mask" : why + "; no mask";
  if (reason != nullptr) *reason = why;
  return why.empty();
}

int CallsAhead(LaneCredits credits, const LaneWeights& weights, std::array<int, kLaneCount> waiting,
               Lane lane, int position) {
  const int target = static_cast<int>(lane);
  waiting[target] = std::max(waiting[target], position + 1);
  int calls = 0;
  int served_in_lane = 0;
  while (true) {
    std::array<bool, kLaneCount> any;
    for (int i = 0; i < kLaneCount; ++i) any[i] = waiting[i] > 0;
    std::optional<Lane> picked = PickLane(credits, weights, any);
    if (!picked) return calls;  // unreachable: the target lane is never empty before its turn
    const int b = static_cast<int>(*picked);
    if (b == target) {
      if (served_in_lane == position) return calls;
      ++served_in_lane;
    }
    --waiting[b];
    ++calls;
  }
}

std::vector<Lane> InterleaveOrder(LaneCredits credits, const LaneWeights& weights,
                                  std::array<int, kLaneCount> waiting) {
  std::vector<Lane> order;
  while (true) {
    std::array<bool, kLaneCount> any;
    for (int i = 0; i < kLaneCount; ++i) any[i] = waiting[i] > 0;
    std::optional<Lane> picked = PickLane(credits, weights, any);
    if (!picked) return order;
    --waiting[static_cast<int>(*picked)];
    order.push_back(*picked);
  }
}

absl::Duration EstimateWait(int calls_ahead, int open_counters, absl::Duration mean_service) {
  if (calls_ahead <= 0) return absl::ZeroDuration();
  const int counters = std::max(open_counters, 1);
  // Calls ahead are served `counters` at a time: the visitor's turn comes after that many rounds.
  return mean_service * ((calls_ahead + counters - 1) / counters);
}

absl::Status CheckWalkInHours(absl::Time now, int utc_offset_minutes,
                              const std::optional<OpeningHours>& hours, bool working_day) {
  const absl::TimeZone tz = absl::FixedTimeZone(utc_offset_minutes * 60);
  const absl::CivilMinute local = absl::ToCivilMinute(now, tz);
  const int minute = local.hour() * 60 + local.minute();
  const std::string zone = OfficeZoneName(utc_offset_minutes);
  const std::string it_is =
      absl::StrCat("it is ", FormatClockMinutes(minute), " ", zone, " (office time)");
  if (!working_day || !hours) {
    return absl::FailedPreconditionError(absl::StrCat(
        "walk-in tickets are issued during opening hours: the office is closed today (",
        absl::FormatCivilTime(absl::CivilDay(local)), ")",
        hours ? "" : ", no opening hours on this weekday", "; ", it_is));
  }
  if (minute >= hours->opens_minute && minute < hours->closes_minute) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("walk-in tickets are issued during opening hours: today ",
                   FormatClockMinutes(hours->opens_minute), "-",
                   FormatClockMinutes(hours->closes_minute), " ", zone, "; ", it_is));
}

std::optional<absl::Duration> MedianService(std::vector<absl::Duration> samples) {
  samples.erase(std::remove_if(samples.begin(), samples.end(),
                               [](absl::Duration d) { return d < kMinServiceSample; }),
                samples.end());
  if (samples.empty()) return std::nullopt;
  std::sort(samples.begin(), samples.end());
  const size_t n = samples.size();
  if (n % 2 == 1) return samples[n / 2];
  return (samples[n / 2 - 1] + samples[n / 2]) / 2;
}

std::optional<absl::Duration> EstimateWaitMeasured(
    int calls_ahead, const std::vector<std::optional<absl::Duration>>& counter_medians) {
  double rate = 0;  // tickets per second, over the counters with a history
  int known = 0;
  for (const auto& m : counter_medians) {
    if (!m || *m <= absl::ZeroDuration()) continue;
    rate += 1 / absl::ToDoubleSeconds(*m);
    ++known;
  }
  if (calls_ahead <= 0) return absl::ZeroDuration();  // next: no wait for others
  if (known == 0) return std::nullopt;
  const absl::Duration round = absl::Seconds(known / rate);  // the harmonic mean
  return EstimateWait(calls_ahead, static_cast<int>(counter_medians.size()), round);
}

int WaitMinutes(absl::Duration wait) {
  if (wait <= absl::ZeroDuration()) return 0;
  return static_cast<int>(absl::ToInt64Minutes(absl::Ceil(wait, absl::Minutes(1))));
}

}  // namespace loket::domain
