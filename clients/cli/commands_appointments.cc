// Spontan appointments: `loket office appointments ...`, `loket clinic book` and
// `loket admin calendar ...` (AppointmentService). Windows and hours are typed in office time
// (WITA, UTC+8) and sent as UTC.
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "clients/cli/command.h"
#include "clients/cli/enum_names.h"
#include "loket/v1/appointment.grpc.pb.h"

namespace loket::cli {
namespace {

using Stub = v1::AppointmentService::Stub;

constexpr int kOfficeOffsetMinutes = 480;  // WITA; the demo office's zone

std::unique_ptr<Stub> NewStub(const Invocation& in) {
  return v1::AppointmentService::NewStub(in.session().channel());
}

absl::TimeZone OfficeZone() { return absl::FixedTimeZone(kOfficeOffsetMinutes * 60); }

std::string Local(const std::string& rfc3339, const char* fmt) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) return rfc3339;
  return absl::FormatTime(fmt, t, OfficeZone());
}

std::string StateName(v1::AppointmentRequestState s) {
  std::string n = v1::AppointmentRequestState_Name(s);
  return absl::AsciiStrToLower(n.substr(std::string("APPOINTMENT_REQUEST_STATE_").size()));
}

std::string FormatRequest(const v1::AppointmentRequest& r) {
  std::string out =
      absl::StrFormat("Request #%d  %-10s %s  %s  %s (%s)\n", r.id(), StateName(r.state()), r.day(),
                      r.service(), r.applicant().name(), Name(r.applicant().priority_class()));
  std::vector<std::string> ws;
  for (const auto& w : r.windows()) {
    ws.push_back(absl::StrCat(Local(w.starts_at(), "%H:%M"), "-", Local(w.ends_at(), "%H:%M")));
  }
  absl::StrAppend(&out, "  windows: ", absl::StrJoin(ws, ", "), r.flexible() ? " (or any)" : "",
                  "\n");
  if (r.has_appointment()) {
    absl::StrAppend(&out, "  appointment ", r.appointment().code(), " at ",
                    Local(r.appointment().starts_at(), "%Y-%m-%d %H:%M"), "-",
                    Local(r.appointment().ends_at(), "%H:%M"), " WITA (", r.appointment().state(),
                    ", choice ", r.appointment().choice_rank() + 1, ")\n");
  }
  absl::StrAppend(&out, "  etag ", r.etag(), "\n");
  return out;
}

// "--day 2026-03-18 --windows 09:00-11:00,13:00-14:00" (office time) into UTC windows.
absl::Status ParseWindows(const Args& a, google::protobuf::RepeatedPtrField<v1::TimeWindow>* out) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(a.Get("day"), &day))
    return absl::InvalidArgumentError("--day: YYYY-MM-DD");
  for (absl::string_view w : absl::StrSplit(a.Get("windows"), ',', absl::SkipWhitespace())) {
    std::vector<std::string> ends = absl::StrSplit(absl::StripAsciiWhitespace(w), '-');
    int m[2];
    for (int i = 0; i < 2 && ends.size() == 2; ++i) {
      std::vector<std::string> hm = absl::StrSplit(ends[i], ':');
      int h = 0, mi = 0;
      if (hm.size() != 2 || !absl::SimpleAtoi(hm[0], &h) || !absl::SimpleAtoi(hm[1], &mi)) {
        return absl::InvalidArgumentError("--windows: HH:MM-HH:MM[,HH:MM-HH:MM...]");
      }
      m[i] = h * 60 + mi;
    }
    if (ends.size() != 2) return absl::InvalidArgumentError("--windows: HH:MM-HH:MM[,...]");
    v1::TimeWindow* tw = out->Add();
    absl::Time midnight = absl::FromCivil(day, OfficeZone());
    tw->set_starts_at(
        absl::FormatTime(absl::RFC3339_sec, midnight + absl::Minutes(m[0]), absl::UTCTimeZone()));
    tw->set_ends_at(
        absl::FormatTime(absl::RFC3339_sec, midnight + absl::Minutes(m[1]), absl::UTCTimeZone()));
  }
  if (out->empty()) return absl::InvalidArgumentError("--windows: at least one window");
  return absl::OkStatus();
}

