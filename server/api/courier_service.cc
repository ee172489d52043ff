#include "server/api/courier_service.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "server/api/convert.h"

namespace loket::api {
namespace {

using domain::StopKind;
using domain::StopState;

// The domain's stop kinds and states count from 0, their loket.v1 twins from 1 (0 is
// UNSPECIFIED): the conversions add or take one.
LOKET_PROTO_NUMBER_IS(StopKind::kPickup, 1, STOP_KIND_PICKUP);
LOKET_PROTO_NUMBER_IS(StopKind::kHandin, 1, STOP_KIND_HANDIN);
LOKET_PROTO_NUMBER_IS(StopKind::kCollect, 1, STOP_KIND_COLLECT);
LOKET_PROTO_NUMBER_IS(StopKind::kDelivery, 1, STOP_KIND_DELIVERY);
LOKET_PROTO_NUMBER_IS(StopKind::kDelivery, 1, StopKind_MAX);
LOKET_PROTO_NUMBER_IS(StopState::kPending, 1, STOP_STATE_PENDING);
LOKET_PROTO_NUMBER_IS(StopState::kPlanned, 1, STOP_STATE_PLANNED);
LOKET_PROTO_NUMBER_IS(StopState::kArrived, 1, STOP_STATE_ARRIVED);
LOKET_PROTO_NUMBER_IS(StopState::kDone, 1, STOP_STATE_DONE);
LOKET_PROTO_NUMBER_IS(StopState::kFailed, 1, STOP_STATE_FAILED);
LOKET_PROTO_NUMBER_IS(StopState::kCancelled, 1, STOP_STATE_CANCELLED);
LOKET_PROTO_NUMBER_IS(StopState::kCancelled, 1, StopState_MAX);

v1::StopKind KindToProto(StopKind k) { return static_cast<v1::StopKind>(static_cast<int>(k) + 1); }
v1::StopState StateToProto(StopState s) {
  return static_cast<v1::StopState>(static_cast<int>(s) + 1);
}

std::string OptionalUtc(const std::optional<absl::Time>& t) { return t ? FormatUtc(*t) : ""; }

v1::Stop ToProto(const store::StopRecord& s) {
  v1::Stop p;
  p.set_id(s.id);
  p.set_case_id(s.case_id);
  p.set_day(s.day);
  p.set_kind(KindToProto(s.kind));
  p.set_item(s.item);
  p.set_partner_stop_id(s.partner_id);
  p.set_clinic_id(s.clinic_id);
  p.set_place(s.place);
  p.set_address(s.address);
  p.set_latitude(s.latitude);
  p.set_longitude(s.longitude);
  p.set_window_start(FormatUtc(s.window_start));
  p.set_window_end(FormatUtc(s.window_end));
  p.set_service_minutes(s.service_minutes);
  p.set_bundles(s.bundles);
  p.set_state(StateToProto(s.state));
  p.set_courier_id(s.courier_id);
  p.set_courier_name(s.courier_name);
  p.set_sequence(s.sequence);
  p.set_planned_at(OptionalUtc(s.planned_at));
  p.set_arrived_at(OptionalUtc(s.arrived_at));
  p.set_completed_at(OptionalUtc(s.completed_at));
  p.set_receiver_name(s.receiver_name);
  p.set_proof_sha256(s.proof_sha256);
  p.set_failure_reason(s.failure_reason);
  p.set_cancel_reason(s.cancel_reason);
  p.set_etag(absl::StrCat(s.version));
  p.set_permit_type(s.permit_type);
  p.set_permit_name(s.permit_name);
  p.set_applicant_name(s.applicant_name);
  p.set_permit_number(s.permit_number);
  return p;
}

v1::Courier ToProto(const store::CourierRecord& c) {
  v1::Courier p;
  p.set_id(c.id);
  p.set_name(c.name);
  p.set_phone(c.phone);
  p.set_capacity(c.capacity);
  p.set_shift_starts(c.shift_starts);
  p.set_shift_ends(c.shift_ends);
  p.set_active(c.active);
  return p;
}

v1::DayPlan ToProto(const store::DayPlanRecord& d) {
  v1::DayPlan p;
  p.set_day(d.day);
  p.set_input_version(d.input_version);
  p.set_planned_version(d.planned_version);
  p.set_planned_at(OptionalUtc(d.planned_at));
  p.set_distance_m(d.distance_m);
  p.set_unassigned(d.unassigned);
  p.set_utc_offset_minutes(d.utc_offset_minutes);
  return p;
}

store::StopEncoder EncodeStop() {
  return [](const store::StopRecord& s) { return ToProto(s).SerializeAsString(); };
}
store::CourierEncoder EncodeCourier() {
  return [](const store::CourierRecord& c) { return ToProto(c).SerializeAsString(); };
}

}  // namespace

grpc::Status CourierServiceImpl::DoGetRoute(grpc::ServerContextBase* ctx,
                                            const v1::GetRouteRequest* req,
                                            v1::GetRouteResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "CourierService.GetRoute");
  auto day = DayFromProto(req->day(), "day");
  if (!day.ok()) return ToGrpcStatus(day.status());
  auto route = siber_.GetRoute(p, *day, req->courier_id());
  if (!route.ok()) return ToGrpcStatus(route.status());
  *resp->mutable_courier() = ToProto(route->courier);
  for (const auto& s : route->stops) *resp->add_stops() = ToProto(s);
  *resp->mutable_plan() = ToProto(route->plan);
  return grpc::Status::OK;
}

