#include "server/domain/case.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "common/status_macros.h"
#include "server/domain/principal.h"
#include "server/domain/public_booking.h"
#include "server/domain/sla.h"
#include "server/domain/validation.h"

namespace loket::domain {
namespace {

// Longest note or reason, in bytes: a few paragraphs, and what the database column is sized for.
constexpr size_t kMaxNoteBytes = 1000;

// UU 17/2023 and PP 28/2024: a health worker's SIP is valid for five years at most.
constexpr int kHealthWorkerPermitMaxMonths = 60;

constexpr CaseState kAllStates[] = {
    CaseState::kDraft,     CaseState::kSubmitted,
    CaseState::kVerifying, CaseState::kRevisionRequested,
    CaseState::kApproved,  CaseState::kRejected,
    CaseState::kIssued,    CaseState::kDelivered,
    CaseState::kCollected, CaseState::kWithdrawn,
    CaseState::kRevoked,
};
constexpr Channel kAllChannels[] = {Channel::kOnline, Channel::kClinic, Channel::kCounter,
                                    Channel::kAppointment};
constexpr PriorityClass kAllPriorityClasses[] = {PriorityClass::kNone, PriorityClass::kElderly,
                                                 PriorityClass::kDisability,
                                                 PriorityClass::kHealthWorker};
constexpr AccessibilityNeed kAllNeeds[] = {AccessibilityNeed::kWheelchair,
                                           AccessibilityNeed::kSignLanguage,
                                           AccessibilityNeed::kSeatedService};

// Reverse lookup over a small closed set; linear is fine and keeps one source of truth (the Name
// function).
template <typename Enum, size_t N, typename NameFn>
std::optional<Enum> FromName(const Enum (&all)[N], NameFn name_of, std::string_view name) {
  for (Enum e : all) {
    if (name_of(e) == name) return e;
  }
  return std::nullopt;
}

// "VERIFYING", "VERIFYING or REVISION_REQUESTED", "DRAFT, SUBMITTED or VERIFYING".
std::string JoinStates(const std::vector<CaseState>& states) {
  std::string out;
  size_t i = 0;
  for (CaseState s : states) {
    if (i > 0) out.append(i + 1 == states.size() ? " or " : ", ");
    out.append(CaseStateName(s));
    ++i;
  }
  return out;
}

absl::Status RequireState(const Case& c, Transition t, const std::vector<CaseState>& from) {
  if (std::find(from.begin(), from.end(), c.state) != from.end()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrFormat("case %d is %s; %s needs %s", c.id,
                                                       CaseStateName(c.state), TransitionName(t),
                                                       JoinStates(from)));
}

// Debian's abseil keeps absl::string_view distinct from std::string_view, so its strip helpers and
// StrCat do not take std::string_view; this file trims by hand and formats with StrFormat.
std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

// Trims the note and checks it; the trimmed form is what gets stored.
absl::Status CheckNote(std::string_view note, bool required, std::string& out) {
  const std::string_view trimmed = TrimSpaces(note);
  LOKET_RETURN_IF_ERROR(ValidateText(trimmed, "note", kMaxNoteBytes, required));
  out = std::string(trimmed);
  return absl::OkStatus();
}

// The states each transition may start from; the state checked before any input, so a caller who
// is simply too late learns that first.
std::vector<CaseState> LegalSources(Transition t) {
  switch (t) {
    case Transition::kSubmit:
      return {CaseState::kDraft};
    case Transition::kStartVerification:
      return {CaseState::kSubmitted};
    case Transition::kRequestRevision:
      return {CaseState::kVerifying};
    case Transition::kSubmitRevision:
      return {CaseState::kRevisionRequested};
    case Transition::kApprove:
      return {CaseState::kVerifying};
    case Transition::kReject:
      return {CaseState::kVerifying, CaseState::kRevisionRequested};
    case Transition::kIssue:
      return {CaseState::kApproved};
    case Transition::kWithdraw:
      return {CaseState::kDraft, CaseState::kSubmitted, CaseState::kVerifying,
              CaseState::kRevisionRequested};
    case Transition::kMarkCollected:
    case Transition::kMarkDelivered:
      return {CaseState::kIssued};
    case Transition::kRevoke:
      return {CaseState::kIssued, CaseState::kDelivered, CaseState::kCollected};
  }
  return {};
}

}  // namespace

std::string_view CaseStateName(CaseState s) {
  switch (s) {
    case CaseState::kDraft:
      return "DRAFT";
    case CaseState::kSubmitted:
      return "SUBMITTED";
    case CaseState::kVerifying:
      return "VERIFYING";
    case CaseState::kRevisionRequested:
      return "REVISION_REQUESTED";
    case CaseState::kApproved:
      return "APPROVED";
    case CaseState::kRejected:
      return "REJECTED";
    case CaseState::kIssued:
      return "ISSUED";
    case CaseState::kDelivered:
      return "DELIVERED";
    case CaseState::kCollected:
      return "COLLECTED";
    case CaseState::kWithdrawn:
      return "WITHDRAWN";
    case CaseState::kRevoked:
      return "REVOKED";
  }
  // Out-of-range values cast from the wire; the *FromName functions never return them.
  return "UNKNOWN";
}

std::optional<CaseState> CaseStateFromName(std::string_view name) {
  return FromName(kAllStates, CaseStateName, name);
}

std::string_view ChannelName(Channel c) {
  switch (c) {
    case Channel::kOnline:
      return "ONLINE";
    case Channel::kClinic:
      return "CLINIC";
    case Channel::kCounter:
      return "COUNTER";
    case Channel::kAppointment:
      return "APPOINTMENT";
  }
  return "UNKNOWN";
}

std::optional<Channel> ChannelFromName(std::string_view name) {
  return FromName(kAllChannels, ChannelName, name);
}

std::string_view PriorityClassName(PriorityClass p) {
  switch (p) {
    case PriorityClass::kNone:
      return "NONE";
    case PriorityClass::kElderly:
      return "ELDERLY";
    case PriorityClass::kDisability:
      return "DISABILITY";
    case PriorityClass::kHealthWorker:
      return "HEALTH_WORKER";
  }
  return "UNKNOWN";
}

std::optional<PriorityClass> PriorityClassFromName(std::string_view name) {
  return FromName(kAllPriorityClasses, PriorityClassName, name);
}

std::string_view AccessibilityNeedName(AccessibilityNeed n) {
  switch (n) {
    case AccessibilityNeed::kWheelchair:
      return "WHEELCHAIR";
    case AccessibilityNeed::kSignLanguage:
      return "SIGN_LANGUAGE";
    case AccessibilityNeed::kSeatedService:
      return "SEATED_SERVICE";
  }
  return "UNKNOWN";
}

std::optional<AccessibilityNeed> AccessibilityNeedFromName(std::string_view name) {
  return FromName(kAllNeeds, AccessibilityNeedName, name);
}

std::string_view TransitionName(Transition t) {
  switch (t) {
    case Transition::kSubmit:
      return "Submit";
    case Transition::kStartVerification:
      return "StartVerification";
    case Transition::kRequestRevision:
      return "RequestRevision";
    case Transition::kSubmitRevision:
      return "SubmitRevision";
    case Transition::kApprove:
      return "Approve";
    case Transition::kReject:
      return "Reject";
    case Transition::kIssue:
      return "Issue";
    case Transition::kWithdraw:
      return "Withdraw";
    case Transition::kMarkCollected:
      return "MarkCollected";
    case Transition::kMarkDelivered:
      return "MarkDelivered";
    case Transition::kRevoke:
      return "Revoke";
  }
  return "Unknown";
}

absl::Status ApplyTransition(Case& c, Transition t, const TransitionInput& in) {
  LOKET_RETURN_IF_ERROR(RequireState(c, t, LegalSources(t)));
  if (in.calendar == nullptr) return absl::InternalError("TransitionInput.calendar is null");

  // Every change goes to a copy, assigned back only on success, so no error path leaves `c` half
  // changed.
  Case next = c;
  switch (t) {
    case Transition::kSubmit:
      next.state = CaseState::kSubmitted;
      if (!next.sla.started_on.has_value()) next.sla.started_on = in.today;
      break;

    case Transition::kStartVerification:
      next.state = CaseState::kVerifying;
      break;

    case Transition::kRequestRevision:
      if (absl::Status s = CheckNote(in.note, /*required=*/true, next.revision_reason); !s.ok()) {
        return s;
      }
      next.state = CaseState::kRevisionRequested;
      PauseSla(next.sla, in.today);
      break;

    case Transition::kSubmitRevision:
      next.state = CaseState::kVerifying;
      ResumeSla(next.sla, *in.calendar, in.today);
      break;

    case Transition::kApprove: {
      if (in.permit_type == nullptr) {
        return absl::InternalError("TransitionInput.permit_type is null for Approve");
      }
      if (in.permit_type->code != c.permit_type) {
        return absl::InternalError(absl::StrCat("permit type ", in.permit_type->code,
                                                " passed for case ", c.id, " of type ",
                                                c.permit_type));
      }
      std::vector<std::string> missing;
      for (const RequiredDocument& doc : in.permit_type->required_documents) {
        if (!doc.mandatory) continue;
        if (std::find(c.attached_document_codes.begin(), c.attached_document_codes.end(),
                      doc.code) == c.attached_document_codes.end()) {
          missing.push_back(doc.code);
        }
      }
      if (!missing.empty()) {
        return absl::FailedPreconditionError(
            absl::StrCat("missing mandatory documents: ", absl::StrJoin(missing, ", ")));
      }
      if (absl::Status s = CheckNote(in.note, /*required=*/false, next.decision_note); !s.ok()) {
        return s;
      }
      next.state = CaseState::kApproved;
      break;
    }

    case Transition::kReject:
      if (absl::Status s = CheckNote(in.note, /*required=*/true, next.decision_note); !s.ok()) {
        return s;
      }
      next.state = CaseState::kRejected;
      // Close an open pause so the stored clock says how long the office itself held the case.
      ResumeSla(next.sla, *in.calendar, in.today);
      break;

    case Transition::kIssue:
      if (in.permit_number.empty()) return absl::InvalidArgumentError("permit_number: required");
      if (in.verification_code.empty()) {
        return absl::InvalidArgumentError("verification_code: required");
      }
      next.state = CaseState::kIssued;
      next.permit_number = in.permit_number;
      next.verification_code = in.verification_code;
      next.issued_on = in.today;
      if (in.permit_type != nullptr) {
        LOKET_ASSIGN_OR_RETURN(absl::CivilDay until,
                               ComputeValidUntil(*in.permit_type, in.today, c.str_valid_until));
        next.valid_until = until;
      }
      break;

    case Transition::kWithdraw:
      // The applicant may say why; nothing requires it.
      if (absl::Status s = CheckNote(in.note, /*required=*/false, next.decision_note); !s.ok()) {
        return s;
      }
      next.state = CaseState::kWithdrawn;
      ResumeSla(next.sla, *in.calendar, in.today);
      break;

    case Transition::kMarkCollected:
      if (in.collector == nullptr || in.collector->name.empty()) {
        return absl::InvalidArgumentError(
            "collector: who collects the permit and the identity document they show");
      }
      next.state = CaseState::kCollected;
      next.collected_by = *in.collector;
      break;

    case Transition::kMarkDelivered:
      next.state = CaseState::kDelivered;
      break;

    case Transition::kRevoke:
      if (absl::Status s = CheckNote(in.note, /*required=*/true, next.revoke_reason); !s.ok()) {
        return s;
      }
      if (in.now == absl::InfinitePast()) {
        return absl::InternalError("TransitionInput.now is not set for Revoke");
      }
      next.state = CaseState::kRevoked;
      next.revoked_at = in.now;
      next.revoke_reason_public = in.reason_public;
      break;
  }
  c = std::move(next);
  return absl::OkStatus();
}

absl::StatusOr<absl::CivilDay> ComputeValidUntil(const PermitType& type, absl::CivilDay issued_on,
                                                 std::optional<absl::CivilDay> str_valid_until) {
  // Same day of the month, `months` later; the 31st of a 30-day month becomes the 30th.
  auto add_months = [](absl::CivilDay day, int months) {
    const absl::CivilMonth month = absl::CivilMonth(day) + months;
    const absl::CivilDay first(month);
    const int last_day = static_cast<int>(absl::CivilDay(absl::CivilMonth(month + 1)) - first);
    return first + (std::min(day.day(), last_day) - 1);
  };
  absl::CivilDay until = add_months(issued_on, std::max(type.validity_months, 1));
  if (type.health_worker) {
    until = std::min(until, add_months(issued_on, kHealthWorkerPermitMaxMonths));
    if (str_valid_until.has_value()) {
      if (*str_valid_until < issued_on) {
        return absl::FailedPreconditionError(absl::StrFormat(
            "str_valid_until: the STR ended on %s, before the issue day %s; "
            "a permit cannot rest on it (STR sudah tidak berlaku)",
            absl::FormatCivilTime(*str_valid_until), absl::FormatCivilTime(issued_on)));
      }
      until = std::min(until, *str_valid_until);
    }
  }
  return until;
}

absl::Status ValidateStrValidUntil(const PermitType& type,
                                   std::optional<absl::CivilDay> str_valid_until,
                                   absl::CivilDay today) {
  if (!str_valid_until.has_value()) return absl::OkStatus();
  if (!type.health_worker) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "str_valid_until: %s is not a health-worker permit and rests on no STR (hanya untuk "
        "izin tenaga kesehatan)",
        type.code));
  }
  if (*str_valid_until < today) {
    return absl::InvalidArgumentError(
        absl::StrFormat("str_valid_until: the STR ended on %s; renew the STR first (STR sudah "
                        "tidak berlaku)",
                        absl::FormatCivilTime(*str_valid_until)));
  }
  if (*str_valid_until > today + 366 * 100) {
    return absl::InvalidArgumentError("str_valid_until: not a plausible date");
  }
  return absl::OkStatus();
}

