#include "server/api/queue_service.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "server/api/convert.h"

namespace loket::api {
namespace {

using domain::Lane;

// The domain's lanes count from 0, loket.v1's from 1 (0 is UNSPECIFIED); checked at compile time.
LOKET_PROTO_NUMBER_IS(Lane::kPriority, 1, LANE_PRIORITY);
LOKET_PROTO_NUMBER_IS(Lane::kAppointment, 1, LANE_APPOINTMENT);
LOKET_PROTO_NUMBER_IS(Lane::kWalkIn, 1, LANE_WALK_IN);
LOKET_PROTO_NUMBER_IS(Lane::kWalkIn, 1, Lane_MAX);
v1::Lane LaneToProto(Lane l) { return static_cast<v1::Lane>(static_cast<int>(l) + 1); }

v1::TicketState TicketStateToProto(const std::string& s) {
  if (s == "waiting") return v1::TICKET_STATE_WAITING;
  if (s == "called") return v1::TICKET_STATE_CALLED;
  if (s == "done") return v1::TICKET_STATE_DONE;
  if (s == "no_show") return v1::TICKET_STATE_NO_SHOW;
  return v1::TICKET_STATE_UNSPECIFIED;
}

int Minutes(absl::Duration d) { return static_cast<int>(std::ceil(absl::ToDoubleMinutes(d))); }

v1::Ticket ToProto(const store::TicketRecord& t) {
  v1::Ticket p;
  p.set_id(t.id);
  p.set_day(t.day);
  p.set_lane(LaneToProto(t.lane));
  p.set_number(t.number);
  p.set_label(t.label);
  p.set_service(t.service);
  p.set_name(t.name);
  p.set_seated(t.seated);
  p.set_state(TicketStateToProto(t.state));
  p.set_counter_id(t.counter_id);
  p.set_counter_name(t.counter_name);
  p.set_calls(t.calls);
  p.set_skips(t.skips);
  p.set_visit_id(t.visit_id);
  p.set_appointment_id(t.appointment_id);
  p.set_queued_at(FormatUtc(t.queued_at));
  p.set_created_at(FormatUtc(t.created_at));
  if (t.called_at) p.set_called_at(FormatUtc(*t.called_at));
  if (t.finished_at) p.set_finished_at(FormatUtc(*t.finished_at));
  p.set_etag(absl::StrCat(t.version));
  p.set_calls_ahead(t.calls_ahead);
  for (const std::string& n : t.needs) {
    v1::AccessibilityNeed need;
    if (v1::AccessibilityNeed_Parse("ACCESSIBILITY_NEED_" + n, &need)) p.add_needs(need);
  }
  if (t.calls_ahead >= 0 && t.estimated_wait) {
    p.set_estimated_wait_minutes(domain::WaitMinutes(*t.estimated_wait));
  }
  return p;
}

v1::Visit ToProto(const store::VisitRecord& v) {
  v1::Visit p;
  p.set_id(v.id);
  p.set_day(v.day);
  p.set_appointment_id(v.appointment_id);
  p.set_appointment_code(v.appointment_code);
  p.set_case_id(v.case_id);
  p.set_name(v.name);
  p.set_service(v.service);
  p.set_priority_class(static_cast<v1::PriorityClass>(v.priority));
  p.set_seated(v.seated);
  p.mutable_screening()->set_temperature_c(v.screening.temperature_c);
  p.mutable_screening()->set_mask(v.screening.mask);
  p.set_screening_passed(v.screening_passed);
  p.set_screening_note(v.screening_note);
  p.set_arrival(v.arrival);
  p.set_outcome(v.outcome);
  p.set_pickup_stop_id(v.pickup_stop_id);
  p.set_created_at(FormatUtc(v.created_at));
  p.set_outside_hours(v.outside_hours);
  return p;
}

v1::RedirectHandling RedirectToProto(store::Redirect r) {
  return r == store::Redirect::kOnline ? v1::REDIRECT_HANDLING_ONLINE
                                       : v1::REDIRECT_HANDLING_SIBER_PICKUP;
}

v1::QueueBoard ToProto(const store::BoardRecord& b) {
  v1::QueueBoard p;
  p.set_seq(b.seq);
  p.set_day(b.day);
  for (const auto& c : b.counters) {
    v1::CounterStatus* pc = p.add_counters();
    pc->set_id(c.id);
    pc->set_name(c.name);
    pc->set_seated(c.seated);
    pc->set_open(c.open);
    if (c.serving) *pc->mutable_serving() = ToProto(*c.serving);
  }
  for (const auto& t : b.next) *p.add_next() = ToProto(t);
  p.set_waiting_priority(b.waiting[0]);
  p.set_waiting_appointment(b.waiting[1]);
  p.set_waiting_walk_in(b.waiting[2]);
  p.set_mean_service_minutes(Minutes(b.mean_service));
  return p;
}

v1::QueueEvent ToProto(const store::QueueEventRecord& e) {
  v1::QueueEvent p;
  p.set_seq(e.seq);
  p.set_kind(e.kind);
  p.set_ticket_id(e.ticket_id);
  p.set_label(e.label);
  p.set_counter_id(e.counter_id);
  p.set_at(FormatUtc(e.at));
  return p;
}

store::TicketEncoder EncodeTicket() {
  return [](const store::TicketRecord& t) { return ToProto(t).SerializeAsString(); };
}

absl::StatusOr<domain::PriorityClass> PriorityFromProto(v1::PriorityClass p, const char* field) {
  if (p == v1::PRIORITY_CLASS_UNSPECIFIED) return domain::PriorityClass::kNone;
  if (!v1::PriorityClass_IsValid(p)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": unknown value"));
  }
  return static_cast<domain::PriorityClass>(p);
}

}  // namespace

