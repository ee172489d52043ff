#include "server/domain/appointment.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"

namespace loket::domain {

absl::StatusOr<absl::CivilDay> ValidateWindows(const std::vector<TimeWindow>& windows,
                                               absl::Time now, int utc_offset_minutes) {
  if (windows.empty()) return absl::InvalidArgumentError("windows: at least one is required");
  if (windows.size() > static_cast<size_t>(kMaxWindows)) {
    return absl::InvalidArgumentError(absl::StrCat("windows: at most ", kMaxWindows));
  }
  absl::TimeZone tz = absl::FixedTimeZone(utc_offset_minutes * 60);
  absl::CivilDay day = absl::CivilDay(absl::ToCivilSecond(windows[0].starts_at, tz));
  for (size_t i = 0; i < windows.size(); ++i) {
    const TimeWindow& w = windows[i];
    std::string field = absl::StrCat("windows[", i, "]");
    if (w.starts_at >= w.ends_at) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": starts_at must be before ends_at"));
    }
    if (w.ends_at <= now) return absl::InvalidArgumentError(absl::StrCat(field, ": in the past"));
    // A window may end at midnight but not run into the next day.
    if (absl::CivilDay(absl::ToCivilSecond(w.starts_at, tz)) != day ||
        absl::CivilDay(absl::ToCivilSecond(w.ends_at - absl::Seconds(1), tz)) != day) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": all windows must lie in one day"));
    }
  }
  return day;
}

std::vector<int64_t> PreferredSlots(const std::vector<TimeWindow>& windows,
                                    const std::vector<SlotTimes>& slots, bool flexible,
                                    std::vector<int>* rank_of) {
  std::vector<SlotTimes> sorted = slots;
  std::sort(sorted.begin(), sorted.end(), [](const SlotTimes& a, const SlotTimes& b) {
    return a.starts_at != b.starts_at ? a.starts_at < b.starts_at : a.id < b.id;
  });
  std::vector<int64_t> out;
  std::set<int64_t> seen;
  if (rank_of) rank_of->clear();
  for (size_t r = 0; r < windows.size(); ++r) {
    for (const SlotTimes& s : sorted) {
      if (s.starts_at >= windows[r].starts_at && s.ends_at <= windows[r].ends_at &&
          seen.insert(s.id).second) {
        out.push_back(s.id);
        if (rank_of) rank_of->push_back(static_cast<int>(r));
      }
    }
  }
  if (flexible && !windows.empty()) {
    absl::Time anchor = windows[0].starts_at;
    std::stable_sort(sorted.begin(), sorted.end(), [&](const SlotTimes& a, const SlotTimes& b) {
      return absl::AbsDuration(a.starts_at - anchor) < absl::AbsDuration(b.starts_at - anchor);
    });
    for (const SlotTimes& s : sorted) {
      if (seen.insert(s.id).second) {
        out.push_back(s.id);
        if (rank_of) rank_of->push_back(-1);
      }
    }
  }
  return out;
}

std::string AppointmentCode(uint64_t random) {
  static constexpr char kAlphabet[] = "34679ACDEFGHJKMNPQRTUVWXY";  // 25 symbols
  constexpr uint64_t kBase = sizeof(kAlphabet) - 1;
  std::string code;
  for (int i = 0; i < 6; ++i) {
    code.push_back(kAlphabet[random % kBase]);
    random /= kBase;
  }
  return code;
}

AllocationApply DecideAllocation(const std::vector<std::pair<int64_t, int64_t>>& assigned,
                                 const std::vector<int64_t>& waitlisted,
                                 const std::map<int64_t, OpenRequest>& open,
                                 const std::vector<SlotTimes>& slots) {
  AllocationApply out;
  std::set<int64_t> handled;
  for (const auto& [request_id, slot_id] : assigned) {
    if (!handled.insert(request_id).second) continue;
    auto req = open.find(request_id);
    if (req == open.end()) continue;  // cancelled or moved while the scheduler worked
    std::vector<int> ranks;
    std::vector<int64_t> preferred =
        PreferredSlots(req->second.windows, slots, req->second.flexible, &ranks);
    auto it = std::find(preferred.begin(), preferred.end(), slot_id);
    if (it == preferred.end()) continue;  // not one it asked for: stays pending
    out.seats.push_back({request_id, slot_id, ranks[it - preferred.begin()], req->second.priority});
  }
  for (int64_t id : waitlisted) {
    if (!handled.count(id)) out.waitlist.push_back(id);
  }
  return out;
}

}  // namespace loket::domain
