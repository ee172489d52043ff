#include "server/api/public_service.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/grpc_status.h"
#include "common/ids.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "server/api/convert.h"
#include "server/domain/appointment.h"
#include "server/domain/public_booking.h"
#include "server/domain/validation.h"

namespace loket::api {
namespace {

using domain::PublicCallKind;

constexpr size_t kBookingCodeLength = 8;
constexpr size_t kMaxVisitCodeLength = 12;
constexpr size_t kMaxTrackingCodeLength = 16;
constexpr absl::Duration kWatchPoll = absl::Seconds(2);
constexpr absl::Duration kWatchLongest = absl::Hours(4);

// 6 digits from 32 random bits (the bias of the modulo is below one in four thousand).
std::string NewPhoneCode() {
  uint32_t n = static_cast<uint32_t>(std::strtoul(NewToken().substr(0, 8).c_str(), nullptr, 16));
  return absl::StrFormat("%06u", n % 1000000);
}

// Salted with the booking code, so that one table of 10^6 hashes does not fit every booking.
std::string CodeDigest(const std::string& booking_code, const std::string& code) {
  return Sha256(absl::StrCat(booking_code, ":", code));
}

v1::SlotAvailability AvailabilityToProto(domain::Availability a) {
  switch (a) {
    case domain::Availability::kOpen:
      return v1::SLOT_AVAILABILITY_OPEN;
    case domain::Availability::kFewLeft:
      return v1::SLOT_AVAILABILITY_FEW_LEFT;
    case domain::Availability::kFull:
      return v1::SLOT_AVAILABILITY_FULL;
  }
  return v1::SLOT_AVAILABILITY_UNSPECIFIED;
}

v1::PublicVisitState VisitStateOf(v1::AppointmentRequestState s) {
  switch (s) {
    case v1::APPOINTMENT_REQUEST_STATE_PENDING:
      return v1::PUBLIC_VISIT_STATE_PENDING;
    case v1::APPOINTMENT_REQUEST_STATE_ALLOCATED:
      return v1::PUBLIC_VISIT_STATE_BOOKED;
    case v1::APPOINTMENT_REQUEST_STATE_WAITLISTED:
      return v1::PUBLIC_VISIT_STATE_WAITLISTED;
    case v1::APPOINTMENT_REQUEST_STATE_CANCELLED:
      return v1::PUBLIC_VISIT_STATE_CANCELLED;
    default:
      return v1::PUBLIC_VISIT_STATE_UNSPECIFIED;
  }
}

std::string ServiceName(const store::PublicOfficeRecord& office, const std::string& code) {
  for (const auto& [c, name] : office.services) {
    if (c == code) return name;
  }
  return code;
}

// What of an appointment request the public may read: no NIK, no phone, the name masked.
v1::PublicVisit PublicView(const v1::AppointmentRequest& r, const std::string& booking_code,
                           const store::PublicOfficeRecord& office) {
  v1::PublicVisit v;
  v.set_booking_code(booking_code);
  v.set_state(VisitStateOf(r.state()));
  v.set_service(r.service());
  v.set_service_name(ServiceName(office, r.service()));
  v.set_day(r.day());
  *v.mutable_windows() = r.windows();
  if (r.has_appointment()) {
    v.set_starts_at(r.appointment().starts_at());
    v.set_ends_at(r.appointment().ends_at());
    v.set_visit_code(r.appointment().code());
  }
  v.set_name_masked(domain::MaskName(r.applicant().name()));
  v.set_priority_class(r.applicant().priority_class());
  return v;
}

// A held booking that has not become a request yet.
v1::PublicVisit HeldView(const store::HeldBooking& b, const store::PublicOfficeRecord& office) {
  v1::CreateAppointmentRequestRequest held;
  held.ParseFromString(b.request);
  v1::PublicVisit v;
  v.set_booking_code(b.booking_code);
  v.set_state(b.state == "expired" ? v1::PUBLIC_VISIT_STATE_EXPIRED
                                   : v1::PUBLIC_VISIT_STATE_AWAITING_CODE);
  v.set_service(held.service());
  v.set_service_name(ServiceName(office, held.service()));
  *v.mutable_windows() = held.windows();
  // The windows' day in office time, as a request shows it.
  if (auto w = WindowsFromProto(held.windows()); w.ok() && !w->empty()) {
    v.set_day(absl::FormatCivilTime(absl::ToCivilDay(
        w->front().starts_at, absl::FixedTimeZone(office.utc_offset_minutes * 60))));
  }
  v.set_name_masked(domain::MaskName(held.applicant().name()));
  v.set_priority_class(held.applicant().priority_class());
  return v;
}

// The office's officer view, for reads the public answer is cut from (never for writes).
domain::Principal Reader(const domain::Principal& public_principal) {
  domain::Principal p = public_principal;
  p.role = domain::Role::kOfficer;
  return p;
}

store::Mutation PublicMutation(const std::string& request_id, const char* method,
                               const domain::Principal& actor, const std::string& address) {
  return {request_id, method, actor, absl::StrCat("public ", address)};
}

}  // namespace

absl::Status PublicServiceImpl::Admit(const grpc::ServerContextBase& ctx, const char* method,
                                      PublicCallKind kind) {
  return d_.throttle.AdmitCall(ctx, method, kind);
}

grpc::Status PublicServiceImpl::DoGetPublicOffice(grpc::ServerContextBase* ctx,
                                                  const v1::GetPublicOfficeRequest* req,
                                                  v1::PublicOffice* resp) {
  if (auto s = Admit(*ctx, "GetPublicOffice", PublicCallKind::kRead); !s.ok()) {
    return ToGrpcStatus(s);
  }
  auto office = d_.repo.Office(req->office_id());
  if (!office.ok()) return ToGrpcStatus(office.status());
  resp->set_id(office->id);
  resp->set_name(office->name);
  for (const auto& [code, name] : office->services) {
    v1::BookableService* s = resp->add_services();
    s->set_code(code);
    s->set_name(name);
  }
  return grpc::Status::OK;
}

grpc::Status PublicServiceImpl::DoListOpenDays(grpc::ServerContextBase* ctx,
                                               const v1::ListOpenDaysRequest* req,
                                               v1::ListOpenDaysResponse* resp) {
  if (auto s = Admit(*ctx, "ListOpenDays", PublicCallKind::kRead); !s.ok()) return ToGrpcStatus(s);
  if (req->days() < 0 || req->days() > 31) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "days: 1 to 31");
  }
  auto office = d_.repo.Office(req->office_id());
  if (!office.ok()) return ToGrpcStatus(office.status());
  auto from = DayFromProto(req->from(), "from");
  if (!from.ok()) return ToGrpcStatus(from.status());
  absl::CivilDay first = std::max(from->value_or(office->today), office->today);
  absl::CivilDay last = first + (req->days() == 0 ? 14 : req->days()) - 1;
  auto slots = d_.repo.OpenSlots(office->id, first, last);
  if (!slots.ok()) return ToGrpcStatus(slots.status());
  const absl::Time now = d_.clock.Now();
  v1::PublicDay* day = nullptr;
  for (const auto& s : *slots) {
    if (day == nullptr || day->day() != s.day) {
      day = resp->add_days();
      day->set_day(s.day);
    }
    v1::PublicSlot* out = day->add_slots();
    out->set_starts_at(FormatUtc(s.starts_at));
    out->set_ends_at(FormatUtc(s.ends_at));
    out->set_availability(AvailabilityToProto(
        domain::PublicAvailability(s, now, d_.appointments.options().priority_release_before)));
  }
  return grpc::Status::OK;
}