grpc::Status QueueServiceImpl::DoCheckIn(grpc::ServerContextBase* ctx,
                                         const v1::CheckInRequest* req, v1::CheckInResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "QueueService.CheckIn");
  if (!req->has_screening()) {
    return grpc::Status(grpc::INVALID_ARGUMENT,
                        "screening: required (temperature_c and mask, measured at the door)");
  }
  store::CheckInInput in;
  in.screening = {req->screening().temperature_c(), req->screening().mask()};
  in.seated = req->seated();
  if (req->outside_hours_override() != (p.role == domain::Role::kAdmin)) {
    // An admin may check in only to override the hours; only an admin may override them.
    return grpc::Status(grpc::PERMISSION_DENIED,
                        req->outside_hours_override()
                            ? "outside_hours_override: only an admin may issue a walk-in ticket "
                              "outside opening hours"
                            : "an admin checks visitors in only with outside_hours_override");
  }
  in.outside_hours_override = req->outside_hours_override();
  if (req->who_case() == v1::CheckInRequest::kAppointmentCode) {
    in.appointment_code = req->appointment_code();
    if (in.appointment_code.empty()) {
      return grpc::Status(grpc::INVALID_ARGUMENT, "appointment_code: empty");
    }
  } else if (req->who_case() == v1::CheckInRequest::kWalkIn) {
    const v1::WalkIn& w = req->walk_in();
    store::WalkInDetails d;
    d.name = w.name();
    d.phone = w.phone();
    d.language = w.language();  // domain::NormalizeWalkIn: "id" when none was given
    d.service = w.service();
    auto priority = PriorityFromProto(w.priority_class(), "walk_in.priority_class");
    if (!priority.ok()) return ToGrpcStatus(priority.status());
    d.priority = *priority;
    d.case_id = w.case_id();
    d.nik = w.nik();
    in.walk_in = std::move(d);
  } else {
    return grpc::Status(grpc::INVALID_ARGUMENT,
                        "appointment_code: required, or walk_in details for a walk-in");
  }
  return DecodeInto(
      queue_.CheckIn(MakeMutation(*ctx, req->request_id(), "QueueService.CheckIn", p), in,
                     [](const store::CheckInOutcome& o) {
                       v1::CheckInResponse r;
                       *r.mutable_visit() = ToProto(o.visit);
                       if (o.ticket) *r.mutable_ticket() = ToProto(*o.ticket);
                       for (auto a : o.alternatives) {
                         r.add_alternatives(RedirectToProto(a));
                       }
                       return r.SerializeAsString();
                     }),
      resp);
}

