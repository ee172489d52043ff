#include "server/store/case_repository.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "server/domain/case_rules.h"
#include "server/domain/validation.h"
#include "server/store/columns.h"
#include "server/store/fetch.h"
#include "server/store/idempotency.h"
#include "server/store/notification_outbox.h"
#include "server/store/office_context.h"
#include "server/store/permit_type_rows.h"
#include "server/store/pg.h"
#include "server/store/siber_stops.h"
#include "server/store/task_enqueue.h"

namespace loket::store {
namespace {

using domain::CaseState;

// Each record's columns (server/store/columns.h): its statements select them, its reads name them.
constexpr Statement kPermitType{
    "case_permit_type", kSelectSql<"SELECT ", kPermitTypeColumns,
                                   " FROM permit_types WHERE office_id = $1 AND code = $2">};
constexpr Statement kPermitDocs{"case_permit_docs",
                                kSelectSql<"SELECT ", kRequiredDocumentColumns,
                                           " FROM permit_type_documents WHERE office_id = $1"
                                           " AND permit_type = $2 ORDER BY position, code">};

// A case as CaseFromRow reads it.
constexpr auto kCaseColumns =
    MakeColumns({{"id"},
                 {"office_id"},
                 {"permit_type"},
                 {"channel"},
                 {"state"},
                 {"version"},
                 {"applicant_nik"},
                 {"applicant_name"},
                 {"applicant_phone"},
                 {"applicant_email"},
                 {"priority_class"},
                 {"accessibility_needs", "array_to_string(accessibility_needs, ',')"},
                 {"clinic_id", "coalesce(clinic_id, '')"},
                 {"practice_place"},
                 {"str_number"},
                 {"sla_days"},
                 {"sla_started_on", "sla_started_on::text"},
                 {"sla_paused_days"},
                 {"sla_paused_since", "sla_paused_since::text"},
                 {"revision_reason"},
                 {"decision_note"},
                 {"permit_number", "coalesce(permit_number, '')"},
                 {"verification_code", "coalesce(verification_code, '')"},
                 {"issued_on", "issued_on::text"},
                 {"created_at", "created_at::text"},
                 {"updated_at", "updated_at::text"},
                 {"applicant_language"},
                 {"tracking_code"},
                 {"collected_by"},
                 {"collected_id_type"},
                 {"collected_id_number"},
                 {"str_valid_until", "str_valid_until::text"},
                 {"valid_until", "valid_until::text"},
                 {"revoked_at", "revoked_at::text"},
                 {"revoke_reason"},
                 {"revoke_reason_public"}});

constexpr Statement kLoadCase{"case_load",
                              kSelectSql<"SELECT ", kCaseColumns, " FROM cases WHERE id = $1">};
constexpr Statement kListCases{
    "case_list",
    kSelectSql<"SELECT ", kCaseColumns,
               " FROM cases WHERE office_id = $1 AND id > $2 AND ($3 = '' OR state = $3)"
               " AND ($4 = '' OR channel = $4) AND ($5 = '' OR permit_type = $5)"
               " AND ($6 = '' OR clinic_id = $6) AND (NOT $7::boolean OR due_date < $8::date)"
               " AND ($10::boolean OR state <> 'DRAFT' OR channel <> 'CLINIC')"
               " ORDER BY id LIMIT $9">};
// Cases past their SLA due date by office (issue 15's loket_cases_past_sla): due_date is NULL while
// paused or decided, so "due before the office's local today" is the `overdue_only` test of
// kListCases. Every office appears, with 0 when none; cases_overdue (office_id, due_date) serves
// it.
constexpr Statement kCountPastSla{
    "case_count_past_sla",
    "SELECT o.id AS office_id, count(c.id) AS past_sla FROM offices o LEFT JOIN cases c"
    " ON c.office_id = o.id"
    " AND c.due_date < (($1::timestamptz AT TIME ZONE 'UTC')"
    " + make_interval(mins => o.utc_offset_minutes))::date"
    " GROUP BY o.id ORDER BY o.id"};
constexpr Statement kDocCodes{"case_doc_codes",
                              "SELECT DISTINCT code FROM documents WHERE case_id = $1"};
// A document's description (DocumentFromRow), and the same with its content.
constexpr auto kDocumentColumns = MakeColumns({{"id"},
                                               {"code"},
                                               {"file_name"},
                                               {"media_type"},
                                               {"size_bytes"},
                                               {"sha256_hex", "encode(sha256, 'hex')"},
                                               {"uploaded_at", "uploaded_at::text"}});
constexpr auto kDocumentContentColumns = MakeColumns(kDocumentColumns, {{"content"}});
constexpr Statement kDocuments{
    "case_documents",
    kSelectSql<"SELECT ", kDocumentColumns, " FROM documents WHERE case_id = $1 ORDER BY id">};
constexpr Statement kDocumentContent{"case_document_content",
                                     kSelectSql<"SELECT ", kDocumentContentColumns,
                                                " FROM documents WHERE case_id = $1 AND id = $2">};
// What writing a case gives back: its id and version, and when.
constexpr auto kInsertedCaseColumns = MakeColumns(
    {{"id"}, {"version"}, {"created_at", "created_at::text"}, {"updated_at", "updated_at::text"}});
constexpr auto kCaseVersionColumns = MakeColumns({{"version"}, {"updated_at", "updated_at::text"}});
// The case and its first event in one round trip (a submission's hot path).
constexpr Statement kInsertCaseWithEvent{
    "case_insert_with_event",
    kSelectSql<
        "WITH c AS (INSERT INTO cases (office_id, permit_type, channel, state, applicant_nik,"
        " applicant_name, applicant_phone, applicant_email, priority_class, accessibility_needs,"
        " clinic_id, practice_place, str_number, sla_days, sla_started_on, due_date, created_by,"
        " applicant_language, tracking_code)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, string_to_array($10, ',')::text[], $11, $12, "
        "$13,"
        " $14, $15::date, $16::date, $17, $18, $19)"
        " RETURNING id, version, created_at, updated_at),"
        " e AS (INSERT INTO case_events (office_id, case_id, actor_id, actor_name, actor_role,"
        " terminal, action, from_state, to_state, note)"
        " SELECT $1, c.id, $17, $20, $21, $22, $23, NULL, $4, '' FROM c)"
        " SELECT ",
        kInsertedCaseColumns, " FROM c">};
constexpr Statement kUpdateCase{
    "case_update",
    kSelectSql<
        "UPDATE cases SET state = $3, version = version + 1, sla_started_on = $4::date,"
        " sla_paused_days = $5, sla_paused_since = $6::date, due_date = $7::date,"
        " revision_reason = $8, decision_note = $9, permit_number = $10, verification_code = $11,"
        " issued_on = $12::date, updated_at = now(),"
        // Issue 13, in the same statement as the state (cases_revoked_at checks them together).
        " valid_until = $13::date, revoked_at = $14::timestamptz, revoke_reason = $15,"
        " revoke_reason_public = $16"
        " WHERE id = $1 AND version = $2 RETURNING ",
        kCaseVersionColumns, "">};
constexpr Statement kSetCollector{
    "case_set_collector",
    "UPDATE cases SET collected_by = $2, collected_id_type = $3, collected_id_number = $4"
    " WHERE id = $1"};
constexpr Statement kSetStrValidUntil{"case_set_str_valid_until",
                                      "UPDATE cases SET str_valid_until = $2::date WHERE id = $1"};
// One live application per applicant and permit type (domain::LiveApplication): the advisory lock
// serialises submissions of the same (office, NIK, type), so of two concurrent ones the second sees
// the first's case once the first commits (READ COMMITTED takes a new snapshot per statement).
constexpr Statement kLockApplicant{
    "case_lock_applicant",
    "SELECT pg_advisory_xact_lock(hashtextextended('loket.case.' || $1 || '/' || $2 || '/' || $3,"
    " 0))"};
constexpr auto kApplicantCaseColumns = MakeColumns({{"id"},
                                                    {"state"},
                                                    {"clinic_id", "coalesce(clinic_id, '')"},
                                                    {"valid_until", "valid_until::text"}});
constexpr Statement kApplicantCases{
    "case_applicant_cases",
    kSelectSql<"SELECT ", kApplicantCaseColumns,
               " FROM cases WHERE office_id = $1 AND applicant_nik = $2 AND permit_type = $3"
               " ORDER BY id">};
constexpr Statement kTouchCase{
    "case_touch",
    kSelectSql<"UPDATE cases SET version = version + 1, updated_at = now() WHERE id = $1"
               " AND version = $2 RETURNING ",
               kCaseVersionColumns, "">};
constexpr Statement kInsertEvent{
    "case_insert_event",
    "INSERT INTO case_events (office_id, case_id, actor_id, actor_name, actor_role, terminal,"
    " action, from_state, to_state, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"};
constexpr auto kEventColumns = MakeColumns({{"id"},
                                            {"case_id"},
                                            {"at", "at::text"},
                                            {"actor_name"},
                                            {"actor_role"},
                                            {"terminal"},
                                            {"action"},
                                            {"from_state", "coalesce(from_state, '')"},
                                            {"to_state"},
                                            {"note"}});
constexpr Statement kEvents{"case_events",
                            kSelectSql<"SELECT ", kEventColumns,
                                       " FROM case_events WHERE case_id = $1 AND id > $2"
                                       " ORDER BY id LIMIT 1000">};
constexpr Statement kInsertDocument{
    "case_insert_document",
    "INSERT INTO documents (office_id, case_id, code, file_name, media_type, size_bytes, sha256,"
    " content, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, decode($7, 'hex'), $8, $9)"};
constexpr Statement kNextPermitNumber{
    "case_next_permit_number",
    "INSERT INTO permit_counters (office_id, permit_type, year, last_number) VALUES ($1, $2, $3, 1)"
    " ON CONFLICT (office_id, permit_type, year)"
    " DO UPDATE SET last_number = permit_counters.last_number + 1 RETURNING last_number"};
// An issued permit as the public verification page sees it, with the office's offset for its days
// (domain::VerifyPermitPublic).
constexpr auto kVerifyPermitColumns =
    MakeColumns({{"permit_type_name", "pt.name"},
                 {"holder_name", "c.applicant_name"},
                 {"issued_on", "c.issued_on::text"},
                 {"office_name", "o.name"},
                 {"utc_offset_minutes", "o.utc_offset_minutes"},
                 {"verification_code", "c.verification_code"},
                 {"state", "c.state"},
                 {"valid_until", "c.valid_until::text"},
                 {"revoked_at", "c.revoked_at::text"},
                 {"revoke_reason", "c.revoke_reason"},
                 {"revoke_reason_public", "c.revoke_reason_public"}});
constexpr Statement kVerifyPermit{
    "case_verify_permit",
    kSelectSql<"SELECT ", kVerifyPermitColumns,
               " FROM cases c JOIN permit_types pt ON pt.office_id = c.office_id AND pt.code = "
               "c.permit_type"
               " JOIN offices o ON o.id = c.office_id WHERE c.permit_number = $1">};

constexpr auto kNotificationColumns = MakeColumns({{"id"},
                                                   {"channel"},
                                                   {"address"},
                                                   {"template_id"},
                                                   {"status"},
                                                   {"attempts"},
                                                   {"provider_message_id"},
                                                   {"detail"},
                                                   {"scheduled_for", "scheduled_for::text"},
                                                   {"sent_at", "sent_at::text"}});
constexpr Statement kNotifications{
    "case_notifications", kSelectSql<"SELECT ", kNotificationColumns,
                                     " FROM notifications WHERE case_id = $1 ORDER BY id">};

std::string CaseNotFound(int64_t id) { return absl::StrCat("case ", id, " not found"); }

// The office's calendar and today's date in its time zone.
std::optional<domain::PermitType> LoadPermitTypeUncached(Tx& tx, const std::string& office_id,
                                                         const std::string& code) {
  pqxx::result r = tx.Exec(kPermitType, office_id, code);
  if (r.empty()) return std::nullopt;
  domain::PermitType pt = PermitTypeFromRow(r[0]);
  pt.required_documents = MapRows(tx.Exec(kPermitDocs, office_id, code), RequiredDocumentFromRow);
  return pt;
}

using PermitTypeCache =
    TtlCache<std::pair<std::string, std::string>, std::optional<domain::PermitType>>;

std::optional<domain::PermitType> LoadPermitType(Tx& tx, const std::string& office_id,
                                                 const std::string& code, PermitTypeCache& cache) {
  // Keyed by the office's reference-data version too (issue 13, refdata): a permit type the admin
  // changed through any replica is read afresh from the next call on.
  auto key = std::make_pair(office_id, absl::StrCat(code, "@", RefdataVersion(tx, office_id)));
  if (auto hit = cache.Get(key)) return *hit;
  std::optional<domain::PermitType> pt = LoadPermitTypeUncached(tx, office_id, code);
  cache.Put(key, pt);
  return pt;
}

std::string Text(const pqxx::field& f) { return f.is_null() ? std::string() : f.as<std::string>(); }

// A stored case state ("SUBMITTED", ...).
CaseState StateOf(const pqxx::field& f) {
  return domain::CaseStateFromName(f.as<std::string>()).value_or(CaseState::kDraft);
}

// The permit type of a case the store holds (it cannot vanish while the case exists).
absl::StatusOr<domain::PermitType> LoadCasePermitType(Tx& tx, const domain::Case& c,
                                                      PermitTypeCache& cache) {
  std::optional<domain::PermitType> pt = LoadPermitType(tx, c.office_id, c.permit_type, cache);
  if (!pt) return absl::InternalError("permit type of the case vanished");
  return *std::move(pt);
}

// A row of kCaseColumns.
CaseView CaseFromRow(const pqxx::row& row) {
  constexpr const auto& k = kCaseColumns;
  auto text = [&row](int column) { return row[column].as<std::string>(); };
  CaseView v;
  domain::Case& c = v.c;
  c.id = row[k["id"]].as<int64_t>();
  c.office_id = text(k["office_id"]);
  c.permit_type = text(k["permit_type"]);
  c.channel = domain::ChannelFromName(text(k["channel"])).value_or(domain::Channel::kOnline);
  c.state = StateOf(row[k["state"]]);
  c.version = row[k["version"]].as<int64_t>();
  c.applicant.nik = text(k["applicant_nik"]);
  c.applicant.name = text(k["applicant_name"]);
  c.applicant.phone = text(k["applicant_phone"]);
  c.applicant.email = text(k["applicant_email"]);
  c.applicant.priority = domain::PriorityClassFromName(text(k["priority_class"]))
                             .value_or(domain::PriorityClass::kNone);
  for (absl::string_view n :
       absl::StrSplit(text(k["accessibility_needs"]), ',', absl::SkipEmpty())) {
    if (auto need = domain::AccessibilityNeedFromName(std::string(n))) {
      c.applicant.needs.push_back(*need);
    }
  }
  c.clinic_id = text(k["clinic_id"]);
  c.practice_place = text(k["practice_place"]);
  c.str_number = text(k["str_number"]);
  c.sla.service_level_days = row[k["sla_days"]].as<int>();
  c.sla.started_on = OptionalDay(row[k["sla_started_on"]]);
  c.sla.paused_working_days = row[k["sla_paused_days"]].as<int>();
  c.sla.paused_since = OptionalDay(row[k["sla_paused_since"]]);
  c.revision_reason = text(k["revision_reason"]);
  c.decision_note = text(k["decision_note"]);
  c.permit_number = text(k["permit_number"]);
  c.verification_code = text(k["verification_code"]);
  c.issued_on = OptionalDay(row[k["issued_on"]]);
  v.created_at = ParseTimestamp(text(k["created_at"]));
  v.updated_at = ParseTimestamp(text(k["updated_at"]));
  c.applicant.language = text(k["applicant_language"]);
  c.tracking_code = text(k["tracking_code"]);
  c.collected_by = {text(k["collected_by"]), text(k["collected_id_type"]),
                    text(k["collected_id_number"])};
  c.str_valid_until = OptionalDay(row[k["str_valid_until"]]);
  c.valid_until = OptionalDay(row[k["valid_until"]]);
  c.revoked_at = OptionalTs(row[k["revoked_at"]]);
  c.revoke_reason = text(k["revoke_reason"]);
  c.revoke_reason_public = row[k["revoke_reason_public"]].as<bool>();
  return v;
}

// CaseFromRow with the case's SLA as of the office's today (List and Search).
auto CaseWithSla(const OfficeContext& office) {
  return [&office](const pqxx::row& row) {
    CaseView v = CaseFromRow(row);
    v.sla = domain::CaseSla(v.c, office.calendar, office.today);
    return v;
  };
}

// A row of kDocumentColumns (or of kDocumentContentColumns, which begins with them).
DocumentInfo DocumentFromRow(const pqxx::row& row) {
  constexpr const auto& k = kDocumentColumns;
  return {row[k["id"]].as<int64_t>(),
          row[k["code"]].as<std::string>(),
          row[k["file_name"]].as<std::string>(),
          row[k["media_type"]].as<std::string>(),
          row[k["size_bytes"]].as<int64_t>(),
          row[k["sha256_hex"]].as<std::string>(),
          ParseTimestamp(row[k["uploaded_at"]].as<std::string>())};
}

std::vector<DocumentInfo> LoadDocuments(Tx& tx, int64_t case_id) {
  std::vector<DocumentInfo> out;
  for (const auto& row : tx.Exec(kDocuments, case_id)) out.push_back(DocumentFromRow(row));
  return out;
}

// Loads a case the actor may see; the same NOT_FOUND for a missing and a hidden case.
absl::StatusOr<CaseView> LoadVisibleCase(Tx& tx, const domain::Principal& viewer, int64_t case_id) {
  pqxx::result r = tx.Exec(kLoadCase, case_id);
  if (r.empty()) return absl::NotFoundError(CaseNotFound(case_id));
  CaseView v = CaseFromRow(r[0]);
  LOKET_RETURN_IF_ERROR(domain::CheckCaseVisible(viewer, v.c));
  return v;
}

std::string NeedsCsv(const std::vector<domain::AccessibilityNeed>& needs) {
  std::vector<std::string> names;
  for (auto n : needs) names.emplace_back(domain::AccessibilityNeedName(n));
  return absl::StrJoin(names, ",");
}

void AppendEvent(Tx& tx, const Mutation& m, int64_t case_id, std::string_view action,
                 std::optional<CaseState> from, CaseState to, const std::string& note) {
  std::optional<std::string> from_name;
  if (from) from_name = std::string(domain::CaseStateName(*from));
  tx.Exec(kInsertEvent, m.actor.office_id, case_id, m.actor.id, m.actor.name,
          std::string(domain::RoleName(m.actor.role)), m.terminal, std::string(action), from_name,
          std::string(domain::CaseStateName(to)), note);
}

// Stores the messages this transition sends and enqueues one notify.send task for each, in `tx`:
// they go out only if the transition commits, and always if it does (the transactional outbox).
void EnqueueNotifications(Tx& tx, const NotificationEncoder& encode, const Clock& clock,
                          const domain::NotificationPolicy& policy, const OfficeContext& office,
                          const domain::Case& c, std::string_view action,
                          const std::string& permit_name, std::optional<absl::CivilDay> due) {
  if (!encode) return;
  for (domain::Notification& n : domain::NotificationsForTransition(c, action, permit_name, due)) {
    EnqueueNotificationInTx(tx, encode, policy, OutboxOf(c.office_id, office), clock.Now(),
                            std::move(n));
  }
}

// SIBER follows a clinic's case: a submission sends a courier for the paper originals, an issued
// permit goes back by courier, and a withdrawn or rejected case cancels what was not begun.
absl::Status OnClinicCaseChange(Tx& tx, absl::Time now, const OfficeContext& office,
                                const domain::Case& c, CaseState from,
                                const domain::VisitPreference& pickup, bool new_paper) {
  // What to do is domain::DecideClinicCaseFollowUp's; this carries it out, in its order.
  const domain::ClinicCaseFollowUp f = domain::DecideClinicCaseFollowUp(
      from, c.state, new_paper, pickup, office.courier_calendar, office.today);
  if (f.return_documents) {
    LOKET_RETURN_IF_ERROR(
        RequestDeliveryInTx(tx, now, office, c.office_id, c.id, c.clinic_id, {}, "documents")
            .status());
  }
  if (f.deliver_permit) {
    LOKET_RETURN_IF_ERROR(
        RequestDeliveryInTx(tx, now, office, c.office_id, c.id, c.clinic_id).status());
  }
  if (f.pickup) {
    PickupRequest r;
    r.office_id = c.office_id;
    r.case_id = c.id;
    r.clinic_id = c.clinic_id;
    r.preference = *f.pickup;
    LOKET_RETURN_IF_ERROR(RequestPickupInTx(tx, now, office, r).status());
  }
  if (f.cancel_open_stops) return CancelOpenStopsInTx(tx, c.office_id, c.id);
  return absl::OkStatus();
}

std::vector<NotificationInfo> LoadNotifications(Tx& tx, int64_t case_id) {
  std::vector<NotificationInfo> out;
  for (const auto& row : tx.Exec(kNotifications, case_id)) {
    constexpr const auto& k = kNotificationColumns;
    NotificationInfo n;
    n.id = row[k["id"]].as<int64_t>();
    n.channel = row[k["channel"]].as<std::string>();
    n.address = row[k["address"]].as<std::string>();
    n.template_id = row[k["template_id"]].as<std::string>();
    n.status = row[k["status"]].as<std::string>();
    n.attempts = row[k["attempts"]].as<int>();
    n.provider_message_id = row[k["provider_message_id"]].as<std::string>();
    n.detail = row[k["detail"]].as<std::string>();
    n.scheduled_for = ParseTimestamp(row[k["scheduled_for"]].as<std::string>());
    n.sent_at = OptionalTs(row[k["sent_at"]]);
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> CaseRepository::Submit(const Mutation& m, NewApplication app,
                                                   const CaseEncoder& encode) {
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    LOKET_ASSIGN_OR_RETURN(OfficeContext office,
                           LoadOffice(tx, m.actor.office_id, clock_.Now(), offices_));
    std::optional<domain::PermitType> pt;
    if (!app.permit_type.empty()) {
      pt = LoadPermitType(tx, m.actor.office_id, app.permit_type, permit_types_);
    }
    LOKET_RETURN_IF_ERROR(domain::CheckApplication(app, pt ? &*pt : nullptr, office.today));
    // The applicant's live application of this type, under a lock on the applicant (issue 13).
    tx.Exec(kLockApplicant, m.actor.office_id, app.applicant.nik, pt->code);
    std::vector<domain::ApplicantCase> earlier;
    for (const auto& row :
         tx.Exec(kApplicantCases, m.actor.office_id, app.applicant.nik, pt->code)) {
      constexpr const auto& k = kApplicantCaseColumns;
      earlier.push_back({row[k["id"]].as<int64_t>(), StateOf(row[k["state"]]),
                         row[k["clinic_id"]].as<std::string>(),
                         OptionalDay(row[k["valid_until"]])});
    }
    LOKET_ASSIGN_OR_RETURN(domain::Case c, domain::DecideSubmission(m.actor, app, *pt, earlier,
                                                                    office.today, office.calendar));
    CaseView v;
    v.sla = domain::CaseSla(c, office.calendar, office.today);
    const domain::SubmissionRecord rec = domain::RecordSubmission(c, app.draft);
    c.tracking_code = loket::NewReadableCode(domain::kTrackingCodeLength);
    pqxx::result r = tx.Exec(
        kInsertCaseWithEvent, c.office_id, c.permit_type,
        std::string(domain::ChannelName(c.channel)), std::string(domain::CaseStateName(c.state)),
        c.applicant.nik, c.applicant.name, c.applicant.phone, c.applicant.email,
        std::string(domain::PriorityClassName(c.applicant.priority)), NeedsCsv(c.applicant.needs),
        NullIfEmpty(c.clinic_id), c.practice_place, c.str_number, c.sla.service_level_days,
        DayOrNull(c.sla.started_on), DayOrNull(v.sla.due), m.actor.id, c.applicant.language,
        c.tracking_code, m.actor.name, std::string(domain::RoleName(m.actor.role)), m.terminal,
        std::string(rec.action));
    constexpr const auto& k = kInsertedCaseColumns;
    c.id = r[0][k["id"]].as<int64_t>();
    c.version = r[0][k["version"]].as<int64_t>();
    v.created_at = ParseTimestamp(r[0][k["created_at"]].as<std::string>());
    v.updated_at = ParseTimestamp(r[0][k["updated_at"]].as<std::string>());
    if (c.str_valid_until) tx.Exec(kSetStrValidUntil, c.id, DayOrNull(c.str_valid_until));
    if (rec.follow_clinic) {
      LOKET_RETURN_IF_ERROR(
          OnClinicCaseChange(tx, clock_.Now(), office, c, CaseState::kDraft, app.pickup, false));
    }
    if (rec.notify) {
      EnqueueNotifications(tx, encode_notification_, clock_, policy_, office, c, "Submit", pt->name,
                           v.sla.due);
    }
    v.c = std::move(c);
    return encode(v);
  });
}

absl::StatusOr<CaseView> CaseRepository::GetInTx(Tx& tx, const domain::Principal& viewer,
                                                 int64_t case_id) {
  return LoadVisibleCase(tx, viewer, case_id);
}

absl::StatusOr<DocumentContent> CaseRepository::GetDocument(const domain::Principal& viewer,
                                                            int64_t case_id, int64_t document_id) {
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<DocumentContent> {
    LOKET_ASSIGN_OR_RETURN(CaseView v, LoadVisibleCase(tx, viewer, case_id));
    pqxx::result r = tx.Exec(kDocumentContent, case_id, document_id);
    if (r.empty()) {
      return absl::NotFoundError(
          absl::StrCat("document ", document_id, " of case ", case_id, " not found"));
    }
    return DocumentContent{DocumentFromRow(r[0]),
                           pqxx::binarystring(r[0][kDocumentContentColumns["content"]]).str()};
  });
}

absl::StatusOr<CaseView> CaseRepository::Get(const domain::Principal& viewer, int64_t case_id) {
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<CaseView> {
    LOKET_ASSIGN_OR_RETURN(CaseView out, LoadVisibleCase(tx, viewer, case_id));
    LOKET_ASSIGN_OR_RETURN(OfficeContext office,
                           LoadOffice(tx, out.c.office_id, clock_.Now(), offices_));
    out.sla = domain::CaseSla(out.c, office.calendar, office.today);
    out.documents = LoadDocuments(tx, case_id);
    out.notifications = LoadNotifications(tx, case_id);
    out.permit_document_sha256 = PermitDocumentShaInTx(tx, case_id);
    return out;
  });
}

absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> CaseRepository::CountPastSla() {
  return Fetch(db_.impl(), [&](Tx& tx) {
    return MapRows(tx.Exec(kCountPastSla, FormatTimestamp(clock_.Now())), [](const pqxx::row& row) {
      return std::make_pair(row["office_id"].as<std::string>(), row["past_sla"].as<int64_t>());
    });
  });
}

absl::StatusOr<std::vector<CaseView>> CaseRepository::List(const domain::Principal& viewer,
                                                           const CaseFilter& f) {
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<std::vector<CaseView>> {
    LOKET_ASSIGN_OR_RETURN(OfficeContext office,
                           LoadOffice(tx, viewer.office_id, clock_.Now(), offices_));
    std::optional<std::string> clinic = domain::ClinicScope(viewer, f.clinic_id);
    if (!clinic) return std::vector<CaseView>();
    pqxx::result r =
        tx.Exec(kListCases, viewer.office_id, f.after_id,
                f.state ? std::string(domain::CaseStateName(*f.state)) : std::string(),
                f.channel ? std::string(domain::ChannelName(*f.channel)) : std::string(),
                f.permit_type, *clinic, f.overdue_only, FormatDay(office.today), f.page_size,
                domain::ListsClinicDrafts(viewer, f.state));
    return MapRows(r, CaseWithSla(office));
  });
}