grpc::Status PublicServiceImpl::DoBookVisit(grpc::ServerContextBase* ctx,
                                            const v1::BookVisitRequest* req,
                                            v1::BookVisitResponse* resp) {
  if (auto s = Admit(*ctx, "BookVisit", PublicCallKind::kWrite); !s.ok()) return ToGrpcStatus(s);
  auto office = d_.repo.Office(req->office_id());
  if (!office.ok()) return ToGrpcStatus(office.status());
  auto principal = d_.repo.PublicPrincipal(office->id);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  bool known = false;
  for (const auto& s : office->services) known |= s.first == req->service();
  if (!known) return grpc::Status(grpc::INVALID_ARGUMENT, "service: choose one of the office's");
  auto windows = WindowsFromProto(req->windows());
  if (!windows.ok()) return ToGrpcStatus(windows.status());
  auto day = domain::ValidateWindows(*windows, d_.clock.Now(), office->utc_offset_minutes);
  if (!day.ok()) return ToGrpcStatus(day.status());

  // The request as it will be made once the code is typed, validated now (names the fields).
  v1::CreateAppointmentRequestRequest held;
  held.set_service(req->service());
  *held.mutable_windows() = req->windows();
  v1::Applicant* a = held.mutable_applicant();
  a->set_nik(req->nik());
  a->set_name(req->name());
  a->set_phone(req->phone());
  a->set_email(req->email());
  a->set_language(req->language());
  *a->mutable_accessibility_needs() = req->needs();
  a->set_priority_class(static_cast<v1::PriorityClass>(
      static_cast<int>(domain::PublicPriority(req->nik(), *day, req->disability()))));
  auto applicant = FromProto(*a);
  if (!applicant.ok()) return ToGrpcStatus(applicant.status());
  if (absl::Status valid = domain::ValidateApplicant(*applicant, office->today); !valid.ok()) {
    return ToGrpcStatus(valid);
  }
  auto language = domain::LanguageOrDefault(applicant->language, "language");
  if (!language.ok()) return ToGrpcStatus(language.status());
  a->set_language(*language);      // "id" when none was given
  a->set_phone(applicant->phone);  // normalised (+62...)
  a->set_name(applicant->name);

  store::HeldBooking b;
  b.booking_code = NewReadableCode(kBookingCodeLength);
  b.office_id = office->id;
  b.request = held.SerializeAsString();
  b.create_request_id = NewUuid();
  b.phone = applicant->phone;
  b.code_expires_at = d_.clock.Now() + domain::kPhoneCodeLifetime;
  b.tries_left = domain::kPhoneCodeTries;
  std::string code = NewPhoneCode();
  domain::Notification n =
      domain::PhoneCodeMessage(applicant->phone, applicant->name, applicant->language, code);
  n.send_by = b.code_expires_at;  // an expired code is not sent
  v1::BookVisitResponse out;
  out.set_booking_code(b.booking_code);
  out.set_phone_masked(domain::MaskPhone(applicant->phone));
  out.set_code_expires_at(FormatUtc(b.code_expires_at));
  out.set_priority_class(a->priority_class());
  auto bytes = d_.repo.Hold(
      PublicMutation(req->request_id(), "PublicService.BookVisit", *principal,
                     d_.auth.ClientAddress(*ctx)),
      b, CodeDigest(b.booking_code, code), std::move(n),
      // A booking past the phone's limit could never be confirmed: refused
      // before its SMS is sent (ConfirmVisit decides again, locked).
      [&](store::Tx& tx) {
        return d_.appointments.CheckPhoneLimitInTx(tx, *principal, applicant->phone);
      },
      [&] { return out.SerializeAsString(); });
  if (!bytes.ok()) return ToGrpcStatus(bytes.status());
  if (!resp->ParseFromString(*bytes)) return grpc::Status(grpc::INTERNAL, "bad stored response");
  return grpc::Status::OK;
}

