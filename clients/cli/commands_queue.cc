// The live office queue (QueueService): `loket office checkin|walk-in|redirect|tickets|ticket`,
// `loket counter next|recall|skip|no-show|transfer|done`, and `loket display`, the board.
#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/cli/command.h"
#include "clients/cli/output.h"
#include "loket/v1/queue.grpc.pb.h"

namespace loket::cli {
namespace {

using QueueStub = v1::QueueService::Stub;

std::unique_ptr<QueueStub> Stub(const Invocation& in) {
  return v1::QueueService::NewStub(in.session().channel());
}

std::string StateName(v1::TicketState s) {
  std::string n = v1::TicketState_Name(s);
  return absl::AsciiStrToLower(n.substr(std::string("TICKET_STATE_").size()));
}

std::string LaneName(v1::Lane l) {
  std::string n = v1::Lane_Name(l);
  return absl::AsciiStrToLower(n.substr(std::string("LANE_").size()));
}

// A ticket as people see it: "P-002" (or p2, P002) is the office's ticket of that lane letter
// and number today (a ticket number is unique per office and day); digits alone are its id.
// Sets `id`, or returns the exit code of the error printed.
std::optional<int> TicketArg(const Invocation& in, int i, int64_t* id) {
  const std::string text = in.arg(i);
  if (absl::SimpleAtoi(text, id) && *id > 0) return std::nullopt;
  auto parse = [](std::string s, char* letter, int* number) {
    s = absl::AsciiStrToUpper(s);
    s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == '-' || c == ' '; }),
            s.end());
    return s.size() >= 2 && absl::ascii_isalpha(s[0]) && (*letter = s[0]) &&
           absl::SimpleAtoi(s.substr(1), number) && *number > 0;
  };
  char letter = 0;
  int number = 0;
  if (!parse(text, &letter, &number)) {
    return in.UsageError(
        absl::StrCat("TICKET: the number on the ticket, e.g. P-002 (or its id), not '", text, "'"));
  }
  auto stub = Stub(in);
  v1::ListTicketsResponse reply;
  grpc::Status status = in.session().Call([&](grpc::ClientContext& ctx) {
    return stub->ListTickets(&ctx, v1::ListTicketsRequest(), &reply);
  });
  if (!status.ok()) return in.ServerError(status);
  for (const auto& t : reply.tickets()) {
    char l = 0;
    int n = 0;
    if (parse(t.label(), &l, &n) && l == letter && n == number) {
      *id = t.id();
      return std::nullopt;
    }
  }
  return in.ServerError(grpc::Status(grpc::NOT_FOUND, absl::StrCat("no ticket ", text, " today")));
}

// "~12 min", or "wait unknown" while no counter has a measured service time.
std::string WaitText(const v1::Ticket& t) {
  if (!t.has_estimated_wait_minutes()) return "wait unknown";
  return absl::StrCat("~", t.estimated_wait_minutes(), " min");
}

// "  [needs: wheelchair, sign language]", or "" without any.
std::string NeedsText(const v1::Ticket& t) {
  std::vector<std::string> names;
  for (int n : t.needs()) {
    std::string name = v1::AccessibilityNeed_Name(static_cast<v1::AccessibilityNeed>(n));
    name = absl::AsciiStrToLower(name.substr(std::string("ACCESSIBILITY_NEED_").size()));
    std::replace(name.begin(), name.end(), '_', ' ');
    names.push_back(name);
  }
  return names.empty() ? "" : absl::StrCat("  [needs: ", absl::StrJoin(names, ", "), "]");
}

std::string FormatTicket(const v1::Ticket& t) {
  std::string line =
      absl::StrFormat("%-6s #%-5d %-11s %-8s %-12s %s", t.label(), t.id(), LaneName(t.lane()),
                      StateName(t.state()), t.service(), t.name());
  if (t.seated()) absl::StrAppend(&line, "  [seated]");
  absl::StrAppend(&line, NeedsText(t));
  if (!t.counter_id().empty()) {
    absl::StrAppend(&line, t.state() == v1::TICKET_STATE_WAITING ? "  sent to " : "  at ",
                    t.counter_id());
  }
  if (t.state() == v1::TICKET_STATE_WAITING) {
    absl::StrAppend(&line, "  ", t.calls_ahead(), " ahead, ", WaitText(t));
  }
  return line + "\n";
}