std::string_view PermitStatusName(PermitStatus s) {
  switch (s) {
    case PermitStatus::kValid:
      return "VALID";
    case PermitStatus::kExpired:
      return "EXPIRED";
    case PermitStatus::kRevoked:
      return "REVOKED";
  }
  return "UNKNOWN";
}

PermitStatus PermitStatusOn(const Case& c, absl::CivilDay today) {
  if (c.state == CaseState::kRevoked) return PermitStatus::kRevoked;
  if (c.valid_until.has_value() && today > *c.valid_until) return PermitStatus::kExpired;
  return PermitStatus::kValid;
}

bool IsClosedState(CaseState s) {
  return s == CaseState::kRejected || s == CaseState::kWithdrawn || s == CaseState::kRevoked;
}

bool AcceptsDocuments(CaseState s) {
  return s == CaseState::kDraft || s == CaseState::kSubmitted || s == CaseState::kVerifying ||
         s == CaseState::kRevisionRequested;
}

bool SlaApplies(CaseState s) {
  return s == CaseState::kSubmitted || s == CaseState::kVerifying ||
         s == CaseState::kRevisionRequested || s == CaseState::kApproved;
}

absl::Status CheckCaseVisible(const Principal& p, const Case& c) {
  // One message for "not yours" and "not there", so probing ids tells a caller nothing.
  const absl::Status not_found = absl::NotFoundError(absl::StrFormat("case %d not found", c.id));
  if (p.office_id != c.office_id) return not_found;
  if (p.role == Role::kClinic && (p.clinic_id.empty() || p.clinic_id != c.clinic_id)) {
    return not_found;
  }
  return absl::OkStatus();
}

