#include "server/api/appointment_service.h"

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/status_macros.h"
#include "server/api/convert.h"
#include "server/domain/validation.h"

namespace loket::api {
namespace {

using store::AppointmentRequestRecord;

store::RequestEncoder EncodeRequest() {
  return [](const AppointmentRequestRecord& r) { return ToProto(r).SerializeAsString(); };
}

absl::StatusOr<std::optional<int64_t>> EtagFromProto(const std::string& etag) {
  if (etag.empty()) return std::optional<int64_t>();
  int64_t v;
  if (!absl::SimpleAtoi(etag, &v)) return absl::InvalidArgumentError("etag: not one we gave");
  return std::optional<int64_t>(v);
}

absl::StatusOr<absl::CivilDay> RequiredDay(const std::string& s, const char* field) {
  LOKET_ASSIGN_OR_RETURN(auto day, DayFromProto(s, field));
  if (!day.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": required (YYYY-MM-DD)"));
  }
  return *day;
}

// The stored response is whole (a retry by staff replays it); the caller sees its own share.
grpc::Status Shaped(grpc::Status s, v1::AppointmentRequest& resp, const domain::Principal& p) {
  if (s.ok()) ShapeForViewer(resp, p);
  return s;
}

store::ClosureEncoder EncodeClosure() {
  return [](const store::ClosureOutcome& c) {
    v1::ClosureResponse p;
    p.set_displaced(c.displaced);
    p.set_realloc_day(c.realloc_day);
    p.set_stops_moved(c.stops_moved);
    p.set_stops_moved_to(c.stops_moved_to);
    return p.SerializeAsString();
  };
}

}  // namespace

grpc::Status AppointmentServiceImpl::DoCreateAppointmentRequest(
    grpc::ServerContextBase* ctx, const v1::CreateAppointmentRequestRequest* req,
    v1::AppointmentRequest* resp) {
  LOKET_AUTHORIZE(p, ctx, "AppointmentService.CreateAppointmentRequest");
  store::NewAppointmentRequest r;
  auto applicant = FromProto(req->applicant());
  if (!applicant.ok()) return ToGrpcStatus(applicant.status());
  r.applicant = std::move(*applicant);
  r.service = req->service();
  auto windows = WindowsFromProto(req->windows());
  if (!windows.ok()) return ToGrpcStatus(windows.status());
  r.windows = std::move(*windows);
  r.case_id = req->case_id();
  store::Mutation m =
      MakeMutation(*ctx, req->request_id(), "AppointmentService.CreateAppointmentRequest", p);
  return Shaped(DecodeInto(repo_.Create(m, std::move(r), EncodeRequest()), resp), *resp, p);
}

grpc::Status AppointmentServiceImpl::DoGetAppointmentRequest(
    grpc::ServerContextBase* ctx, const v1::GetAppointmentRequestRequest* req,
    v1::AppointmentRequest* resp) {
  LOKET_AUTHORIZE(p, ctx, "AppointmentService.GetAppointmentRequest");
  auto r = repo_.Get(p, req->id(), req->code());
  if (!r.ok()) return ToGrpcStatus(r.status());
  *resp = ToProto(*r);
  ShapeForViewer(*resp, p);
  return grpc::Status::OK;
}

grpc::Status AppointmentServiceImpl::DoListAppointmentRequests(
    grpc::ServerContextBase* ctx, const v1::ListAppointmentRequestsRequest* req,
    v1::ListAppointmentRequestsResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "AppointmentService.ListAppointmentRequests");
  if (req->page_size() < 0 || req->page_size() > 500) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "page_size: 0 (default 50) to 500");
  }
  auto day = RequiredDay(req->day(), "day");
  if (!day.ok()) return ToGrpcStatus(day.status());
  std::string state;
  switch (req->state()) {
    case v1::APPOINTMENT_REQUEST_STATE_UNSPECIFIED:
      break;
    case v1::APPOINTMENT_REQUEST_STATE_PENDING:
      state = "pending";
      break;
    case v1::APPOINTMENT_REQUEST_STATE_ALLOCATED:
      state = "allocated";
      break;
    case v1::APPOINTMENT_REQUEST_STATE_WAITLISTED:
      state = "waitlisted";
      break;
    case v1::APPOINTMENT_REQUEST_STATE_CANCELLED:
      state = "cancelled";
      break;
    default:
      return grpc::Status(grpc::INVALID_ARGUMENT, "state: unknown value");
  }
  auto list = repo_.List(p, *day, state, req->page_size(), req->page_token());
  if (!list.ok()) return ToGrpcStatus(list.status());
  for (const auto& r : list->first) {
    v1::AppointmentRequest* out = resp->add_requests();
    *out = ToProto(r);
    ShapeForViewer(*out, p);
  }
  resp->set_next_page_token(list->second);
  return grpc::Status::OK;
}