std::string FormatVisit(const v1::Visit& v) {
  std::string s = absl::StrFormat("Visit %d: %s, %s, %.1f °C, %s, %s\n", v.id(), v.name(),
                                  v.service(), v.screening().temperature_c(),
                                  v.screening().mask() ? "masked" : "no mask", v.outcome());
  if (!v.appointment_code().empty()) {
    absl::StrAppend(&s, "  appointment ", v.appointment_code(), " (", v.arrival(), ")\n");
  }
  if (!v.screening_passed()) absl::StrAppend(&s, "  screening failed: ", v.screening_note(), "\n");
  if (v.outside_hours()) absl::StrAppend(&s, "  let in outside opening hours (admin override)\n");
  if (v.pickup_stop_id() != 0) {
    absl::StrAppend(&s, "  SIBER pickup stop ", v.pickup_stop_id(), " for case ", v.case_id(),
                    "\n");
  }
  return s;
}

absl::StatusOr<v1::Screening> ScreeningFlags(const Invocation& in) {
  v1::Screening s;
  double temp = 0;
  if (!absl::SimpleAtod(in.args().Get("temp"), &temp)) {
    return absl::InvalidArgumentError("--temp: the measured temperature in °C, e.g. 36.6");
  }
  s.set_temperature_c(temp);
  std::string mask = absl::AsciiStrToLower(in.args().Get("mask"));
  if (mask != "yes" && mask != "no") return absl::InvalidArgumentError("--mask: yes or no");
  s.set_mask(mask == "yes");
  return s;
}