absl::Status CheckApplication(Application& app, const PermitType* type, absl::CivilDay today) {
  if (app.permit_type.empty()) return absl::InvalidArgumentError("permit_type: required");
  if (type == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("permit_type: unknown permit type ", QuoteValue(app.permit_type)));
  }
  LOKET_RETURN_IF_ERROR(ValidateApplicant(app.applicant, today));
  LOKET_ASSIGN_OR_RETURN(app.applicant.language,
                         LanguageOrDefault(app.applicant.language, "applicant.language"));
  LOKET_RETURN_IF_ERROR(
      ValidateLine(app.practice_place, "practice_place", 200, type->health_worker));
  LOKET_RETURN_IF_ERROR(ValidateLine(app.str_number, "str_number", 64, type->health_worker));
  return ValidateStrValidUntil(*type, app.str_valid_until, today);
}

const ApplicantCase* LiveApplication(const std::vector<ApplicantCase>& cases,
                                     absl::CivilDay today) {
  const ApplicantCase* first = nullptr;
  for (const ApplicantCase& c : cases) {
    if (IsClosedState(c.state)) continue;
    if (c.valid_until && *c.valid_until - kRenewalOpensDaysBefore <= today) continue;
    if (first == nullptr || c.id < first->id) first = &c;
  }
  return first;
}