absl::StatusOr<std::vector<CaseView>> CaseRepository::Search(const domain::Principal& viewer,
                                                             const CaseSearchFilter& f) {
  const domain::CaseSearch& q = f.criteria;
  std::optional<std::string> clinic = domain::ClinicScope(viewer, q.clinic_id);
  if (!clinic) return std::vector<CaseView>();
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<std::vector<CaseView>> {
    LOKET_ASSIGN_OR_RETURN(OfficeContext office,
                           LoadOffice(tx, viewer.office_id, clock_.Now(), offices_));
    std::vector<std::string> params;
    auto param = [&params](std::string value) {
      params.push_back(std::move(value));
      return absl::StrCat("$", params.size());
    };
    // Only the criteria given become conditions, so the planner picks the index that fits them.
    std::string sql = absl::StrCat("SELECT ", kSelectList<kCaseColumns>,
                                   " FROM cases WHERE office_id = ", param(viewer.office_id));
    if (!clinic->empty()) absl::StrAppend(&sql, " AND clinic_id = ", param(*clinic));
    if (!domain::ListsClinicDrafts(viewer, std::nullopt)) {
      absl::StrAppend(&sql, " AND (state <> 'DRAFT' OR channel <> 'CLINIC')");
    }
    if (!q.nik.empty()) absl::StrAppend(&sql, " AND applicant_nik = ", param(q.nik));
    if (!q.phone.empty()) absl::StrAppend(&sql, " AND applicant_phone = ", param(q.phone));
    if (!q.permit_number.empty()) {
      absl::StrAppend(&sql, " AND permit_number = ", param(q.permit_number));
    }
    if (!q.tracking_code.empty()) {
      absl::StrAppend(&sql, " AND tracking_code = ", param(q.tracking_code));
    }
    for (const std::string& word : q.name_words) {
      // loket_fold_name (migration 0017) also fills applicant_name_fold, so both sides fold alike;
      // it turns LIKE's % and _ into spaces, so a typed one matches itself, not anything.
      absl::StrAppend(&sql, " AND applicant_name_fold LIKE '%' || loket_fold_name(", param(word),
                      ") || '%'");
    }
    if (f.before_id > 0) {
      absl::StrAppend(&sql, " AND id < ", param(absl::StrCat(f.before_id)), "::bigint");
    }
    const domain::SubmissionWindow window =
        domain::SubmissionWindowOf(q, office.utc_offset_minutes);
    if (window.from) {
      absl::StrAppend(&sql, " AND created_at >= ", param(FormatTimestamp(*window.from)),
                      "::timestamptz");
    }
    if (window.until) {
      absl::StrAppend(&sql, " AND created_at < ", param(FormatTimestamp(*window.until)),
                      "::timestamptz");
    }
    absl::StrAppend(&sql, " ORDER BY id DESC LIMIT ", f.page_size);
    return MapRows(tx.ExecParams(sql, params), CaseWithSla(office));
  });
}

