#include "server/api/convert.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/grpc_status.h"
#include "common/status_macros.h"
#include "server/domain/validation.h"

namespace loket::api {

// The domain enums are numbered like their loket.v1 twins so that the conversions here (and in the
// services) are plain static_casts. These checks make a renumbering on either side, or a value
// added to one side only, a compile error instead of a silently wrong state on the wire.
#define LOKET_SAME_NUMBER(domain_value, proto_value) \
  LOKET_PROTO_NUMBER_IS(domain_value, 0, proto_value)
LOKET_SAME_NUMBER(CaseState::kDraft, CASE_STATE_DRAFT);
LOKET_SAME_NUMBER(CaseState::kSubmitted, CASE_STATE_SUBMITTED);
LOKET_SAME_NUMBER(CaseState::kVerifying, CASE_STATE_VERIFYING);
LOKET_SAME_NUMBER(CaseState::kRevisionRequested, CASE_STATE_REVISION_REQUESTED);
LOKET_SAME_NUMBER(CaseState::kApproved, CASE_STATE_APPROVED);
LOKET_SAME_NUMBER(CaseState::kRejected, CASE_STATE_REJECTED);
LOKET_SAME_NUMBER(CaseState::kIssued, CASE_STATE_ISSUED);
LOKET_SAME_NUMBER(CaseState::kDelivered, CASE_STATE_DELIVERED);
LOKET_SAME_NUMBER(CaseState::kCollected, CASE_STATE_COLLECTED);
LOKET_SAME_NUMBER(CaseState::kWithdrawn, CASE_STATE_WITHDRAWN);
LOKET_SAME_NUMBER(CaseState::kRevoked, CASE_STATE_REVOKED);
LOKET_SAME_NUMBER(CaseState::kRevoked, CaseState_MAX);
LOKET_SAME_NUMBER(Channel::kOnline, CHANNEL_ONLINE);
LOKET_SAME_NUMBER(Channel::kClinic, CHANNEL_CLINIC);
LOKET_SAME_NUMBER(Channel::kCounter, CHANNEL_COUNTER);
LOKET_SAME_NUMBER(Channel::kAppointment, CHANNEL_APPOINTMENT);
LOKET_SAME_NUMBER(Channel::kAppointment, Channel_MAX);
LOKET_SAME_NUMBER(PriorityClass::kNone, PRIORITY_CLASS_NONE);
LOKET_SAME_NUMBER(PriorityClass::kElderly, PRIORITY_CLASS_ELDERLY);
LOKET_SAME_NUMBER(PriorityClass::kDisability, PRIORITY_CLASS_DISABILITY);
LOKET_SAME_NUMBER(PriorityClass::kHealthWorker, PRIORITY_CLASS_HEALTH_WORKER);
LOKET_SAME_NUMBER(PriorityClass::kHealthWorker, PriorityClass_MAX);
LOKET_SAME_NUMBER(AccessibilityNeed::kWheelchair, ACCESSIBILITY_NEED_WHEELCHAIR);
LOKET_SAME_NUMBER(AccessibilityNeed::kSignLanguage, ACCESSIBILITY_NEED_SIGN_LANGUAGE);
LOKET_SAME_NUMBER(AccessibilityNeed::kSeatedService, ACCESSIBILITY_NEED_SEATED_SERVICE);
LOKET_SAME_NUMBER(AccessibilityNeed::kSeatedService, AccessibilityNeed_MAX);
LOKET_SAME_NUMBER(Role::kAdmin, ROLE_ADMIN);
LOKET_SAME_NUMBER(Role::kOfficer, ROLE_OFFICER);
LOKET_SAME_NUMBER(Role::kApprover, ROLE_APPROVER);
LOKET_SAME_NUMBER(Role::kCounter, ROLE_COUNTER);
LOKET_SAME_NUMBER(Role::kClinic, ROLE_CLINIC);
LOKET_SAME_NUMBER(Role::kCourier, ROLE_COURIER);
LOKET_SAME_NUMBER(Role::kWorker, ROLE_WORKER);
LOKET_SAME_NUMBER(Role::kDisplay, ROLE_DISPLAY);
LOKET_SAME_NUMBER(Role::kPublic, ROLE_PUBLIC);
LOKET_SAME_NUMBER(Role::kPublic, Role_MAX);
LOKET_SAME_NUMBER(PermitStatus::kValid, PERMIT_STATUS_VALID);
LOKET_SAME_NUMBER(PermitStatus::kExpired, PERMIT_STATUS_EXPIRED);
LOKET_SAME_NUMBER(PermitStatus::kRevoked, PERMIT_STATUS_REVOKED);
LOKET_SAME_NUMBER(PermitStatus::kRevoked, PermitStatus_MAX);
#undef LOKET_SAME_NUMBER

std::string FormatUtc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

v1::Case ToProto(const store::CaseView& v) {
  const domain::Case& c = v.c;
  v1::Case out;
  out.set_id(c.id);
  out.set_office_id(c.office_id);
  out.set_permit_type(c.permit_type);
  out.set_channel(static_cast<v1::Channel>(c.channel));
  out.set_state(static_cast<v1::CaseState>(c.state));
  v1::Applicant* a = out.mutable_applicant();
  a->set_nik(c.applicant.nik);
  a->set_name(c.applicant.name);
  a->set_phone(c.applicant.phone);
  a->set_email(c.applicant.email);
  a->set_priority_class(static_cast<v1::PriorityClass>(c.applicant.priority));
  for (auto n : c.applicant.needs)
    a->add_accessibility_needs(static_cast<v1::AccessibilityNeed>(n));
  a->set_language(c.applicant.language);
  out.set_clinic_id(c.clinic_id);
  out.set_etag(absl::StrCat(c.version));
  v1::Sla* sla = out.mutable_sla();
  sla->set_service_level_days(c.sla.service_level_days);
  if (v.sla.due) sla->set_due_date(absl::FormatCivilTime(*v.sla.due));
  sla->set_paused(v.sla.paused);
  sla->set_paused_working_days(c.sla.paused_working_days);
  sla->set_overdue(v.sla.overdue);
  sla->set_working_days_left(v.sla.working_days_left);
  for (const auto& d : v.documents) *out.add_documents() = ToProto(d);
  out.set_permit_number(c.permit_number);
  out.set_verification_code(c.verification_code);
  out.set_tracking_code(c.tracking_code);
  if (!c.collected_by.name.empty()) {
    // The identity number is kept whole in the database for a dispute; readers see its tail.
    v1::Collector* who = out.mutable_collected_by();
    who->set_name(c.collected_by.name);
    who->set_id_document_type(c.collected_by.id_document_type);
    const std::string& n = c.collected_by.id_document_number;
    who->set_id_document_number("\u2022\u2022\u2022\u2022" +
                                (n.size() > 4 ? n.substr(n.size() - 4) : n));
  }
  out.set_created_at(FormatUtc(v.created_at));
  out.set_updated_at(FormatUtc(v.updated_at));
  out.set_revision_reason(c.revision_reason);
  out.set_decision_note(c.decision_note);
  out.set_practice_place(c.practice_place);
  out.set_str_number(c.str_number);
  if (c.valid_until) out.set_valid_until(absl::FormatCivilTime(*c.valid_until));
  if (c.str_valid_until) out.set_str_valid_until(absl::FormatCivilTime(*c.str_valid_until));
  if (c.revoked_at) out.set_revoked_at(FormatUtc(*c.revoked_at));
  out.set_revoke_reason(c.revoke_reason);
  out.set_permit_document_sha256(v.permit_document_sha256);
  for (const auto& n : v.notifications) {
    v1::NotificationStatus* pn = out.add_notifications();
    pn->set_id(n.id);
    pn->set_channel(n.channel);
    pn->set_address(n.address);
    pn->set_template_id(n.template_id);
    pn->set_status(n.status);
    pn->set_attempts(n.attempts);
    pn->set_provider_message_id(n.provider_message_id);
    pn->set_detail(n.detail);
    pn->set_scheduled_for(FormatUtc(n.scheduled_for));
    if (n.sent_at) pn->set_sent_at(FormatUtc(*n.sent_at));
  }
  return out;
}

v1::CaseEvent ToProto(const store::CaseEventRecord& e) {
  v1::CaseEvent out;
  out.set_id(e.id);
  out.set_case_id(e.case_id);
  out.set_at(FormatUtc(e.at));
  out.set_actor(e.actor);
  out.set_actor_role(e.actor_role);
  out.set_terminal(e.terminal);
  out.set_action(e.action);
  if (e.from_state) out.set_from_state(static_cast<v1::CaseState>(*e.from_state));
  out.set_to_state(static_cast<v1::CaseState>(e.to_state));
  out.set_note(e.note);
  return out;
}

v1::PermitType ToProto(const domain::PermitType& p) {
  v1::PermitType out;
  out.set_code(p.code);
  out.set_name(p.name);
  out.set_fee_idr(p.fee_idr);
  out.set_service_level_days(p.service_level_days);
  out.set_health_worker(p.health_worker);
  out.set_validity_months(p.validity_months);
  out.set_number_code(p.number_code);
  for (const auto& d : p.required_documents) {
    v1::RequiredDocument* rd = out.add_required_documents();
    rd->set_code(d.code);
    rd->set_name(d.name);
    rd->set_mandatory(d.mandatory);
  }
  return out;
}

v1::Document ToProto(const store::DocumentInfo& d) {
  v1::Document pd;
  pd.set_id(d.id);
  pd.set_code(d.code);
  pd.set_file_name(d.file_name);
  pd.set_media_type(d.media_type);
  pd.set_size_bytes(d.size_bytes);
  pd.set_sha256_hex(d.sha256_hex);
  pd.set_uploaded_at(FormatUtc(d.uploaded_at));
  return pd;
}

v1::Principal ToProto(const store::PrincipalRecord& p) {
  v1::Principal out;
  out.set_id(p.principal.id);
  out.set_office_id(p.principal.office_id);
  out.set_name(p.principal.name);
  out.set_role(static_cast<v1::Role>(p.principal.role));
  out.set_clinic_id(p.principal.clinic_id);
  out.set_courier_id(p.principal.courier_id);
  out.set_created_at(FormatUtc(p.created_at));
  out.set_disabled(p.disabled);
  out.set_username(p.username);
  return out;
}

absl::StatusOr<domain::Applicant> FromProto(const v1::Applicant& a) {
  domain::Applicant out;
  out.nik = a.nik();
  out.name = a.name();
  out.phone = a.phone();
  out.email = a.email();
  out.language = a.language();
  switch (a.priority_class()) {
    case v1::PRIORITY_CLASS_UNSPECIFIED:
    case v1::PRIORITY_CLASS_NONE:
      out.priority = domain::PriorityClass::kNone;
      break;
    case v1::PRIORITY_CLASS_ELDERLY:
    case v1::PRIORITY_CLASS_DISABILITY:
    case v1::PRIORITY_CLASS_HEALTH_WORKER:
      out.priority = static_cast<domain::PriorityClass>(a.priority_class());
      break;
    default:
      return absl::InvalidArgumentError("applicant.priority_class: unknown value");
  }
  if (a.accessibility_needs_size() > 3) {
    return absl::InvalidArgumentError("applicant.accessibility_needs: at most 3");
  }
  for (int n : a.accessibility_needs()) {
    if (n < v1::ACCESSIBILITY_NEED_WHEELCHAIR || n > v1::ACCESSIBILITY_NEED_SEATED_SERVICE) {
      return absl::InvalidArgumentError("applicant.accessibility_needs: unknown value");
    }
    out.needs.push_back(static_cast<domain::AccessibilityNeed>(n));
  }
  return out;
}

absl::StatusOr<domain::Role> RoleFromProto(v1::Role r) {
  if (r < v1::ROLE_ADMIN || r > v1::ROLE_DISPLAY) {
    return absl::InvalidArgumentError(
        "role: one of admin, officer, approver, counter, clinic, "
        "courier, worker, display");
  }
  return static_cast<domain::Role>(r);
}

// --- Spontan appointments (AppointmentService and PublicService) ---

v1::AppointmentRequestState StateToProto(const std::string& s) {
  if (s == "pending") return v1::APPOINTMENT_REQUEST_STATE_PENDING;
  if (s == "allocated") return v1::APPOINTMENT_REQUEST_STATE_ALLOCATED;
  if (s == "waitlisted") return v1::APPOINTMENT_REQUEST_STATE_WAITLISTED;
  if (s == "cancelled") return v1::APPOINTMENT_REQUEST_STATE_CANCELLED;
  return v1::APPOINTMENT_REQUEST_STATE_UNSPECIFIED;
}

v1::AppointmentRequest ToProto(const store::AppointmentRequestRecord& r) {
  v1::AppointmentRequest p;
  p.set_id(r.id);
  v1::Applicant* a = p.mutable_applicant();
  a->set_nik(r.applicant.nik);
  a->set_name(r.applicant.name);
  a->set_phone(r.applicant.phone);
  a->set_email(r.applicant.email);
  a->set_language(r.applicant.language);
  a->set_priority_class(static_cast<v1::PriorityClass>(static_cast<int>(r.applicant.priority)));
  for (auto n : r.applicant.needs) {
    a->add_accessibility_needs(static_cast<v1::AccessibilityNeed>(static_cast<int>(n)));
  }
  p.set_service(r.service);
  for (const auto& w : r.windows) {
    v1::TimeWindow* out = p.add_windows();
    out->set_starts_at(FormatUtc(w.starts_at));
    out->set_ends_at(FormatUtc(w.ends_at));
  }
  p.set_case_id(r.case_id);
  p.set_clinic_id(r.clinic_id);
  p.set_state(StateToProto(r.state));
  p.set_day(r.day);
  p.set_flexible(r.flexible);
  if (r.appointment && r.state == "allocated") {
    v1::Appointment* out = p.mutable_appointment();
    out->set_id(r.appointment->id);
    out->set_slot_id(r.appointment->slot_id);
    out->set_code(r.appointment->code);
    out->set_state(r.appointment->state);
    out->set_starts_at(FormatUtc(r.appointment->starts_at));
    out->set_ends_at(FormatUtc(r.appointment->ends_at));
    out->set_choice_rank(r.appointment->choice_rank);
  }
  p.set_created_at(FormatUtc(r.created_at));
  p.set_etag(absl::StrCat(r.version));
  return p;
}

void ShapeForViewer(v1::AppointmentRequest& r, const domain::Principal& viewer) {
  if (viewer.role != domain::Role::kClinic) return;
  v1::Applicant* a = r.mutable_applicant();
  a->set_nik(domain::MaskNik(a->nik()));
  a->set_phone(domain::MaskPhone(a->phone()));
  a->set_email(domain::MaskEmail(a->email()));
}

void ShapeForViewer(v1::Ticket& t, const domain::Principal& viewer) {
  if (viewer.role == domain::Role::kDisplay) t.clear_name();
}

void ShapeForViewer(v1::QueueBoard& b, const domain::Principal& viewer) {
  for (v1::CounterStatus& c : *b.mutable_counters()) {
    if (c.has_serving()) ShapeForViewer(*c.mutable_serving(), viewer);
  }
  for (v1::Ticket& t : *b.mutable_next()) ShapeForViewer(t, viewer);
}

absl::StatusOr<absl::Time> TimeFromProto(const std::string& s, const std::string& field) {
  absl::Time t;
  std::string err;
  if (s.empty() || !absl::ParseTime(absl::RFC3339_full, s, &t, &err)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": RFC 3339 time required, e.g. 2026-03-18T01:00:00Z"));
  }
  return t;
}

