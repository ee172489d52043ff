// The case rules the store still carried (issue 14: the rules apart from the store): the SLA shown
// for a case, what a new application records besides the case, what the public verification
// answers, and the permit document's QR address and missing-document refusal. The store loads, asks
// these and writes the answer in the same transaction. Pure; safe from any thread.
#ifndef LOKET_SERVER_DOMAIN_CASE_RULES_H_
#define LOKET_SERVER_DOMAIN_CASE_RULES_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/domain/case.h"
#include "server/domain/sla.h"

namespace loket::domain {

// A case's SLA on `today`: its clock runs only while the case is being worked on (SlaApplies).
SlaStatus CaseSla(const Case& c, const WorkingCalendar& cal, absl::CivilDay today);

// What a new application (DecideSubmission's case) writes besides the case row.
struct SubmissionRecord {
  std::string_view action;     // its first event's: "CreateDraft" or "Submit"
  bool notify = false;         // the applicant hears of a submission, not of a draft
  bool follow_clinic = false;  // SIBER follows a clinic's case from the start
};
SubmissionRecord RecordSubmission(const Case& c, bool draft);

// The reason the public verification shows for a revoked permit: the approver's, only when it was
// published; empty otherwise.
std::string PublicRevokeReason(const Case& c);

// What the public verification of a permit number and its code answers (the permit's holder,
// type and office aside): nullopt unless VerifyPermitCode accepts the code; otherwise the status
// on the office's day at `now`, the last valid day, the revocation's day in office time (always,
// when revoked) and PublicRevokeReason.
struct PublicPermitCheck {
  PermitStatus status = PermitStatus::kValid;
  bool valid = false;  // status is kValid
  std::optional<absl::CivilDay> valid_until;
  std::optional<absl::CivilDay> revoked_on;
  std::string revoke_reason;
};
std::optional<PublicPermitCheck> VerifyPermitPublic(const Case& c, std::string_view given_code,
                                                    absl::Time now, int utc_offset_minutes);

// The address a permit's QR code holds: `verify_url` with the permit's number and verification
// code appended as query parameters, percent-encoded (RFC 3986: all but letters, digits and
// "-_.~"), after "&" when `verify_url` has a query already, else after "?".
std::string PermitVerifyAddress(const std::string& verify_url, const Case& c);

// Why a case has no signed permit document to download: FAILED_PRECONDITION "not issued yet"
// naming its state while it has no permit number; else "no signed document" (issued before
// documents were made, or by a loketd without a signing key).
absl::Status PermitDocumentMissing(const Case& c);

// Random characters (NewReadableCode's 31-letter alphabet) of a case's tracking code and of the
// verification code printed on its permit: 10 give 49 bits, and every public guess is throttled
// per address.
inline constexpr int kTrackingCodeLength = 10;
inline constexpr int kVerificationCodeLength = 10;

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_CASE_RULES_H_