absl::StatusOr<std::string> CaseRepository::AttachDocument(const Mutation& m, int64_t case_id,
                                                           NewDocument doc,
                                                           const CaseEncoder& encode) {
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    LOKET_ASSIGN_OR_RETURN(CaseView v, LoadVisibleCase(tx, m.actor, case_id));
    LOKET_ASSIGN_OR_RETURN(const domain::PermitType pt, LoadCasePermitType(tx, v.c, permit_types_));
    LOKET_ASSIGN_OR_RETURN(
        std::string event_note,
        domain::DecideAttachDocument(v.c, pt, doc.code, doc.file_name, doc.content.size()));
    tx.Exec(kInsertDocument, v.c.office_id, case_id, doc.code, doc.file_name, doc.media_type,
            // Checked against the content by domain::ValidateDocument; not hashed a second time.
            static_cast<int64_t>(doc.content.size()), absl::AsciiStrToLower(doc.sha256_hex),
            pqxx::binarystring(doc.content), m.actor.id);
    // Bumping the version makes a concurrent decision on the old document set lose with ABORTED.
    pqxx::result r = tx.Exec(kTouchCase, case_id, v.c.version);
    if (r.empty()) return absl::AbortedError(absl::StrCat("case ", case_id, " changed; retry"));
    v.c.version = r[0][kCaseVersionColumns["version"]].as<int64_t>();
    v.updated_at = ParseTimestamp(r[0][kCaseVersionColumns["updated_at"]].as<std::string>());
    AppendEvent(tx, m, case_id, "AttachDocument", v.c.state, v.c.state, event_note);
    LOKET_ASSIGN_OR_RETURN(OfficeContext office,
                           LoadOffice(tx, v.c.office_id, clock_.Now(), offices_));
    v.sla = domain::CaseSla(v.c, office.calendar, office.today);
    v.documents = LoadDocuments(tx, case_id);
    return encode(v);
  });
}

