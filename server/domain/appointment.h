// Spontan appointment rules that need no database: preferred windows, which slots they name, the
// visit code, and (issue 14: the domain decides, the store executes) what a booking, a
// cancellation, an allocation round and a counter or day closure do. The store loads and locks what
// a rule needs, calls it, and writes the value it returns in the same transaction. Pure functions,
// safe from any thread.
#ifndef LOKET_SERVER_DOMAIN_APPOINTMENT_H_
#define LOKET_SERVER_DOMAIN_APPOINTMENT_H_

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/domain/case.h"
#include "server/domain/notification.h"
#include "server/domain/principal.h"

namespace loket::domain {

inline constexpr int kMaxWindows = 5;

struct TimeWindow {
  absl::Time starts_at;
  absl::Time ends_at;
};

struct SlotTimes {
  int64_t id = 0;
  absl::Time starts_at;
  absl::Time ends_at;
};

// Checks 1..kMaxWindows windows (start before end, all after `now`, all within one office day)
// and returns that office-local day. INVALID_ARGUMENT naming "windows" or "windows[i]".
absl::StatusOr<absl::CivilDay> ValidateWindows(const std::vector<TimeWindow>& windows,
                                               absl::Time now, int utc_offset_minutes);

// The slots a request would take, best first: the slots lying inside windows[0], then those
// inside windows[1] not yet listed, and so on, each window's slots by start time. When
// `flexible`, every other slot follows, nearest to the first window's start first. `rank_of`
// (same length as the result) tells which window each came from (-1 for the flexible tail).
std::vector<int64_t> PreferredSlots(const std::vector<TimeWindow>& windows,
                                    const std::vector<SlotTimes>& slots, bool flexible,
                                    std::vector<int>* rank_of = nullptr);

// Applying a round of the allocator (issue 14: the rule, apart from the store that locks and
// writes). The store locks each request the round assigned, in order, and hands over the open ones;
// the answer is the seats to try to take, in order, and the requests to waitlist.
struct OpenRequest {
  bool priority = false;  // a Temankubela class: may take reserved seats before the cut-off
  bool flexible = false;
  std::vector<TimeWindow> windows;
};
struct SeatToTake {
  int64_t request_id = 0;
  int64_t slot_id = 0;
  int rank = 0;  // which of its windows the slot lies in (-1: the flexible tail)
  bool priority = false;
};
struct AllocationApply {
  std::vector<SeatToTake> seats;
  std::vector<int64_t> waitlist;
};
// A request is handled once, by its first assignment. It gets a seat only while still open (in
// `open`) and only in a slot it asked for (PreferredSlots); otherwise it stays pending for the next
// round. A waitlisted request the round also assigned is not waitlisted.
AllocationApply DecideAllocation(const std::vector<std::pair<int64_t, int64_t>>& assigned,
                                 const std::vector<int64_t>& waitlisted,
                                 const std::map<int64_t, OpenRequest>& open,
                                 const std::vector<SlotTimes>& slots);

// ---- A new request (Create) and a change of one (Cancel, Reschedule) ----

// What the store read for a new request, beside the request as given.
struct NewRequestFacts {
  Role booker = Role::kOfficer;
  Applicant applicant;
  std::string service;
  bool service_known = false;  // a permit type of the office
  int64_t case_id = 0;
  bool case_found = false;  // with case_id > 0: the case exists and the booker may link it
  std::vector<TimeWindow> windows;
  absl::Time now;
  int utc_offset_minutes = 0;
  absl::CivilDay today;  // the office's
};
struct NewRequest {
  Applicant applicant;  // normalised; its priority and language settled
  absl::CivilDay day;   // the office day the windows lie in
};
// Checks, in this order: who may ask for which priority (a clinic books for its health workers
// only: HEALTH_WORKER, the default), the applicant, the language, the service (named, known), the
// linked case, the windows. INVALID_ARGUMENT naming the field.
absl::StatusOr<NewRequest> DecideNewRequest(const NewRequestFacts& f);

// A booking's day must have open slots. INVALID_ARGUMENT naming windows.
absl::Status CheckOpenSlots(absl::CivilDay day, bool any_open);

// Another request of the same NIK (or, for public bookings, the same phone), as the limits against
// slot hoarding count it.
struct OtherRequest {
  std::string state;  // the request's: pending | waitlisted | allocated (see StatesThatMayHold)
  absl::CivilDay day;
  std::string appointment_state;                // its latest appointment's; empty when none
  absl::Time slot_ends = absl::InfinitePast();  // the end of that appointment's slot
};
// The request states in which a request may hold a place: the store loads only these.
std::vector<std::string> StatesThatMayHold();
// How many of `others` hold a place at `now`, on the office's day `today`: those pending or
// waitlisted for today or later, and those allocated whose booked seat is not over yet.
int64_t CountHeld(const std::vector<OtherRequest>& others, absl::CivilDay today, absl::Time now);

// The per-NIK limit: `held` places (CountHeld) besides the request being made or `rescheduling`.
// RESOURCE_EXHAUSTED naming applicant.nik at `limit`.
absl::Status CheckNikLimit(int64_t held, int limit, bool rescheduling);

// A request as locked for a cancel or a reschedule.
struct ChangeableRequest {
  int64_t version = 0;
  std::string state;        // pending | allocated | waitlisted | cancelled
  bool checked_in = false;  // one of its appointments is checked in or served
};
// A request may still change when it exists in the caller's scope (`found`), is at the expected
// version (the etag), is not cancelled and its visitor has not checked in. NOT_FOUND, ABORTED,
// FAILED_PRECONDITION, in that order.
absl::Status CheckChangeable(int64_t id, const std::optional<ChangeableRequest>& found,
                             std::optional<int64_t> expected_version);

// A read (Get) names its request by a positive id, or by appointment code when the id is 0 (a
// change names it by id: ValidateId). INVALID_ARGUMENT naming id.
absl::Status CheckLookup(int64_t id, std::string_view code);

// One page of a day's requests, by id: those after `after` (the token, empty from the start), at
// most `size` (50 when not given, at most 500). INVALID_ARGUMENT naming page_token or page_size.
struct RequestPage {
  int64_t after = 0;
  int size = 50;
};
absl::StatusOr<RequestPage> ParseRequestPage(int page_size, const std::string& page_token);

// ---- Seats ----

// A slot's seats as the store locked them.
struct SlotSeats {
  int64_t id = 0;
  absl::Time starts_at;
  int capacity = 0;
  int reserved_priority = 0;  // Temankubela seats held for priority requests
  int booked = 0;             // live appointments (booked or checked in)
  int booked_priority = 0;    // of those, priority ones
  bool closed = false;
  // The reserved seats no priority request has taken yet.
  int ReservedLeft() const { return std::max(reserved_priority - booked_priority, 0); }
};

// Whether a request may take a seat of `s` now: never in a closed or started slot, never past
// capacity, and before the cut-off (`release_before` ahead of the start) a non-priority request
// only where a general (unreserved) seat is left.
bool SeatOpenTo(const SlotSeats& s, bool priority, absl::Time now, absl::Duration release_before);
// How many more such requests `s` takes now: SeatOpenTo is "at least one".
int SeatsLeftTo(const SlotSeats& s, bool priority, absl::Time now, absl::Duration release_before);

// ---- Messages to the applicant ----

struct AppointmentContact {
  std::string name;
  std::string phone;
  std::string email;  // may be empty
  std::string language;
};
struct ScheduledNotice {
  Notification notification;
  absl::Time at;          // not before
  bool reminder = false;  // withdrawn when the appointment stops being booked
};
// A seat taken: the confirmation at once, reminders a day and an hour before (those still ahead
// of `now`); each by the gateway, and by e-mail when an address is on file.
std::vector<ScheduledNotice> AllocatedNotices(const AppointmentContact& to, absl::Time now,
                                              absl::Time starts_at, int utc_offset_minutes,
                                              const std::string& code);
// A booked appointment called off (cancelled, or displaced by a closure): by the gateway.
Notification CancelledNotice(const AppointmentContact& to, absl::Time starts_at,
                             int utc_offset_minutes, const std::string& code);

// ---- Follow-up rounds of slots.allocate ----

struct RoundToEnqueue {
  std::string key;  // the task's dedupe key
  absl::Time at;    // run after
};
// The sweep that releases the seats of those who do not come: at the slot's start plus `grace`,
// keyed "DAY" "T" "HH:MM" (office time).
RoundToEnqueue NoShowSweep(const std::string& day, absl::Time starts_at, int utc_offset_minutes,
                           absl::Duration grace);
// With requests waitlisted, the unused reserved seats open to them at each cut-off: one round per
// slot time whose reserved seats nobody with priority took, whose slot is not full and whose
// cut-off lies ahead, just past the cut-off, keyed "DAY" "T" "HH:MM" "/release" and enqueued once
// (keys in `enqueued_before` are left out). By start time.
std::vector<RoundToEnqueue> ReleaseRounds(const std::string& day, std::vector<SlotSeats> slots,
                                          const std::set<std::string>& enqueued_before,
                                          absl::Time now, int utc_offset_minutes,
                                          absl::Duration release_before);
// A LIKE pattern matching the keys ReleaseRounds makes for `day`: how the store finds the
// rounds enqueued before.
std::string ReleaseKeysOf(const std::string& day);

// ---- Closures: a counter closed for a day, a day closed ----

// A booked appointment (not checked in) that a closure may move.
struct BookedSeat {
  int64_t appointment_id = 0;
  int64_t request_id = 0;
  int64_t slot_id = 0;
  bool priority = false;
  absl::Time booked_at;
};
// What a closure does to one slot: the appointments to displace, in order (each appointment is
// cancelled and its request goes back to pending, flexible, free to take any slot of its day),
// and the slot's numbers after.
struct SlotClosure {
  int64_t slot_id = 0;
  std::vector<BookedSeat> displaced;
  int capacity = 0;           // counter closure: the new capacity
  int reserved_priority = 0;  // counter closure: the new reserved seats
  int PriorityDisplaced() const;
};

// Checked before anything is read. INVALID_ARGUMENT naming counter_id or reason.
absl::Status ValidateCounterClosure(std::string_view counter_id, std::string_view reason);
// A day closure's reason (optional text, at most 500 bytes), checked before anything is read.
// INVALID_ARGUMENT naming reason.
absl::Status ValidateDayClosure(std::string_view reason);

struct CounterClosureFacts {
  std::string counter_id;
  std::string day;  // YYYY-MM-DD, for the messages
  bool counter_found = false;
  bool counter_open = false;    // in service
  bool already_closed = false;  // closed on that day before
  int open_before = 0;          // the counters open on that day before this closure
  absl::Time now;
  std::vector<SlotSeats> slots;    // the day's, locked
  std::vector<BookedSeat> booked;  // the booked appointments of those slots, any order
};
// A counter closed for a day takes its share of each slot's capacity with it (and of the reserved
// seats, so the day keeps general seats to re-allocate). In each slot not closed nor started, the
// appointments beyond the new capacity are displaced: non-priority before priority, the latest
// booked first; checked-in visitors stay, and the slot keeps room for them. NOT_FOUND (no such
// counter), FAILED_PRECONDITION (out of service, closed already, the last open counter).
absl::StatusOr<std::vector<SlotClosure>> DecideCounterClosure(const CounterClosureFacts& f);

struct DayClosureFacts {
  absl::CivilDay day;
  std::vector<SlotSeats> slots;             // the day's, locked
  std::vector<BookedSeat> booked;           // the booked appointments of those slots, any order
  std::vector<int64_t> open_requests;       // the day's pending and waitlisted requests
  std::optional<absl::CivilDay> next_open;  // the next day with open slots
};
struct DayClosurePlan {
  std::vector<SlotClosure> slots;  // every slot not closed yet: displace all, then close
  // The requests that move: the displaced ones, then the day's other open ones.
  std::vector<int64_t> requests;
  // Where they move (windows shifted by `shift_days`, pending and flexible, and that day gets an
  // allocation round); nullopt: they are waitlisted until slots are generated and they reschedule.
  std::optional<absl::CivilDay> move_to;
  int shift_days = 0;
  int Displaced() const;
};
// A day without slots (no visiting hours) closes nothing.
DayClosurePlan DecideDayClosure(const DayClosureFacts& f);

// ---- Office hours and slot generation ----

struct OfficeHours {
  int weekday = 0;       // 1 (Monday) .. 7 (Sunday)
  int opens_minute = 0;  // after office midnight
  int closes_minute = 0;
  int slot_minutes = 0;
  int capacity = 0;
  int reserved_priority = 0;
};
// Checks each weekday's hours (INVALID_ARGUMENT naming hours[i].field) and returns them by weekday.
absl::StatusOr<std::vector<OfficeHours>> ValidateOfficeHours(std::vector<OfficeHours> hours);

// Slots are generated for at most 92 days at once. INVALID_ARGUMENT naming to.
absl::Status ValidateSlotRange(absl::CivilDay from, absl::CivilDay to);

// A six-character visit code from `random` ("K7M4QX"): letters and digits a clerk cannot
// confuse (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
std::string AppointmentCode(uint64_t random);
// Codes are drawn until one is free in the office; a round gives up after this many draws.
inline constexpr int kAppointmentCodeTries = 8;

// ---- slots.allocate's scope ----

// The day a slots.allocate task's dedupe key names: "YYYY-MM-DD", the day's round, or that followed
// by "T" "HH:MM" (a no-show sweep) or "T" "HH:MM/release" (a release round). INVALID_ARGUMENT
// naming the key otherwise.
absl::StatusOr<std::string> AllocationDay(const std::string& dedupe_key);
// A round's result names its day as "YYYY-MM-DD". INVALID_ARGUMENT naming allocation.day.
absl::Status CheckAllocationDay(const std::string& day);
// The seed of a round's random choices (tie-breaks, appointment codes): FNV-1a of
// "OFFICE/SCOPE", the same on every build and replica, so a round can be replayed.
uint64_t AllocationSeed(std::string_view office_id, std::string_view scope);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_APPOINTMENT_H_
