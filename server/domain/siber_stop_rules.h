// SIBER's smaller rules around a stop (issue 14: the rules apart from the store): the shape of an
// officer's or courier's report, what a viewer reads of a stop, whose route is read, and what a
// clinic is told of a courier's visit. The store loads, asks these and writes the answer in the
// same transaction. Pure; safe from any thread.
#ifndef LOKET_SERVER_DOMAIN_SIBER_STOP_RULES_H_
#define LOKET_SERVER_DOMAIN_SIBER_STOP_RULES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/domain/notification.h"
#include "server/domain/principal.h"
#include "server/domain/siber.h"

namespace loket::domain {

// The proof of a hand-over: the SHA-256 of the signature or photo, 64 hex digits, lower-cased.
absl::StatusOr<std::string> NormalizeProofSha256(std::string_view proof);

// An officer's reason for cancelling a stop: trimmed, required, one line, at most 500 bytes.
absl::StatusOr<std::string> NormalizeCancelReason(std::string_view reason);

// The case event an officer's cancellation records: "stop 12 (pickup of documents, 2026-12-01):
// the clinic moved".
std::string CancelStopNote(int64_t stop_id, StopKind kind, std::string_view item,
                           std::string_view day, std::string_view why);

// The applicant's name on a stop as `viewer` reads it: couriers see it masked.
std::string ApplicantNameFor(const Principal& viewer, std::string_view name);

// Whether `actor` may report on (or cancel) a stop held by `stop_courier_id`: a courier only its
// own stops (another courier's is answered as missing); officers any.
bool StopReachableBy(const Principal& actor, int64_t stop_courier_id);

// Whether a listing shows `viewer` a stop at `stop_clinic_id`: a clinic sees only the stops at its
// own door (its pickups and deliveries); everyone else sees all.
bool StopListedFor(const Principal& viewer, std::string_view stop_clinic_id);

// Whose route `viewer` reads: a courier always its own, anyone else the one asked for.
// INVALID_ARGUMENT when none is named.
absl::StatusOr<int64_t> RouteCourierFor(const Principal& viewer, int64_t asked);

// A day is planned today or later; INVALID_ARGUMENT for a past one.
absl::Status CheckPlanDay(absl::CivilDay day, absl::CivilDay today);

// A new courier is a principal of the office whose role is "courier" (`role`: the stored role,
// nullopt when no such principal). INVALID_ARGUMENT otherwise.
absl::Status ValidateCourierPrincipalId(int64_t principal_id);
absl::Status CheckCourierPrincipal(int64_t principal_id, const std::optional<std::string>& role);

// A shift is set for a courier of the office (`found`); INVALID_ARGUMENT naming courier_id.
absl::Status CheckShiftCourier(int64_t courier_id, bool found);

// Whether unfinished work of earlier days moves into `day` when its plan is asked for: only into
// today (a plan for a later day leaves it where today's plan takes it).
bool CarriesOverInto(absl::CivilDay day, absl::CivilDay today);

// The one rule for an open stop (pending or planned) when its day ends, its day is closed for
// couriers, or its case ends: who it waits on, read from the stop and its pair's other end
// (PlanStop::partner_state).
enum class OpenStopHold {
  kNobody,   // nobody began its pair: both ends move together, or end with the case
  kOnBoard,  // a giving end whose bundle a courier holds (OnBoardWith): it stays with them
  kEnded,    // its pair's other end failed or was cancelled: nothing is left to carry
};
OpenStopHold HoldOf(const PlanStop& stop);

// An open stop moved to another day, unplanned: its windows and its courier (0: none). What the
// clinic was told of the old visit no longer holds.
struct StopMove {
  int64_t stop_id = 0;
  absl::CivilDay day;
  absl::Time window_start;
  absl::Time window_end;
  int64_t courier_id = 0;
};

// Unfinished work of earlier days (`open`: their open stops) moving into `into`: a pair nobody
// began moves at the same clock times, without a courier; a bundle on board moves with its
// holder, and a hand-in keeps the start of its window, so the plan sees it on board since an
// earlier day and has it handed in first (DecideRoutePlan). An ended pair's leftover stays.
std::vector<StopMove> DecideCarryOver(const std::vector<PlanStop>& open, absl::CivilDay into);

// A day closed for couriers: its pairs nobody began move to `to` at the same clock times; a bundle
// on board stays with its courier on the day.
std::vector<StopMove> DecideMoveOffClosedDay(const std::vector<PlanStop>& open, absl::CivilDay to);

// A case that ended (withdrawn, rejected, revoked): which of its open stops are cancelled. All but
// a bundle on board: its courier still has to bring it back.
std::vector<int64_t> DecideCancelWithCase(const std::vector<PlanStop>& open);

// The day a route.plan task plans: its dedupe key is the day, "YYYY-MM-DD". INVALID_ARGUMENT
// naming the key otherwise.
absl::StatusOr<absl::CivilDay> RoutePlanDay(const std::string& dedupe_key);
// The day a router's result names, "YYYY-MM-DD"; INVALID_ARGUMENT naming route_plan.day otherwise.
absl::StatusOr<absl::CivilDay> RoutePlanResultDay(const std::string& day);

// Whether a route the router computed from the day's `planned_from` input version still applies:
// only while the day's input is that version (`input_version`: nullopt when the day has no row).
// Otherwise the day changed while the router worked and is planned again from what is there now.
bool PlanStillCurrent(std::optional<int64_t> input_version, int64_t planned_from);

// Whether a stop carries a revoked permit: its item is the permit and its case is REVOKED
// (`case_state`: nullopt when the case was not found).
bool PermitRevoked(std::string_view item, std::optional<CaseState> case_state);

// Whether the next stop on a route hears "courier.near" when the courier finishes the one before:
// once, and never for the office's own hand-in or collect.
bool ShouldSendNear(StopKind kind, bool near_sent);
// "The courier will arrive in a few minutes" is of no use later than this after it was meant.
inline constexpr absl::Duration kNearNoticeUseful = absl::Minutes(30);

// What the clinic was last told of a visit: nothing (no start kept), or the window; an end not
// kept counts as an hour after the start.
std::optional<VisitWindow> ToldWindow(std::optional<absl::Time> start,
                                      std::optional<absl::Time> end);

// The templates' parameters of a planned visit: its day, the window in office time with the
// zone's name ("09:00-10:00 WITA"), the courier's name and phone ("-" when not known).
std::map<std::string, std::string> VisitParams(std::string_view day, const VisitWindow& window,
                                               int utc_offset_minutes,
                                               std::string_view courier_name,
                                               std::string_view courier_phone);

// The delivery a collected permit announces: the window around its planned time (its window's
// start while unplanned), by its own courier or, while it has none, the one who collected.
struct AnnouncedDelivery {
  VisitWindow window;
  int64_t courier_id = 0;
};
AnnouncedDelivery DeliveryToAnnounce(std::optional<absl::Time> planned_at, absl::Time window_start,
                                     absl::Time window_end, int64_t delivery_courier,
                                     int64_t collecting_courier);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_SIBER_STOP_RULES_H_