grpc::Status CourierServiceImpl::DoArriveAtStop(grpc::ServerContextBase* ctx,
                                                const v1::ArriveAtStopRequest* req,
                                                v1::Stop* resp) {
  LOKET_AUTHORIZE(p, ctx, "CourierService.ArriveAtStop");
  return DecodeInto(
      siber_.Arrive(MakeMutation(*ctx, req->request_id(), "CourierService.ArriveAtStop", p),
                    req->stop_id(), EncodeStop()),
      resp);
}

grpc::Status CourierServiceImpl::DoConfirmStop(grpc::ServerContextBase* ctx,
                                               const v1::ConfirmStopRequest* req, v1::Stop* resp) {
  LOKET_AUTHORIZE(p, ctx, "CourierService.ConfirmStop");
  std::string media_type;
  if (!req->proof_content().empty()) {
    const std::string& bytes = req->proof_content();
    if (bytes.size() > 5 * 1024 * 1024) {
      return grpc::Status(grpc::INVALID_ARGUMENT, "proof_content: at most 5 MiB");
    }
    // The type is read from the bytes, not taken from the client.
    if (bytes.rfind("\x89PNG\r\n\x1a\n", 0) == 0) {
      media_type = "image/png";
    } else if (bytes.rfind("\xff\xd8\xff", 0) == 0) {
      media_type = "image/jpeg";
    } else {
      return grpc::Status(grpc::INVALID_ARGUMENT, "proof_content: a PNG or JPEG image");
    }
    if (Sha256Hex(bytes) != absl::AsciiStrToLower(req->proof_sha256())) {
      return grpc::Status(grpc::INVALID_ARGUMENT,
                          "proof_sha256: does not match the SHA-256 of proof_content");
    }
  }
  return DecodeInto(
      siber_.Confirm(MakeMutation(*ctx, req->request_id(), "CourierService.ConfirmStop", p),
                     req->stop_id(), req->taking(), req->receiver_name(), req->proof_sha256(),
                     EncodeStop(), media_type, req->proof_content()),
      resp);
}

grpc::Status CourierServiceImpl::DoFailStop(grpc::ServerContextBase* ctx,
                                            const v1::FailStopRequest* req, v1::Stop* resp) {
  LOKET_AUTHORIZE(p, ctx, "CourierService.FailStop");
  if (req->reason() == v1::STOP_FAILURE_REASON_UNSPECIFIED ||
      !v1::StopFailureReason_IsValid(req->reason())) {
    return grpc::Status(grpc::INVALID_ARGUMENT,
                        "reason: required (clinic closed, documents not ready, nobody to "
                        "receive, address not found, other)");
  }
  std::string reason = absl::AsciiStrToLower(
      v1::StopFailureReason_Name(req->reason()).substr(std::string("STOP_FAILURE_REASON_").size()));
  return DecodeInto(siber_.Fail(MakeMutation(*ctx, req->request_id(), "CourierService.FailStop", p),
                                req->stop_id(), reason, req->note(), EncodeStop()),
                    resp);
}