int CheckIn(const Invocation& in, v1::CheckInRequest req) {
  absl::StatusOr<v1::Screening> screening = ScreeningFlags(in);
  if (!screening.ok()) return in.UsageError(screening.status().message());
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  req.set_request_id(*request_id);
  *req.mutable_screening() = *screening;
  req.set_seated(in.args().Has("seated"));
  req.set_outside_hours_override(in.args().Has("outside-hours"));
  auto stub = Stub(in);
  v1::CheckInResponse reply;
  grpc::Status status =
      in.session().Call([&](grpc::ClientContext& ctx) { return stub->CheckIn(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  std::string human = FormatVisit(reply.visit());
  if (reply.has_ticket()) {
    absl::StrAppend(&human, "Ticket ", reply.ticket().label(), " (#", reply.ticket().id(), "), ",
                    reply.ticket().calls_ahead(), " ahead, ", WaitText(reply.ticket()), ".",
                    NeedsText(reply.ticket()), "\n");
  } else {
    std::vector<std::string> alt;
    for (int a : reply.alternatives()) {
      alt.push_back(a == v1::REDIRECT_HANDLING_ONLINE ? "online" : "siber");
    }
    absl::StrAppend(&human, "No ticket. Offer: ", absl::StrJoin(alt, " or "),
                    " (loket office redirect ", reply.visit().id(), " --handling ...)\n");
  }
  return in.Reply(reply, human);
}

int CheckInByCode(const Invocation& in) {
  v1::CheckInRequest req;
  req.set_appointment_code(in.arg(0));
  return CheckIn(in, std::move(req));
}

int WalkIn(const Invocation& in) {
  v1::CheckInRequest req;
  v1::WalkIn* w = req.mutable_walk_in();
  w->set_name(in.args().Get("name"));
  w->set_service(in.args().Get("service"));
  w->set_phone(in.args().Get("phone"));
  w->set_language(in.args().Get("language"));
  std::string priority = absl::AsciiStrToUpper(in.args().Get("priority", "none"));
  v1::PriorityClass p;
  if (!v1::PriorityClass_Parse("PRIORITY_CLASS_" + priority, &p)) {
    return in.UsageError("--priority: none, elderly, disability or health_worker");
  }
  w->set_priority_class(p);
  if (in.args().Has("case")) {
    absl::StatusOr<int64_t> id = ParsePositive("--case", in.args().Get("case"));
    if (!id.ok()) return in.UsageError(id.status().message());
    w->set_case_id(*id);
    w->set_nik(in.args().Get("nik"));
  }
  return CheckIn(in, std::move(req));
}

int Redirect(const Invocation& in) {
  v1::RedirectVisitRequest req;
  // The visit's id ("Visit 12: ..."), or the appointment code the visitor shows.
  int64_t id = 0;
  if (absl::SimpleAtoi(in.arg(0), &id) && id > 0) {
    req.set_visit_id(id);
  } else {
    req.set_appointment_code(in.arg(0));
  }
  std::string h = absl::AsciiStrToLower(in.args().Get("handling"));
  if (h == "online") {
    req.set_handling(v1::REDIRECT_HANDLING_ONLINE);
  } else if (h == "siber") {
    req.set_handling(v1::REDIRECT_HANDLING_SIBER_PICKUP);
  } else {
    return in.UsageError("--handling: online or siber");
  }
  req.set_address(in.args().Get("address"));
  double lat = 0, lon = 0;
  if ((in.args().Has("lat") && !absl::SimpleAtod(in.args().Get("lat"), &lat)) ||
      (in.args().Has("lon") && !absl::SimpleAtod(in.args().Get("lon"), &lon))) {
    return in.UsageError("--lat/--lon: decimal degrees, e.g. -1.2654 116.8312");
  }
  req.set_latitude(lat);
  req.set_longitude(lon);
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  req.set_request_id(*request_id);
  auto stub = Stub(in);
  v1::Visit reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->RedirectVisit(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, FormatVisit(reply));
}

int ListTickets(const Invocation& in) {
  v1::ListTicketsRequest req;
  req.set_day(in.args().Get("day"));
  std::string state = absl::AsciiStrToUpper(in.args().Get("state"));
  if (!state.empty()) {
    v1::TicketState s;
    if (!v1::TicketState_Parse("TICKET_STATE_" + state, &s)) {
      return in.UsageError("--state: waiting, called, done or no_show");
    }
    req.set_state(s);
  }
  auto stub = Stub(in);
  v1::ListTicketsResponse reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->ListTickets(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  std::string human;
  for (const auto& t : reply.tickets()) human += FormatTicket(t);
  if (human.empty()) human = "No tickets.\n";
  return in.Reply(reply, human);
}

int ShowTicket(const Invocation& in) {
  int64_t id = 0;
  if (std::optional<int> err = TicketArg(in, 0, &id)) return *err;
  v1::GetTicketRequest req;
  req.set_ticket_id(id);
  auto stub = Stub(in);
  v1::Ticket reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->GetTicket(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, FormatTicket(reply));
}

int Next(const Invocation& in) {
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  v1::CallNextRequest req;
  req.set_request_id(*request_id);
  req.set_counter_id(in.args().Get("counter"));
  auto stub = Stub(in);
  v1::CallNextResponse reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->CallNext(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  if (!reply.has_ticket()) return in.Reply(reply, "Nobody is waiting for this counter.\n");
  return in.Reply(reply, absl::StrCat("Calling ", reply.ticket().label(), " to ", req.counter_id(),
                                      ".\n", FormatTicket(reply.ticket())));
}

using ActRpc = grpc::Status (QueueStub::*)(grpc::ClientContext*, const v1::TicketActionRequest&,
                                           v1::Ticket*);

Command ActCommand(const char* name, const char* help, ActRpc rpc) {
  return {name, "TICKET [--request-id UUID]", help, [rpc](const Invocation& in) {
            absl::StatusOr<std::string> request_id = in.RequestId();
            if (!request_id.ok()) return in.UsageError(request_id.status().message());
            int64_t id = 0;
            if (std::optional<int> err = TicketArg(in, 0, &id)) return *err;
            v1::TicketActionRequest req;
            req.set_request_id(*request_id);
            req.set_ticket_id(id);
            auto stub = Stub(in);
            v1::Ticket reply;
            grpc::Status status = in.session().Call(
                [&](grpc::ClientContext& ctx) { return ((*stub).*rpc)(&ctx, req, &reply); });
            if (!status.ok()) return in.ServerError(status);
            return in.Reply(reply, FormatTicket(reply));
          }};
}

int Transfer(const Invocation& in) {
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  int64_t id = 0;
  if (std::optional<int> err = TicketArg(in, 0, &id)) return *err;
  v1::TransferTicketRequest req;
  req.set_request_id(*request_id);
  req.set_ticket_id(id);
  req.set_to_counter_id(in.args().Get("to"));
  auto stub = Stub(in);
  v1::Ticket reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->Transfer(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, FormatTicket(reply));
}

std::string FormatBoard(const v1::QueueBoard& b) {
  std::string s =
      absl::StrFormat("DPMPTSP  antrean %s                     (#%d)\n", b.day(), b.seq());
  absl::StrAppend(&s, "\nSEKARANG DILAYANI / NOW SERVING\n");
  for (const auto& c : b.counters()) {
    std::string serving = !c.open()         ? "(tutup / closed)"
                          : c.has_serving() ? c.serving().label()
                                            : "-";
    absl::StrAppend(&s,
                    absl::StrFormat("  %-5s %-28s %-8s%s\n", c.id(), c.name(), serving,
                                    c.has_serving() && c.serving().seated() ? "  [duduk]" : ""));
  }
  absl::StrAppend(&s, "\nBERIKUTNYA / NEXT\n");
  if (b.next().empty()) absl::StrAppend(&s, "  -\n");
  for (const auto& t : b.next()) {
    absl::StrAppend(&s, absl::StrFormat("  %-6s %s%s%s\n", t.label(),
                                        t.has_estimated_wait_minutes()
                                            ? absl::StrCat("~", t.estimated_wait_minutes(), " min")
                                            : "?",
                                        t.seated() ? "  [duduk]" : "",
                                        t.counter_id().empty() ? "" : "  -> " + t.counter_id()));
  }
  absl::StrAppend(
      &s, absl::StrFormat("\nMenunggu / waiting: prioritas %d, janji %d, langsung %d\n",
                          b.waiting_priority(), b.waiting_appointment(), b.waiting_walk_in()));
  return s;
}

// The board: one frame with --once, else redrawn on every change until interrupted. A dropped
// stream reconnects (a fresh snapshot comes first, so nothing is stale).
int Display(const Invocation& in) {
  auto stub = Stub(in);
  const bool once = in.args().Has("once");
  for (int retry = 0;;) {
    grpc::ClientContext ctx;
    in.session().Prepare(ctx, /*with_deadline=*/once);
    std::unique_ptr<grpc::ClientReader<v1::QueueUpdate>> reader =
        stub->WatchQueue(&ctx, v1::WatchQueueRequest());
    v1::QueueUpdate u;
    std::string last_call;
    while (reader->Read(&u)) {
      retry = 0;
      if (u.has_event() && (u.event().kind() == "called" || u.event().kind() == "recalled")) {
        last_call =
            absl::StrCat(">>> ", u.event().label(), " ke / to ", u.event().counter_id(), " <<<\n");
      }
      if (!u.has_board()) continue;
      if (in.json()) {
        std::cout << ToJson(u) << "\n" << std::flush;
      } else {
        // Clear the terminal and draw from the top, unless printing one frame for a script.
        if (!once) std::cout << "\033[H\033[2J";
        std::cout << FormatBoard(u.board()) << (last_call.empty() ? "" : "\n" + last_call)
                  << std::flush;
      }
      if (once) {
        ctx.TryCancel();
        return kExitOk;
      }
    }
    grpc::Status status = reader->Finish();
    // A live board on a TV keeps trying (loketd restarts, a busy replica); one frame gives up.
    if (!IsRetryable(status.error_code()) || (once && retry == kMaxRetries)) {
      return in.ServerError(status);
    }
    const absl::Duration wait = Backoff(std::min(retry++, kMaxRetries));
    // Said on stderr, so whoever looks at the screen (or its log) knows why it is not moving; the
    // next board clears it.
    std::cerr << "loket display: " << status.error_message() << " (code "
              << static_cast<int>(status.error_code()) << "); mencoba lagi / retrying in "
              << absl::FormatDuration(wait) << "\n";
    absl::SleepFor(wait);
  }
}

}  // namespace

std::vector<Command> QueueCommands() {
  return {
      {"office checkin", "CODE --temp C --mask yes|no [--seated] [--request-id UUID]",
       "check an appointment in at the door with its screening; issues a ticket", CheckInByCode},
      {"office walk-in",
       "--name NAME --service CODE --temp C --mask yes|no [--priority P] [--phone P] "
       "[--language L] [--case ID --nik NIK] [--seated] [--outside-hours] [--request-id UUID]",
       "check a walk-in in with the screening; issues a ticket during opening hours "
       "(--outside-hours: an admin's override, recorded on the visit)",
       WalkIn},
      {"office redirect",
       "VISIT --handling online|siber [--address A] [--lat X] [--lon Y] [--request-id UUID]",
       "after a failed screening: continue online, or a SIBER pickup of the documents (VISIT: "
       "the visit's id or the appointment code, e.g. K7MA4Q)",
       Redirect},
      {"office tickets", "[--state S] [--day YYYY-MM-DD]", "the day's tickets with waits",
       ListTickets},
      {"office ticket", "TICKET",
       "one ticket with its estimated wait (TICKET: today's number as printed, e.g. P-002, or its "
       "id; so for every counter command)",
       ShowTicket},
      {"counter next", "--counter C [--request-id UUID]", "call the next ticket to a counter",
       Next},
      ActCommand("counter recall", "call a ticket again", &QueueStub::Recall),
      ActCommand("counter skip", "not here yet: back to the end of its lane", &QueueStub::Skip),
      ActCommand("counter no-show", "the visitor did not come", &QueueStub::MarkNoShow),
      ActCommand("counter done", "the visitor has been served", &QueueStub::Finish),
      {"counter transfer", "TICKET --to C [--request-id UUID]",
       "send a called ticket to another counter, served there first", Transfer},
      {"display", "[--once]", "the display board: now serving, next, per counter (live)", Display},
  };
}

}  // namespace loket::cli
