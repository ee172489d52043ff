// What an officer may search cases by (issue 13, "Finding people"), checked and normalised before
// any SQL runs. Pure functions, safe from any thread.
#ifndef LOKET_SERVER_DOMAIN_CASE_SEARCH_H_
#define LOKET_SERVER_DOMAIN_CASE_SEARCH_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace loket::domain {

// The criteria as typed (any may be empty). Dates are YYYY-MM-DD in the office's time zone.
struct CaseSearchInput {
  std::string nik;
  std::string name;
  std::string phone;
  std::string permit_number;
  std::string tracking_code;
  std::string clinic_id;
  std::string submitted_from;
  std::string submitted_to;
};

// The criteria after checking: every non-empty one must match (AND).
struct CaseSearch {
  std::string nik;                      // 16 digits
  std::vector<std::string> name_words;  // each matched as a part of the name, in any order
  std::string phone;                    // E.164
  std::string permit_number;            // upper case as issued, surrounding spaces trimmed
  std::string tracking_code;            // upper case
  std::string clinic_id;
  std::optional<absl::CivilDay> submitted_from;  // inclusive
  std::optional<absl::CivilDay> submitted_to;    // inclusive
};

// Checks and normalises the criteria. INVALID_ARGUMENT naming the field: a NIK that is not 16
// digits, a name with no word of 3 or more letters (shorter parts match too much to be useful and
// the trigram index cannot serve them) or more than 6 words, a phone that is not a phone number,
// an unparsable date or `submitted_to` before `submitted_from`, an over-long field; and
// "criteria" when nothing at all was given.
absl::StatusOr<CaseSearch> CheckCaseSearch(const CaseSearchInput& in);

// The instants the submission days of `q` cover in an office `utc_offset_minutes` east of UTC:
// from the first day's local midnight (inclusive) to the midnight after the last (exclusive);
// nullopt where the search gives no bound.
struct SubmissionWindow {
  std::optional<absl::Time> from;
  std::optional<absl::Time> until;
};
SubmissionWindow SubmissionWindowOf(const CaseSearch& q, int utc_offset_minutes);

}  // namespace loket::domain

#endif  // LOKET_SERVER_DOMAIN_CASE_SEARCH_H_
