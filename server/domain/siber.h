// SIBER in pure C++: when a clinic can be visited, what the router is asked to plan given what
// couriers have already done today, and the chain of custody of a paper bundle. No gRPC or pqxx.
#ifndef LOKET_SERVER_DOMAIN_SIBER_H_
#define LOKET_SERVER_DOMAIN_SIBER_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/domain/case.h"
#include "server/domain/sla.h"

namespace loket::domain {

// pickup (clinic) -> handin (office) carries the paper originals; collect (office) -> delivery
// (clinic) carries the issued permit.
enum class StopKind { kPickup, kHandin, kCollect, kDelivery };
enum class StopState { kPending, kPlanned, kArrived, kDone, kFailed, kCancelled };
std::string_view StopKindName(StopKind k);  // "pickup", ...
std::optional<StopKind> StopKindFromName(std::string_view s);
std::string_view StopStateName(StopState s);  // "pending", ...
std::optional<StopState> StopStateFromName(std::string_view s);
// True for pickup and collect: the courier takes the bundle; false: the courier hands it over.
bool CourierTakes(StopKind k);
// True for hand-in and collect: the stop is at the office; false: at the clinic or place visited.
bool AtOffice(StopKind k);

// Whether a courier may be sent for a case's paper originals (a failed screening at the door
// redirected to SIBER): only while the office is still examining them (SUBMITTED, VERIFYING,
// REVISION_REQUESTED). An issued or collected case's papers are at the office already; a closed
// case needs none. FAILED_PRECONDITION names the state. `state` is CaseStateName's text.
absl::Status CheckPaperPickup(int64_t case_id, std::string_view state);

// A courier's report at a stop (`confirming`: the hand-over; else arriving) is refused with
// FAILED_PRECONDITION before the stop's day, and a pickup or delivery (at a clinic's door) is
// confirmed only after the courier said they arrived there, so the office knows they were there.
absl::Status CheckCourierReport(int64_t stop_id, StopKind kind, StopState state,
                                absl::CivilDay stop_day, absl::CivilDay today, bool confirming);

// What is done to a stop (`doing`: "arrive at", "confirm", "fail", "cancel") is done only in one of
// the `allowed` states: FAILED_PRECONDITION "cannot <doing> stop <id>: it is <state>".
absl::Status CheckStopState(int64_t stop_id, StopState state,
                            std::initializer_list<StopState> allowed, std::string_view doing);

// Opening hours of a place on its working days, in minutes after local midnight.
struct DailyHours {
  int opens = 8 * 60;
  int closes = 16 * 60;
};

// Where a courier goes, as the office's reference data keeps it: the office itself or a partner
// clinic, with its hours (minutes after local midnight on working days).
struct CourierPlace {
  std::string clinic_id;  // empty for the office
  std::string name;
  std::string address;
  std::optional<double> latitude;  // unset until an administrator sets the location
  std::optional<double> longitude;
  int opens = 8 * 60;
  int closes = 16 * 60;
};

// A place a stop can be put at: one whose location is known.
struct RoutePlace {
  std::string clinic_id;  // empty: the office or a place that is not a clinic
  std::string name;
  std::string address;
  double latitude = 0;
  double longitude = 0;
  DailyHours hours;
};

// A place is routed only once an administrator has set its location: FAILED_PRECONDITION
// "<owner> has no location; an administrator must set it before SIBER can plan", where `owner`
// names it ("office kpt-1", "clinic rs-1").
absl::StatusOr<RoutePlace> PlaceOnRoute(const CourierPlace& place, const std::string& owner);

// The calendar couriers work by: the office's working days without the days closed for couriers
// (`courier_closed`: a flood) and `more` (days found closed since those were read).
WorkingCalendar CourierCalendar(const std::set<absl::CivilDay>& holidays,
                                const std::set<absl::CivilDay>& courier_closed,
                                const std::set<absl::CivilDay>& more = {});

// A requested visit: an optional day and an optional part of the day (minutes after midnight).
struct VisitPreference {
  std::optional<absl::CivilDay> day;
  std::optional<int> after;
  std::optional<int> before;
};

struct StopWindow {
  absl::CivilDay day;
  absl::Time start;
  absl::Time end;
};

// The first window on a working day of `calendar`, within `hours` and the preference, starting no
// sooner than `now` + `lead` and at least `min_length` long. INVALID_ARGUMENT naming the field when
// the preference cannot be met (a day in the past or not a working day, after >= before, a part of
// the day outside the hours); without a day it looks up to 30 working days ahead.
absl::StatusOr<StopWindow> NextStopWindow(absl::Time now, int utc_offset_minutes,
                                          const WorkingCalendar& calendar, DailyHours hours,
                                          const VisitPreference& pref,
                                          absl::Duration lead = absl::Hours(1),
                                          absl::Duration min_length = absl::Minutes(30));

// The two ends of a bundle's trip, on one day. `visit` is the end away from the office: a pickup
// (papers fetched from a clinic or another place, open `hours`) is handed in at the office from
// the pickup's start until midnight; a delivery (to a clinic) is collected at the office from
// midnight until the delivery's end. The visit's window is NextStopWindow's for `calendar` and the
// preference (its INVALID_ARGUMENT when the preference cannot be met).
struct PairWindows {
  absl::CivilDay day;
  StopKind take_kind = StopKind::kPickup;  // the taking end: pickup or collect
  absl::Time take_start;
  absl::Time take_end;
  StopKind give_kind = StopKind::kHandin;  // the giving end: handin or delivery
  absl::Time give_start;
  absl::Time give_end;
};
absl::StatusOr<PairWindows> DecidePairWindows(StopKind visit, absl::Time now,
                                              int utc_offset_minutes,
                                              const WorkingCalendar& calendar, DailyHours hours,
                                              const VisitPreference& pref);

// A new pair's day turned out closed for couriers (closed since the calendar the windows came
// from was read): a day the caller asked for (`pref.day`) is refused, FAILED_PRECONDITION naming
// it; otherwise OK: the day is skipped and the next open one tried. A pair tries at most
// kClosedDaySkips days, then gives up (UNAVAILABLE: try again).
inline constexpr int kClosedDaySkips = 10;
absl::Status OnCourierDayClosed(const VisitPreference& pref, absl::CivilDay closed);

// A stop as the planner sees it.
struct PlanStop {
  int64_t id = 0;
  int64_t version = 0;
  StopKind kind = StopKind::kPickup;
  StopState state = StopState::kPending;
  int64_t partner_id = 0;  // 0: none
  double latitude = 0;
  double longitude = 0;
  absl::Time window_start;
  absl::Time window_end;
  absl::Duration service;
  int bundles = 1;
  int64_t courier_id = 0;  // 0: none
  int sequence = 0;
  std::optional<absl::Time> arrived_at;
  std::optional<absl::Time> completed_at;
  absl::CivilDay day;  // the day it is planned on
  // Its pair's other end wherever it is (it may be on an earlier day): its state, nullopt when
  // the stop has no partner, and who is on it.
  std::optional<StopState> partner_state;
  int64_t partner_courier_id = 0;
};

struct PlanCourier {
  int64_t id = 0;
  std::string name;
  int capacity = 0;
  absl::Time shift_start;
  absl::Time shift_end;
};

// What the router is asked: times in seconds after local midnight of the day. A vehicle starts
// where its courier is now (the office, or the last stop confirmed) and ends at the office.
struct RouterNode {
  int64_t stop_id = 0;
  double latitude = 0;
  double longitude = 0;
  double ready = 0;
  double due = 0;
  double service = 0;
  int demand = 0;               // pairs: +q at the taking end, -q at the other; on board: -q
  int64_t partner_stop_id = 0;  // the other end of a pair (set on both ends), 0: none
  int64_t only_courier = 0;     // a permit on board can only be delivered by who carries it
};
struct RouterVehicle {
  int64_t courier_id = 0;
  int capacity = 0;  // free places, after what is on board for the office
  double start_latitude = 0;
  double start_longitude = 0;
  double start = 0;
  double end = 0;
};
struct RouterInput {
  std::string day;  // YYYY-MM-DD
  int64_t version = 0;
  double office_latitude = 0;
  double office_longitude = 0;
  std::vector<RouterVehicle> vehicles;
  std::vector<RouterNode> nodes;
  // Stops already decided that the courier finishes where the route ends (bundles on board for
  // the office): they are listed last on the courier's route.
  std::vector<std::pair<int64_t, int64_t>> at_route_end;  // (courier, stop)
};

// Builds the router's question for one office and day from all of the day's stops (any state) and
// the couriers on shift. Rules: stops done, failed or cancelled are history; a stop a courier has
// arrived at is as good as done (its courier starts from there); a bundle on board for the office
// takes a place until the route ends there; a permit on board for a clinic must be delivered by
// the same courier; everything else pending or planned is replanned freely.
RouterInput BuildRouterInput(const std::string& day, int64_t version, absl::Time now,
                             int utc_offset_minutes, double office_latitude,
                             double office_longitude, const std::vector<PlanStop>& stops,
                             const std::vector<PlanCourier>& couriers);

// One hand-over in a custody chain.
struct CustodyEvent {
  std::string item;  // documents | permit
  std::string from_holder;
  std::string to_holder;
  absl::Time at;
  std::string receiver_name;
};

// Who held an item from when to when; `until` is unset for the current holder.
struct CustodyPeriod {
  std::string item;
  std::string holder;
  std::optional<absl::Time> from;  // unset: since before the first recorded hand-over
  std::optional<absl::Time> until;
  std::string received_by;
};

// The periods of each item, in order, from the hand-overs (sorted by time). A hand-over from
// someone who did not hold the item is still shown (the record is what happened), but starts a
// new chain: `complete` says whether every hand-over came from the previous holder.
struct CustodyChain {
  std::vector<CustodyPeriod> periods;
  bool complete = true;
};
CustodyChain BuildCustodyChain(const std::vector<CustodyEvent>& events);

// What a clinic case's change of state asks of SIBER; the store carries it out in the
// transaction of the change. A first submission sends a courier for the paper originals (at the
// visit the clinic asked for); a revision needing new paper returns the originals and fetches the
// new ones from the next courier working day; an issued permit goes back by courier; a case that
// ends otherwise (withdrawn, rejected, revoked, collected at the counter, delivered by hand)
// cancels what no courier has begun. Several parts are carried out in this order: return the
// documents, deliver the permit, send for the paper, cancel.
struct ClinicCaseFollowUp {
  bool return_documents = false;          // a delivery of the originals to the clinic
  bool deliver_permit = false;            // a delivery of the issued permit
  std::optional<VisitPreference> pickup;  // a courier sent for the paper
  bool cancel_open_stops = false;