grpc::Status PublicServiceImpl::DoResendCode(grpc::ServerContextBase* ctx,
                                             const v1::ResendCodeRequest* req,
                                             v1::BookVisitResponse* resp) {
  if (auto s = Admit(*ctx, "ResendCode", PublicCallKind::kWrite); !s.ok()) return ToGrpcStatus(s);
  std::string booking = domain::NormalizePublicCode(req->booking_code(), kBookingCodeLength);
  auto held = d_.repo.Find(booking);
  if (!held.ok()) return ToGrpcStatus(held.status());
  v1::CreateAppointmentRequestRequest r;
  r.ParseFromString(held->request);
  std::string code = NewPhoneCode();
  absl::Time expires = d_.clock.Now() + domain::kPhoneCodeLifetime;
  domain::Notification n =
      domain::PhoneCodeMessage(held->phone, r.applicant().name(), r.applicant().language(), code);
  n.send_by = expires;
  if (absl::Status s = d_.repo.ReplaceCode(*held, CodeDigest(booking, code), expires, std::move(n));
      !s.ok()) {
    return ToGrpcStatus(s);
  }
  resp->set_booking_code(booking);
  resp->set_phone_masked(domain::MaskPhone(held->phone));
  resp->set_code_expires_at(FormatUtc(expires));
  resp->set_priority_class(r.applicant().priority_class());
  return grpc::Status::OK;
}

