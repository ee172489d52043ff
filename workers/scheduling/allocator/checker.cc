// CheckAllocation: re-derives the seat rules from the inputs on purpose rather than calling the
// allocators' helpers, so that a bug there cannot hide itself here.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "workers/scheduling/allocator/allocator.h"

namespace loket::scheduling {

absl::Status CheckAllocation(const std::vector<Slot>& slots, const std::vector<Request>& requests,
                             const Allocation& allocation, const AllocatorOptions& options) {
  absl::flat_hash_map<int64_t, const Slot*> slot_by_id;
  for (const Slot& s : slots) slot_by_id[s.id] = &s;
  absl::flat_hash_map<int64_t, const Request*> request_by_id;
  for (const Request& r : requests) request_by_id[r.id] = &r;

  absl::flat_hash_map<int64_t, int> seen;  // request id -> times listed
  struct Use {
    int total = 0;
    int non_priority = 0;
  };
  absl::flat_hash_map<int64_t, Use> use_by_slot;
  for (const auto& [request_id, slot_id] : allocation.assigned) {
    auto r = request_by_id.find(request_id);
    if (r == request_by_id.end()) {
      return absl::FailedPreconditionError(absl::StrCat("unknown request ", request_id));
    }
    auto s = slot_by_id.find(slot_id);
    if (s == slot_by_id.end()) {
      return absl::FailedPreconditionError(
          absl::StrCat("unknown slot ", slot_id, " for request ", request_id));
    }
    if (++seen[request_id] > 1) {
      return absl::FailedPreconditionError(absl::StrCat("duplicate request ", request_id));
    }
    const std::vector<int64_t>& preferred = r->second->preferred_slots;
    if (std::find(preferred.begin(), preferred.end(), slot_id) == preferred.end()) {
      return absl::FailedPreconditionError(
          absl::StrCat("not preferred: request ", request_id, " got slot ", slot_id));
    }
    if (s->second->start <= options.now) {
      return absl::FailedPreconditionError(
          absl::StrCat("closed slot ", slot_id, " given to request ", request_id));
    }
    Use& use = use_by_slot[slot_id];
    ++use.total;
    if (r->second->priority_class == kPriorityNone) ++use.non_priority;
  }
  for (int64_t request_id : allocation.waitlisted) {
    if (!request_by_id.contains(request_id)) {
      return absl::FailedPreconditionError(absl::StrCat("unknown request ", request_id));
    }
    if (++seen[request_id] > 1) {
      return absl::FailedPreconditionError(absl::StrCat("duplicate request ", request_id));
    }
  }
  for (const Request& r : requests) {
    if (!seen.contains(r.id)) {
      return absl::FailedPreconditionError(absl::StrCat("unaccounted request ", r.id));
    }
  }
  for (const Slot& s : slots) {  // in input order, so the violation reported is deterministic
    auto it = use_by_slot.find(s.id);
    if (it == use_by_slot.end()) continue;
    const int64_t slot_id = s.id;
    const Use& use = it->second;
    const int left = std::max(0, s.capacity - s.booked);
    if (use.total > left) {
      return absl::FailedPreconditionError(absl::StrCat("over capacity: slot ", slot_id, " got ",
                                                        use.total, ", ", left, " seats left"));
    }
    const bool released = s.start - options.now < options.priority_release_before;
    const int general = released ? left : left - std::min(s.reserved_priority, left);
    if (use.non_priority > general) {
      return absl::FailedPreconditionError(
          absl::StrCat("reserved seat: slot ", slot_id, " gave ", use.non_priority,
                       " seats to non-priority requests, ", general, " are general"));
    }
  }
  return absl::OkStatus();
}

}  // namespace loket::scheduling
