// SIBER commands: `loket courier ...` on a courier's phone (today's route, arrive, pickup, deliver,
// fail), `loket office stops|plan|custody` and `loket clinic custody` for the office and clinics,
// and `loket admin courier ...` for the fleet. The server keeps each courier to their own stops.
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "clients/cli/command.h"
#include "clients/cli/enum_names.h"
#include "clients/cli/output.h"
#include "common/sha256.h"
#include "loket/v1/courier.grpc.pb.h"

namespace loket::cli {
namespace {

using Stub = v1::CourierService::Stub;

std::unique_ptr<Stub> NewStub(const Invocation& in) {
  return v1::CourierService::NewStub(in.session().channel());
}

// "2026-03-17T02:12:00.000Z" as local "10:12" at the office's offset; "-" when empty.
std::string Clock(const std::string& utc, int offset_minutes) {
  if (utc.empty()) return "-";
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, utc, &t, &err)) return utc;
  return absl::FormatTime("%H:%M", t, absl::FixedTimeZone(offset_minutes * 60));
}

std::string FormatStopLine(const v1::Stop& s, int offset) {
  std::string what = absl::StrCat(s.item(), " of case ", s.case_id(), " (", s.permit_type(),
                                  s.applicant_name().empty() ? "" : ", ", s.applicant_name(), ")");
  if (!s.permit_number().empty() && s.item() == "permit")
    absl::StrAppend(&what, " ", s.permit_number());
  std::string line = absl::StrFormat(
      "%3s  %-6d %-8s %5s-%-5s %5s  %-9s %s: %s", s.sequence() ? absl::StrCat(s.sequence()) : "-",
      s.id(), absl::AsciiStrToLower(EnumName(s.kind())), Clock(s.window_start(), offset),
      Clock(s.window_end(), offset), Clock(s.planned_at(), offset), EnumName(s.state()), s.place(),
      what);
  if (!s.address().empty())
    absl::StrAppend(&line, "\n                                              ", s.address());
  if (!s.failure_reason().empty()) absl::StrAppend(&line, "  [", s.failure_reason(), "]");
  if (!s.receiver_name().empty()) absl::StrAppend(&line, "  [received: ", s.receiver_name(), "]");
  return line;
}

constexpr absl::string_view kStopHeader =
    "  #  stop   kind     window      plan   state     place: what\n";

std::string FormatPlan(const v1::DayPlan& p) {
  bool current = p.planned_version() == p.input_version() && p.input_version() > 0;
  return absl::StrFormat(
      "Plan for %s: %s, %.1f km, %d unassigned%s\n", p.day(),
      p.planned_version() == 0 ? "not planned yet"
      : current                ? "current"
                               : "being re-planned",
      p.distance_m() / 1000, p.unassigned(),
      p.planned_at().empty()
          ? ""
          : absl::StrCat(" (planned ", Clock(p.planned_at(), p.utc_offset_minutes()), ")"));
}

int Route(const Invocation& in) {
  v1::GetRouteRequest req;
  req.set_day(in.args().Get("day"));
  if (in.args().Has("courier")) {
    absl::StatusOr<int64_t> id = ParsePositive("--courier", in.args().Get("courier"));
    if (!id.ok()) return in.UsageError(id.status().message());
    req.set_courier_id(*id);
  }
  v1::GetRouteResponse reply;
  auto stub = NewStub(in);
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->GetRoute(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  int offset = reply.plan().utc_offset_minutes();
  std::string out =
      absl::StrFormat("Route of %s (courier %d, %d bundles at once)\n", reply.courier().name(),
                      reply.courier().id(), reply.courier().capacity());
  absl::StrAppend(&out, FormatPlan(reply.plan()));
  if (reply.stops().empty()) {
    absl::StrAppend(&out, "No stops.\n");
  } else {
    absl::StrAppend(&out, kStopHeader);
    for (const auto& s : reply.stops()) absl::StrAppend(&out, FormatStopLine(s, offset), "\n");
  }
  return in.Reply(reply, out);
}

int StopReply(const Invocation& in, const grpc::Status& status, const v1::Stop& stop,
              absl::string_view done) {
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(stop,
                  absl::StrCat("Stop ", stop.id(), " ", done, ": ", stop.place(), ", ", stop.item(),
                               " of case ", stop.case_id(), " (", EnumName(stop.state()), ")\n"));
}

int Arrive(const Invocation& in) {
  absl::StatusOr<int64_t> id = in.IdArg(0);
  if (!id.ok()) return in.UsageError(id.status().message());
  absl::StatusOr<std::string> rid = in.RequestId();
  if (!rid.ok()) return in.UsageError(rid.status().message());
  v1::ArriveAtStopRequest req;
  req.set_request_id(*rid);
  req.set_stop_id(*id);
  v1::Stop reply;
  auto stub = NewStub(in);
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->ArriveAtStop(&ctx, req, &reply); });
  return StopReply(in, status, reply, "arrived");
}

