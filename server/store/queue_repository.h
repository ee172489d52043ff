// The live office queue's store (issue 4): check-in with the health screening, tickets in lanes,
// counters calling them, and the change feed display boards watch.
//
// Every queue change of an office locks the office's queue_feeds row first, so changes run one at
// a time per office and commit in the order of their event seq; CallNext still claims its ticket
// with one guarded statement (FOR UPDATE SKIP LOCKED, state = 'waiting') and a unique index allows
// one called ticket per counter, so no ticket is ever served twice.
// Thread-safe (holds references; caches are internally locked).
#ifndef LOKET_SERVER_STORE_QUEUE_REPOSITORY_H_
#define LOKET_SERVER_STORE_QUEUE_REPOSITORY_H_

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "server/domain/case.h"
#include "server/domain/notification.h"
#include "server/domain/principal.h"
#include "server/domain/queue.h"
#include "server/domain/queue_checkin.h"
#include "server/domain/queue_counter.h"
#include "server/domain/queue_redirect.h"
#include "server/store/database.h"
#include "server/store/mutation.h"
#include "server/store/notification_outbox.h"
#include "server/store/office_context.h"

namespace loket::store {

struct TicketRecord {
  int64_t id = 0;
  std::string day;
  domain::Lane lane = domain::Lane::kWalkIn;
  int number = 0;
  std::string label;
  std::string service;
  std::string name;  // the visitor's, masked (display boards show labels, clerks the name)
  bool seated = false;
  // The visitor's accessibility needs ("WHEELCHAIR", "SIGN_LANGUAGE", "SEATED_SERVICE"), from the
  // booking and the case's applicant, sorted.
  std::vector<std::string> needs;
  std::string state;  // waiting, called, done, no_show
  std::string counter_id;
  std::string counter_name;
  int calls = 0;
  int skips = 0;
  int64_t visit_id = 0;
  int64_t appointment_id = 0;
  absl::Time queued_at;
  absl::Time created_at;
  std::optional<absl::Time> called_at;
  std::optional<absl::Time> finished_at;
  int64_t version = 0;
  // Waiting tickets: calls before this one; -1 otherwise. The wait they mean, from measured
  // service times per counter and service (domain::EstimateWaitMeasured); nullopt: unknown (no
  // history yet, or not waiting).
  int calls_ahead = -1;
  std::optional<absl::Duration> estimated_wait;
};

struct VisitRecord {
  int64_t id = 0;
  std::string day;
  int64_t appointment_id = 0;
  std::string appointment_code;
  int64_t case_id = 0;
  std::string name;
  std::string service;
  domain::PriorityClass priority = domain::PriorityClass::kNone;
  bool seated = false;
  domain::Screening screening;
  bool screening_passed = false;
  std::string screening_note;
  bool outside_hours = false;  // a walk-in issued outside opening hours by an admin's override
  std::string arrival;         // on_time, late, walk_in
  std::string outcome;         // queued, redirect_pending, online, siber_pickup
  int64_t pickup_stop_id = 0;
  absl::Time created_at;
};

using WalkInDetails = domain::WalkInDetails;  // checked by domain::NormalizeWalkIn

struct CheckInInput {
  std::string appointment_code;          // either this ...
  std::optional<WalkInDetails> walk_in;  // ... or this
  domain::Screening screening;
  bool seated = false;  // seated service asked for at the door (also from accessibility needs)
  // A walk-in outside the opening hours all the same (the caller checked the role is admin); the
  // visit records it (visits.outside_hours).
  bool outside_hours_override = false;
};

using Redirect = domain::Redirect;  // online or a SIBER pickup, after a failed screening

struct RedirectInput {
  int64_t visit_id = 0;
  Redirect handling = Redirect::kOnline;
  // SIBER_PICKUP: where the courier picks the documents up.
  std::string address;
  double latitude = 0;
  double longitude = 0;
};

struct CheckInOutcome {
  VisitRecord visit;
  std::optional<TicketRecord> ticket;  // absent when the screening failed
  std::vector<Redirect> alternatives;  // offered to the clerk when it failed
};

struct QueueEventRecord {
  int64_t seq = 0;
  std::string kind;  // issued, called, recalled, skipped, no_show, transferred, done
  int64_t ticket_id = 0;
  std::string label;
  std::string counter_id;
  absl::Time at;
};

struct CounterBoard {
  std::string id;
  std::string name;
  bool seated = false;
  bool open = true;
  std::optional<TicketRecord> serving;
};

// What a display board shows, as of event `seq`.
struct BoardRecord {
  int64_t seq = 0;
  std::string day;
  std::vector<CounterBoard> counters;
  std::vector<TicketRecord> next;  // waiting tickets in the order they are expected to be called
  std::array<int, domain::kLaneCount> waiting = {0, 0, 0};
  absl::Duration mean_service = absl::ZeroDuration();  // recent median; zero: no history
};

using CheckInEncoder = std::function<std::string(const CheckInOutcome&)>;
using VisitEncoder = std::function<std::string(const VisitRecord&)>;
using TicketEncoder = std::function<std::string(const TicketRecord&)>;
// CallNext: nullopt when nobody waits for this counter.
using CallEncoder = std::function<std::string(const std::optional<TicketRecord>&)>;

using TicketAction = domain::TicketAction;  // recall, skip, no-show, finish

class QueueRepository {
 public:
  QueueRepository(Database& db, const Clock& clock,
                  NotificationEncoder encode_notification = nullptr,
                  domain::NotificationPolicy policy = {}, domain::LaneWeights weights = {},
                  domain::ArrivalRule arrival = {})
      : db_(db),
        clock_(clock),
        encode_notification_(std::move(encode_notification)),
        policy_(policy),
        weights_(weights),
        arrival_(arrival) {}