grpc::Status AppointmentServiceImpl::DoCancelAppointmentRequest(
    grpc::ServerContextBase* ctx, const v1::CancelAppointmentRequestRequest* req,
    v1::AppointmentRequest* resp) {
  LOKET_AUTHORIZE(p, ctx, "AppointmentService.CancelAppointmentRequest");
  auto etag = EtagFromProto(req->etag());
  if (!etag.ok()) return ToGrpcStatus(etag.status());
  store::Mutation m =
      MakeMutation(*ctx, req->request_id(), "AppointmentService.CancelAppointmentRequest", p);
  return Shaped(DecodeInto(repo_.Cancel(m, req->id(), *etag, EncodeRequest()), resp), *resp, p);
}

grpc::Status AppointmentServiceImpl::DoRescheduleAppointmentRequest(
    grpc::ServerContextBase* ctx, const v1::RescheduleAppointmentRequestRequest* req,
    v1::AppointmentRequest* resp) {
  LOKET_AUTHORIZE(p, ctx, "AppointmentService.RescheduleAppointmentRequest");
  auto etag = EtagFromProto(req->etag());
  if (!etag.ok()) return ToGrpcStatus(etag.status());
  auto windows = WindowsFromProto(req->windows());
  if (!windows.ok()) return ToGrpcStatus(windows.status());
  store::Mutation m =
      MakeMutation(*ctx, req->request_id(), "AppointmentService.RescheduleAppointmentRequest", p);
  return Shaped(
      DecodeInto(repo_.Reschedule(m, req->id(), std::move(*windows), *etag, EncodeRequest()), resp),
      *resp, p);
}

grpc::Status AppointmentServiceImpl::DoReleaseNoShows(grpc::ServerContextBase* ctx,
                                                      const v1::ReleaseNoShowsRequest* req,
                                                      v1::ReleaseNoShowsResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "AppointmentService.ReleaseNoShows");
  auto day = RequiredDay(req->day(), "day");
  if (!day.ok()) return ToGrpcStatus(day.status());
  return DecodeInto(
      repo_.ReleaseNoShows(
          MakeMutation(*ctx, req->request_id(), "AppointmentService.ReleaseNoShows", p), *day,
          [](int n) {
            v1::ReleaseNoShowsResponse r;
            r.set_released(n);
            return r.SerializeAsString();
          }),
      resp);
}

grpc::Status AppointmentServiceImpl::DoListSlots(grpc::ServerContextBase* ctx,
                                                 const v1::ListSlotsRequest* req,
                                                 v1::ListSlotsResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "AppointmentService.ListSlots");
  auto day = RequiredDay(req->day(), "day");
  if (!day.ok()) return ToGrpcStatus(day.status());
  auto slots = repo_.ListSlots(p, *day);
  if (!slots.ok()) return ToGrpcStatus(slots.status());
  for (const auto& s : *slots) {
    v1::Slot* out = resp->add_slots();
    out->set_id(s.id);
    out->set_day(s.day);
    out->set_starts_at(FormatUtc(s.starts_at));
    out->set_ends_at(FormatUtc(s.ends_at));
    out->set_capacity(s.capacity);
    out->set_reserved_priority(s.reserved_priority);
    out->set_booked(s.booked);
    out->set_booked_priority(s.booked_priority);
    out->set_closed(s.closed);
  }
  return grpc::Status::OK;
}

namespace {

// The week's hours as the API sends them.
void HoursToProto(const std::vector<domain::OfficeHours>& hours,
                  google::protobuf::RepeatedPtrField<v1::OfficeHours>* out) {
  for (const auto& h : hours) {
    v1::OfficeHours* o = out->Add();
    o->set_weekday(h.weekday);
    o->set_opens(domain::FormatClockMinutes(h.opens_minute));
    o->set_closes(domain::FormatClockMinutes(h.closes_minute));
    o->set_slot_minutes(h.slot_minutes);
    o->set_capacity(h.capacity);
    o->set_reserved_priority(h.reserved_priority);
  }
}

}  // namespace

grpc::Status AppointmentServiceImpl::DoGetOfficeHours(grpc::ServerContextBase* ctx,
                                                      const v1::GetOfficeHoursRequest*,
                                                      v1::GetOfficeHoursResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "AppointmentService.GetOfficeHours");
  absl::StatusOr<std::vector<domain::OfficeHours>> hours = repo_.GetOfficeHours(p);
  if (!hours.ok()) return ToGrpcStatus(hours.status());
  HoursToProto(*hours, resp->mutable_hours());
  return grpc::Status::OK;
}