absl::StatusOr<std::vector<domain::TimeWindow>> WindowsFromProto(
    const google::protobuf::RepeatedPtrField<v1::TimeWindow>& ws) {
  std::vector<domain::TimeWindow> out;
  for (int i = 0; i < ws.size(); ++i) {
    std::string f = absl::StrCat("windows[", i, "]");
    LOKET_ASSIGN_OR_RETURN(auto from, TimeFromProto(ws[i].starts_at(), f + ".starts_at"));
    LOKET_ASSIGN_OR_RETURN(auto to, TimeFromProto(ws[i].ends_at(), f + ".ends_at"));
    out.push_back({from, to});
  }
  return out;
}

}  // namespace loket::api

namespace loket::api {

std::string EncodeNotifySend(const domain::Notification& n) {
  v1::NotifySend m;
  m.set_notification_id(n.id);
  m.set_case_id(n.case_id);
  m.set_channel(std::string(domain::NotificationChannelName(n.channel)));
  m.set_address(n.address);
  m.set_recipient_name(n.recipient_name);
  m.set_language(n.language);
  m.set_template_id(n.template_id);
  for (const auto& [k, v] : n.params) (*m.mutable_params())[k] = v;
  m.set_urgent(n.urgent);
  return m.SerializeAsString();
}

v1::Task ToProto(const store::TaskRecord& t) {
  v1::Task out;
  out.set_id(t.id);
  out.set_office_id(t.office_id);
  out.set_queue(t.queue);
  out.set_dedupe_key(t.dedupe_key);
  out.set_attempt(t.attempt);
  out.set_max_attempts(t.max_attempts);
  if (t.state == "ready") out.set_state(v1::TASK_STATE_READY);
  if (t.state == "leased") out.set_state(v1::TASK_STATE_LEASED);
  if (t.state == "done") out.set_state(v1::TASK_STATE_DONE);
  if (t.state == "dead") out.set_state(v1::TASK_STATE_DEAD);
  out.set_lease_owner(t.lease_owner);
  if (t.lease_expires_at) out.set_lease_expires_at(FormatUtc(*t.lease_expires_at));
  out.set_run_after(FormatUtc(t.run_after));
  out.set_created_at(FormatUtc(t.created_at));
  out.set_last_error(t.last_error);
  out.set_payload(t.payload);
  return out;
}

grpc::Status DecodeInto(const absl::StatusOr<std::string>& bytes, google::protobuf::Message* out) {
  if (!bytes.ok()) return ToGrpcStatus(bytes.status());
  if (!out->ParseFromString(*bytes)) {
    return grpc::Status(grpc::INTERNAL, "stored response unreadable");
  }
  return grpc::Status::OK;
}

store::Mutation MakeMutation(const grpc::ServerContextBase& ctx, const std::string& request_id,
                             const char* method, const domain::Principal& p) {
  return store::Mutation{request_id, method, p, TerminalOf(ctx)};
}

absl::StatusOr<std::optional<absl::CivilDay>> DayFromProto(const std::string& s,
                                                           std::string_view field) {
  if (s.empty()) return std::optional<absl::CivilDay>();
  absl::CivilDay d;
  if (s.size() != 10 || !absl::ParseCivilTime(s, &d) || absl::FormatCivilTime(d) != s) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), ": YYYY-MM-DD"));
  }
  return std::optional<absl::CivilDay>(d);
}

absl::StatusOr<std::optional<int>> ClockFromProto(const std::string& s, std::string_view field,
                                                  bool end_of_day) {
  if (s.empty()) return std::optional<int>();
  LOKET_ASSIGN_OR_RETURN(int minutes, domain::ParseClockMinutes(s, field, end_of_day));
  return std::optional<int>(minutes);
}

absl::StatusOr<domain::VisitPreference> FromProto(const v1::PickupPreference& p) {
  domain::VisitPreference out;
  LOKET_ASSIGN_OR_RETURN(auto day, DayFromProto(p.day(), "pickup.day"));
  out.day = day;
  LOKET_ASSIGN_OR_RETURN(auto after,
                         ClockFromProto(p.after(), "pickup.after", /*end_of_day=*/false));
  out.after = after;
  LOKET_ASSIGN_OR_RETURN(auto before,
                         ClockFromProto(p.before(), "pickup.before", /*end_of_day=*/true));
  out.before = before;
  return out;
}

}  // namespace loket::api