grpc::Status PublicServiceImpl::DoConfirmVisit(grpc::ServerContextBase* ctx,
                                               const v1::ConfirmVisitRequest* req,
                                               v1::PublicVisit* resp) {
  if (auto s = Admit(*ctx, "ConfirmVisit", PublicCallKind::kGuess); !s.ok()) {
    return ToGrpcStatus(s);
  }
  std::string booking = domain::NormalizePublicCode(req->booking_code(), kBookingCodeLength);
  if (booking.size() != kBookingCodeLength) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "booking_code: 8 letters and digits");
  }
  if (absl::Status s = domain::ValidatePhoneCode(req->code()); !s.ok()) return ToGrpcStatus(s);
  auto checked = d_.repo.CheckCode(booking, CodeDigest(booking, req->code()));
  if (!checked.ok()) return ToGrpcStatus(checked.status());
  auto& [check, held] = *checked;
  switch (check) {
    case store::CodeCheck::kWrong:
      return grpc::Status(grpc::INVALID_ARGUMENT,
                          absl::StrCat("code: wrong code; ", held.tries_left, " tries left"));
    case store::CodeCheck::kNoTriesLeft:
      return grpc::Status(grpc::FAILED_PRECONDITION,
                          "code: wrong code 5 times; this booking has ended, please book again");
    case store::CodeCheck::kExpired:
      return grpc::Status(grpc::FAILED_PRECONDITION,
                          "code: expired after 10 minutes; ask for a new code");
    case store::CodeCheck::kNotAwaiting:
      if (held.state == "confirmed") {  // a retry after success: the same answer
        auto visit = VisitOf(held.office_id, held.appointment_request_id);
        if (!visit.ok()) return ToGrpcStatus(visit.status());
        *resp = *visit;
        return grpc::Status::OK;
      }
      return grpc::Status(grpc::FAILED_PRECONDITION,
                          "booking_code: this booking has ended, please book again");
    case store::CodeCheck::kMatch:
      break;
  }
  auto principal = d_.repo.PublicPrincipal(held.office_id);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  v1::CreateAppointmentRequestRequest r;
  if (!r.ParseFromString(held.request)) return grpc::Status(grpc::INTERNAL, "bad held booking");
  store::NewAppointmentRequest nr;
  auto applicant = FromProto(r.applicant());
  if (!applicant.ok()) return ToGrpcStatus(applicant.status());
  nr.applicant = std::move(*applicant);
  nr.service = r.service();
  auto windows = WindowsFromProto(r.windows());
  if (!windows.ok()) return ToGrpcStatus(windows.status());
  nr.windows = std::move(*windows);
  // Made with the booking's own request_id: a retry after a crash replays, never duplicates.
  auto bytes = d_.appointments.Create(
      PublicMutation(held.create_request_id, "PublicService.ConfirmVisit", *principal,
                     d_.auth.ClientAddress(*ctx)),
      std::move(nr),
      [](const store::AppointmentRequestRecord& rec) { return ToProto(rec).SerializeAsString(); });
  if (!bytes.ok()) return ToGrpcStatus(bytes.status());
  v1::AppointmentRequest made;
  if (!made.ParseFromString(*bytes)) return grpc::Status(grpc::INTERNAL, "bad stored response");
  if (absl::Status s = d_.repo.MarkConfirmed(booking, made.id()); !s.ok()) return ToGrpcStatus(s);
  auto office = d_.repo.Office(held.office_id);
  if (!office.ok()) return ToGrpcStatus(office.status());
  *resp = PublicView(made, booking, *office);
  return grpc::Status::OK;
}

