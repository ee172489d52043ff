#include "workers/scheduling/allocate_task.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "loket/v1/appointment.pb.h"
#include "workers/scheduling/allocator/allocator.h"

namespace loket::scheduling {
namespace {

absl::StatusOr<absl::Time> ParseUtc(const std::string& s, const std::string& field) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, s, &t, &err)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", err));
  }
  return t;
}

}  // namespace

absl::Status HandleAllocateTask(const v1::Task& task, v1::CompleteTaskRequest* done,
                                std::optional<int64_t> serve_cost_limit) {
  v1::SlotsAllocateInput in;
  if (!in.ParseFromString(task.payload())) {
    return absl::InvalidArgumentError("payload: not a SlotsAllocateInput message");
  }
  AllocatorOptions o;
  o.seed = in.seed();
  o.serve_cost_limit = serve_cost_limit;
  LOKET_ASSIGN_OR_RETURN(auto now, ParseUtc(in.now(), "now"));
  o.now = now;
  o.priority_release_before = absl::Minutes(in.priority_release_minutes());
  std::vector<Slot> slots;
  for (const auto& s : in.slots()) {
    LOKET_ASSIGN_OR_RETURN(auto start,
                           ParseUtc(s.starts_at(), absl::StrCat("slots[", s.id(), "].starts_at")));
    slots.push_back({s.id(), start, s.capacity(), s.booked(), s.reserved_priority()});
  }
  std::vector<Request> requests;
  for (const auto& r : in.requests()) {
    LOKET_ASSIGN_OR_RETURN(
        auto at, ParseUtc(r.submitted_at(), absl::StrCat("requests[", r.id(), "].submitted_at")));
    // loket.v1.PriorityClass NONE = 1 .. HEALTH_WORKER = 4; the allocator counts from 0.
    int priority = r.priority_class() <= v1::PRIORITY_CLASS_NONE
                       ? kPriorityNone
                       : static_cast<int>(r.priority_class()) - 1;
    requests.push_back(
        {r.id(), priority,
         std::vector<int64_t>(r.preferred_slot_ids().begin(), r.preferred_slot_ids().end()), at});
  }
  auto allocation = Allocate(slots, requests, o);
  if (!allocation.ok()) return absl::InvalidArgumentError(allocation.status().message());
  v1::AllocationResult* out = done->mutable_allocation();
  out->set_day(in.day());
  for (const auto& [request, slot] : allocation->assigned) {
    auto* a = out->add_assigned();
    a->set_request_id(request);
    a->set_slot_id(slot);
  }
  for (int64_t id : allocation->waitlisted) out->add_waitlisted(id);
  return absl::OkStatus();
}

}  // namespace loket::scheduling
