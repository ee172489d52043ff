#include "server/domain/appointment.h"

#include <algorithm>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/domain/validation.h"

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

absl::StatusOr<std::string> AllocationDay(const std::string& dedupe_key) {
  std::string day = dedupe_key.substr(0, 10);
  absl::CivilDay parsed;
  if (!absl::ParseCivilTime(day, &parsed)) {
    return absl::InvalidArgumentError(absl::StrCat("slots.allocate: bad scope ", dedupe_key));
  }
  return day;
}

absl::Status CheckAllocationDay(const std::string& day) {
  absl::CivilDay parsed;
  if (!absl::ParseCivilTime(day, &parsed)) {
    return absl::InvalidArgumentError("allocation.day: YYYY-MM-DD");
  }
  return absl::OkStatus();
}

uint64_t AllocationSeed(std::string_view office_id, std::string_view scope) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a: stable across builds and replicas
  auto mix = [&h](std::string_view s) {
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  };
  mix(office_id);
  mix("/");
  mix(scope);
  return h;
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

absl::StatusOr<NewRequest> DecideNewRequest(const NewRequestFacts& f) {
  NewRequest out{f.applicant, {}};
  Applicant& a = out.applicant;
  if (f.booker == Role::kClinic) {
    // Clinics book for their health workers (the reserved seats' third class).
    if (a.priority == PriorityClass::kNone) a.priority = PriorityClass::kHealthWorker;
    if (a.priority != PriorityClass::kHealthWorker) {
      return absl::InvalidArgumentError(
          "applicant.priority_class: a clinic books for health workers only (HEALTH_WORKER)");
    }
  }
  LOKET_RETURN_IF_ERROR(ValidateApplicant(a, f.today));
  LOKET_ASSIGN_OR_RETURN(a.language, LanguageOrDefault(a.language, "applicant.language"));
  if (f.service.empty()) return absl::InvalidArgumentError("service: required (permit type)");
  if (!f.service_known) {
    return absl::InvalidArgumentError(
        absl::StrCat("service: unknown permit type ", QuoteValue(f.service)));
  }
  if (f.case_id < 0 || (f.case_id > 0 && !f.case_found)) {
    return absl::InvalidArgumentError(absl::StrCat("case_id: no case ", f.case_id));
  }
  LOKET_ASSIGN_OR_RETURN(out.day, ValidateWindows(f.windows, f.now, f.utc_offset_minutes));
  return out;
}

absl::Status CheckOpenSlots(absl::CivilDay day, bool any_open) {
  if (any_open) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("windows: the office has no open slots on ", absl::FormatCivilTime(day)));
}

std::vector<std::string> StatesThatMayHold() { return {"pending", "waitlisted", "allocated"}; }

int64_t CountHeld(const std::vector<OtherRequest>& others, absl::CivilDay today, absl::Time now) {
  return std::count_if(others.begin(), others.end(), [&](const OtherRequest& r) {
    if (r.state == "pending" || r.state == "waitlisted") return r.day >= today;
    return r.state == "allocated" && r.appointment_state == "booked" && r.slot_ends > now;
  });
}

absl::Status CheckNikLimit(int64_t held, int limit, bool rescheduling) {
  if (held < limit) return absl::OkStatus();
  return absl::ResourceExhaustedError(
      absl::StrCat("applicant.nik: already holds ", limit, rescheduling ? " other" : "",
                   " live appointment requests (the limit per NIK); cancel one first"));
}

absl::Status CheckLookup(int64_t id, std::string_view code) {
  if (id <= 0 && code.empty()) return absl::InvalidArgumentError("id: required (or code)");
  return absl::OkStatus();
}

absl::StatusOr<RequestPage> ParseRequestPage(int page_size, const std::string& page_token) {
  RequestPage page;
  if (!page_token.empty() && (!absl::SimpleAtoi(page_token, &page.after) || page.after < 0)) {
    return absl::InvalidArgumentError("page_token: not one this service gave");
  }
  if (page_size > 500) return absl::InvalidArgumentError("page_size: at most 500");
  if (page_size > 0) page.size = page_size;
  return page;
}

