#include "server/domain/case_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

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

std::optional<PublicPermitCheck> VerifyPermitPublic(const Case& c, std::string_view given_code,
                                                    absl::Time now, int utc_offset_minutes) {
  const absl::TimeZone tz = absl::FixedTimeZone(utc_offset_minutes * 60);
  const std::optional<PermitStatus> status =
      VerifyPermitCode(c, given_code, absl::ToCivilDay(now, tz));
  if (!status) return std::nullopt;
  PublicPermitCheck out;
  out.status = *status;
  out.valid = *status == PermitStatus::kValid;
  out.valid_until = c.valid_until;
  if (c.revoked_at) out.revoked_on = absl::ToCivilDay(*c.revoked_at, tz);
  out.revoke_reason = PublicRevokeReason(c);
  return out;
}

namespace {

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (absl::ascii_isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out.push_back(static_cast<char>(ch));
    } else {
      out += {'%', kHex[ch >> 4], kHex[ch & 15]};
    }
  }
  return out;
}

}  // namespace

std::string PermitVerifyAddress(const std::string& verify_url, const Case& c) {
  return absl::StrCat(verify_url, verify_url.find('?') == std::string::npos ? "?" : "&",
                      "number=", UrlEncode(c.permit_number),
                      "&code=", UrlEncode(c.verification_code));
}

absl::Status PermitDocumentMissing(const Case& c) {
  if (c.permit_number.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("case_id: case ", c.id, " is ", std::string(CaseStateName(c.state)),
                     "; izin belum terbit (the permit is not issued yet)"));
  }
  return absl::FailedPreconditionError(
      absl::StrCat("case_id: permit ", c.permit_number,
                   " has no signed document (issued before documents were made, or loketd has "
                   "no --permit_key); dokumen izin tidak tersedia"));
}

}  // namespace loket::domain