absl::StatusOr<v1::PublicVisit> PublicServiceImpl::VisitOf(const std::string& office_id,
                                                           int64_t request_id) {
  LOKET_ASSIGN_OR_RETURN(auto principal, d_.repo.PublicPrincipal(office_id));
  LOKET_ASSIGN_OR_RETURN(auto rec, d_.appointments.Get(Reader(principal), request_id, ""));
  LOKET_ASSIGN_OR_RETURN(auto booking, d_.repo.BookingCodeOf(request_id));
  LOKET_ASSIGN_OR_RETURN(auto office, d_.repo.Office(office_id));
  return PublicView(ToProto(rec), booking, office);
}

absl::StatusOr<std::pair<domain::Principal, int64_t>> PublicServiceImpl::Resolve(
    const v1::VisitKey& key) {
  std::string code = domain::NormalizePublicCode(key.code(), kMaxVisitCodeLength);
  if (code.empty()) {
    return absl::InvalidArgumentError("code: the booking code or visit code");
  }
  LOKET_RETURN_IF_ERROR(domain::ValidatePhoneLast4(key.phone_last4()));
  LOKET_ASSIGN_OR_RETURN(auto found, d_.repo.FindRequest(code, key.phone_last4()));
  LOKET_ASSIGN_OR_RETURN(auto principal, d_.repo.PublicPrincipal(found.first));
  return std::make_pair(principal, found.second);
}

grpc::Status PublicServiceImpl::DoGetVisit(grpc::ServerContextBase* ctx, const v1::VisitKey* req,
                                           v1::PublicVisit* resp) {
  if (auto s = Admit(*ctx, "GetVisit", PublicCallKind::kGuess); !s.ok()) return ToGrpcStatus(s);
  auto resolved = Resolve(*req);
  if (absl::IsNotFound(resolved.status())) {
    // Still waiting for its code (or ended so): the held booking, if the phone matches.
    auto held = d_.repo.Find(domain::NormalizePublicCode(req->code(), kBookingCodeLength));
    if (held.ok() && held->state != "confirmed" && held->phone.size() >= 4 &&
        held->phone.substr(held->phone.size() - 4) == req->phone_last4()) {
      auto office = d_.repo.Office(held->office_id);
      if (!office.ok()) return ToGrpcStatus(office.status());
      *resp = HeldView(*held, *office);
      return grpc::Status::OK;
    }
  }
  if (!resolved.ok()) return ToGrpcStatus(resolved.status());
  auto visit = VisitOf(resolved->first.office_id, resolved->second);
  if (!visit.ok()) return ToGrpcStatus(visit.status());
  *resp = *visit;
  return grpc::Status::OK;
}

grpc::Status PublicServiceImpl::DoCancelVisit(grpc::ServerContextBase* ctx,
                                              const v1::CancelVisitRequest* req,
                                              v1::PublicVisit* resp) {
  if (auto s = Admit(*ctx, "CancelVisit", PublicCallKind::kGuess); !s.ok()) return ToGrpcStatus(s);
  auto resolved = Resolve(req->key());
  if (!resolved.ok()) return ToGrpcStatus(resolved.status());
  auto bytes = d_.appointments.Cancel(
      PublicMutation(req->request_id(), "PublicService.CancelVisit", resolved->first,
                     d_.auth.ClientAddress(*ctx)),
      resolved->second, std::nullopt,
      [](const store::AppointmentRequestRecord& r) { return ToProto(r).SerializeAsString(); });
  if (!bytes.ok()) return ToGrpcStatus(bytes.status());
  auto visit = VisitOf(resolved->first.office_id, resolved->second);
  if (!visit.ok()) return ToGrpcStatus(visit.status());
  *resp = *visit;
  return grpc::Status::OK;
}