absl::Status CheckChangeable(int64_t id, const std::optional<ChangeableRequest>& found,
                             std::optional<int64_t> expected_version) {
  if (!found) return absl::NotFoundError(absl::StrCat("appointment request ", id, " not found"));
  if (expected_version && *expected_version != found->version) {
    return absl::AbortedError(absl::StrCat("appointment request ", id, " has changed (etag ",
                                           *expected_version, ", now ", found->version,
                                           "); re-read and retry"));
  }
  if (found->state == "cancelled") {
    return absl::FailedPreconditionError(
        absl::StrCat("appointment request ", id, " is already cancelled"));
  }
  if (found->checked_in) {
    return absl::FailedPreconditionError(
        absl::StrCat("appointment request ", id, ": the visitor has already checked in"));
  }
  return absl::OkStatus();
}

int SeatsLeftTo(const SlotSeats& s, bool priority, absl::Time now, absl::Duration release_before) {
  if (s.closed || s.starts_at <= now) return 0;
  // Past the cut-off the reserved seats are everyone's.
  const int held = priority || s.starts_at < now + release_before ? 0 : s.ReservedLeft();
  return std::max(0, s.capacity - held - s.booked);
}

bool SeatOpenTo(const SlotSeats& s, bool priority, absl::Time now, absl::Duration release_before) {
  return SeatsLeftTo(s, priority, now, release_before) > 0;
}

namespace {

constexpr char kReleaseSuffix[] = "/release";

std::string Local(absl::Time t, int utc_offset_minutes, const char* fmt) {
  return absl::FormatTime(fmt, t, absl::FixedTimeZone(utc_offset_minutes * 60));
}

std::map<std::string, std::string> AppointmentParams(const std::string& name, absl::Time starts_at,
                                                     int utc_offset_minutes,
                                                     const std::string& code) {
  return {{"name", name},
          {"date", Local(starts_at, utc_offset_minutes, "%Y-%m-%d")},
          {"time", Local(starts_at, utc_offset_minutes, "%H:%M")},
          {"code", code}};
}

}  // namespace

std::vector<ScheduledNotice> AllocatedNotices(const AppointmentContact& to, absl::Time now,
                                              absl::Time starts_at, int utc_offset_minutes,
                                              const std::string& code) {
  std::vector<ScheduledNotice> out;
  auto send = [&](const char* template_id, absl::Time at, bool reminder) {
    for (bool email : {false, true}) {
      if (email && to.email.empty()) continue;
      Notification n;
      n.channel = email ? NotificationChannel::kEmail : NotificationChannel::kWebhook;
      n.address = email ? to.email : to.phone;
      n.recipient_name = to.name;
      n.language = to.language;
      n.template_id = template_id;
      n.params = AppointmentParams(to.name, starts_at, utc_offset_minutes, code);
      n.send_by = starts_at;  // a confirmation or reminder once the visit has begun helps nobody
      out.push_back({std::move(n), at, reminder});
    }
  };
  send("appointment.confirmed", now, false);
  for (absl::Duration before : {absl::Hours(24), absl::Hours(1)}) {
    if (starts_at - before > now) send("appointment.reminder", starts_at - before, true);
  }
  return out;
}

Notification CancelledNotice(const AppointmentContact& to, absl::Time starts_at,
                             int utc_offset_minutes, const std::string& code) {
  Notification n;
  n.address = to.phone;
  n.recipient_name = to.name;
  n.language = to.language;
  n.template_id = "appointment.cancelled";
  n.params = AppointmentParams(to.name, starts_at, utc_offset_minutes, code);
  return n;
}

RoundToEnqueue NoShowSweep(const std::string& day, absl::Time starts_at, int utc_offset_minutes,
                           absl::Duration grace) {
  return {absl::StrCat(day, "T", Local(starts_at, utc_offset_minutes, "%H:%M")), starts_at + grace};
}