absl::StatusOr<Case> DecideSubmission(const Principal& actor, Application app,
                                      const PermitType& type,
                                      const std::vector<ApplicantCase>& earlier,
                                      absl::CivilDay today, const WorkingCalendar& calendar) {
  // One live application per applicant and permit type (issue 13).
  const ApplicantCase* live = LiveApplication(earlier, today);
  if (live != nullptr && actor.role == Role::kClinic && live->clinic_id != actor.clinic_id) {
    // Another clinic's case stays unseen (GetCase and SearchCases answer NOT_FOUND for it).
    return absl::AlreadyExistsError(
        absl::StrCat("applicant.nik: this applicant already has a live application for ", type.code,
                     " at the office; ask the office; pemohon ini sudah memiliki permohonan ",
                     type.code, " yang masih berjalan di kantor, hubungi kantor"));
  }
  if (live != nullptr) {
    return absl::AlreadyExistsError(
        absl::StrCat("applicant.nik: this applicant already has a live application for ", type.code,
                     ": case ", live->id, " (", std::string(CaseStateName(live->state)),
                     "); pemohon ini sudah memiliki permohonan ", type.code,
                     " yang masih berjalan (kasus ", live->id, ")"));
  }
  Case c;
  c.office_id = actor.office_id;
  c.permit_type = type.code;
  if (actor.role == Role::kClinic) {
    // Partner clinics file their health workers' permits, which SIBER's couriers carry; any
    // other permit is applied for online like everyone else's.
    if (!type.health_worker) {
      return absl::InvalidArgumentError(absl::StrCat(
          "permit_type: ", type.code, " (", type.name,
          ") is not a health worker's permit; partner clinics file only those (SIBER), "
          "others are applied for online or at the counter"));
    }
    c.channel = Channel::kClinic;
    c.clinic_id = actor.clinic_id;
  } else if (app.channel == Channel::kClinic) {
    return absl::InvalidArgumentError("channel: CLINIC is for partner clinic staff");
  } else {
    c.channel = app.channel.value_or(Channel::kOnline);
  }
  c.applicant = std::move(app.applicant);
  c.practice_place = std::move(app.practice_place);
  c.str_number = std::move(app.str_number);
  c.str_valid_until = app.str_valid_until;
  c.sla.service_level_days = type.service_level_days;
  if (!app.draft) {
    TransitionInput in{today, &calendar, &type, "", "", ""};
    LOKET_RETURN_IF_ERROR(ApplyTransition(c, Transition::kSubmit, in));
  }
  return c;
}