grpc::Status QueueServiceImpl::DoRedirectVisit(grpc::ServerContextBase* ctx,
                                               const v1::RedirectVisitRequest* req,
                                               v1::Visit* resp) {
  LOKET_AUTHORIZE(p, ctx, "QueueService.RedirectVisit");
  store::RedirectInput in;
  in.visit_id = req->visit_id();
  if (!req->appointment_code().empty()) {
    if (req->visit_id() != 0) {
      return grpc::Status(grpc::INVALID_ARGUMENT,
                          "appointment_code: give visit_id or appointment_code, not both");
    }
    absl::StatusOr<int64_t> id =
        queue_.VisitIdByAppointmentCode(p.office_id, req->appointment_code());
    if (!id.ok()) return ToGrpcStatus(id.status());
    in.visit_id = *id;
  }
  switch (req->handling()) {
    case v1::REDIRECT_HANDLING_ONLINE:
      in.handling = store::Redirect::kOnline;
      break;
    case v1::REDIRECT_HANDLING_SIBER_PICKUP:
      in.handling = store::Redirect::kSiberPickup;
      break;
    default:
      return grpc::Status(grpc::INVALID_ARGUMENT, "handling: ONLINE or SIBER_PICKUP");
  }
  in.address = req->address();
  in.latitude = req->latitude();
  in.longitude = req->longitude();
  return DecodeInto(queue_.RedirectVisit(
                        MakeMutation(*ctx, req->request_id(), "QueueService.RedirectVisit", p), in,
                        [](const store::VisitRecord& v) { return ToProto(v).SerializeAsString(); }),
                    resp);
}

grpc::Status QueueServiceImpl::DoCallNext(grpc::ServerContextBase* ctx,
                                          const v1::CallNextRequest* req,
                                          v1::CallNextResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "QueueService.CallNext");
  return DecodeInto(
      queue_.CallNext(MakeMutation(*ctx, req->request_id(), "QueueService.CallNext", p),
                      req->counter_id(),
                      [](const std::optional<store::TicketRecord>& t) {
                        v1::CallNextResponse r;
                        if (t) *r.mutable_ticket() = ToProto(*t);
                        return r.SerializeAsString();
                      }),
      resp);
}

grpc::Status QueueServiceImpl::Act(grpc::ServerContextBase* ctx, const v1::TicketActionRequest* req,
                                   const char* method, store::TicketAction action,
                                   v1::Ticket* resp) {
  LOKET_AUTHORIZE(p, ctx, method);
  return DecodeInto(queue_.Act(MakeMutation(*ctx, req->request_id(), method, p), req->ticket_id(),
                               action, EncodeTicket()),
                    resp);
}

grpc::Status QueueServiceImpl::DoRecall(grpc::ServerContextBase* ctx,
                                        const v1::TicketActionRequest* req, v1::Ticket* resp) {
  return Act(ctx, req, "QueueService.Recall", store::TicketAction::kRecall, resp);
}
grpc::Status QueueServiceImpl::DoSkip(grpc::ServerContextBase* ctx,
                                      const v1::TicketActionRequest* req, v1::Ticket* resp) {
  return Act(ctx, req, "QueueService.Skip", store::TicketAction::kSkip, resp);
}
grpc::Status QueueServiceImpl::DoMarkNoShow(grpc::ServerContextBase* ctx,
                                            const v1::TicketActionRequest* req, v1::Ticket* resp) {
  return Act(ctx, req, "QueueService.MarkNoShow", store::TicketAction::kNoShow, resp);
}
grpc::Status QueueServiceImpl::DoFinish(grpc::ServerContextBase* ctx,
                                        const v1::TicketActionRequest* req, v1::Ticket* resp) {
  return Act(ctx, req, "QueueService.Finish", store::TicketAction::kFinish, resp);
}

grpc::Status QueueServiceImpl::DoTransfer(grpc::ServerContextBase* ctx,
                                          const v1::TransferTicketRequest* req, v1::Ticket* resp) {
  LOKET_AUTHORIZE(p, ctx, "QueueService.Transfer");
  return DecodeInto(
      queue_.Transfer(MakeMutation(*ctx, req->request_id(), "QueueService.Transfer", p),
                      req->ticket_id(), req->to_counter_id(), EncodeTicket()),
      resp);
}

grpc::Status QueueServiceImpl::DoGetTicket(grpc::ServerContextBase* ctx,
                                           const v1::GetTicketRequest* req, v1::Ticket* resp) {
  LOKET_AUTHORIZE(p, ctx, "QueueService.GetTicket");
  auto t = queue_.GetTicket(p, req->ticket_id());
  if (!t.ok()) return ToGrpcStatus(t.status());
  *resp = ToProto(*t);
  return grpc::Status::OK;
}