grpc::Status AppointmentServiceImpl::DoSetOfficeHours(grpc::ServerContextBase* ctx,
                                                      const v1::SetOfficeHoursRequest* req,
                                                      v1::SetOfficeHoursResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "AppointmentService.SetOfficeHours");
  std::vector<domain::OfficeHours> hours;
  for (int i = 0; i < req->hours_size(); ++i) {
    const v1::OfficeHours& h = req->hours(i);
    std::string f = absl::StrCat("hours[", i, "]");
    auto opens = ClockFromProto(h.opens(), f + ".opens", /*end_of_day=*/false);
    if (!opens.ok()) return ToGrpcStatus(opens.status());
    auto closes = ClockFromProto(h.closes(), f + ".closes", /*end_of_day=*/true);
    if (!closes.ok()) return ToGrpcStatus(closes.status());
    if (!opens->has_value() || !closes->has_value()) {
      return grpc::Status(grpc::INVALID_ARGUMENT, f + ".opens/closes: required (HH:MM)");
    }
    hours.push_back(
        {h.weekday(), **opens, **closes, h.slot_minutes(), h.capacity(), h.reserved_priority()});
  }
  return DecodeInto(repo_.SetOfficeHours(MakeMutation(*ctx, req->request_id(),
                                                      "AppointmentService.SetOfficeHours", p),
                                         std::move(hours),
                                         [](const std::vector<domain::OfficeHours>& hs) {
                                           v1::SetOfficeHoursResponse r;
                                           HoursToProto(hs, r.mutable_hours());
                                           return r.SerializeAsString();
                                         }),
                    resp);
}

grpc::Status AppointmentServiceImpl::DoGenerateSlots(grpc::ServerContextBase* ctx,
                                                     const v1::GenerateSlotsRequest* req,
                                                     v1::GenerateSlotsResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "AppointmentService.GenerateSlots");
  auto from = RequiredDay(req->from(), "from");
  if (!from.ok()) return ToGrpcStatus(from.status());
  auto to = RequiredDay(req->to(), "to");
  if (!to.ok()) return ToGrpcStatus(to.status());
  return DecodeInto(
      repo_.GenerateSlots(
          MakeMutation(*ctx, req->request_id(), "AppointmentService.GenerateSlots", p), *from, *to,
          [](int n) {
            v1::GenerateSlotsResponse r;
            r.set_created(n);
            return r.SerializeAsString();
          }),
      resp);
}

grpc::Status AppointmentServiceImpl::DoCloseCounter(grpc::ServerContextBase* ctx,
                                                    const v1::CloseCounterRequest* req,
                                                    v1::ClosureResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "AppointmentService.CloseCounter");
  auto day = RequiredDay(req->day(), "day");
  if (!day.ok()) return ToGrpcStatus(day.status());
  return DecodeInto(repo_.CloseCounter(
                        MakeMutation(*ctx, req->request_id(), "AppointmentService.CloseCounter", p),
                        req->counter_id(), *day, req->reason(), EncodeClosure()),
                    resp);
}

grpc::Status AppointmentServiceImpl::DoCloseDay(grpc::ServerContextBase* ctx,
                                                const v1::CloseDayRequest* req,
                                                v1::ClosureResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "AppointmentService.CloseDay");
  auto day = RequiredDay(req->day(), "day");
  if (!day.ok()) return ToGrpcStatus(day.status());
  return DecodeInto(
      repo_.CloseDay(MakeMutation(*ctx, req->request_id(), "AppointmentService.CloseDay", p), *day,
                     req->reason(), EncodeClosure()),
      resp);
}

absl::Status SlotsAllocateQueue::AttachInput(const domain::Principal& worker, v1::Task& task) {
  LOKET_ASSIGN_OR_RETURN(auto in, repo_.LoadAllocationInput(worker.office_id, task.dedupe_key()));
  v1::SlotsAllocateInput p;
  p.set_day(in.day);
  p.set_now(FormatUtc(in.now));
  p.set_priority_release_minutes(
      static_cast<int32_t>(absl::ToInt64Minutes(in.priority_release_before)));
  p.set_seed(in.seed);
  for (const auto& s : in.slots) {
    auto* out = p.add_slots();
    out->set_id(s.id);
    out->set_starts_at(FormatUtc(s.starts_at));
    out->set_capacity(s.capacity);
    out->set_booked(s.booked);
    out->set_reserved_priority(s.reserved_priority);
  }
  for (const auto& r : in.requests) {
    auto* out = p.add_requests();
    out->set_id(r.id);
    out->set_priority_class(static_cast<v1::PriorityClass>(static_cast<int>(r.priority)));
    for (int64_t id : r.preferred) out->add_preferred_slot_ids(id);
    out->set_submitted_at(FormatUtc(r.submitted_at));
  }
  task.set_payload(p.SerializeAsString());
  return absl::OkStatus();
}

absl::Status SlotsAllocateQueue::ApplyResult(const domain::Principal& worker,
                                             const v1::CompleteTaskRequest& req) {
  const v1::AllocationResult& r = req.allocation();
  store::AllocationOutcome out;
  out.day = r.day();
  for (const auto& a : r.assigned()) out.assigned.emplace_back(a.request_id(), a.slot_id());
  out.waitlisted.assign(r.waitlisted().begin(), r.waitlisted().end());
  return repo_.ApplyAllocation(worker.office_id, req.task_id(), req.attempt(), out);
}

}  // namespace loket::api