absl::StatusOr<std::string> DecideAttachDocument(const Case& c, const PermitType& type,
                                                 std::string_view code, std::string_view file_name,
                                                 size_t size_bytes) {
  if (!AcceptsDocuments(c.state)) {
    return absl::FailedPreconditionError(
        absl::StrCat("case ", c.id, " is ", std::string(CaseStateName(c.state)),
                     "; documents can be attached while DRAFT, SUBMITTED, VERIFYING or "
                     "REVISION_REQUESTED"));
  }
  std::vector<std::string> codes;
  bool known = false;
  for (const auto& d : type.required_documents) {
    codes.push_back(d.code);
    known = known || d.code == code;
  }
  if (!known) {
    return absl::InvalidArgumentError(absl::StrCat("code: ", type.code, " has no document \"",
                                                   std::string(code), "\"; expected one of ",
                                                   absl::StrJoin(codes, ", ")));
  }
  return absl::StrCat(std::string(code), ": ", std::string(file_name), " (", size_bytes, " bytes)");
}

absl::StatusOr<std::optional<Collector>> CollectorFor(Transition t, const Collector* given) {
  if (t != Transition::kMarkCollected || given == nullptr) return std::optional<Collector>();
  LOKET_ASSIGN_OR_RETURN(Collector normal, NormalizeCollector(*given));
  return std::optional<Collector>(std::move(normal));
}

