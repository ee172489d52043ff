// SIBER's store: couriers and shifts, the day's stops and routes, courier confirmations with
// custody events, and the route.plan planning queue (input at lease, result applied once).
// Thread-safe (holds references; caches are internally locked).
#ifndef LOKET_SERVER_STORE_SIBER_REPOSITORY_H_
#define LOKET_SERVER_STORE_SIBER_REPOSITORY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "server/domain/notification.h"
#include "server/domain/principal.h"
#include "server/domain/siber.h"
#include "server/store/case_repository.h"
#include "server/store/database.h"
#include "server/store/mutation.h"
#include "server/store/notification_outbox.h"
#include "server/store/office_context.h"

namespace loket::store {

struct StopRecord {
  int64_t id = 0;
  int64_t case_id = 0;
  std::string day;
  domain::StopKind kind = domain::StopKind::kPickup;
  std::string item;
  int64_t partner_id = 0;
  std::string clinic_id;
  std::string place;
  std::string address;
  double latitude = 0;
  double longitude = 0;
  absl::Time window_start;
  absl::Time window_end;
  int service_minutes = 0;
  int bundles = 1;
  domain::StopState state = domain::StopState::kPending;
  int64_t courier_id = 0;
  std::string courier_name;
  int sequence = 0;
  std::optional<absl::Time> planned_at;
  std::optional<absl::Time> arrived_at;
  std::optional<absl::Time> completed_at;
  std::string receiver_name;
  std::string proof_sha256;
  std::string failure_reason;
  std::string cancel_reason;  // an officer's, when cancelled by hand
  int64_t version = 0;
  std::string permit_type;
  std::string permit_name;
  std::string applicant_name;  // masked when a courier reads it
  std::string permit_number;
};

struct CourierRecord {
  int64_t id = 0;
  std::string name;
  std::string phone;
  int capacity = 0;
  std::string shift_starts = "08:00";
  std::string shift_ends = "16:00";
  bool active = true;
};

struct DayPlanRecord {
  std::string day;
  int64_t input_version = 0;
  int64_t planned_version = 0;
  std::optional<absl::Time> planned_at;
  double distance_m = 0;
  int unassigned = 0;
  int utc_offset_minutes = 480;
};

struct RouteRecord {
  CourierRecord courier;
  std::vector<StopRecord> stops;
  DayPlanRecord plan;
};

struct CustodyRecord {
  int64_t id = 0;
  int64_t stop_id = 0;
  std::string item;
  std::string from_holder;
  std::string to_holder;
  std::string receiver_name;
  std::string proof_sha256;
  std::string actor;
  absl::Time at;
  std::string document_sha256;  // a permit's hand-over: the signed document's SHA-256
};

struct CustodyView {
  std::vector<CustodyRecord> events;
  domain::CustodyChain chain;
};

// What the router answered (times in seconds after local midnight of the day).
struct RoutePlanOutcome {
  std::string day;
  int64_t version = 0;
  std::vector<domain::PlannedRoute> routes;
  std::vector<int64_t> unassigned;
  double distance_m = 0;
};

struct ShiftChange {
  int64_t courier_id = 0;
  absl::CivilDay day;
  bool off = false;
  std::string starts;  // HH:MM
  std::string ends;
};

using StopEncoder = std::function<std::string(const StopRecord&)>;
using CourierEncoder = std::function<std::string(const CourierRecord&)>;
using DayPlanEncoder = std::function<std::string(const DayPlanRecord&)>;

class SiberRepository {
 public:
  SiberRepository(Database& db, const Clock& clock, CaseRepository& cases,
                  NotificationEncoder encode_notification = nullptr,
                  domain::NotificationPolicy policy = {})
      : db_(db),
        clock_(clock),
        cases_(cases),
        encode_notification_(std::move(encode_notification)),
        policy_(policy) {}

  // A courier's route for a day (default: today), in visiting order. Couriers get their own
  // whatever `courier_id` says; office staff name the courier (NOT_FOUND when unknown).
  absl::StatusOr<RouteRecord> GetRoute(const domain::Principal& viewer,
                                       std::optional<absl::CivilDay> day, int64_t courier_id);

  // Courier confirmations. A stop of another courier is NOT_FOUND, like a missing one; a stop
  // in the wrong state FAILED_PRECONDITION naming the state.
  absl::StatusOr<std::string> Arrive(const Mutation& m, int64_t stop_id, const StopEncoder& encode);
  // Hand-over with proof: `taking` for pickup and collect stops, else handin and delivery. Writes
  // the custody event; a delivered permit marks the case DELIVERED in the same transaction.
  // `proof_media_type`/`proof_content`: the image itself, when the courier uploaded it (the caller
  // checked its type and that it hashes to `proof_sha256`); empty otherwise.
  absl::StatusOr<std::string> Confirm(const Mutation& m, int64_t stop_id, bool taking,
                                      const std::string& receiver_name,
                                      const std::string& proof_sha256, const StopEncoder& encode,
                                      const std::string& proof_media_type = "",
                                      const std::string& proof_content = "");
  // Records why a stop failed and re-plans: a failed pickup is tried again on the next working day;
  // a failed delivery's permit goes back to the office today and out again the next working day.
  absl::StatusOr<std::string> Fail(const Mutation& m, int64_t stop_id, const std::string& reason,
                                   const std::string& note, const StopEncoder& encode);

  // Office staff take a live stop off the list with a reason, written to the case's history; the
  // other end of its bundle goes too. FAILED_PRECONDITION when a courier holds the bundle (it must
  // be handed over or reported failed) or the stop is no longer live.
  absl::StatusOr<std::string> Cancel(const Mutation& m, int64_t stop_id, const std::string& reason,
                                     const StopEncoder& encode);

  // The office's view of a day.
  absl::StatusOr<std::pair<std::vector<StopRecord>, DayPlanRecord>> ListStops(
      const domain::Principal& viewer, std::optional<absl::CivilDay> day,
      std::optional<domain::StopState> state, int64_t case_id);
  // Asks the router for a fresh plan of the day now.
  absl::StatusOr<std::string> PlanDay(const Mutation& m, std::optional<absl::CivilDay> day,
                                      const DayPlanEncoder& encode);
  // The custody chain of a case's paper bundles; NOT_FOUND as for CaseRepository::Get.
  absl::StatusOr<CustodyView> Custody(const domain::Principal& viewer, int64_t case_id);

  absl::StatusOr<std::string> CreateCourier(const Mutation& m, int64_t principal_id,
                                            CourierRecord c, const CourierEncoder& encode);
  absl::StatusOr<std::string> SetShift(const Mutation& m, const ShiftChange& s,
                                       const CourierEncoder& encode);
  absl::StatusOr<std::vector<CourierRecord>> ListCouriers(const domain::Principal& viewer);

  // route.plan: the current input for an office and day ("YYYY-MM-DD"), and the result applied
  // with the task's fenced finish in one transaction (DESIGN.md, planning tasks). Planning today
  // first carries over earlier days' work that nobody began.
  absl::StatusOr<domain::RouterInput> LoadRouterInput(const std::string& office_id,
                                                      const std::string& day);
  absl::Status ApplyRoutePlan(const std::string& office_id, int64_t task_id, int attempt,
                              const RoutePlanOutcome& plan);

 private:
  Database& db_;
  const Clock& clock_;
  CaseRepository& cases_;
  NotificationEncoder encode_notification_;
  domain::NotificationPolicy policy_;
  OfficeCache offices_{clock_, absl::Seconds(10)};
};

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_SIBER_REPOSITORY_H_