std::vector<RoundToEnqueue> ReleaseRounds(const std::string& day, std::vector<SlotSeats> slots,
                                          const std::set<std::string>& enqueued_before,
                                          absl::Time now, int utc_offset_minutes,
                                          absl::Duration release_before) {
  std::stable_sort(slots.begin(), slots.end(), [](const SlotSeats& a, const SlotSeats& b) {
    return a.starts_at < b.starts_at;
  });
  std::set<std::string> seen = enqueued_before;
  std::vector<RoundToEnqueue> out;
  for (const SlotSeats& s : slots) {
    if (s.closed || s.reserved_priority <= s.booked_priority || s.booked >= s.capacity ||
        s.starts_at <= now + release_before) {
      continue;
    }
    std::string key =
        absl::StrCat(day, "T", Local(s.starts_at, utc_offset_minutes, "%H:%M"), kReleaseSuffix);
    if (!seen.insert(key).second) continue;
    // Just past the cut-off, where the allocator and the seat rule both see the reserved seats
    // open.
    out.push_back({std::move(key), s.starts_at - release_before + absl::Seconds(1)});
  }
  return out;
}

std::string ReleaseKeysOf(const std::string& day) {
  return absl::StrCat(day, "T%", kReleaseSuffix);
}

int SlotClosure::PriorityDisplaced() const {
  return static_cast<int>(std::count_if(displaced.begin(), displaced.end(),
                                        [](const BookedSeat& b) { return b.priority; }));
}

int DayClosurePlan::Displaced() const {
  int n = 0;
  for (const SlotClosure& s : slots) n += static_cast<int>(s.displaced.size());
  return n;
}

namespace {

// The booked appointments of `slot_id` in the order a closure moves them: non-priority before
// priority, the latest booked first.
std::vector<BookedSeat> DisplacementOrder(int64_t slot_id, const std::vector<BookedSeat>& booked) {
  std::vector<BookedSeat> out;
  for (const BookedSeat& b : booked) {
    if (b.slot_id == slot_id) out.push_back(b);
  }
  std::sort(out.begin(), out.end(), [](const BookedSeat& a, const BookedSeat& b) {
    if (a.priority != b.priority) return !a.priority;
    if (a.booked_at != b.booked_at) return a.booked_at > b.booked_at;
    return a.appointment_id > b.appointment_id;
  });
  return out;
}

std::vector<SlotSeats> ById(std::vector<SlotSeats> slots) {
  std::sort(slots.begin(), slots.end(),
            [](const SlotSeats& a, const SlotSeats& b) { return a.id < b.id; });
  return slots;
}

}  // namespace

absl::Status ValidateCounterClosure(std::string_view counter_id, std::string_view reason) {
  if (counter_id.empty()) return absl::InvalidArgumentError("counter_id: required");
  return ValidateText(reason, "reason", 500, false);
}

absl::Status ValidateDayClosure(std::string_view reason) {
  return ValidateText(reason, "reason", 500, false);
}

absl::StatusOr<std::vector<SlotClosure>> DecideCounterClosure(const CounterClosureFacts& f) {
  if (!f.counter_found) {
    return absl::NotFoundError(absl::StrCat("counter_id: no counter ", QuoteValue(f.counter_id)));
  }
  if (!f.counter_open) {
    return absl::FailedPreconditionError(
        absl::StrCat("counter_id: ", f.counter_id, " is out of service"));
  }
  if (f.already_closed) {
    return absl::FailedPreconditionError(
        absl::StrCat("counter_id: ", f.counter_id, " is already closed on ", f.day));
  }
  const int before = f.open_before, after = before - 1;
  if (after <= 0) {
    return absl::FailedPreconditionError(absl::StrCat("counter_id: ", f.counter_id,
                                                      " is the last open counter on ", f.day,
                                                      "; close the day instead"));
  }
  std::vector<SlotClosure> out;
  for (const SlotSeats& s : ById(f.slots)) {
    if (s.closed || s.starts_at <= f.now) continue;
    SlotClosure c;
    c.slot_id = s.id;
    // The closed counter's share of the people the room may hold.
    int capacity = s.capacity * after / before;
    size_t excess = static_cast<size_t>(std::max(0, s.booked - capacity));
    c.displaced = DisplacementOrder(s.id, f.booked);
    if (c.displaced.size() > excess) c.displaced.resize(excess);
    // Checked-in visitors stay: the slot keeps room for them.
    c.capacity = std::max(capacity, s.booked - static_cast<int>(c.displaced.size()));
    // The reserved seats shrink in proportion, so the day keeps general seats to re-allocate.
    c.reserved_priority = std::min(s.reserved_priority * after / before, c.capacity);
    out.push_back(std::move(c));
  }
  return out;
}