grpc::Status CourierServiceImpl::DoCancelStop(grpc::ServerContextBase* ctx,
                                              const v1::CancelStopRequest* req, v1::Stop* resp) {
  LOKET_AUTHORIZE(p, ctx, "CourierService.CancelStop");
  return DecodeInto(
      siber_.Cancel(MakeMutation(*ctx, req->request_id(), "CourierService.CancelStop", p),
                    req->stop_id(), req->reason(), EncodeStop()),
      resp);
}

grpc::Status CourierServiceImpl::DoListStops(grpc::ServerContextBase* ctx,
                                             const v1::ListStopsRequest* req,
                                             v1::ListStopsResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "CourierService.ListStops");
  auto day = DayFromProto(req->day(), "day");
  if (!day.ok()) return ToGrpcStatus(day.status());
  std::optional<StopState> state;
  if (req->state() != v1::STOP_STATE_UNSPECIFIED) {
    if (!v1::StopState_IsValid(req->state())) {
      return grpc::Status(grpc::INVALID_ARGUMENT, "state: unknown value");
    }
    state = static_cast<StopState>(static_cast<int>(req->state()) - 1);
  }
  auto list = siber_.ListStops(p, *day, state, req->case_id());
  if (!list.ok()) return ToGrpcStatus(list.status());
  for (const auto& s : list->first) *resp->add_stops() = ToProto(s);
  *resp->mutable_plan() = ToProto(list->second);
  return grpc::Status::OK;
}

grpc::Status CourierServiceImpl::DoPlanDay(grpc::ServerContextBase* ctx,
                                           const v1::PlanDayRequest* req, v1::DayPlan* resp) {
  LOKET_AUTHORIZE(p, ctx, "CourierService.PlanDay");
  auto day = DayFromProto(req->day(), "day");
  if (!day.ok()) return ToGrpcStatus(day.status());
  return DecodeInto(
      siber_.PlanDay(MakeMutation(*ctx, req->request_id(), "CourierService.PlanDay", p), *day,
                     [](const store::DayPlanRecord& d) { return ToProto(d).SerializeAsString(); }),
      resp);
}

grpc::Status CourierServiceImpl::DoGetCustody(grpc::ServerContextBase* ctx,
                                              const v1::GetCustodyRequest* req,
                                              v1::GetCustodyResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "CourierService.GetCustody");
  if (req->case_id() <= 0) {
    return grpc::Status(grpc::INVALID_ARGUMENT, "case_id: required (a positive number)");
  }
  auto view = siber_.Custody(p, req->case_id());
  if (!view.ok()) return ToGrpcStatus(view.status());
  resp->set_case_id(req->case_id());
  for (const auto& e : view->events) {
    v1::CustodyEvent* out = resp->add_events();
    out->set_id(e.id);
    out->set_stop_id(e.stop_id);
    out->set_item(e.item);
    out->set_from_holder(e.from_holder);
    out->set_to_holder(e.to_holder);
    out->set_receiver_name(e.receiver_name);
    out->set_proof_sha256(e.proof_sha256);
    out->set_actor(e.actor);
    out->set_at(FormatUtc(e.at));
    out->set_document_sha256(e.document_sha256);
  }
  for (const auto& period : view->chain.periods) {
    v1::CustodyPeriod* out = resp->add_periods();
    out->set_item(period.item);
    out->set_holder(period.holder);
    out->set_from(OptionalUtc(period.from));
    out->set_until(OptionalUtc(period.until));
    out->set_received_by(period.received_by);
  }
  resp->set_complete(view->chain.complete);
  return grpc::Status::OK;
}