grpc::Status PublicServiceImpl::DoMoveVisit(grpc::ServerContextBase* ctx,
                                            const v1::MoveVisitRequest* req,
                                            v1::PublicVisit* resp) {
  if (auto s = Admit(*ctx, "MoveVisit", PublicCallKind::kGuess); !s.ok()) return ToGrpcStatus(s);
  auto resolved = Resolve(req->key());
  if (!resolved.ok()) return ToGrpcStatus(resolved.status());
  auto windows = WindowsFromProto(req->windows());
  if (!windows.ok()) return ToGrpcStatus(windows.status());
  auto bytes = d_.appointments.Reschedule(
      PublicMutation(req->request_id(), "PublicService.MoveVisit", resolved->first,
                     d_.auth.ClientAddress(*ctx)),
      resolved->second, std::move(*windows), std::nullopt,
      [](const store::AppointmentRequestRecord& r) { return ToProto(r).SerializeAsString(); });
  if (!bytes.ok()) return ToGrpcStatus(bytes.status());
  auto visit = VisitOf(resolved->first.office_id, resolved->second);
  if (!visit.ok()) return ToGrpcStatus(visit.status());
  *resp = *visit;
  return grpc::Status::OK;
}

grpc::Status PublicServiceImpl::DoTrackCase(grpc::ServerContextBase* ctx,
                                            const v1::TrackCaseRequest* req,
                                            v1::PublicCaseStatus* resp) {
  if (auto s = Admit(*ctx, "TrackCase", PublicCallKind::kGuess); !s.ok()) return ToGrpcStatus(s);
  std::string code = domain::NormalizePublicCode(req->tracking_code(), kMaxTrackingCodeLength);
  if (code.empty())
    return grpc::Status(grpc::INVALID_ARGUMENT, "tracking_code: letters and digits");
  auto found = d_.repo.CaseByTrackingCode(code);
  if (!found.ok()) return ToGrpcStatus(found.status());
  auto principal = d_.repo.PublicPrincipal(found->first);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  domain::Principal reader = Reader(*principal);
  auto view = d_.cases.Get(reader, found->second);
  if (!view.ok()) return ToGrpcStatus(view.status());
  const domain::Case& c = view->c;
  resp->set_tracking_code(c.tracking_code);
  resp->set_permit_type(c.permit_type);
  resp->set_state(static_cast<v1::CaseState>(static_cast<int>(c.state)));
  resp->set_holder_name_masked(domain::MaskName(c.applicant.name));
  resp->set_submitted_at(FormatUtc(view->created_at));
  resp->set_updated_at(FormatUtc(view->updated_at));
  if (view->sla.due) resp->set_due_date(absl::FormatCivilTime(*view->sla.due));
  resp->set_sla_paused(view->sla.paused);
  if (c.state == domain::CaseState::kRevisionRequested) {
    resp->set_revision_reason(c.revision_reason);
  }
  auto types = d_.catalog.ListPermitTypes(c.office_id);
  if (!types.ok()) return ToGrpcStatus(types.status());
  for (const auto& t : *types) {
    if (t.code != c.permit_type) continue;
    resp->set_permit_name(t.name);
    for (const auto& doc : t.required_documents) {
      bool attached = false;
      for (const auto& d : view->documents) attached |= d.code == doc.code;
      if (doc.mandatory && !attached) resp->add_missing_documents(doc.name);
    }
  }
  auto stops = d_.siber.ListStops(reader, std::nullopt, std::nullopt, c.id);
  if (!stops.ok()) return ToGrpcStatus(stops.status());
  for (const auto& s : stops->first) {
    bool open = s.state != domain::StopState::kDone && s.state != domain::StopState::kCancelled &&
                s.state != domain::StopState::kFailed;
    if (s.kind == domain::StopKind::kPickup && open) {
      resp->set_pickup_window_start(FormatUtc(s.window_start));
      resp->set_pickup_window_end(FormatUtc(s.window_end));
    }
  }
  return grpc::Status::OK;
}

absl::StatusOr<PublicServiceImpl::Listing> PublicServiceImpl::SharedListing(
    const std::string& office_id, std::optional<absl::CivilDay> day) {
  // The feed's seq first: a listing read after it has every change up to it.
  LOKET_ASSIGN_OR_RETURN(int64_t seq, d_.queue.FeedSeq(office_id));
  const std::string key = absl::StrCat(office_id, "/", day ? absl::FormatCivilTime(*day) : "");
  return listings_.Get(key, seq, [&]() -> absl::StatusOr<std::pair<int64_t, Listing>> {
    LOKET_ASSIGN_OR_RETURN(auto principal, d_.repo.PublicPrincipal(office_id));
    domain::Principal reader = principal;
    reader.role = domain::Role::kCounter;
    LOKET_ASSIGN_OR_RETURN(auto tickets, d_.queue.ListTickets(reader, day, ""));
    return std::make_pair(
        seq, std::make_shared<const std::vector<store::TicketRecord>>(std::move(tickets)));
  });
}