  bool nothing() const {
    return !return_documents && !deliver_permit && !pickup && !cancel_open_stops;
  }
};
ClinicCaseFollowUp DecideClinicCaseFollowUp(CaseState from, CaseState to, bool new_paper,
                                            const VisitPreference& requested_pickup,
                                            const WorkingCalendar& courier_calendar,
                                            absl::CivilDay today);

// The router's answer for a day, as the planner applies it: each courier's visits in order (start
// in seconds after local midnight) and when the route ends back at the office (0: unknown).
struct PlannedVisit {
  int64_t stop_id = 0;
  double start = 0;
};
struct PlannedRoute {
  int64_t courier_id = 0;
  std::vector<PlannedVisit> visits;
  double end = 0;
};

// One stop update of an applied plan. kPlan: the stop is the courier's `sequence`th, planned for
// `at` (only a stop still pending or planned changes; the store's statement checks that), and
// `announce` says the clinic is told the visit (pickups; a delivery is announced when the permit
// leaves the office, and again when a later day's plan carries it over). kUnplan: the stop waits
// unplanned; `keep_courier` says its courier stays because the bundle is on board with them.
struct StopWrite {
  enum class Kind { kPlan, kUnplan };
  Kind kind = Kind::kPlan;
  int64_t stop_id = 0;
  int64_t courier_id = 0;
  int sequence = 0;
  absl::Time at;
  bool announce = false;
  bool keep_courier = false;
};

// Whether a live stop (pending or planned) that no route visits is a bundle on board, and with
// whom: a stop without a partner is on board when a courier is on it (a permit brought back); the
// giving end of a pair is on board once its taking end is arrived at or done, with whoever took it
// (whatever an earlier plan said). nullopt: not on board. `partner` is the stop's other end when
// it is loaded; otherwise the stop's own partner_state and partner_courier_id are read.
std::optional<int64_t> OnBoardWith(const PlanStop& stop, const PlanStop* partner = nullptr);

// What applying a router's plan to the day's stops writes, in order: every visit of every route
// (in the routes' order, numbered per courier after the highest number among the stops that
// courier already began that day, so finished stops keep their place at the top of the list),
// then each stop no route visited that is still
// pending or planned, by id: a bundle on board for the office (a hand-in) is placed last on its
// holder's route (after the route's visits, at the route's end, or at its window's start when the
// holder has no route ending); everything else is unplanned, keeping its courier when on board.
// Visits start at the router's seconds after the day's local midnight (`utc_offset_minutes`).
// INVALID_ARGUMENT when a route visits a stop that is not among the day's (`day` names it).
absl::StatusOr<std::vector<StopWrite>> DecideRoutePlan(absl::CivilDay day, int utc_offset_minutes,
                                                       const std::vector<PlanStop>& stops,
                                                       const std::vector<PlannedRoute>& routes);

// The window told to a clinic for a visit planned at `planned`: the planned start rounded down to
// a quarter hour, an hour long, kept inside the stop's own window.
std::pair<absl::Time, absl::Time> AnnouncedWindow(absl::Time window_start, absl::Time window_end,
                                                  absl::Time planned);

// A courier's hand-over report must go the stop's way: taking the bundle at a pickup or collect,
// handing it over at a hand-in or delivery. FAILED_PRECONDITION names the command to use.
absl::Status CheckHandoverDirection(int64_t stop_id, StopKind kind, bool taking);

// A bundle is handed over (or fails to be) only by the courier who took it: the giving end of a
// pair needs its taking end (`partner`; nullptr when it is not there) done by the same courier. A
// stop without a partner has been on board since an earlier stop. FAILED_PRECONDITION otherwise.
absl::Status CheckBundleTaken(const PlanStop& stop, const PlanStop* partner);

// A courier's report that a bundle changed hands at a stop (`taking`: at a pickup or collect).
struct HandoverReport {
  PlanStop stop;
  int64_t case_id = 0;
  std::string item;       // documents | permit
  std::string clinic_id;  // empty: a place that is not a clinic
  absl::CivilDay day;     // the stop's
  bool taking = false;
  std::string receiver;  // who gave or received the bundle
};

// What a confirmed hand-over writes besides the stop itself: the custody event (holders are
// "courier:<id>", "office", "clinic:<id>" or "applicant"), whether the case becomes DELIVERED (a
// permit handed over at a delivery while the case is ISSUED; the note for its history), and
// whether the clinic hears when the permit comes (a collect whose delivery is known).
struct Handover {
  std::string from_holder;
  std::string to_holder;
  std::optional<std::string> delivered_note;
  bool announce_delivery = false;
};

// Refused, in this order: the report goes the wrong way (CheckHandoverDirection), the stop is not
// planned or arrived, the report is early or the courier did not say they arrived
// (CheckCourierReport), a handing courier did not take the bundle (CheckBundleTaken: `partner` is
// the taking end, needed only when handing over), or the permit was revoked while on its way
// (`case_state`, read for a permit; nullopt otherwise): it stays with the courier and goes back to
// the office, FAILED_PRECONDITION telling the courier so.
absl::StatusOr<Handover> DecideHandover(const HandoverReport& report, const PlanStop* partner,
                                        std::optional<CaseState> case_state, absl::CivilDay today);

// An officer may cancel a stop (and its bundle's other end) unless it is the giving end of a
// bundle a courier holds: one without a partner (on board since an earlier day) or whose taking
// end is done (`partner_state`; nullopt when it is not there). Cancelling it would strand the
// bundle: FAILED_PRECONDITION names the courier and the item.
absl::Status CheckOfficerCancel(int64_t stop_id, StopKind kind, int64_t partner_id,
                                std::optional<StopState> partner_state,
                                const std::string& courier_name, const std::string& item);

// What an officer's cancellation writes once CheckOfficerCancel allows it: the stop and its
// bundle's other end (`partner`: nullopt without one, or when it is not there) are cancelled, in
// that order, and the days of both are planned again.
struct StopOnDay {
  int64_t id = 0;
  absl::CivilDay day;
};
struct OfficerCancel {
  std::vector<int64_t> cancel;
  std::set<absl::CivilDay> replan;
};
OfficerCancel PlanOfficerCancel(const StopOnDay& stop, const std::optional<StopOnDay>& partner);

// A courier's report that a stop failed: `reason` is one of clinic_closed, documents_not_ready,
// nobody_to_receive, address_not_found, other; the note (at most 500 bytes of text, line breaks
// allowed) is required for "other". INVALID_ARGUMENT names the field.
absl::Status CheckFailReport(const std::string& reason, std::string_view note);
// Whether a courier may report a stop failed (on `stop_day`; the office's `today`). Refused with
// FAILED_PRECONDITION, in this order: a hand-in at the office (the duty officer takes the bundle),
// a stop that is not planned or arrived, a report before the stop's day (CheckCourierReport), and
// a delivery whose bundle the courier did not take (CheckBundleTaken). `partner_of` gives the
// delivery's taking end (nullopt when it is not there); it is called only for a delivery that
// passed the other checks, because reading it takes a row lock in the store.
absl::Status CheckCanFail(const PlanStop& stop,
                          const std::function<std::optional<PlanStop>()>& partner_of,
                          absl::CivilDay stop_day, absl::CivilDay today);

// What a failed stop leads to: the bundle is tried again on the next courier working day with a
// fresh pair. A failed pickup or collect cancels the pair's other end (nobody began it) and asks
// again; a failed delivery's item rides back to the office with its courier today, then goes out
// again. The store carries it out in the report's transaction, in this order: record the failure,
// cancel the partner, return to the office, ask again.
// The number a hand-in added by a courier's report takes until the next plan places it: after
// anything a plan numbers.
inline constexpr int kLastOnRouteSequence = 9999;

struct FailedStopFollowUp {
  enum class Retry { kNone, kPickup, kDelivery };
  // The item's hand-in at the office, added planned for the same courier (and the same item,
  // bundles and day as the failed stop): from the report until the office's next midnight, last
  // on the route until the next plan places it.
  struct ReturnToOffice {
    absl::Time start;
    absl::Time end;
    int service_minutes = 5;
    int sequence = kLastOnRouteSequence;
  };
  std::string failure_reason;   // kept on the stop: the reason, then ": note" when there is one
  bool cancel_partner = false;  // the other end of the pair
  std::optional<ReturnToOffice> return_to_office;
  Retry retry = Retry::kNone;  // kPickup: at the same place; kDelivery: to the case's clinic
  VisitPreference retry_on;    // the next courier working day
};
// `now`: the report's time; the office's day is taken from it in `utc_offset_minutes`.
// `permit_revoked`: the stop carries a permit whose case was revoked; it comes back to the office
// and is not sent out again.
FailedStopFollowUp DecideFailedStop(StopKind kind, bool has_partner, const std::string& reason,
                                    const std::string& note,
                                    const WorkingCalendar& courier_calendar, absl::Time now,
                                    int utc_offset_minutes, bool permit_revoked = false);

// The day couriers work next after `closed`, a day just closed for couriers (skipped whether or
// not `courier_calendar` knows yet that it is closed): what nobody began on it moves there, at the
// same clock times.
absl::CivilDay NextCourierDay(absl::CivilDay closed, const WorkingCalendar& courier_calendar);

// --- Couriers and their shifts

// A courier as an office registers them.
struct CourierProfile {
  std::string name;
  std::string phone;  // optional
  int capacity = 0;   // document bundles carried at once
  std::string shift_starts;
  std::string shift_ends;
};
// Normalises the name and phone in place, checks the capacity (1..200) and the usual shift (empty:
// 08:00 and 16:00), which ends after it starts. INVALID_ARGUMENT names the field.
absl::Status NormalizeCourierProfile(CourierProfile& c);

// One day's shift as an office changes it: the hours (minutes after midnight) to keep, or a day
// off (kept as 00:00-00:01). INVALID_ARGUMENT names `starts` or `ends`.
struct ShiftHours {
  int starts = 0;
  int ends = 0;
};
absl::StatusOr<ShiftHours> DecideShiftHours(bool off, std::string_view starts,
                                            std::string_view ends);

// Whether an active courier works on `day`, and when: hours set for that very day count on any
// day, the usual hours only on the office's working days; unreadable hours count as not working.
std::optional<PlanCourier> CourierOnShift(int64_t id, const std::string& name, int capacity,
                                          std::string_view starts, std::string_view ends,
                                          bool hours_for_the_day, absl::CivilDay day,
                                          const WorkingCalendar& calendar, int utc_offset_minutes);

// A place papers are fetched from that is not a partner clinic (an applicant's home after a
// failed screening): who is there, the address and real coordinates. INVALID_ARGUMENT names the
// field (pickup.place, pickup.address, pickup.latitude/longitude).
absl::Status CheckPickupPlace(std::string_view place, std::string_view address, double latitude,
                              double longitude);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_SIBER_H_
