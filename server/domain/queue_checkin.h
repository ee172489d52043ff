// Check-in at the office door as a decision (issue 14: the domain decides, the store executes).
// The store locks the office's queue, loads what the visitor showed (an appointment, or a walk-in's
// details) with what the rules need, and hands it over; DecideCheckIn answers with what to record
// (the visit, and a ticket or the alternatives to a queue), and the store writes exactly that in
// the same transaction, the way LevelDB's VersionSet applies a VersionEdit. Pure; safe from any
// thread.
#ifndef LOKET_SERVER_DOMAIN_QUEUE_CHECKIN_H_
#define LOKET_SERVER_DOMAIN_QUEUE_CHECKIN_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/case.h"
#include "server/domain/queue.h"

namespace loket::domain {

// The appointment behind the code shown at the door, as read under the office's queue lock.
struct AppointmentAtDoor {
  std::string code;  // normalised (K7M4QX), for the messages
  int64_t id = 0;
  std::string state;     // booked, checked_in, no_show, cancelled, ...
  absl::Time starts_at;  // the slot's start
  // A visit of this appointment is queued already (a late visitor let in after the no-show
  // sweep released the seat): the seat cannot be used twice.
  bool queued_visit = false;
  std::string name;
  std::string phone;
  std::string language;
  std::string service;
  PriorityClass priority = PriorityClass::kNone;
  bool seated = false;  // SEATED_SERVICE among the booking's accessibility needs
  int64_t case_id = 0;  // the case the booking is about; 0: none
  // That case's state (CaseStateName's text) when it is this office's; nullopt otherwise.
  std::optional<std::string> case_state;
};

// A walk-in's details as given at the door.
struct WalkInDetails {
  std::string name;
  std::string phone;  // optional, E.164; for messages
  std::string language = "id";
  std::string service;  // permit type code
  PriorityClass priority = PriorityClass::kNone;
  int64_t case_id = 0;  // optional: an existing case the visit is about
  std::string nik;      // with case_id: must be that case's applicant's
};

// Checked before anything is read: the name, the phone (when given), the language, the service
// code's shape and the case id; the name and phone come back normalised, the language defaulted.
// INVALID_ARGUMENT naming the walk_in.* field.
absl::StatusOr<WalkInDetails> NormalizeWalkIn(WalkInDetails walk);

// An appointment code as stored: upper case, without the dashes and spaces it is printed and
// typed with (K7M-4QX -> K7M4QX). INVALID_ARGUMENT naming appointment_code unless letters and
// digits, at most 16. Empty stays empty (the caller decides).
absl::StatusOr<std::string> NormalizeAppointmentCode(std::string_view code);
// The same for a code to look a visit up by, where empty is INVALID_ARGUMENT too.
absl::StatusOr<std::string> RequireAppointmentCode(std::string_view code);

// A walk-in's details (normalised before the transaction) and what the store found for them.
struct WalkInAtDoor {
  WalkInDetails details;
  bool service_known = false;  // the permit type exists in this office
  // With case_id: the case, when it is this office's (nullopt: not found).
  struct Case {
    std::string state;  // CaseStateName's text
    std::string applicant_nik;
  };
  std::optional<Case> linked_case;
  // The opening-hours rule, when it applies (switched on, and the office keeps opening hours);
  // nullopt: walk-ins are let in at any time.
  struct Hours {
    std::optional<OpeningHours> today;  // nullopt: closed on this weekday
    bool working_day = true;            // not a holiday, nor a day the office closed
  };
  std::optional<Hours> hours;
  bool outside_hours_override = false;  // an admin lets the walk-in in outside the hours
};

struct CheckInFacts {
  absl::Time now;
  int utc_offset_minutes = 0;
  Screening screening;
  bool seated = false;  // seated service asked for at the door
  // Exactly one of these.
  std::optional<AppointmentAtDoor> appointment;
  std::optional<WalkInAtDoor> walk_in;
};

// The visit row to record, whatever the screening said.
struct VisitToRecord {
  int64_t appointment_id = 0;  // 0: a walk-in
  int64_t case_id = 0;         // 0: none
  std::string name;
  std::string phone;
  std::string language;
  std::string service;
  PriorityClass priority = PriorityClass::kNone;
  bool seated = false;
  bool screening_passed = false;
  std::string screening_note;  // why not passed ("" when passed)
  std::string arrival;         // on_time, late, walk_in
  bool outside_hours = false;  // a walk-in let in outside the opening hours by an override
};

// The ticket to issue after a passed screening.
struct TicketToIssue {
  Lane lane = Lane::kWalkIn;
  // Only an on-time appointment keeps its slot's place in the appointment lane.
  std::optional<absl::Time> slot_start;
  // The booked appointment becomes checked_in (a guarded update: booked only). False for a walk-in
  // and for a late visitor whose seat the no-show sweep released already.
  bool check_in_appointment = false;
};

struct CheckInDecision {
  VisitToRecord visit;
  std::optional<TicketToIssue> ticket;  // nullopt: the screening failed, no queue today
  // The screening failed: besides going online, a SIBER courier may fetch the case's papers.
  bool offer_siber_pickup = false;
  // The visit's outcome: "queued" with a ticket, else "redirect_pending".
  std::string_view Outcome() const { return ticket ? "queued" : "redirect_pending"; }
};

// Check-in and the late rule. An appointment is let in while booked, on its slot's day, from
// `rule.early` before the slot: up to `rule.grace` after the start in the appointment lane, later
// as a walk-in (also when the no-show sweep released the seat, once). A walk-in needs a known
// permit type, the opening hours (unless overridden; the visit records it) and, with a case, that
// case's applicant's NIK. Refusals: FAILED_PRECONDITION (wrong state, day or time; NIK of someone
// else; closed), INVALID_ARGUMENT (unknown permit type, missing NIK), NOT_FOUND (the linked case).
absl::StatusOr<CheckInDecision> DecideCheckIn(const CheckInFacts& facts,
                                              const ArrivalRule& rule = {});

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_QUEUE_CHECKIN_H_
