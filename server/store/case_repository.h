// Cases, their documents and their audit trail (DESIGN.md sections 4 and 5).
//
// Every mutation is one transaction: load the case, apply the domain transition, write it back with
// `UPDATE ... WHERE version = $old`, append a case_events row, and record the response under the
// request_id. A concurrent writer makes the loser fail with ABORTED; nothing is
// read-checked-written outside the transaction. Thread-safe (holds only references).
#ifndef LOKET_SERVER_STORE_CASE_REPOSITORY_H_
#define LOKET_SERVER_STORE_CASE_REPOSITORY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/ttl_cache.h"
#include "server/domain/case.h"
#include "server/domain/case_search.h"
#include "server/domain/notification.h"
#include "server/domain/principal.h"
#include "server/domain/siber.h"
#include "server/domain/sla.h"
#include "server/store/database.h"
#include "server/store/mutation.h"
#include "server/store/notification_outbox.h"
#include "server/store/office_context.h"
#include "server/store/permit_documents.h"

namespace loket::store {

struct DocumentInfo {
  int64_t id = 0;
  std::string code;
  std::string file_name;
  std::string media_type;
  int64_t size_bytes = 0;
  std::string sha256_hex;
  absl::Time uploaded_at;
};

struct DocumentContent {
  DocumentInfo info;
  std::string content;
};

// A message sent (or to be sent) about a case, and how its delivery went.
struct NotificationInfo {
  int64_t id = 0;
  std::string channel;
  std::string address;
  std::string template_id;
  std::string status;  // pending | sent | failed
  int attempts = 0;
  std::string provider_message_id;
  std::string detail;
  absl::Time scheduled_for;
  std::optional<absl::Time> sent_at;
};

// A case as a screen shows it: the domain case plus its clock on today's date and its documents.
struct CaseView {
  domain::Case c;
  domain::SlaStatus sla;
  std::vector<DocumentInfo> documents;          // empty in list results
  std::vector<NotificationInfo> notifications;  // filled by Get only
  absl::Time created_at;
  absl::Time updated_at;
  std::string permit_document_sha256;  // the signed permit's; filled by Get and on issue
};

struct CaseEventRecord {
  int64_t id = 0;
  int64_t case_id = 0;
  absl::Time at;
  std::string actor;
  std::string actor_role;
  std::string terminal;
  std::string action;
  std::optional<domain::CaseState> from_state;
  domain::CaseState to_state = domain::CaseState::kDraft;
  std::string note;
};

// An application (domain::Application) and, for SIBER, when the clinic's courier pickup may come
// (empty: the first window in the clinic's hours).
struct NewApplication : domain::Application {
  domain::VisitPreference pickup;
};

struct NewDocument {
  std::string code;
  std::string file_name;
  std::string media_type;
  std::string content;  // validated by the caller (domain::ValidateDocument)
  std::string sha256_hex;
};

struct CaseFilter {
  std::optional<domain::CaseState> state;
  std::optional<domain::Channel> channel;
  std::string permit_type;
  std::string clinic_id;
  bool overdue_only = false;
  int page_size = 50;
  int64_t after_id = 0;  // keyset pagination: cases with a larger id
};

// SearchCases: checked criteria (domain::CheckCaseSearch) and keyset paging, newest first.
struct CaseSearchFilter {
  domain::CaseSearch criteria;
  int page_size = 50;
  int64_t before_id = 0;  // 0: from the newest; else cases with a smaller id
};

struct PermitVerification {
  bool valid = false;
  std::string permit_type_name;
  std::string holder_name;  // unmasked; the API masks it
  std::string office_name;
  std::optional<absl::CivilDay> issued_on;
  // Issue 13: valid, expired or revoked; the revocation day always, its reason if published.
  domain::PermitStatus status = domain::PermitStatus::kValid;
  std::optional<absl::CivilDay> valid_until;
  std::optional<absl::CivilDay> revoked_on;
  std::string revoke_reason;
};

using CaseEncoder = std::function<std::string(const CaseView&)>;

class CaseRepository {
 public:
  // Transitions that concern the applicant enqueue notify.send tasks in their own transaction,
  // encoded by `encode_notification`; without one, nothing is sent.
  CaseRepository(Database& db, const Clock& clock,
                 NotificationEncoder encode_notification = nullptr,
                 domain::NotificationPolicy policy = {})
      : db_(db),
        clock_(clock),
        encode_notification_(std::move(encode_notification)),
        policy_(policy) {}

  // Creates a case (DRAFT, or SUBMITTED with its SLA clock started). INVALID_ARGUMENT names the bad
  // field, including an unknown permit_type. Returns the encoded response (replayed on a repeat).
  absl::StatusOr<std::string> Submit(const Mutation& m, NewApplication app,
                                     const CaseEncoder& encode);

  // NOT_FOUND when the case does not exist or `viewer` may not see it (same message either way).
  absl::StatusOr<CaseView> Get(const domain::Principal& viewer, int64_t case_id);
  // One document of a case the viewer may see, with its bytes. NOT_FOUND for a hidden case or a
  // document that is not that case's.
  absl::StatusOr<DocumentContent> GetDocument(const domain::Principal& viewer, int64_t case_id,
                                              int64_t document_id);