absl::Status CheckExpectedVersion(const Case& c, std::optional<int64_t> expected) {
  if (!expected || *expected == c.version) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat("case ", c.id, " has changed (etag ", *expected, ", now ",
                                         c.version, "); re-read and retry"));
}

bool TakesPermitNumber(CaseState state, Transition t) {
  // The store takes it from a counter row locked until commit, so numbers are gapless.
  return t == Transition::kIssue && state == CaseState::kApproved;
}

TransitionRecord RecordTransition(const Case& after, Transition t, const std::string& note,
                                  const PermitType& type) {
  TransitionRecord r;
  r.event_note = note;
  if (t == Transition::kIssue) {
    r.event_note = "permit " + after.permit_number;
    if (after.valid_until) {
      absl::StrAppend(&r.event_note, ", valid until ", absl::FormatCivilTime(*after.valid_until));
    }
    r.sign_permit = true;
  }
  if (t == Transition::kRevoke) {
    r.event_note = absl::StrCat(note, after.revoke_reason_public ? " (reason published)" : "");
  }
  if (t == Transition::kMarkCollected) {
    r.write_collector = true;
    r.event_note = absl::StrCat("collected by ", DescribeCollector(after.collected_by),
                                note.empty() ? "" : "; ", note);
  }
  r.follow_clinic = after.channel == Channel::kClinic && type.health_worker;
  return r;
}

std::optional<PermitStatus> VerifyPermitCode(const Case& c, std::string_view given_code,
                                             absl::CivilDay today) {
  const bool issued = c.state == CaseState::kIssued || c.state == CaseState::kDelivered ||
                      c.state == CaseState::kCollected || c.state == CaseState::kRevoked;
  const std::string want = NormalizePublicCode(c.verification_code, 32);
  if (!issued || want.empty() || NormalizePublicCode(given_code, 32) != want) return std::nullopt;
  return PermitStatusOn(c, today);
}

std::optional<std::string> ClinicScope(const Principal& viewer, const std::string& asked) {
  if (viewer.role != Role::kClinic) return asked;
  if (!asked.empty() && asked != viewer.clinic_id) return std::nullopt;
  return viewer.clinic_id;
}

bool ListsClinicDrafts(const Principal& viewer, std::optional<CaseState> state) {
  return viewer.role == Role::kClinic || state == CaseState::kDraft;
}

std::string_view PermitNumberCode(const PermitType& t) {
  return t.number_code.empty() ? std::string_view(t.code) : std::string_view(t.number_code);
}