DayClosurePlan DecideDayClosure(const DayClosureFacts& f) {
  DayClosurePlan plan;
  if (f.slots.empty()) return plan;  // no visiting hours that day
  std::set<int64_t> moving;
  for (const SlotSeats& s : ById(f.slots)) {
    if (s.closed) continue;
    SlotClosure c;
    c.slot_id = s.id;
    c.displaced = DisplacementOrder(s.id, f.booked);
    c.capacity = s.capacity;
    c.reserved_priority = s.reserved_priority;
    for (const BookedSeat& b : c.displaced) {
      if (moving.insert(b.request_id).second) plan.requests.push_back(b.request_id);
    }
    plan.slots.push_back(std::move(c));
  }
  // Requests still waiting for that day move with the displaced ones.
  for (int64_t id : f.open_requests) {
    if (moving.insert(id).second) plan.requests.push_back(id);
  }
  if (f.next_open) {
    plan.move_to = *f.next_open;
    plan.shift_days = static_cast<int>(*f.next_open - f.day);
  }
  return plan;
}

absl::StatusOr<std::vector<OfficeHours>> ValidateOfficeHours(std::vector<OfficeHours> hours) {
  std::set<int> seen;
  for (size_t i = 0; i < hours.size(); ++i) {
    const OfficeHours& h = hours[i];
    std::string f = absl::StrCat("hours[", i, "]");
    if (h.weekday < 1 || h.weekday > 7) {
      return absl::InvalidArgumentError(absl::StrCat(f, ".weekday: 1 (Monday) .. 7 (Sunday)"));
    }
    if (!seen.insert(h.weekday).second) {
      return absl::InvalidArgumentError(absl::StrCat(f, ".weekday: listed twice"));
    }
    if (h.opens_minute >= h.closes_minute) {
      return absl::InvalidArgumentError(absl::StrCat(f, ".closes: must be after opens"));
    }
    if (h.slot_minutes < 5 || h.slot_minutes > 240) {
      return absl::InvalidArgumentError(absl::StrCat(f, ".slot_minutes: 5..240"));
    }
    if (h.closes_minute - h.opens_minute < h.slot_minutes) {
      return absl::InvalidArgumentError(absl::StrCat(f, ".slot_minutes: longer than the day"));
    }
    if (h.capacity < 1 || h.capacity > 1000) {
      return absl::InvalidArgumentError(absl::StrCat(f, ".capacity: 1..1000"));
    }
    if (h.reserved_priority < 0 || h.reserved_priority > h.capacity) {
      return absl::InvalidArgumentError(absl::StrCat(f, ".reserved_priority: 0..capacity"));
    }
  }
  std::sort(hours.begin(), hours.end(),
            [](const OfficeHours& a, const OfficeHours& b) { return a.weekday < b.weekday; });
  return hours;
}

absl::Status ValidateSlotRange(absl::CivilDay from, absl::CivilDay to) {
  if (to < from) return absl::InvalidArgumentError("to: before from");
  if (to - from > 92) return absl::InvalidArgumentError("to: at most 92 days after from");
  return absl::OkStatus();
}

}  // namespace loket::domain