  // The viewer's cases matching `f`, by id; a clinic sees only its own.
  absl::StatusOr<std::vector<CaseView>> List(const domain::Principal& viewer, const CaseFilter& f);

  // The viewer's cases matching every criterion of `f`, newest first; a clinic finds only its
  // own (a clinic_id criterion naming another clinic finds nothing).
  absl::StatusOr<std::vector<CaseView>> Search(const domain::Principal& viewer,
                                               const CaseSearchFilter& f);

  // Files a document on the case. FAILED_PRECONDITION once the case is decided; INVALID_ARGUMENT
  // for a document code the permit type does not list.
  absl::StatusOr<std::string> AttachDocument(const Mutation& m, int64_t case_id, NewDocument doc,
                                             const CaseEncoder& encode);

  // Applies a named transition. ABORTED when `expected_version` is stale or a concurrent writer
  // won; FAILED_PRECONDITION (naming the current state) when illegal; NOT_FOUND as for Get.
  absl::StatusOr<std::string> Transition(const Mutation& m, int64_t case_id,
                                         std::optional<int64_t> expected_version,
                                         domain::Transition t, std::string note,
                                         const CaseEncoder& encode, bool new_paper = false,
                                         const domain::Collector* collector = nullptr);

  // ISSUED | DELIVERED | COLLECTED -> REVOKED with the approver's reason (the API requires it),
  // audited and notified; `publish_reason` lets VerifyPermit show the reason. Errors as for
  // Transition.
  absl::StatusOr<std::string> Revoke(const Mutation& m, int64_t case_id,
                                     std::optional<int64_t> expected_version, std::string reason,
                                     bool publish_reason, const CaseEncoder& encode);

  // Get inside another repository's transaction (without documents and notifications).
  absl::StatusOr<CaseView> GetInTx(Tx& tx, const domain::Principal& viewer, int64_t case_id);

  // Transition inside another repository's transaction (a courier's delivery marks the case
  // DELIVERED). No request_id replay of its own: the caller's mutation has it.
  absl::StatusOr<CaseView> TransitionInTx(Tx& tx, const Mutation& m, int64_t case_id,
                                          std::optional<int64_t> expected_version,
                                          domain::Transition t, const std::string& note,
                                          bool new_paper = false,
                                          const domain::Collector* collector = nullptr,
                                          bool reason_public = false);

  // Writes an event that changes no state (e.g. "CancelStop") into the case's history, inside
  // another repository's transaction.
  void RecordEventInTx(Tx& tx, const Mutation& m, int64_t case_id, std::string_view action,
                       const std::string& note);

  // Cases past their SLA due date (the `office overdue` test, on the office's local today), by
  // office id; every office appears, 0 when none. One query, for /metrics.
  absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> CountPastSla();

  // Events of a visible case with id > after_event_id, oldest first.
  absl::StatusOr<std::vector<CaseEventRecord>> History(const domain::Principal& viewer,
                                                       int64_t case_id, int64_t after_event_id);

  // Public check of a permit by number and verification code. Never an error for a wrong pair:
  // `valid` is false then (and `permit_type_name` empty). A revoked or expired permit answers with
  // its status, `valid` false.
  absl::StatusOr<PermitVerification> VerifyPermit(const std::string& permit_number,
                                                  const std::string& code);

  // Issue 13, the permit document (server/store/permit_documents.cc). Set before serving: from
  // then on every issue renders and signs the permit in its transaction.
  void SetPermitDocuments(PermitDocumentOptions o) { permit_docs_ = std::move(o); }
  // The signed permit of a case the viewer may see. NOT_FOUND as for Get; FAILED_PRECONDITION
  // when the case is not issued or has no document.
  absl::StatusOr<PermitDocumentRecord> GetPermitDocument(const domain::Principal& viewer,
                                                         int64_t case_id);
  // The permit whose document has this SHA-256 (lower-case hex), if any.
  absl::StatusOr<std::optional<PermitOfDocument>> PermitByDocument(const std::string& sha256_hex);
  // The SHA-256 of the document issued as `permit_number`; empty when it has none.
  absl::StatusOr<std::string> PermitDocumentSha(const std::string& permit_number);

 private:
  // Renders, signs and stores the document of a case just issued; returns its SHA-256 (empty
  // without a signer). INTERNAL when rendering or signing fails (the issue rolls back).
  absl::StatusOr<std::string> StorePermitDocumentInTx(Tx& tx, const domain::Case& c,
                                                      const std::string& office_name,
                                                      const std::string& type_name);
  std::string PermitDocumentShaInTx(Tx& tx, int64_t case_id);

  PermitDocumentOptions permit_docs_;
  Database& db_;
  const Clock& clock_;
  NotificationEncoder encode_notification_;
  domain::NotificationPolicy policy_;
  // Calendars and the catalog change rarely; 10 s of staleness saves four queries per call.
  OfficeCache offices_{clock_, absl::Seconds(10)};
  TtlCache<std::pair<std::string, std::string>, std::optional<domain::PermitType>> permit_types_{
      clock_, absl::Seconds(10)};
};

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_CASE_REPOSITORY_H_
