// Spontan's store: the office calendar and slots, appointment requests and appointments, and the
// slots.allocate planning queue (input at lease, result applied once with the task's finish).
// Seats are counted in slots.booked and taken only under the slot's row lock where
// domain::SeatOpenTo allows (booked < capacity, and the reserved-seat rule), by an UPDATE that
// guards capacity itself (TakeSeatInTx), so no interleaving of schedulers, replicas or
// cancellations overbooks. The booking rules live in
// server/domain/appointment.h; this file loads what they need, calls them, and writes the result
// in the same transaction.
// Thread-safe (holds references; caches are internally locked).
#ifndef LOKET_SERVER_STORE_APPOINTMENT_REPOSITORY_H_
#define LOKET_SERVER_STORE_APPOINTMENT_REPOSITORY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "server/domain/appointment.h"
#include "server/domain/case.h"
#include "server/domain/notification.h"
#include "server/domain/principal.h"
#include "server/store/database.h"
#include "server/store/mutation.h"
#include "server/store/notification_outbox.h"
#include "server/store/office_context.h"

namespace loket::store {

class Tx;  // pg.h; this header stays free of pqxx because the api layer includes it

inline constexpr char kSlotsAllocateQueue[] = "slots.allocate";

struct AppointmentRecord {
  int64_t id = 0;
  int64_t slot_id = 0;
  std::string code;
  std::string state;
  absl::Time starts_at;
  absl::Time ends_at;
  int choice_rank = 0;
};

struct AppointmentRequestRecord {
  int64_t id = 0;
  domain::Applicant applicant;
  std::string service;
  std::vector<domain::TimeWindow> windows;
  int64_t case_id = 0;
  std::string clinic_id;
  std::string state;  // pending | allocated | waitlisted | cancelled
  std::string day;
  bool flexible = false;
  std::optional<AppointmentRecord> appointment;  // the latest, if any
  absl::Time created_at;
  int64_t version = 0;
};

struct NewAppointmentRequest {
  domain::Applicant applicant;
  std::string service;
  std::vector<domain::TimeWindow> windows;
  int64_t case_id = 0;
};

// A slot: its seats as the rules see them (id, start, capacity, reserved, booked, closed), its day
// and its end. One row-to-struct mapping serves the listing and the rules.
struct SlotRecord : domain::SlotSeats {
  std::string day;
  absl::Time ends_at;
};

struct ClosureOutcome {
  int displaced = 0;
  std::string realloc_day;
  int stops_moved = 0;  // SIBER stops of the closed day nobody began
  std::string stops_moved_to;
};

// What slots.allocate gets at lease (AppointmentRepository::LoadAllocationInput).
struct AllocationInput {
  struct Slot {
    int64_t id = 0;
    absl::Time starts_at;
    int capacity = 0;
    int booked = 0;
    int reserved_priority = 0;  // reserved seats not yet taken by priority requests
  };
  struct Request {
    int64_t id = 0;
    domain::PriorityClass priority = domain::PriorityClass::kNone;
    std::vector<int64_t> preferred;
    absl::Time submitted_at;
  };
  std::string day;
  absl::Time now;
  absl::Duration priority_release_before;
  uint64_t seed = 0;
  std::vector<Slot> slots;
  std::vector<Request> requests;
};

struct AllocationOutcome {
  std::string day;
  std::vector<std::pair<int64_t, int64_t>> assigned;  // (request, slot)
  std::vector<int64_t> waitlisted;
};

struct AppointmentOptions {
  int max_live_per_nik = 2;    // pending, waitlisted or booked ahead: against slot hoarding
  int max_live_per_phone = 2;  // the same, per phone, for public bookings only
  // Reserved seats are released to everyone this long before the slot starts. Short, so that
  // same-day and next-day priority requests (elderly, disability, health workers) still find
  // them (issue 11: at 24 hours, a request for tomorrow never did).
  absl::Duration priority_release_before = absl::Hours(2);
  // A booked appointment not checked in this long after its slot starts is a no-show; its seat
  // is released.
  absl::Duration no_show_grace = absl::Minutes(15);
};

using RequestEncoder = std::function<std::string(const AppointmentRequestRecord&)>;
using CountEncoder = std::function<std::string(int)>;
using HoursEncoder = std::function<std::string(const std::vector<domain::OfficeHours>&)>;
using ClosureEncoder = std::function<std::string(const ClosureOutcome&)>;

class AppointmentRepository {
 public:
  AppointmentRepository(Database& db, const Clock& clock,
                        NotificationEncoder encode_notification = nullptr,
                        domain::NotificationPolicy policy = {}, AppointmentOptions options = {})
      : db_(db),
        clock_(clock),
        encode_notification_(std::move(encode_notification)),
        policy_(policy),
        options_(options) {}