std::string FormatPermitNumber(int64_t sequence, std::string_view permit_type,
                               std::string_view office_id, int year) {
  return absl::StrFormat("%04d/%s/DPMPTSP-%s/%d", sequence, permit_type,
                         absl::AsciiStrToUpper(std::string(office_id)), year);
}

std::string MaskName(std::string_view name) {
  std::vector<std::string> words;
  for (std::string_view rest = TrimSpaces(name); !rest.empty(); rest = TrimSpaces(rest)) {
    // First character of the word: its lead byte plus any UTF-8 continuation bytes.
    size_t len = 1;
    while (len < rest.size() && (static_cast<unsigned char>(rest[len]) & 0xc0) == 0x80) ++len;
    words.push_back(absl::StrFormat("%s***", rest.substr(0, len)));
    const size_t end = rest.find_first_of(" \t\r\n");
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  }
  return absl::StrJoin(words, " ");
}

absl::StatusOr<std::string> NormalizeHandoverName(std::string_view name, std::string_view field) {
  auto error = [&](std::string_view what) {
    return absl::InvalidArgumentError(std::string(field) + ": " + std::string(what));
  };
  const std::string_view trimmed = TrimSpaces(name);
  if (trimmed.empty()) return error("required");
  if (trimmed.size() > 400) return error("at most 100 characters");
  LOKET_RETURN_IF_ERROR(ValidateText(trimmed, field, 400, true));
  std::string out;
  size_t characters = 0;
  bool letter = false;
  bool blank = false;
  for (size_t i = 0; i < trimmed.size(); ++i) {
    const unsigned char b = static_cast<unsigned char>(trimmed[i]);
    if (b == '\n' || b == '\r' || b == '\v' || b == '\f') return error("one line, no line breaks");
    if (b == ' ' || b == '\t') {
      blank = true;
      continue;
    }
    if (blank) {
      out.push_back(' ');
      ++characters;
      blank = false;
    }
    out.push_back(static_cast<char>(b));
    if ((b & 0xC0) != 0x80) ++characters;  // count code points, not bytes
    if (b >= 0x80 || absl::ascii_isalpha(b)) letter = true;
  }
  if (!letter) return error("needs a name");
  if (characters > 100) return error("at most 100 characters");
  return out;
}

absl::StatusOr<Collector> NormalizeCollector(const Collector& c) {
  Collector out;
  LOKET_ASSIGN_OR_RETURN(std::string name, NormalizeHandoverName(c.name, "collector.name"));
  out.name = std::move(name);
  out.id_document_type = absl::AsciiStrToUpper(std::string(TrimSpaces(c.id_document_type)));
  static constexpr std::string_view kTypes[] = {"KTP", "SIM", "PASPOR", "KITAS"};
  if (std::find(std::begin(kTypes), std::end(kTypes), out.id_document_type) == std::end(kTypes)) {
    return absl::InvalidArgumentError("collector.id_document_type: one of KTP, SIM, PASPOR, KITAS");
  }
  std::string number;
  for (char ch : TrimSpaces(c.id_document_number)) {
    if (ch == ' ') continue;
    number.push_back(absl::ascii_toupper(static_cast<unsigned char>(ch)));
  }
  if (out.id_document_type == "KTP") {
    if (number.size() != 16 || number.find_first_not_of("0123456789") != std::string::npos) {
      return absl::InvalidArgumentError("collector.id_document_number: a KTP number is 16 digits");
    }
  } else if (number.size() < 5 || number.size() > 20 ||
             number.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-") !=
                 std::string::npos) {
    return absl::InvalidArgumentError(
        "collector.id_document_number: 5 to 20 letters, digits or dashes");
  }
  out.id_document_number = std::move(number);
  return out;
}

std::string DescribeCollector(const Collector& c) {
  if (c.name.empty()) return "";
  std::string_view n = c.id_document_number;
  std::string tail(n.size() > 4 ? n.substr(n.size() - 4) : n);
  return c.name + ", " + c.id_document_type + " \u2022\u2022\u2022\u2022" + tail;
}

}  // namespace loket::domain