absl::StatusOr<std::string> CaseRepository::Transition(const Mutation& m, int64_t case_id,
                                                       std::optional<int64_t> expected_version,
                                                       domain::Transition t, std::string note,
                                                       const CaseEncoder& encode, bool new_paper,
                                                       const domain::Collector* collector) {
  LOKET_ASSIGN_OR_RETURN(std::optional<domain::Collector> who, domain::CollectorFor(t, collector));
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    LOKET_ASSIGN_OR_RETURN(CaseView v, TransitionInTx(tx, m, case_id, expected_version, t, note,
                                                      new_paper, who ? &*who : nullptr));
    return encode(v);
  });
}

absl::StatusOr<std::string> CaseRepository::Revoke(const Mutation& m, int64_t case_id,
                                                   std::optional<int64_t> expected_version,
                                                   std::string reason, bool publish_reason,
                                                   const CaseEncoder& encode) {
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    LOKET_ASSIGN_OR_RETURN(
        CaseView v, TransitionInTx(tx, m, case_id, expected_version, domain::Transition::kRevoke,
                                   reason, false, nullptr, publish_reason));
    return encode(v);
  });
}

absl::StatusOr<CaseView> CaseRepository::TransitionInTx(Tx& tx, const Mutation& m, int64_t case_id,
                                                        std::optional<int64_t> expected_version,
                                                        domain::Transition t,
                                                        const std::string& note, bool new_paper,
                                                        const domain::Collector* collector,
                                                        bool reason_public) {
  LOKET_ASSIGN_OR_RETURN(CaseView v, LoadVisibleCase(tx, m.actor, case_id));
  domain::Case& c = v.c;
  LOKET_RETURN_IF_ERROR(domain::CheckExpectedVersion(c, expected_version));
  LOKET_ASSIGN_OR_RETURN(OfficeContext office, LoadOffice(tx, c.office_id, clock_.Now(), offices_));
  LOKET_ASSIGN_OR_RETURN(const domain::PermitType pt, LoadCasePermitType(tx, c, permit_types_));
  for (const auto& row : tx.Exec(kDocCodes, case_id)) {
    c.attached_document_codes.push_back(row[0].as<std::string>());
  }
  domain::TransitionInput in{office.today, &office.calendar, &pt, note, "", ""};
  in.collector = collector;
  in.now = clock_.Now();
  in.reason_public = reason_public;
  if (domain::TakesPermitNumber(c.state, t)) {
    // The counter row stays locked until commit, so numbers are gapless: a rolled-back issue
    // gives its number back.
    int year = static_cast<int>(office.today.year());
    // One sequence per code the number carries (types sharing a number code share it).
    const std::string number_code(domain::PermitNumberCode(pt));
    int64_t seq = tx.Exec(kNextPermitNumber, c.office_id, number_code, year)[0][0].as<int64_t>();
    in.permit_number = domain::FormatPermitNumber(seq, number_code, c.office_id, year);
    in.verification_code = NewReadableCode(domain::kVerificationCodeLength);
  }
  CaseState from = c.state;
  LOKET_RETURN_IF_ERROR(domain::ApplyTransition(c, t, in));
  v.sla = domain::CaseSla(c, office.calendar, office.today);
  pqxx::result r = tx.Exec(
      kUpdateCase, case_id, c.version, std::string(domain::CaseStateName(c.state)),
      DayOrNull(c.sla.started_on), c.sla.paused_working_days, DayOrNull(c.sla.paused_since),
      DayOrNull(v.sla.due), c.revision_reason, c.decision_note, NullIfEmpty(c.permit_number),
      NullIfEmpty(c.verification_code), DayOrNull(c.issued_on), DayOrNull(c.valid_until),
      c.revoked_at ? std::optional<std::string>(FormatTimestamp(*c.revoked_at)) : std::nullopt,
      c.revoke_reason, c.revoke_reason_public);
  if (r.empty()) {
    return absl::AbortedError(
        absl::StrCat("case ", case_id, " was changed by someone else; re-read and retry"));
  }
  c.version = r[0][kCaseVersionColumns["version"]].as<int64_t>();
  v.updated_at = ParseTimestamp(r[0][kCaseVersionColumns["updated_at"]].as<std::string>());
  const domain::TransitionRecord rec = domain::RecordTransition(c, t, note, pt);
  if (rec.write_collector) {
    tx.Exec(kSetCollector, case_id, c.collected_by.name, c.collected_by.id_document_type,
            c.collected_by.id_document_number);
  }
  if (rec.sign_permit) {  // issue 13: the signed permit, in the same transaction
    LOKET_ASSIGN_OR_RETURN(std::string sha, StorePermitDocumentInTx(tx, c, office.name, pt.name));
    v.permit_document_sha256 = sha;
  }
  AppendEvent(tx, m, case_id, domain::TransitionName(t), from, c.state, rec.event_note);
  EnqueueNotifications(tx, encode_notification_, clock_, policy_, office, c,
                       domain::TransitionName(t), pt.name, v.sla.due);
  if (rec.follow_clinic) {  // SIBER carries its paper
    LOKET_RETURN_IF_ERROR(OnClinicCaseChange(tx, clock_.Now(), office, c, from, {}, new_paper));
  }
  v.documents = LoadDocuments(tx, case_id);
  return v;
}

