// The licensing case: its states, the applicant, and the named transitions between states.
//
// Everything here is plain data and pure functions: no I/O, no clock (the caller passes `today`),
// no threads. A Case is a value; callers copy it, change the copy with a transition, and let the
// store write it back under optimistic concurrency (`version`).
#ifndef LOKET_SERVER_DOMAIN_CASE_H_
#define LOKET_SERVER_DOMAIN_CASE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/domain/principal.h"
#include "server/domain/sla.h"

namespace loket::domain {

// Numbering matches loket.v1.CaseState so conversion is a cast.
enum class CaseState {
  kDraft = 1,
  kSubmitted = 2,
  kVerifying = 3,
  kRevisionRequested = 4,
  kApproved = 5,
  kRejected = 6,
  kIssued = 7,
  kDelivered = 8,
  kCollected = 9,
  kWithdrawn = 10,
  kRevoked = 11,  // the approver took an issued permit back (issue 13)
};

// "SUBMITTED", "REVISION_REQUESTED", ...; also the spelling stored in the database.
std::string_view CaseStateName(CaseState s);
// Inverse of CaseStateName; nullopt for an unknown name.
std::optional<CaseState> CaseStateFromName(std::string_view name);

// Numbering matches loket.v1.Channel.
enum class Channel { kOnline = 1, kClinic = 2, kCounter = 3, kAppointment = 4 };
std::string_view ChannelName(Channel c);  // "ONLINE", "CLINIC", ...
std::optional<Channel> ChannelFromName(std::string_view name);

// Numbering matches loket.v1.PriorityClass.
enum class PriorityClass { kNone = 1, kElderly = 2, kDisability = 3, kHealthWorker = 4 };
std::string_view PriorityClassName(PriorityClass p);  // "NONE", "ELDERLY", ...
std::optional<PriorityClass> PriorityClassFromName(std::string_view name);

// Numbering matches loket.v1.AccessibilityNeed.
enum class AccessibilityNeed { kWheelchair = 1, kSignLanguage = 2, kSeatedService = 3 };
std::string_view AccessibilityNeedName(AccessibilityNeed n);  // "WHEELCHAIR", ...
std::optional<AccessibilityNeed> AccessibilityNeedFromName(std::string_view name);

struct Applicant {
  std::string nik;
  std::string name;
  std::string phone;  // normalised E.164, "+628..."
  std::string email;  // may be empty
  PriorityClass priority = PriorityClass::kNone;
  std::vector<AccessibilityNeed> needs;
  std::string language = "id";  // messages in "id" (Bahasa Indonesia) or "en"
};

struct RequiredDocument {
  std::string code;
  std::string name;
  bool mandatory = true;
};

// One entry of the office's permit catalog.
struct PermitType {
  std::string code;  // "SIP_PERAWAT"
  std::string name;
  int64_t fee_idr = 0;
  int service_level_days = 5;
  bool health_worker = false;
  std::vector<RequiredDocument> required_documents;
  // How long a permit of this type is valid from its issue day (a health-worker permit ends with
  // its STR too, and after five years at the latest: see ComputeValidUntil).
  int validity_months = 60;
  // The short code its permit numbers carry ("SIPP"); empty: `code` (PermitNumberCode).
  std::string number_code;
};

// The code a permit of type `t` carries in its number: its number_code, else its code.
std::string_view PermitNumberCode(const PermitType& t);

// Who took an issued permit at the counter, and the identity document they showed.
struct Collector {
  std::string name;
  std::string id_document_type;  // KTP, SIM, PASPOR or KITAS
  std::string id_document_number;
};

// The name of a person who hands over or receives a bundle or a permit, as people write it at a
// hospital desk: "Ns. Herlina (TU RSUD)", "dr. A'an Setiawan, Sp.PD". Trims and collapses blanks;
// refuses only what cannot be a name: invalid UTF-8, control characters and line breaks, no letter
// at all, more than 100 characters. INVALID_ARGUMENT names `field`.
absl::StatusOr<std::string> NormalizeHandoverName(std::string_view name, std::string_view field);

// Validates and normalises a collector (field names "collector.name", ...): the document type is
// upper-cased and must be one of KTP, SIM, PASPOR, KITAS; a KTP number is the 16-digit NIK, the
// others 5 to 20 letters, digits or dashes.
absl::StatusOr<Collector> NormalizeCollector(const Collector& c);

// "Ns. Herlina (TU RSUD), KTP ••••0001": for the history and for every reader, the number masked.
std::string DescribeCollector(const Collector& c);

struct Case {
  int64_t id = 0;
  std::string office_id;
  std::string permit_type;
  Channel channel = Channel::kOnline;
  CaseState state = CaseState::kDraft;
  Applicant applicant;
  std::string clinic_id;  // empty unless submitted by a clinic
  int64_t version = 0;    // bumped by the store on every write