absl::StatusOr<v1::QueuePosition> PublicServiceImpl::PositionOf(
    const v1::QueuePositionRequest& req) {
  std::string ticket = absl::AsciiStrToUpper(req.ticket());
  if (ticket.empty() || ticket.size() > 16) {
    return absl::InvalidArgumentError("ticket: the number on your ticket, e.g. P-002");
  }
  LOKET_ASSIGN_OR_RETURN(auto day, DayFromProto(req.day(), "day"));
  LOKET_ASSIGN_OR_RETURN(Listing tickets, SharedListing(req.office_id(), day));
  std::string wanted = domain::NormalizePublicCode(ticket, 16);
  for (const auto& t : *tickets) {
    if (domain::NormalizePublicCode(t.label, 16) != wanted) continue;
    v1::QueuePosition p;
    p.set_ticket(t.label);
    p.set_state(t.state);
    p.set_calls_ahead(t.state == "waiting" ? std::max(t.calls_ahead, 0) : 0);
    p.set_estimated_wait_minutes(t.state == "waiting" && t.calls_ahead >= 0 && t.estimated_wait
                                     ? domain::WaitMinutes(*t.estimated_wait)
                                     : -1);
    if (t.state == "called") p.set_counter(t.counter_name.empty() ? t.counter_id : t.counter_name);
    p.set_updated_at(FormatUtc(d_.clock.Now()));
    return p;
  }
  return absl::NotFoundError(absl::StrCat("ticket: no ticket ", ticket, " on that day"));
}

grpc::Status PublicServiceImpl::DoGetQueuePosition(grpc::ServerContextBase* ctx,
                                                   const v1::QueuePositionRequest* req,
                                                   v1::QueuePosition* resp) {
  if (auto s = Admit(*ctx, "GetQueuePosition", PublicCallKind::kRead); !s.ok()) {
    return ToGrpcStatus(s);
  }
  auto p = PositionOf(*req);
  if (!p.ok()) return ToGrpcStatus(p.status());
  *resp = *p;
  return grpc::Status::OK;
}

grpc::ServerWriteReactor<v1::QueuePosition>* PublicServiceImpl::WatchQueuePosition(
    grpc::CallbackServerContext* ctx, const v1::QueuePositionRequest* req) {
  using Step = StreamStep<v1::QueuePosition>;
  struct Watch {
    bool admitted = false;
    absl::Time until;  // a stream does not live for ever
    std::string last;  // the position last sent, without its time
  };
  auto w = std::make_shared<Watch>();
  return PolledStream<v1::QueuePosition>::Start(
      ctx, d_.streams, [this, ctx, w, req = *req]() -> Step {
        if (!w->admitted) {
          if (auto s = Admit(*ctx, "WatchQueuePosition", PublicCallKind::kRead); !s.ok()) {
            return Step::End(ToGrpcStatus(s));
          }
          w->admitted = true;
          w->until = absl::Now() + kWatchLongest;
        }
        if (absl::Now() >= w->until) return Step::End(grpc::Status::OK);
        Step step;
        step.wait = kWatchPoll;
        auto p = PositionOf(req);
        if (!p.ok() && !absl::IsUnavailable(p.status())) return Step::End(ToGrpcStatus(p.status()));
        if (p.ok()) {
          v1::QueuePosition compare = *p;
          compare.clear_updated_at();
          std::string now = compare.SerializeAsString();
          if (now != w->last) {
            step.send.push_back(*p);
            w->last = std::move(now);
          }
          if (p->state() != "waiting" && p->state() != "called") step.finish = grpc::Status::OK;
        }
        return step;
      });
}

}  // namespace loket::api