grpc::Status CourierServiceImpl::DoCreateCourier(grpc::ServerContextBase* ctx,
                                                 const v1::CreateCourierRequest* req,
                                                 v1::Courier* resp) {
  LOKET_AUTHORIZE(p, ctx, "CourierService.CreateCourier");
  store::CourierRecord c;
  c.name = req->name();
  c.phone = req->phone();
  c.capacity = req->capacity();
  c.shift_starts = req->shift_starts();
  c.shift_ends = req->shift_ends();
  return DecodeInto(
      siber_.CreateCourier(MakeMutation(*ctx, req->request_id(), "CourierService.CreateCourier", p),
                           req->principal_id(), c, EncodeCourier()),
      resp);
}

grpc::Status CourierServiceImpl::DoSetShift(grpc::ServerContextBase* ctx,
                                            const v1::SetShiftRequest* req, v1::Courier* resp) {
  LOKET_AUTHORIZE(p, ctx, "CourierService.SetShift");
  auto day = DayFromProto(req->day(), "day");
  if (!day.ok()) return ToGrpcStatus(day.status());
  if (!day->has_value()) return grpc::Status(grpc::INVALID_ARGUMENT, "day: required (YYYY-MM-DD)");
  store::ShiftChange sc{req->courier_id(), **day, req->off(), req->starts(), req->ends()};
  return DecodeInto(
      siber_.SetShift(MakeMutation(*ctx, req->request_id(), "CourierService.SetShift", p), sc,
                      EncodeCourier()),
      resp);
}

grpc::Status CourierServiceImpl::DoListCouriers(grpc::ServerContextBase* ctx,
                                                const v1::ListCouriersRequest* req,
                                                v1::ListCouriersResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "CourierService.ListCouriers");
  auto list = siber_.ListCouriers(p);
  if (!list.ok()) return ToGrpcStatus(list.status());
  for (const auto& c : *list) *resp->add_couriers() = ToProto(c);
  return grpc::Status::OK;
}

absl::Status RoutePlanQueue::AttachInput(const domain::Principal& worker, v1::Task& task) {
  LOKET_ASSIGN_OR_RETURN(auto in, siber_.LoadRouterInput(worker.office_id, task.dedupe_key()));
  v1::RoutePlanInput p;
  p.set_day(in.day);
  p.set_version(in.version);
  p.set_office_latitude(in.office_latitude);
  p.set_office_longitude(in.office_longitude);
  for (const auto& v : in.vehicles) {
    auto* out = p.add_vehicles();
    out->set_courier_id(v.courier_id);
    out->set_capacity(v.capacity);
    out->set_start_latitude(v.start_latitude);
    out->set_start_longitude(v.start_longitude);
    out->set_start(v.start);
    out->set_end(v.end);
  }
  for (const auto& n : in.nodes) {
    auto* out = p.add_nodes();
    out->set_stop_id(n.stop_id);
    out->set_latitude(n.latitude);
    out->set_longitude(n.longitude);
    out->set_ready(n.ready);
    out->set_due(n.due);
    out->set_service(n.service);
    out->set_demand(n.demand);
    out->set_partner_stop_id(n.partner_stop_id);
    out->set_only_courier(n.only_courier);
  }
  task.set_payload(p.SerializeAsString());
  return absl::OkStatus();
}

absl::Status RoutePlanQueue::ApplyResult(const domain::Principal& worker,
                                         const v1::CompleteTaskRequest& req) {
  const v1::RoutePlanResult& r = req.route_plan();
  store::RoutePlanOutcome plan;
  plan.day = r.day();
  plan.version = r.version();
  plan.distance_m = r.distance_m();
  for (const auto& route : r.routes()) {
    domain::PlannedRoute out{route.courier_id(), {}, route.end()};
    for (const auto& v : route.visits()) out.visits.push_back({v.stop_id(), v.start()});
    plan.routes.push_back(std::move(out));
  }
  plan.unassigned.assign(r.unassigned_stop_ids().begin(), r.unassigned_stop_ids().end());
  return siber_.ApplyRoutePlan(worker.office_id, req.task_id(), req.attempt(), plan);
}

}  // namespace loket::api