void CaseRepository::RecordEventInTx(Tx& tx, const Mutation& m, int64_t case_id,
                                     std::string_view action, const std::string& note) {
  pqxx::result r = tx.Exec(kLoadCase, case_id);
  if (r.empty()) return;
  CaseState state = CaseFromRow(r[0]).c.state;
  AppendEvent(tx, m, case_id, action, state, state, note);
}

absl::StatusOr<std::vector<CaseEventRecord>> CaseRepository::History(
    const domain::Principal& viewer, int64_t case_id, int64_t after_event_id) {
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<std::vector<CaseEventRecord>> {
    LOKET_ASSIGN_OR_RETURN(CaseView v, LoadVisibleCase(tx, viewer, case_id));
    return MapRows(tx.Exec(kEvents, case_id, after_event_id), [](const pqxx::row& row) {
      constexpr const auto& k = kEventColumns;
      CaseEventRecord e;
      e.id = row[k["id"]].as<int64_t>();
      e.case_id = row[k["case_id"]].as<int64_t>();
      e.at = ParseTimestamp(row[k["at"]].as<std::string>());
      e.actor = row[k["actor_name"]].as<std::string>();
      e.actor_role = row[k["actor_role"]].as<std::string>();
      e.terminal = row[k["terminal"]].as<std::string>();
      e.action = row[k["action"]].as<std::string>();
      e.from_state = domain::CaseStateFromName(row[k["from_state"]].as<std::string>());
      e.to_state = StateOf(row[k["to_state"]]);
      e.note = row[k["note"]].as<std::string>();
      return e;
    });
  });
}