grpc::Status QueueServiceImpl::DoListTickets(grpc::ServerContextBase* ctx,
                                             const v1::ListTicketsRequest* req,
                                             v1::ListTicketsResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "QueueService.ListTickets");
  auto day = DayFromProto(req->day(), "day");
  if (!day.ok()) return ToGrpcStatus(day.status());
  std::string state;
  switch (req->state()) {
    case v1::TICKET_STATE_UNSPECIFIED:
      break;
    case v1::TICKET_STATE_WAITING:
      state = "waiting";
      break;
    case v1::TICKET_STATE_CALLED:
      state = "called";
      break;
    case v1::TICKET_STATE_DONE:
      state = "done";
      break;
    case v1::TICKET_STATE_NO_SHOW:
      state = "no_show";
      break;
    default:
      return grpc::Status(grpc::INVALID_ARGUMENT, "state: unknown value");
  }
  auto tickets = queue_.ListTickets(p, *day, state);
  if (!tickets.ok()) return ToGrpcStatus(tickets.status());
  for (const auto& t : *tickets) {
    v1::Ticket* out = resp->add_tickets();
    *out = ToProto(t);
    ShapeForViewer(*out, p);
  }
  return grpc::Status::OK;
}

grpc::Status QueueServiceImpl::DoListVisits(grpc::ServerContextBase* ctx,
                                            const v1::ListVisitsRequest* req,
                                            v1::ListVisitsResponse* resp) {
  LOKET_AUTHORIZE(p, ctx, "QueueService.ListVisits");
  auto day = DayFromProto(req->day(), "day");
  if (!day.ok()) return ToGrpcStatus(day.status());
  auto visits = queue_.ListVisits(p, *day, req->outcome());
  if (!visits.ok()) return ToGrpcStatus(visits.status());
  for (const auto& v : *visits) *resp->add_visits() = ToProto(v);
  return grpc::Status::OK;
}

grpc::ServerWriteReactor<v1::QueueUpdate>* QueueServiceImpl::WatchQueue(
    grpc::CallbackServerContext* ctx, const v1::WatchQueueRequest* /*req*/) {
  using Step = StreamStep<v1::QueueUpdate>;
  struct Watch {
    std::optional<domain::Principal> p;
    int64_t after = 0;
  };
  auto w = std::make_shared<Watch>();
  // Polling the feed (not in-memory events) keeps replicas stateless: a board may watch through
  // any replica and sees every change, whichever replica made it.
  return PolledStream<v1::QueueUpdate>::Start(ctx, streams_, [this, ctx, w]() -> Step {
    Step step;
    step.wait = watch_poll_;
    // A revoked token or a changed role or scope ends the stream within the token cache period.
    const bool first = !w->p;
    if (absl::Status s = auth_.AuthorizeStream(*ctx, "QueueService.WatchQueue", w->p); !s.ok()) {
      return Step::End(ToGrpcStatus(s));
    }
    const domain::Principal& p = *w->p;
    if (first) {  // an initial board, with every change made before the watch began
      auto seq = queue_.FeedSeq(p.office_id);
      if (!seq.ok()) return Step::End(ToGrpcStatus(seq.status()));
      auto board = SharedBoard(p.office_id, *seq);
      if (!board.ok()) return Step::End(ToGrpcStatus(board.status()));
      w->after = board->seq();
      *step.send.emplace_back().mutable_board() = *std::move(board);
      ShapeForViewer(*step.send.back().mutable_board(), p);
      step.wait = absl::ZeroDuration();
      return step;
    }
    auto events = queue_.EventsAfter(p.office_id, w->after, 200);
    if (!events.ok()) {
      if (!absl::IsUnavailable(events.status())) return Step::End(ToGrpcStatus(events.status()));
      step.wait = watch_poll_ * 4;  // the database comes back by itself; keep watching
      return step;
    }
    if (events->empty()) return step;
    for (size_t i = 0; i < events->size(); ++i) {
      v1::QueueUpdate& u = step.send.emplace_back();
      *u.mutable_event() = ToProto((*events)[i]);
      if (i + 1 == events->size()) {
        auto fresh = SharedBoard(p.office_id, (*events)[i].seq);
        if (fresh.ok()) {
          *u.mutable_board() = *std::move(fresh);
          ShapeForViewer(*u.mutable_board(), p);
        }
      }
      w->after = (*events)[i].seq;
    }
    step.wait = absl::ZeroDuration();  // a full batch may have more behind it
    return step;
  });
}

absl::StatusOr<v1::QueueBoard> QueueServiceImpl::SharedBoard(const std::string& office_id,
                                                             int64_t seq) {
  return boards_.Get(office_id, seq, [&]() -> absl::StatusOr<std::pair<int64_t, v1::QueueBoard>> {
    auto fresh = queue_.Board(office_id);
    if (!fresh.ok()) return fresh.status();
    return std::make_pair(fresh->seq, ToProto(*fresh));
  });
}

}  // namespace loket::api