constexpr absl::string_view kRequestUsage =
    "--service CODE --nik NIK --name NAME --phone PHONE --day D --windows HH:MM-HH:MM[,...] "
    "[--email E] [--priority NONE|ELDERLY|DISABILITY|HEALTH_WORKER] "
    "[--needs WHEELCHAIR,SIGN_LANGUAGE,SEATED_SERVICE] [--language id|en] [--case ID] "
    "[--request-id UUID]";

int RequestAppointment(const Invocation& in) {
  const Args& a = in.args();
  v1::CreateAppointmentRequestRequest req;
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  req.set_request_id(*request_id);
  req.set_service(absl::AsciiStrToUpper(a.Get("service")));
  v1::Applicant* ap = req.mutable_applicant();
  ap->set_nik(a.Get("nik"));
  ap->set_name(a.Get("name"));
  ap->set_phone(a.Get("phone"));
  ap->set_email(a.Get("email"));
  ap->set_language(a.Get("language"));
  if (a.Has("priority")) {
    v1::PriorityClass p;
    if (absl::Status s = Parse("priority", a.Get("priority"), &p); !s.ok()) {
      return in.UsageError(s.message());
    }
    ap->set_priority_class(p);
  }
  for (absl::string_view word : absl::StrSplit(a.Get("needs"), ',', absl::SkipWhitespace())) {
    v1::AccessibilityNeed need;
    if (absl::Status s = Parse("needs", absl::StripAsciiWhitespace(word), &need); !s.ok()) {
      return in.UsageError(s.message());
    }
    ap->add_accessibility_needs(need);
  }
  if (a.Has("case")) {
    absl::StatusOr<int64_t> id = ParsePositive("--case", a.Get("case"));
    if (!id.ok()) return in.UsageError(id.status().message());
    req.set_case_id(*id);
  }
  if (absl::Status s = ParseWindows(a, req.mutable_windows()); !s.ok()) {
    return in.UsageError(s.message());
  }
  auto stub = NewStub(in);
  v1::AppointmentRequest reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->CreateAppointmentRequest(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, FormatRequest(reply));
}

int ShowAppointment(const Invocation& in) {
  v1::GetAppointmentRequestRequest req;
  int64_t id = 0;
  if (absl::SimpleAtoi(in.arg(0), &id) && id > 0) {
    req.set_id(id);
  } else {
    req.set_code(in.arg(0));
  }
  auto stub = NewStub(in);
  v1::AppointmentRequest reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->GetAppointmentRequest(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, FormatRequest(reply));
}