  const AppointmentOptions& options() const { return options_; }

  // Stores the request (state pending) and enqueues the day's coalesced slots.allocate task in
  // the same transaction. INVALID_ARGUMENT naming the field; RESOURCE_EXHAUSTED naming
  // applicant.nik past the per-NIK limit. A clinic caller books for a health worker of its own.
  absl::StatusOr<std::string> Create(const Mutation& m, NewAppointmentRequest r,
                                     const RequestEncoder& encode);
  // In `tx`: the per-phone limit as Create would apply it now, counted without its lock, so a
  // public booking past it is refused before its phone code is sent (Create decides again, locked).
  // The NIK's limit is left to Create: answering it here would tell anyone, without the phone's
  // code, whether a person's NIK holds bookings.
  absl::Status CheckPhoneLimitInTx(Tx& tx, const domain::Principal& booker,
                                   const std::string& phone);
  // By id, or by appointment code when id is 0. NOT_FOUND also for another clinic's request.
  absl::StatusOr<AppointmentRequestRecord> Get(const domain::Principal& viewer, int64_t id,
                                               const std::string& code);
  // One day's requests by id; `state` empty for all. Returns the page and the next page token.
  absl::StatusOr<std::pair<std::vector<AppointmentRequestRecord>, std::string>> List(
      const domain::Principal& viewer, absl::CivilDay day, const std::string& state, int page_size,
      const std::string& page_token);
  // Cancels the request and its booked appointment; the freed seat goes to the waitlist.
  absl::StatusOr<std::string> Cancel(const Mutation& m, int64_t id,
                                     std::optional<int64_t> expected_version,
                                     const RequestEncoder& encode);
  // New windows: gives up any booked seat and asks for allocation again.
  absl::StatusOr<std::string> Reschedule(const Mutation& m, int64_t id,
                                         std::vector<domain::TimeWindow> windows,
                                         std::optional<int64_t> expected_version,
                                         const RequestEncoder& encode);
  // Booked appointments of `day` not checked in by slot start + grace become no_show; their
  // seats are released. (The slots.allocate lease does this too, at each slot's grace time.)
  absl::StatusOr<std::string> ReleaseNoShows(const Mutation& m, absl::CivilDay day,
                                             const CountEncoder& encode);
  absl::StatusOr<std::vector<SlotRecord>> ListSlots(const domain::Principal& viewer,
                                                    absl::CivilDay day);

  // The office's week as SetOfficeHours last wrote it, by weekday (closed days absent).
  absl::StatusOr<std::vector<domain::OfficeHours>> GetOfficeHours(const domain::Principal& viewer);
  absl::StatusOr<std::string> SetOfficeHours(const Mutation& m,
                                             std::vector<domain::OfficeHours> hours,
                                             const HoursEncoder& encode);
  absl::StatusOr<std::string> GenerateSlots(const Mutation& m, absl::CivilDay from,
                                            absl::CivilDay to, const CountEncoder& encode);
  // A counter closed for a day takes its share of each slot's capacity with it; the
  // appointments beyond the new capacity are re-allocated on that day (any slot).
  absl::StatusOr<std::string> CloseCounter(const Mutation& m, const std::string& counter_id,
                                           absl::CivilDay day, const std::string& reason,
                                           const ClosureEncoder& encode);
  // A closed day's appointments and requests move to the next day with open slots.
  absl::StatusOr<std::string> CloseDay(const Mutation& m, absl::CivilDay day,
                                       const std::string& reason, const ClosureEncoder& encode);

  // slots.allocate: the input for the task's dedupe key ("YYYY-MM-DD", or "YYYY-MM-DDTHH:MM" for
  // a no-show sweep), and the result applied with the task's fenced finish in one transaction.
  absl::StatusOr<AllocationInput> LoadAllocationInput(const std::string& office_id,
                                                      const std::string& dedupe_key);
  absl::Status ApplyAllocation(const std::string& office_id, int64_t task_id, int attempt,
                               const AllocationOutcome& outcome);

 private:
  std::function<void(int64_t)> TellDisplaced(Tx& tx, const domain::Principal& actor,
                                             absl::Time now);

  Database& db_;
  const Clock& clock_;
  NotificationEncoder encode_notification_;
  domain::NotificationPolicy policy_;
  AppointmentOptions options_;
  OfficeCache offices_{clock_, absl::Seconds(10)};
};

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_APPOINTMENT_REPOSITORY_H_