// pickup (taking) and deliver (handing over): receiver and proof of the hand-over.
int Confirm(const Invocation& in, bool taking) {
  absl::StatusOr<int64_t> id = in.IdArg(0);
  if (!id.ok()) return in.UsageError(id.status().message());
  const Args& a = in.args();
  std::string proof = a.Get("proof-sha256");
  if (a.Has("proof-file") == a.Has("proof-sha256")) {
    return in.UsageError(
        "give the proof: --proof-file PATH (signature or photo) or --proof-sha256 HEX");
  }
  if (a.Has("proof-file")) {
    std::ifstream f(a.Get("proof-file"), std::ios::binary);
    if (!f) return in.UsageError(absl::StrCat("--proof-file: cannot read ", a.Get("proof-file")));
    std::stringstream ss;
    ss << f.rdbuf();
    proof = Sha256Hex(ss.str());
  }
  absl::StatusOr<std::string> rid = in.RequestId();
  if (!rid.ok()) return in.UsageError(rid.status().message());
  v1::ConfirmStopRequest req;
  req.set_request_id(*rid);
  req.set_stop_id(*id);
  req.set_receiver_name(a.Get("receiver"));
  req.set_proof_sha256(proof);
  req.set_taking(taking);
  v1::Stop reply;
  auto stub = NewStub(in);
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->ConfirmStop(&ctx, req, &reply); });
  return StopReply(in, status, reply, taking ? "picked up" : "handed over");
}

int Fail(const Invocation& in) {
  absl::StatusOr<int64_t> id = in.IdArg(0);
  if (!id.ok()) return in.UsageError(id.status().message());
  v1::FailStopRequest req;
  v1::StopFailureReason reason = v1::STOP_FAILURE_REASON_UNSPECIFIED;
  if (absl::Status s = ParseEnum("reason", in.args().Get("reason"), &reason); !s.ok()) {
    return in.UsageError(s.message());
  }
  absl::StatusOr<std::string> rid = in.RequestId();
  if (!rid.ok()) return in.UsageError(rid.status().message());
  req.set_request_id(*rid);
  req.set_stop_id(*id);
  req.set_reason(reason);
  req.set_note(in.args().Get("note"));
  v1::Stop reply;
  auto stub = NewStub(in);
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->FailStop(&ctx, req, &reply); });
  return StopReply(in, status, reply, "failed; it is planned again");
}

int CancelStop(const Invocation& in) {
  absl::StatusOr<int64_t> id = in.IdArg(0);
  if (!id.ok()) return in.UsageError(id.status().message());
  absl::StatusOr<std::string> rid = in.RequestId();
  if (!rid.ok()) return in.UsageError(rid.status().message());
  v1::CancelStopRequest req;
  req.set_request_id(*rid);
  req.set_stop_id(*id);
  req.set_reason(in.args().Get("reason"));
  v1::Stop reply;
  auto stub = NewStub(in);
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->CancelStop(&ctx, req, &reply); });
  return StopReply(in, status, reply, "cancelled; the case's history keeps the reason");
}

