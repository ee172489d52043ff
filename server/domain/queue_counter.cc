#include "server/domain/queue_counter.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace loket::domain {
namespace {

absl::Status NeedCalled(std::string_view state, std::string_view label, std::string_view doing) {
  if (state == "called") return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat("cannot ", std::string(doing), " ticket ",
                                                    std::string(label), ": it is ",
                                                    std::string(state)));
}

}  // namespace

absl::Status ValidateCounterId(std::string_view id, std::string_view field) {
  if (id.empty() || id.size() > 16) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), ": required, e.g. C1"));
  }
  return absl::OkStatus();
}

absl::Status ValidateTicketStateFilter(std::string_view state) {
  if (state.empty() || state == "waiting" || state == "called" || state == "done" ||
      state == "no_show") {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError("state: waiting, called, done or no_show");
}

absl::Status ValidateVisitOutcomeFilter(std::string_view outcome) {
  if (outcome.empty() || outcome == "queued" || outcome == "redirect_pending" ||
      outcome == "online" || outcome == "siber_pickup") {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError("outcome: queued, redirect_pending, online or siber_pickup");
}

absl::Status CheckCounterMayCall(std::string_view counter_id, bool open,
                                 const std::optional<std::string>& called_label) {
  if (!open) {
    return absl::FailedPreconditionError(
        absl::StrCat("counter ", std::string(counter_id), " is closed"));
  }
  if (called_label) {
    return absl::FailedPreconditionError(
        absl::StrCat("counter ", std::string(counter_id), " has ", *called_label,
                     " called: finish it (done), skip it, transfer it or mark a no-show first"));
  }
  return absl::OkStatus();
}

std::optional<CallChoice> ChooseCallLane(const LaneCredits& credits, const LaneWeights& weights,
                                         const std::vector<EligibleLane>& eligible) {
  std::array<bool, kLaneCount> waiting = {false, false, false};
  std::array<bool, kLaneCount> first = {false, false, false};
  for (const EligibleLane& e : eligible) {
    waiting[static_cast<int>(e.lane)] = true;
    first[static_cast<int>(e.lane)] = e.first;
  }
  CallChoice c;
  c.credits = credits;
  std::optional<Lane> lane = PickLaneFirst(c.credits, weights, waiting, first);
  if (!lane) return std::nullopt;
  c.lane = *lane;
  for (bool f : first) c.first_only = c.first_only || f;
  return c;
}

namespace {

bool Serves(const CallingCounter& c, std::string_view service) {
  return c.services.empty() ||
         std::find(c.services.begin(), c.services.end(), service) != c.services.end();
}

// Whether `t` is ahead of `u` in their lane: by slot (none last), then position.
bool AheadInLane(const CallableTicket& t, const CallableTicket& u) {
  if (t.slot_starts_at.has_value() != u.slot_starts_at.has_value()) {
    return t.slot_starts_at.has_value();
  }
  if (t.slot_starts_at && *t.slot_starts_at != *u.slot_starts_at) {
    return *t.slot_starts_at < *u.slot_starts_at;
  }
  return t.position < u.position;
}

}  // namespace

std::optional<NextCall> ChooseNextTicket(std::string_view counter_id,
                                         const std::vector<CallingCounter>& counters,
                                         const std::vector<CallableTicket>& waiting,
                                         const LaneCredits& credits, const LaneWeights& weights,
                                         absl::Time now) {
  auto open_counter = [&](std::string_view id) -> const CallingCounter* {
    for (const CallingCounter& c : counters) {
      if (c.id == id && c.open) return &c;
    }
    return nullptr;
  };
  const CallingCounter* here = open_counter(counter_id);
  if (here == nullptr) return std::nullopt;

  const CallableTicket* transferred = nullptr;
  for (const CallableTicket& t : waiting) {
    if (t.transferred_to == counter_id && (!transferred || t.position < transferred->position)) {
      transferred = &t;
    }
  }
  if (transferred) return NextCall{transferred->id, std::nullopt};

  auto may_serve = [&](const CallableTicket& t) {
    if (!t.transferred_to.empty() && open_counter(t.transferred_to)) return false;
    if (!Serves(*here, t.service)) return false;
    if (!t.seated || here->seated || t.queued_at <= now - kSeatedWaitLimit) return true;
    return std::none_of(counters.begin(), counters.end(), [&](const CallingCounter& c) {
      return c.seated && c.open && Serves(c, t.service);
    });
  };
  auto first_here = [&](const CallableTicket& t) {
    return here->seated && (t.seated || t.lane == Lane::kPriority);
  };
  std::vector<const CallableTicket*> eligible;
  std::vector<EligibleLane> lanes;
  for (const CallableTicket& t : waiting) {
    if (!may_serve(t)) continue;
    eligible.push_back(&t);
    auto lane = std::find_if(lanes.begin(), lanes.end(),
                             [&](const EligibleLane& l) { return l.lane == t.lane; });
    if (lane == lanes.end()) lane = lanes.insert(lanes.end(), {t.lane, false});
    lane->first = lane->first || first_here(t);
  }
  std::optional<CallChoice> choice = ChooseCallLane(credits, weights, lanes);
  if (!choice) return std::nullopt;
  const CallableTicket* next = nullptr;
  for (const CallableTicket* t : eligible) {
    if (t->lane != choice->lane || (choice->first_only && !first_here(*t))) continue;
    if (!next || AheadInLane(*t, *next)) next = t;
  }
  if (!next) return std::nullopt;  // PickLaneFirst chose a lane it was told has one
  return NextCall{next->id, choice->credits};
}

absl::StatusOr<TicketActionEdit> DecideTicketAction(TicketAction action, std::string_view state,
                                                    std::string_view label, bool has_appointment) {
  TicketActionEdit e;
  std::string_view doing;
  switch (action) {
    case TicketAction::kRecall:
      doing = "recall";
      e.write = TicketActionEdit::Write::kRecall;
      e.event = "recalled";
      break;
    case TicketAction::kSkip:
      doing = "skip";
      e.write = TicketActionEdit::Write::kSkip;
      e.event = "skipped";
      break;
    case TicketAction::kNoShow:
      doing = "mark a no-show of";
      e.write = TicketActionEdit::Write::kFinish;
      e.finished_as = "no_show";
      e.event = "no_show";
      if (has_appointment) e.appointment_to = "no_show";
      break;
    case TicketAction::kFinish:
      doing = "finish";
      e.write = TicketActionEdit::Write::kFinish;
      e.finished_as = "done";
      e.event = "done";
      if (has_appointment) e.appointment_to = "served";
      break;
  }
  LOKET_RETURN_IF_ERROR(NeedCalled(state, label, doing));
  return e;
}

absl::Status CheckTransfer(std::string_view state, std::string_view label,
                           std::string_view from_counter, std::string_view to_counter,
                           std::optional<bool> to_open) {
  LOKET_RETURN_IF_ERROR(NeedCalled(state, label, "transfer"));
  if (from_counter == to_counter) {
    return absl::InvalidArgumentError(absl::StrCat("to_counter_id: ticket ", std::string(label),
                                                   " is at counter ", std::string(to_counter),
                                                   " already"));
  }
  if (!to_open) {
    return absl::NotFoundError(absl::StrCat("counter ", std::string(to_counter), " not found"));
  }
  if (!*to_open) {
    return absl::FailedPreconditionError(
        absl::StrCat("counter ", std::string(to_counter), " is closed"));
  }
  return absl::OkStatus();
}

}  // namespace loket::domain
