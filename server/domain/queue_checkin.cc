#include "server/domain/queue_checkin.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/domain/siber.h"
#include "server/domain/validation.h"

namespace loket::domain {
namespace {

// The appointment's part: the state, the day and the time window; the visitor's details come from
// the booking.
absl::Status DecideAppointment(const CheckInFacts& f, const AppointmentAtDoor& a,
                               const ArrivalRule& rule, CheckInDecision& d) {
  const Arrival arrived = ClassifyArrival(f.now, a.starts_at, f.utc_offset_minutes, rule);
  // Past the grace, Spontan's no-show sweep may have released the seat already (no_show): the
  // late rule holds all the same, the visitor queues as a walk-in that day (once).
  const bool released = a.state == "no_show" && arrived == Arrival::kLate && !a.queued_visit;
  if (a.state != "booked" && !released) {
    return absl::FailedPreconditionError(
        absl::StrCat("appointment ", a.code, " is ", a.state,
                     a.state == "checked_in" ? ": its ticket was issued already"
                     : a.state == "no_show"  ? ": check the visitor in as a walk-in"
                                             : ""));
  }
  absl::TimeZone tz = absl::FixedTimeZone(f.utc_offset_minutes * 60);
  if (arrived == Arrival::kOtherDay) {
    return absl::FailedPreconditionError(
        absl::StrCat("appointment ", a.code, " is for ",
                     absl::FormatTime("%Y-%m-%d %H:%M", a.starts_at, tz), ", not today"));
  }
  if (arrived == Arrival::kTooEarly) {
    return absl::FailedPreconditionError(absl::StrCat(
        "appointment ", a.code, " is at ", absl::FormatTime("%H:%M", a.starts_at, tz),
        ": check-in opens at ", absl::FormatTime("%H:%M", a.starts_at - rule.early, tz)));
  }
  VisitToRecord& v = d.visit;
  v.appointment_id = a.id;
  v.case_id = a.case_id;
  v.name = a.name;
  v.phone = a.phone;
  v.language = a.language;
  v.service = a.service;
  v.priority = a.priority;
  v.seated = f.seated || a.seated;
  v.arrival = std::string(ArrivalName(arrived));
  if (v.screening_passed) {
    TicketToIssue t;
    t.lane = LaneFor(a.priority, /*has_appointment=*/true, arrived);
    if (t.lane == Lane::kAppointment) t.slot_start = a.starts_at;
    t.check_in_appointment = !released;
    d.ticket = t;
  } else {
    d.offer_siber_pickup =
        a.case_id != 0 && a.case_state && CheckPaperPickup(a.case_id, *a.case_state).ok();
  }
  return absl::OkStatus();
}

// The walk-in's part: opening hours, the permit type and the linked case's applicant.
absl::Status DecideWalkIn(const CheckInFacts& f, const WalkInAtDoor& w, CheckInDecision& d) {
  if (w.hours) {
    absl::Status open =
        CheckWalkInHours(f.now, f.utc_offset_minutes, w.hours->today, w.hours->working_day);
    if (!open.ok() && !w.outside_hours_override) return open;
    d.visit.outside_hours = !open.ok();
  }
  if (!w.service_known) {
    return absl::InvalidArgumentError(
        absl::StrCat("walk_in.service: unknown permit type ", QuoteValue(w.details.service)));
  }
  if (w.details.case_id > 0) {
    // A case is linked (and can be redirected to SIBER) only for its own applicant.
    if (!w.linked_case)
      return absl::NotFoundError(absl::StrCat("case ", w.details.case_id, " not found"));
    std::string nik(absl::StripAsciiWhitespace(w.details.nik));
    if (nik.empty()) {
      return absl::InvalidArgumentError(
          "walk_in.nik: required with walk_in.case_id (the applicant's NIK, from their KTP)");
    }
    if (nik != w.linked_case->applicant_nik) {
      return absl::FailedPreconditionError(
          absl::StrCat("walk_in.nik: not the NIK of case ", w.details.case_id,
                       "'s applicant; check the KTP, or check the visitor in without the case"));
    }
  }
  VisitToRecord& v = d.visit;
  v.case_id = w.details.case_id;
  v.name = w.details.name;
  v.phone = w.details.phone;
  v.language = w.details.language;
  v.service = w.details.service;
  v.priority = w.details.priority;
  v.seated = f.seated;
  v.arrival = "walk_in";
  if (v.screening_passed) {
    TicketToIssue t;
    t.lane = LaneFor(w.details.priority, /*has_appointment=*/false, Arrival::kOnTime);
    d.ticket = t;
  } else {
    d.offer_siber_pickup = w.details.case_id > 0 && w.linked_case &&
                           CheckPaperPickup(w.details.case_id, w.linked_case->state).ok();
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<WalkInDetails> NormalizeWalkIn(WalkInDetails walk) {
  LOKET_ASSIGN_OR_RETURN(std::string name, NormalizePersonName(walk.name, "walk_in.name"));
  walk.name = name;
  if (!walk.phone.empty()) {
    LOKET_ASSIGN_OR_RETURN(std::string phone, NormalizePhone(walk.phone, "walk_in.phone"));
    walk.phone = phone;
  }
  LOKET_ASSIGN_OR_RETURN(std::string language,
                         LanguageOrDefault(walk.language, "walk_in.language"));
  walk.language = language;
  if (walk.service.empty() || walk.service.size() > 40) {
    return absl::InvalidArgumentError("walk_in.service: required, a permit type code");
  }
  if (walk.case_id < 0) return absl::InvalidArgumentError("walk_in.case_id: a positive number");
  return walk;
}

absl::StatusOr<std::string> NormalizeAppointmentCode(std::string_view typed) {
  std::string code = absl::AsciiStrToUpper(std::string(typed));
  code.erase(
      std::remove_if(code.begin(), code.end(), [](char ch) { return ch == '-' || ch == ' '; }),
      code.end());
  if (code.size() > 16 ||
      code.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != std::string::npos) {
    return absl::InvalidArgumentError("appointment_code: letters, digits and '-', e.g. K7MA4Q");
  }
  return code;
}

absl::StatusOr<std::string> RequireAppointmentCode(std::string_view typed) {
  LOKET_ASSIGN_OR_RETURN(std::string code, NormalizeAppointmentCode(typed));
  if (code.empty()) {
    return absl::InvalidArgumentError("appointment_code: letters, digits and '-', e.g. K7MA4Q");
  }
  return code;
}

absl::StatusOr<CheckInDecision> DecideCheckIn(const CheckInFacts& facts, const ArrivalRule& rule) {
  if (facts.appointment.has_value() == facts.walk_in.has_value()) {
    return absl::InvalidArgumentError(
        "appointment_code: give either an appointment code or walk_in details, not both");
  }
  CheckInDecision d;
  d.visit.screening_passed = ScreeningPassed(facts.screening, &d.visit.screening_note);
  absl::Status s = facts.appointment ? DecideAppointment(facts, *facts.appointment, rule, d)
                                     : DecideWalkIn(facts, *facts.walk_in, d);
  if (!s.ok()) return s;
  return d;
}

}  // namespace loket::domain
