// Private to store/: SIBER stops created, cancelled and re-planned inside another change's
// transaction (a clinic submission, an issued permit, a failed screening at the door, a courier's
// report). Each change bumps the day's plan input and enqueues one coalesced route.plan task.
#ifndef LOKET_SERVER_STORE_SIBER_STOPS_H_
#define LOKET_SERVER_STORE_SIBER_STOPS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/domain/siber.h"
#include "server/domain/siber_stop_rules.h"
#include "server/store/notification_outbox.h"
#include "server/store/office_context.h"
#include "server/store/pg.h"

namespace loket::store {

// The queue of a day's route planning (dedupe key: the day, domain::RoutePlanDay).
inline constexpr char kRoutePlanQueue[] = "route.plan";

struct PickupRequest {
  std::string office_id;
  int64_t case_id = 0;
  // A partner clinic (its location and hours), or, when empty, the place below (an applicant's
  // home after a failed health screening), visited within office hours.
  std::string clinic_id;
  std::string place;  // who or what is there, e.g. the applicant's name
  std::string address;
  double latitude = 0;
  double longitude = 0;
  domain::VisitPreference preference;
};

// Adds a pickup of the case's paper originals and their hand-in at the office, on the first
// window that fits. Returns the pickup stop's id; a case that already has a live pickup gets that
// one back (so a retried hook adds nothing). INVALID_ARGUMENT names a bad field of the request;
// FAILED_PRECONDITION when the office or the clinic has no location.
absl::StatusOr<int64_t> RequestPickupInTx(Tx& tx, absl::Time now, const OfficeContext& office,
                                          const PickupRequest& r);

// Adds the collection of an issued permit (or the paper originals, `item` "documents", going back
// for a revision) at the office and its delivery to the case's clinic.
absl::StatusOr<int64_t> RequestDeliveryInTx(Tx& tx, absl::Time now, const OfficeContext& office,
                                            const std::string& office_id, int64_t case_id,
                                            const std::string& clinic_id,
                                            const domain::VisitPreference& pref = {},
                                            const std::string& item = "permit");

// Cancels the case's open stops but a bundle on board (domain::DecideCancelWithCase): a withdrawn
// or rejected case.
absl::Status CancelOpenStopsInTx(Tx& tx, const std::string& office_id, int64_t case_id);

struct CourierDayClosure {
  int stops_moved = 0;   // stops nobody began, moved to `moved_to`
  std::string moved_to;  // YYYY-MM-DD, the next working day for couriers
  int clinics_told = 0;
};

// Closes `day` for couriers (the office closed: a flood): it is marked closed so no new stop lands
// on it, every stop of it that no courier began moves with its bundle's other end to the same
// hours of the next working day (to be planned afresh), both days are re-planned, and each clinic
// with a moved stop is told once, with the reason and the new day. Repeating it moves nothing.
// A bundle already on board stays with its courier.
CourierDayClosure CloseCourierDayInTx(Tx& tx, absl::Time now, const OfficeContext& office,
                                      const std::string& office_id, absl::CivilDay day,
                                      const std::string& reason, const NotificationEncoder& encode,
                                      const domain::NotificationPolicy& policy);

// The office's open stops (pending or planned) on days first..last, of one case unless `case_id`
// is 0, locked, with what domain::HoldOf reads; `clinic_of`, when given, gets each one's clinic.
std::vector<domain::PlanStop> OpenStops(Tx& tx, const std::string& office_id, absl::CivilDay first,
                                        absl::CivilDay last, int64_t case_id,
                                        std::map<int64_t, std::string>* clinic_of = nullptr);

// Writes a stop's move to another day (domain::StopMove): unplanned there.
void MoveStop(Tx& tx, const domain::StopMove& m);

// Enqueues a coalesced route.plan task for the day (a plan running now runs again after it, see
// EnqueueInTx). With `bump` (a change a running plan must not be applied over: a courier's report,
// a cancellation, a shift), also bumps the day's input version, which locks the day's row until
// commit; new stops need no bump, so clinic submissions never queue on that row.
void ReplanDayInTx(Tx& tx, const std::string& office_id, absl::CivilDay day, bool bump = true);

// Makes sure the day's route.plan task will see this transaction's new stops, without the row
// lock of EnqueueInTx when a ready task exists (so clinic submissions do not queue on it).
void EnqueuePlanInTx(Tx& tx, const std::string& office_id, absl::CivilDay day);

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_SIBER_STOPS_H_