int ListAppointments(const Invocation& in) {
  const Args& a = in.args();
  v1::ListAppointmentRequestsRequest req;
  req.set_day(a.Get("day"));
  if (a.Has("state")) {
    v1::AppointmentRequestState s;
    if (!v1::AppointmentRequestState_Parse(
            "APPOINTMENT_REQUEST_STATE_" + absl::AsciiStrToUpper(a.Get("state")), &s)) {
      return in.UsageError("--state: one of pending, allocated, waitlisted, cancelled");
    }
    req.set_state(s);
  }
  if (a.Has("page-size")) {
    absl::StatusOr<int64_t> n = ParsePositive("--page-size", a.Get("page-size"));
    if (!n.ok()) return in.UsageError(n.status().message());
    req.set_page_size(static_cast<int32_t>(*n));
  }
  req.set_page_token(a.Get("page-token"));
  auto stub = NewStub(in);
  v1::ListAppointmentRequestsResponse reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->ListAppointmentRequests(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  std::string human;
  for (const auto& r : reply.requests()) human += FormatRequest(r);
  if (reply.requests().empty()) human = "No appointment requests.\n";
  if (!reply.next_page_token().empty()) {
    absl::StrAppend(&human, "More: --page-token ", reply.next_page_token(), "\n");
  }
  return in.Reply(reply, human);
}

// An appointment request as people see it: its id, or the appointment code (K7MA4Q) looked up.
// Sets `id`, or returns the exit code of the error printed.
std::optional<int> RequestArg(const Invocation& in, int i, int64_t* id) {
  if (absl::SimpleAtoi(in.arg(i), id) && *id > 0) return std::nullopt;
  v1::GetAppointmentRequestRequest req;
  req.set_code(in.arg(i));
  auto stub = NewStub(in);
  v1::AppointmentRequest reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->GetAppointmentRequest(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  *id = reply.id();
  return std::nullopt;
}

int CancelAppointment(const Invocation& in) {
  int64_t id = 0;
  if (std::optional<int> err = RequestArg(in, 0, &id)) return *err;
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  v1::CancelAppointmentRequestRequest req;
  req.set_request_id(*request_id);
  req.set_id(id);
  req.set_etag(in.args().Get("etag"));
  auto stub = NewStub(in);
  v1::AppointmentRequest reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->CancelAppointmentRequest(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, FormatRequest(reply));
}

int RescheduleAppointment(const Invocation& in) {
  int64_t id = 0;
  if (std::optional<int> err = RequestArg(in, 0, &id)) return *err;
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  v1::RescheduleAppointmentRequestRequest req;
  req.set_request_id(*request_id);
  req.set_id(id);
  req.set_etag(in.args().Get("etag"));
  if (absl::Status s = ParseWindows(in.args(), req.mutable_windows()); !s.ok()) {
    return in.UsageError(s.message());
  }
  auto stub = NewStub(in);
  v1::AppointmentRequest reply;
  grpc::Status status = in.session().Call([&](grpc::ClientContext& ctx) {
    return stub->RescheduleAppointmentRequest(&ctx, req, &reply);
  });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, FormatRequest(reply));
}

int ReleaseNoShows(const Invocation& in) {
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  v1::ReleaseNoShowsRequest req;
  req.set_request_id(*request_id);
  req.set_day(in.args().Get("day"));
  auto stub = NewStub(in);
  v1::ReleaseNoShowsResponse reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->ReleaseNoShows(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, absl::StrCat(reply.released(), " no-show seat(s) released.\n"));
}

int ListSlots(const Invocation& in) {
  v1::ListSlotsRequest req;
  req.set_day(in.args().Get("day"));
  auto stub = NewStub(in);
  v1::ListSlotsResponse reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->ListSlots(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  std::string human;
  for (const auto& s : reply.slots()) {
    absl::StrAppendFormat(&human, "#%-6d %s-%s  booked %2d/%-2d (priority %d of %d reserved)%s\n",
                          s.id(), Local(s.starts_at(), "%H:%M"), Local(s.ends_at(), "%H:%M"),
                          s.booked(), s.capacity(), s.booked_priority(), s.reserved_priority(),
                          s.closed() ? "  CLOSED" : "");
  }
  if (reply.slots().empty()) human = "No slots that day.\n";
  return in.Reply(reply, human);
}

// The week's hours, a line per open weekday.
std::string WeekText(const google::protobuf::RepeatedPtrField<v1::OfficeHours>& hours) {
  std::string human;
  for (const auto& h : hours) {
    absl::StrAppendFormat(&human, "weekday %d  %s-%s  %d-min slots, %d inside (%d reserved)\n",
                          h.weekday(), h.opens(), h.closes(), h.slot_minutes(), h.capacity(),
                          h.reserved_priority());
  }
  return human.empty() ? "Closed every day.\n" : human;
}

int ShowHours(const Invocation& in) {
  auto stub = NewStub(in);
  v1::GetOfficeHoursResponse reply;
  grpc::Status status = in.session().Call([&](grpc::ClientContext& ctx) {
    return stub->GetOfficeHours(&ctx, v1::GetOfficeHoursRequest(), &reply);
  });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, WeekText(reply.hours()));
}

// "--week '1-4 08:00-15:00;5 08:00-11:30'" plus one slot size and capacity for all of them.
int SetHours(const Invocation& in) {
  const Args& a = in.args();
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  v1::SetOfficeHoursRequest req;
  req.set_request_id(*request_id);
  int slot = 0, capacity = 0, reserved = 0;
  if (!absl::SimpleAtoi(a.Get("slot-minutes"), &slot))
    return in.UsageError("--slot-minutes: a number");
  if (!absl::SimpleAtoi(a.Get("capacity"), &capacity)) return in.UsageError("--capacity: a number");
  if (!absl::SimpleAtoi(a.Get("reserved", "0"), &reserved))
    return in.UsageError("--reserved: a number");
  for (absl::string_view part : absl::StrSplit(a.Get("week"), ';', absl::SkipWhitespace())) {
    std::vector<std::string> f =
        absl::StrSplit(absl::StripAsciiWhitespace(part), ' ', absl::SkipWhitespace());
    std::vector<std::string> days = absl::StrSplit(f.empty() ? "" : f[0], '-');
    std::vector<std::string> times = absl::StrSplit(f.size() == 2 ? f[1] : "", '-');
    int d0 = 0, d1 = 0;
    if (f.size() != 2 || times.size() != 2 || !absl::SimpleAtoi(days[0], &d0) ||
        !absl::SimpleAtoi(days.back(), &d1) || days.size() > 2) {
      return in.UsageError("--week: 'DAYS HH:MM-HH:MM;...', e.g. '1-4 08:00-15:00;5 08:00-11:30'");
    }
    for (int d = d0; d <= d1; ++d) {
      v1::OfficeHours* h = req.add_hours();
      h->set_weekday(d);
      h->set_opens(times[0]);
      h->set_closes(times[1]);
      h->set_slot_minutes(slot);
      h->set_capacity(capacity);
      h->set_reserved_priority(reserved);
    }
  }
  auto stub = NewStub(in);
  v1::SetOfficeHoursResponse reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->SetOfficeHours(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, WeekText(reply.hours()));
}

int Generate(const Invocation& in) {
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  v1::GenerateSlotsRequest req;
  req.set_request_id(*request_id);
  req.set_from(in.args().Get("from"));
  req.set_to(in.args().Get("to"));
  auto stub = NewStub(in);
  v1::GenerateSlotsResponse reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->GenerateSlots(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, absl::StrCat(reply.created(), " slot(s) created.\n"));
}

std::string FormatClosure(const v1::ClosureResponse& r) {
  return absl::StrCat(r.displaced(), " appointment(s) displaced",
                      r.realloc_day().empty() ? ", no later open day: waitlisted"
                                              : absl::StrCat(", re-allocated on ", r.realloc_day()),
                      ".\n");
}

int CloseCounter(const Invocation& in) {
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  v1::CloseCounterRequest req;
  req.set_request_id(*request_id);
  req.set_counter_id(absl::AsciiStrToUpper(in.arg(0)));
  req.set_day(in.args().Get("day"));
  req.set_reason(in.args().Get("reason"));
  auto stub = NewStub(in);
  v1::ClosureResponse reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->CloseCounter(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, FormatClosure(reply));
}

int CloseDay(const Invocation& in) {
  absl::StatusOr<std::string> request_id = in.RequestId();
  if (!request_id.ok()) return in.UsageError(request_id.status().message());
  v1::CloseDayRequest req;
  req.set_request_id(*request_id);
  req.set_day(in.args().Get("day"));
  req.set_reason(in.args().Get("reason"));
  auto stub = NewStub(in);
  v1::ClosureResponse reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->CloseDay(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  return in.Reply(reply, FormatClosure(reply));
}

}  // namespace

std::vector<Command> AppointmentCommands() {
  const std::string request_usage(kRequestUsage);
  return {
      {"office appointments request", request_usage,
       "ask for an appointment (answered at once; loket-scheduler allocates it)",
       RequestAppointment},
      {"office appointments list", "--day D [--state S] [--page-size N] [--page-token T]",
       "one day's appointment requests", ListAppointments},
      {"office appointments show", "ID", "one request by id, or by appointment CODE",
       ShowAppointment},
      {"office appointments cancel", "ID [--etag E] [--request-id UUID]",
       "cancel (ID: the request's id or the appointment CODE); the freed seat goes to the "
       "waitlist",
       CancelAppointment},
      {"office appointments reschedule",
       "ID --day D --windows HH:MM-HH:MM[,...] [--etag E] [--request-id UUID]",
       "new preferred windows (ID: the request's id or the appointment CODE); allocated again",
       RescheduleAppointment},
      {"office appointments slots", "--day D", "the day's slots and seats", ListSlots},
      {"office appointments release-no-shows", "--day D [--request-id UUID]",
       "release the seats of booked visitors who did not come", ReleaseNoShows},
      {"clinic book", request_usage, "book a visit for one of the clinic's health workers",
       RequestAppointment},
      {"admin calendar show", "", "the opening hours as set (the whole week)", ShowHours},
      {"admin calendar hours",
       "--week SPEC --slot-minutes N --capacity N [--reserved N] [--request-id UUID]",
       "set the opening hours (the whole week)", SetHours},
      {"admin calendar generate", "--from D --to D [--request-id UUID]",
       "cut slots from the opening hours", Generate},
      {"admin calendar close-counter", "COUNTER --day D [--reason R] [--request-id UUID]",
       "close a counter for a day; its share of seats is re-allocated", CloseCounter},
      {"admin calendar close-day", "--day D [--reason R] [--request-id UUID]",
       "close a day; its appointments move to the next open day", CloseDay},
  };
}

}  // namespace loket::cli