  // Walk-ins are refused outside the office's opening hours (FAILED_PRECONDITION naming them,
  // domain::CheckWalkInHours) unless overridden; an office without any opening hours set has no
  // limit. Off: walk-ins at any hour (demo stacks and tests that run on the wall clock).
  void set_walk_in_hours(bool on) { walk_in_hours_ = on; }

  // Records the visit and, when the screening passed, issues a ticket in its lane. By code:
  // NOT_FOUND for an unknown code; FAILED_PRECONDITION (naming why) when the appointment is not
  // booked, is for another day, or its check-in window has not opened. INVALID_ARGUMENT names a
  // bad field.
  absl::StatusOr<std::string> CheckIn(const Mutation& m, const CheckInInput& in,
                                      const CheckInEncoder& encode);
  // After a failed screening: online handling (the appointment is marked redirected, the case
  // stays for online handling, the applicant is told) or a SIBER pickup of the case's documents.
  // FAILED_PRECONDITION unless the visit failed its screening and has not been redirected yet, and
  // for a pickup without a case.
  absl::StatusOr<std::string> RedirectVisit(const Mutation& m, const RedirectInput& in,
                                            const VisitEncoder& encode);

  // The next ticket for `counter_id`: a ticket transferred to it first, else the lane the
  // interleaving picks among tickets this counter may serve (its services; seated tickets go to a
  // seated counter while one is open). A seated counter takes a seated or priority ticket before
  // anyone else, whatever the rotation says (domain::PickLaneFirst). FAILED_PRECONDITION while the
  // counter has a ticket called or is closed; NOT_FOUND for an unknown counter.
  absl::StatusOr<std::string> CallNext(const Mutation& m, const std::string& counter_id,
                                       const CallEncoder& encode);
  // Recall: announce again. Skip: back to waiting at the end of its lane. No-show: gone (its
  // appointment too). Finish: served. Each needs the ticket called (FAILED_PRECONDITION naming
  // its state otherwise).
  absl::StatusOr<std::string> Act(const Mutation& m, int64_t ticket_id, TicketAction action,
                                  const TicketEncoder& encode);
  // Sends a called ticket to another counter, where it is called before anyone else.
  absl::StatusOr<std::string> Transfer(const Mutation& m, int64_t ticket_id,
                                       const std::string& to_counter, const TicketEncoder& encode);

  // Today's visit of the appointment with `code` (as printed, K7M-4QX; case, dash and spaces
  // ignored), the one awaiting a redirect first; NOT_FOUND when none.
  absl::StatusOr<int64_t> VisitIdByAppointmentCode(const std::string& office_id,
                                                   const std::string& code);
  // A ticket of the viewer's office with its estimated wait; NOT_FOUND otherwise.
  absl::StatusOr<TicketRecord> GetTicket(const domain::Principal& viewer, int64_t ticket_id);
  // The day's tickets (default today), optionally of one state, by id.
  absl::StatusOr<std::vector<TicketRecord>> ListTickets(const domain::Principal& viewer,
                                                        std::optional<absl::CivilDay> day,
                                                        const std::string& state);
  // The day's visits (default today), optionally of one outcome (ValidateVisitOutcomeFilter), by
  // id.
  absl::StatusOr<std::vector<VisitRecord>> ListVisits(const domain::Principal& viewer,
                                                      std::optional<absl::CivilDay> day,
                                                      const std::string& outcome);
  // Today's board, consistent with the feed at its seq.
  absl::StatusOr<BoardRecord> Board(const std::string& office_id);
  // The seq of the office's latest queue event (0: none yet).
  absl::StatusOr<int64_t> FeedSeq(const std::string& office_id);
  // Events after `after_seq`, in order, at most `limit`.
  absl::StatusOr<std::vector<QueueEventRecord>> EventsAfter(const std::string& office_id,
                                                            int64_t after_seq, int limit);

 private:
  Database& db_;
  const Clock& clock_;
  NotificationEncoder encode_notification_;
  domain::NotificationPolicy policy_;
  domain::LaneWeights weights_;
  domain::ArrivalRule arrival_;
  bool walk_in_hours_ = true;
  OfficeCache offices_{clock_, absl::Seconds(10)};
};

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_QUEUE_REPOSITORY_H_
