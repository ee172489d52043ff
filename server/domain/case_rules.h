// The case rules the store still carried (issue 14: the rules apart from the store): the SLA shown
// for a case, what a new application records besides the case, and what the public verification
// tells of a revocation. The store loads, asks these and writes the answer in the same
// transaction. Pure; safe from any thread.
#ifndef LOKET_SERVER_DOMAIN_CASE_RULES_H_
#define LOKET_SERVER_DOMAIN_CASE_RULES_H_

#include <string>
#include <string_view>

#include "absl/time/civil_time.h"
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

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_CASE_RULES_H_
