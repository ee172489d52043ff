#include "server/domain/queue_counter.h"

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
