// What a counter may do and what it does (issue 14: the rules apart from the store that locks and
// writes): calling the next ticket (which lane the rotation serves), recall, skip, no-show, finish
// and transfer. The store loads the counter, the ticket or the eligible lanes under the office's
// queue lock, asks here, and writes the answer in the same transaction. Pure; safe from any thread.
#ifndef LOKET_SERVER_DOMAIN_QUEUE_COUNTER_H_
#define LOKET_SERVER_DOMAIN_QUEUE_COUNTER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/queue.h"

namespace loket::domain {

// --- calling
// ---------------------------------------------------------------------------------------

// A counter id as a request names it (`field`): 1..16 bytes; INVALID_ARGUMENT "field: required".
absl::Status ValidateCounterId(std::string_view id, std::string_view field);

// A ticket listing's state filter: empty (all), waiting, called, done or no_show.
absl::Status ValidateTicketStateFilter(std::string_view state);

// A visit listing's outcome filter: empty (all), queued, redirect_pending, online or siber_pickup.
absl::Status ValidateVisitOutcomeFilter(std::string_view outcome);

// A counter calls only while open and with no ticket called (`called_label`: the one it has).
// FAILED_PRECONDITION naming the counter, and the ticket to deal with first.
absl::Status CheckCounterMayCall(std::string_view counter_id, bool open,
                                 const std::optional<std::string>& called_label);

// A lane holding waiting tickets this counter may serve; `first`: one of them comes first here
// (the seated rule: a seated or priority ticket at a seated counter).
struct EligibleLane {
  Lane lane = Lane::kWalkIn;
  bool first = false;
};

// The lane the next call serves and the rotation's credits after it.
struct CallChoice {
  Lane lane = Lane::kWalkIn;
  // Claim only a ticket that comes first here (a seated or priority one): some lane has one.
  bool first_only = false;
  LaneCredits credits;  // to store for the day
};

// PickLaneFirst over the eligible lanes. Nullopt when none has anyone (nothing to call; the
// credits stay as they are).
std::optional<CallChoice> ChooseCallLane(const LaneCredits& credits, const LaneWeights& weights,
                                         const std::vector<EligibleLane>& eligible);

// A waiting ticket of the day as calling needs it.
struct CallableTicket {
  int64_t id = 0;
  Lane lane = Lane::kWalkIn;
  std::string service;
  bool seated = false;  // the visitor waits for a seated counter
  absl::Time queued_at;
  std::optional<absl::Time> slot_starts_at;  // an appointment's slot; its lane's order
  int64_t position = 0;                      // when it queued (or was skipped to the back)
  std::string transferred_to;                // the counter it was transferred to; "" when none
};

// A counter of the office as calling needs it.
struct CallingCounter {
  std::string id;
  bool seated = false;
  bool open = false;                  // open, and not closed for the day
  std::vector<std::string> services;  // empty: all
};

// What the next call takes: a ticket, and the rotation's credits to store when the rotation chose
// it (nullopt for a ticket transferred here, which the rotation does not count).
struct NextCall {
  int64_t ticket_id = 0;
  std::optional<LaneCredits> credits;
};

// The ticket counter `counter_id` calls next among the day's `waiting` tickets, at `now`; nullopt
// when it may serve none. In order:
//  - a ticket transferred to this counter, the earliest queued first;
//  - otherwise the rotation (ChooseCallLane) over the lanes holding tickets this counter may
//    serve, and in the chosen lane the first by slot (tickets without one last), then position.
// A counter may serve a ticket of a service it lists (none listed: every service) that is not
// transferred to another open counter (one transferred to a counter now closed is anyone's
// again). A seated ticket goes to an ordinary counter only after kSeatedWaitLimit, or at once when
// no open seated counter serves its service. At a seated counter, seated and priority tickets come
// first (the seated rule of PickLaneFirst).
std::optional<NextCall> ChooseNextTicket(std::string_view counter_id,
                                         const std::vector<CallingCounter>& counters,
                                         const std::vector<CallableTicket>& waiting,
                                         const LaneCredits& credits, const LaneWeights& weights,
                                         absl::Time now);

// --- what a counter does with the ticket it called
// -------------------------------------------------

// Recall: announce again. Skip: back to waiting at the end of its lane. No-show: gone (its
// appointment too). Finish: served.
enum class TicketAction { kRecall, kSkip, kNoShow, kFinish };

// An action as the change to write.
struct TicketActionEdit {
  enum class Write {
    kRecall,  // one more call, called again now
    kSkip,    // waiting again, at the back of its lane, at no counter
    kFinish,  // ended now in `finished_as`
  };
  Write write = Write::kRecall;
  std::string finished_as;  // with kFinish: "no_show" or "done"
  // The visit's appointment moves from checked_in to this ("no_show", "served"); nullopt: it stays
  // (or there is none).
  std::optional<std::string> appointment_to;
  std::string event;  // the feed's event: recalled, skipped, no_show, done
};

// Every action needs the ticket called: FAILED_PRECONDITION "cannot skip ticket W-003: it is
// waiting" otherwise.
absl::StatusOr<TicketActionEdit> DecideTicketAction(TicketAction action, std::string_view state,
                                                    std::string_view label, bool has_appointment);

// A transfer sends a called ticket to another counter: FAILED_PRECONDITION unless called;
// INVALID_ARGUMENT naming to_counter_id when it is the ticket's counter already; NOT_FOUND when
// the target counter does not exist (`to_open` nullopt); FAILED_PRECONDITION when it is closed.
absl::Status CheckTransfer(std::string_view state, std::string_view label,
                           std::string_view from_counter, std::string_view to_counter,
                           std::optional<bool> to_open);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_QUEUE_COUNTER_H_