int Stops(const Invocation& in) {
  v1::ListStopsRequest req;
  req.set_day(in.args().Get("day"));
  if (in.args().Has("state")) {
    v1::StopState state = v1::STOP_STATE_UNSPECIFIED;
    if (absl::Status s = ParseEnum("state", in.args().Get("state"), &state); !s.ok()) {
      return in.UsageError(s.message());
    }
    req.set_state(state);
  }
  if (in.args().Has("case")) {
    absl::StatusOr<int64_t> id = ParsePositive("--case", in.args().Get("case"));
    if (!id.ok()) return in.UsageError(id.status().message());
    req.set_case_id(*id);
  }
  v1::ListStopsResponse reply;
  auto stub = NewStub(in);
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->ListStops(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  int offset = reply.plan().utc_offset_minutes();
  if (req.case_id() != 0 && req.day().empty()) {
    // A case's stops may be on several days: name each stop's day.
    std::string out = absl::StrCat("Stops of case ", req.case_id(), ":\n");
    for (const auto& s : reply.stops()) {
      absl::StrAppend(
          &out, s.day(), " ", FormatStopLine(s, offset),
          s.courier_name().empty() ? "" : absl::StrCat("  [courier ", s.courier_name(), "]"),
          s.cancel_reason().empty() ? "" : absl::StrCat("  [cancelled: ", s.cancel_reason(), "]"),
          "\n");
    }
    if (reply.stops().empty()) absl::StrAppend(&out, "No stops.\n");
    return in.Reply(reply, out);
  }
  std::string out = FormatPlan(reply.plan());
  int64_t courier = -1;
  for (const auto& s : reply.stops()) {
    if (s.courier_id() != courier) {
      courier = s.courier_id();
      absl::StrAppend(&out,
                      courier ? absl::StrCat("Courier ", s.courier_name(), " (", courier, ")")
                              : std::string("Not on a route"),
                      ":\n", kStopHeader);
    }
    absl::StrAppend(&out, FormatStopLine(s, offset), "\n");
  }
  if (reply.stops().empty()) absl::StrAppend(&out, "No stops.\n");
  return in.Reply(reply, out);
}

int Plan(const Invocation& in) {
  absl::StatusOr<std::string> rid = in.RequestId();
  if (!rid.ok()) return in.UsageError(rid.status().message());
  v1::PlanDayRequest req;
  req.set_request_id(*rid);
  req.set_day(in.args().Get("day"));
  v1::DayPlan reply;
  auto stub = NewStub(in);
  grpc::Status status =
      in.session().Call([&](grpc::ClientContext& ctx) { return stub->PlanDay(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, absl::StrCat("Asked the router to plan ", reply.day(), " (input v",
                                      reply.input_version(), ").\n"));
}

int Custody(const Invocation& in) {
  absl::StatusOr<int64_t> id = in.IdArg(0);
  if (!id.ok()) return in.UsageError(id.status().message());
  v1::GetCustodyRequest req;
  req.set_case_id(*id);
  v1::GetCustodyResponse reply;
  auto stub = NewStub(in);
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->GetCustody(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  std::string out = absl::StrCat("Custody of the paper bundles of case ", reply.case_id(),
                                 reply.complete() ? "" : " (the chain has a gap)", ":\n");
  if (reply.periods().empty()) absl::StrAppend(&out, "No hand-over recorded yet.\n");
  for (const auto& p : reply.periods()) {
    absl::StrAppend(
        &out, absl::StrFormat(
                  "  %-9s %-26s %-24s -> %-24s%s\n", p.item(), p.holder(),
                  p.from().empty() ? "(before)" : OfficeTime(p.from()),
                  p.until().empty() ? "(holds it now)" : OfficeTime(p.until()),
                  p.received_by().empty() ? "" : absl::StrCat("  signed: ", p.received_by())));
  }
  return in.Reply(reply, out);
}

std::string FormatCourier(const v1::Courier& c) {
  return absl::StrFormat("%-5d %-28s %-15s %3d bundles  %s-%s%s\n", c.id(), c.name(), c.phone(),
                         c.capacity(), c.shift_starts(), c.shift_ends(),
                         c.active() ? "" : "  inactive");
}

int CourierAdd(const Invocation& in) {
  const Args& a = in.args();
  absl::StatusOr<int64_t> principal = ParsePositive("--principal", a.Get("principal"));
  if (!principal.ok()) return in.UsageError(principal.status().message());
  int capacity = 0;
  if (!absl::SimpleAtoi(a.Get("capacity"), &capacity)) {
    return in.UsageError("--capacity: a number of document bundles");
  }
  absl::StatusOr<std::string> rid = in.RequestId();
  if (!rid.ok()) return in.UsageError(rid.status().message());
  v1::CreateCourierRequest req;
  req.set_request_id(*rid);
  req.set_principal_id(*principal);
  req.set_name(a.Get("name"));
  req.set_phone(a.Get("phone"));
  req.set_capacity(capacity);
  if (a.Has("shift")) {
    std::vector<std::string> parts = absl::StrSplit(a.Get("shift"), '-');
    if (parts.size() != 2) return in.UsageError("--shift: HH:MM-HH:MM, e.g. 08:00-16:00");
    req.set_shift_starts(parts[0]);
    req.set_shift_ends(parts[1]);
  }
  v1::Courier reply;
  auto stub = NewStub(in);
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->CreateCourier(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, FormatCourier(reply));
}

int CourierShift(const Invocation& in) {
  const Args& a = in.args();
  absl::StatusOr<int64_t> id = in.IdArg(0);
  if (!id.ok()) return in.UsageError(id.status().message());
  if (a.Has("off") == (a.Has("from") || a.Has("to"))) {
    return in.UsageError("give --from HH:MM --to HH:MM, or --off");
  }
  absl::StatusOr<std::string> rid = in.RequestId();
  if (!rid.ok()) return in.UsageError(rid.status().message());
  v1::SetShiftRequest req;
  req.set_request_id(*rid);
  req.set_courier_id(*id);
  req.set_day(a.Get("day"));
  req.set_off(a.Has("off"));
  req.set_starts(a.Get("from"));
  req.set_ends(a.Get("to"));
  v1::Courier reply;
  auto stub = NewStub(in);
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->SetShift(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(
      reply, absl::StrCat("Shift of ", reply.name(), " on ", req.day(), ": ",
                          req.off() ? "off" : absl::StrCat(req.starts(), "-", req.ends()), "\n"));
}

int CourierList(const Invocation& in) {
  v1::ListCouriersResponse reply;
  auto stub = NewStub(in);
  grpc::Status status = in.session().Call([&](grpc::ClientContext& ctx) {
    return stub->ListCouriers(&ctx, v1::ListCouriersRequest(), &reply);
  });
  if (!status.ok()) return in.ServerError(status);
  std::string out;
  for (const auto& c : reply.couriers()) absl::StrAppend(&out, FormatCourier(c));
  if (out.empty()) out = "No couriers.\n";
  return in.Reply(reply, out);
}

constexpr absl::string_view kProofFlags =
    "--receiver NAME [--proof-file PATH] [--proof-sha256 HEX] [--request-id UUID]";

}  // namespace

std::vector<Command> CourierCommands() {
  return {
      {"courier route", "[--day YYYY-MM-DD] [--courier ID]",
       "your stops for the day in order, with time windows and what to collect", Route},
      {"courier arrive", "STOP [--request-id UUID]", "you are at the stop", Arrive},
      {"courier pickup", std::string("STOP ") + std::string(kProofFlags),
       "you took the bundle (clinic's documents, or a permit at the office)",
       [](const Invocation& in) { return Confirm(in, true); }},
      {"courier deliver", std::string("STOP ") + std::string(kProofFlags),
       "you handed the bundle over (at the office, or the permit at the clinic)",
       [](const Invocation& in) { return Confirm(in, false); }},
      {"courier fail",
       "STOP --reason clinic-closed|documents-not-ready|nobody-to-receive|address-not-found|other "
       "[--note TEXT] [--request-id UUID]",
       "the stop could not be done; it is planned again", Fail},
      {"office stops", "[--day YYYY-MM-DD] [--state S] [--case ID]",
       "SIBER stops of a day by courier, with the plan's state", Stops},
      {"office cancel-stop", "STOP --reason TEXT [--request-id UUID]",
       "take a courier's stop (and the other end of its bundle) off the list, with a reason",
       CancelStop},
      {"office plan", "[--day YYYY-MM-DD] [--request-id UUID]",
       "ask the router for a fresh plan of the day now", Plan},
      {"office custody", "CASE", "who held a case's paper originals and permit, and when", Custody},
      {"clinic custody", "CASE", "who holds your case's papers, and since when", Custody},
      {"admin courier add",
       "--principal ID --name NAME --capacity N [--phone P] [--shift HH:MM-HH:MM] "
       "[--request-id UUID]",
       "make a courier principal a courier with a vehicle capacity and usual shift", CourierAdd},
      {"admin courier shift",
       "COURIER --day YYYY-MM-DD [--from HH:MM] [--to HH:MM] [--off] [--request-id UUID]",
       "a courier's hours on one day (or a day off)", CourierShift},
      {"admin courier list", "", "the couriers and their usual shifts", CourierList},
  };
}

}  // namespace loket::cli