  SlaClock sla;

  std::string practice_place;
  std::string str_number;
  std::string revision_reason;
  std::string decision_note;
  std::string permit_number;      // set when issued
  std::string verification_code;  // set when issued
  std::optional<absl::CivilDay> issued_on;

  std::vector<std::string> attached_document_codes;  // codes of documents on file
  // Anyone holding it may follow the case's state (PublicService.TrackCase); set at creation.
  std::string tracking_code;
  Collector collected_by;  // set by kMarkCollected

  // Validity (issue 13). The STR's end as the application states it: nullopt for an STR valid for
  // life and for permits that rest on no STR.
  std::optional<absl::CivilDay> str_valid_until;
  std::optional<absl::CivilDay> valid_until;  // the permit's last valid day; set by kIssue
  std::optional<absl::Time> revoked_at;       // set by kRevoke
  std::string revoke_reason;                  // set by kRevoke
  bool revoke_reason_public = false;          // whether VerifyPermit shows the reason
};

// The named transitions of DESIGN.md section 5.
enum class Transition {
  kSubmit,             // DRAFT -> SUBMITTED; starts the SLA clock
  kStartVerification,  // SUBMITTED -> VERIFYING
  kRequestRevision,    // VERIFYING -> REVISION_REQUESTED; pauses the clock; needs a reason
  kSubmitRevision,     // REVISION_REQUESTED -> VERIFYING; resumes the clock
  kApprove,            // VERIFYING -> APPROVED; every mandatory document must be on file
  kReject,             // VERIFYING | REVISION_REQUESTED -> REJECTED; needs a reason
  kIssue,              // APPROVED -> ISSUED; needs permit number and verification code
  kWithdraw,           // DRAFT | SUBMITTED | VERIFYING | REVISION_REQUESTED -> WITHDRAWN
  kMarkCollected,      // ISSUED -> COLLECTED
  kMarkDelivered,      // ISSUED -> DELIVERED
  kRevoke,             // ISSUED | DELIVERED | COLLECTED -> REVOKED; needs a reason
};
std::string_view TransitionName(Transition t);  // "Approve", "RequestRevision", ...

struct TransitionInput {
  absl::CivilDay today;                   // in the office's calendar
  const WorkingCalendar* calendar;        // required; not owned
  const PermitType* permit_type;          // required for kApprove; not owned
  std::string note;                       // reason or note
  std::string permit_number;              // kIssue
  std::string verification_code;          // kIssue
  const Collector* collector = nullptr;   // kMarkCollected: required, normalised; not owned
  absl::Time now = absl::InfinitePast();  // kRevoke: the revocation's instant
  bool reason_public = false;             // kRevoke: VerifyPermit may show the reason
};

// Applies `t` to `c`. kIssue sets valid_until when `in.permit_type` is given (see
// ComputeValidUntil). Returns FailedPreconditionError naming the current state when `t` is not
// legal from it ("case 12 is APPROVED; RequestRevision needs VERIFYING"), InvalidArgumentError when
// a required note is missing or too long (field "note"), FailedPreconditionError listing the
// missing mandatory documents for kApprove. On error `c` is unchanged.
absl::Status ApplyTransition(Case& c, Transition t, const TransitionInput& in);

// True for states in which the applicant can still change the case (attach documents).
bool AcceptsDocuments(CaseState s);

// True when the SLA clock runs or is paused in this state (the case is still being worked on).
bool SlaApplies(CaseState s);

// Row scope (DESIGN.md section 6): returns OK when `p` may see `c`; NotFoundError ("case N not
// found", the same text as for a missing case, so nothing leaks) for another office's case, or for
// a clinic principal and a case its clinic did not submit.
absl::Status CheckCaseVisible(const Principal& p, const Case& c);

// The last day a permit issued on `issued_on` is valid: issue day + the type's validity (months; a
// day past the end of a shorter month becomes its last day). A health-worker permit also ends with
// its STR and after five years at most: the earliest of the three. FailedPreconditionError
// (field "str_valid_until") when the STR ends before `issued_on`.
absl::StatusOr<absl::CivilDay> ComputeValidUntil(const PermitType& type, absl::CivilDay issued_on,
                                                 std::optional<absl::CivilDay> str_valid_until);

// Checks the STR end an application states, on `today`: only health-worker permits rest on an STR
// (INVALID_ARGUMENT "str_valid_until: ..." otherwise), and an STR already ended cannot carry a
// permit. nullopt (an STR valid for life) is always accepted.
absl::Status ValidateStrValidUntil(const PermitType& type,
                                   std::optional<absl::CivilDay> str_valid_until,
                                   absl::CivilDay today);

// What the public verification says of a permit on `today`.
enum class PermitStatus { kValid = 1, kExpired = 2, kRevoked = 3 };
std::string_view PermitStatusName(PermitStatus s);  // "VALID", "EXPIRED", "REVOKED"
// kRevoked for a REVOKED case; kExpired once `today` is past valid_until; kValid otherwise. Only
// meaningful for a case that was issued.
PermitStatus PermitStatusOn(const Case& c, absl::CivilDay today);

// True for states from which a case will never become or stay a permit: an applicant with such a
// case may apply again for the same permit type (an expired permit counts as closed too).
bool IsClosedState(CaseState s);

// "0007/SIP_PERAWAT/DPMPTSP-BPP/2026": sequence, permit type, office, year.
std::string FormatPermitNumber(int64_t sequence, std::string_view permit_type,
                               std::string_view office_id, int year);

// "Siti Rahmawati" -> "S*** R***": enough for a holder to recognise, useless to a stranger.
std::string MaskName(std::string_view name);

// ---- Decisions the store carries out (issue 14: the domain decides, the store executes). The
// store loads what a rule needs inside its transaction, asks the rule, and writes exactly the
// answer in the same transaction (as LevelDB's VersionSet applies a VersionEdit).

// An application as the applicant, a clinic or the counter hands it in.
struct Application {
  std::string permit_type;
  Applicant applicant;
  std::optional<Channel> channel;  // default ONLINE; forced to CLINIC for clinic staff
  std::string practice_place;
  std::string str_number;
  std::optional<absl::CivilDay> str_valid_until;  // health-worker permits; nullopt: STR for life
  bool draft = false;
};

// A submission's checks before the applicant's live cases are read: the permit type (`type`: the
// office's of that code, nullptr when it has none) and the applicant, practice place, STR number
// and STR end on `today`. Normalises `app` in place (the NIK and phone as stored, the language
// defaulted): the store locks and looks up the applicant by the normalised NIK. INVALID_ARGUMENT
// or FAILED_PRECONDITION naming the field, in the order of the form.
absl::Status CheckApplication(Application& app, const PermitType* type, absl::CivilDay today);

// An earlier case of the same applicant and permit type, as read under the applicant's lock.
struct ApplicantCase {
  int64_t id = 0;
  CaseState state = CaseState::kDraft;
  std::string clinic_id;                      // empty unless a clinic filed it
  std::optional<absl::CivilDay> valid_until;  // an issued permit's last day
};

// How many days before an issued permit ends its renewal opens (the first expiry reminder's day):
// from then on the applicant may apply again.
inline constexpr int kRenewalOpensDaysBefore = 90;

// The first (lowest id) of `cases` that is still live on `today`: not closed (IsClosedState), and
// not an issued permit whose renewal has opened (nor one that ended). nullptr: none.
const ApplicantCase* LiveApplication(const std::vector<ApplicantCase>& cases, absl::CivilDay today);

// The case a checked application becomes, to insert: the actor's office, the channel (a clinic's
// staff file CLINIC cases, of health-worker permits only; nobody else may), and submitted (SLA
// started) unless a draft. One live application per applicant and permit type (issue 13):
// ALREADY_EXISTS when one of `earlier` is live (naming it only to whoever may see it);
// INVALID_ARGUMENT for the channel. `app` was passed through CheckApplication.
absl::StatusOr<Case> DecideSubmission(const Principal& actor, Application app,
                                      const PermitType& type,
                                      const std::vector<ApplicantCase>& earlier,
                                      absl::CivilDay today, const WorkingCalendar& calendar);

// Attaching a document: the case must accept documents (FAILED_PRECONDITION naming its state)
// and its permit type list `code` (INVALID_ARGUMENT listing the codes). Returns the history note.
absl::StatusOr<std::string> DecideAttachDocument(const Case& c, const PermitType& type,
                                                 std::string_view code, std::string_view file_name,
                                                 size_t size_bytes);

// The collector a transition records, checked before anything is read: for kMarkCollected the
// given one normalised (NormalizeCollector; nullptr gives nullopt, which ApplyTransition refuses
// once it checked the state); nullopt for any other transition, whatever was given.
absl::StatusOr<std::optional<Collector>> CollectorFor(Transition t, const Collector* given);

// ABORTED when the caller read the case at another version (`expected`; nullopt: no check).
absl::Status CheckExpectedVersion(const Case& c, std::optional<int64_t> expected);

// Whether applying `t` to a case in `state` takes the next permit number (and a verification
// code): an issue of an approved case. Otherwise ApplyTransition refuses the issue anyway.
bool TakesPermitNumber(CaseState state, Transition t);

// What a transition, once applied, writes besides the case row.
struct TransitionRecord {
  std::string event_note;        // the history's note
  bool write_collector = false;  // kMarkCollected: who collected it
  bool sign_permit = false;      // kIssue: the signed permit document, in the same transaction
  bool follow_clinic = false;    // SIBER carries a clinic's health-worker case's paper
};
// `after` is the case as ApplyTransition left it; `note` the caller's note or reason.
TransitionRecord RecordTransition(const Case& after, Transition t, const std::string& note,
                                  const PermitType& type);

// The public verification of a permit number and the code printed on it: nullopt when the case
// was never issued, has no code, or the code does not match (compared as people type them: any
// case, dashes and spaces ignored); otherwise its status on `today` (a revoked permit still
// answers, as revoked: whoever holds the paper must learn that).
std::optional<PermitStatus> VerifyPermitCode(const Case& c, std::string_view given_code,
                                             absl::CivilDay today);

// The clinic a listing or search is limited to: a clinic viewer sees only its own cases, whatever
// it asks for (nullopt: it asked for another clinic's, nothing to find); others get `asked`.
std::optional<std::string> ClinicScope(const Principal& viewer, const std::string& asked);

// Whether a case list or search shows clinics' drafts. A clinic's draft is its work in progress,
// not yet sent to the office: the office's lists leave drafts of the CLINIC channel out unless
// asked for DRAFT; a clinic sees its own.
bool ListsClinicDrafts(const Principal& viewer, std::optional<CaseState> state);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_CASE_H_
