#include "server/domain/case_rules.h"

namespace loket::domain {

SlaStatus CaseSla(const Case& c, const WorkingCalendar& cal, absl::CivilDay today) {
  return ComputeSla(c.sla, cal, today, SlaApplies(c.state));
}

SubmissionRecord RecordSubmission(const Case& c, bool draft) {
  SubmissionRecord r;
  r.action = draft ? "CreateDraft" : "Submit";
  r.notify = !draft;
  r.follow_clinic = c.channel == Channel::kClinic;
  return r;
}

std::string PublicRevokeReason(const Case& c) {
  return c.revoke_reason_public ? c.revoke_reason : std::string();
}

}  // namespace loket::domain