absl::StatusOr<PermitVerification> CaseRepository::VerifyPermit(const std::string& permit_number,
                                                                const std::string& code) {
  return Fetch(db_.impl(), [&](Tx& tx) {
    PermitVerification out;
    pqxx::result r = tx.Exec(kVerifyPermit, permit_number);
    if (r.empty()) return out;
    constexpr const auto& k = kVerifyPermitColumns;
    const auto& row = r[0];
    domain::Case c;
    c.state = StateOf(row[k["state"]]);
    c.verification_code = Text(row[k["verification_code"]]);
    c.valid_until = OptionalDay(row[k["valid_until"]]);
    c.revoked_at = OptionalTs(row[k["revoked_at"]]);
    c.revoke_reason = row[k["revoke_reason"]].as<std::string>();
    c.revoke_reason_public = row[k["revoke_reason_public"]].as<bool>();
    const std::optional<domain::PublicPermitCheck> check =
        domain::VerifyPermitPublic(c, code, clock_.Now(), row[k["utc_offset_minutes"]].as<int>());
    if (!check) return out;
    out.status = check->status;
    out.valid = check->valid;
    out.valid_until = check->valid_until;
    out.revoked_on = check->revoked_on;
    out.revoke_reason = check->revoke_reason;
    out.permit_type_name = row[k["permit_type_name"]].as<std::string>();
    out.holder_name = row[k["holder_name"]].as<std::string>();
    out.issued_on = OptionalDay(row[k["issued_on"]]);
    out.office_name = row[k["office_name"]].as<std::string>();
    return out;
  });
}

}  // namespace loket::store
