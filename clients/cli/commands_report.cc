// `loket report monthly`: the office's monthly figures (ReportService) as text, JSON or CSV.
#include <iostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "clients/cli/command.h"
#include "clients/cli/enum_names.h"
#include "loket/v1/report.grpc.pb.h"

namespace loket::cli {
namespace {

std::string ChannelWord(v1::Channel c) {
  std::string n = v1::Channel_Name(c);
  return n.starts_with("CHANNEL_") ? n.substr(8) : n;
}

// One figure per line: section,item,value (RFC 4180; no field holds a comma but permit types,
// which are quoted when they do).
std::string Csv(const v1::MonthlyReport& r) {
  std::string out = "section,item,value\n";
  auto row = [&out](absl::string_view section, const std::string& item, const std::string& value) {
    std::string quoted = item;
    if (quoted.find_first_of(",\"") != std::string::npos) {
      quoted = absl::StrCat("\"", absl::StrReplaceAll(quoted, {{"\"", "\"\""}}), "\"");
    }
    absl::StrAppend(&out, section, ",", quoted, ",", value, "\n");
  };
  auto num = [](double v) { return absl::StrFormat("%.2f", v); };
  row("report", "office", r.office_id());
  row("report", "month", r.month());
  for (const auto& a : r.applications()) {
    row("applications", absl::StrCat(a.permit_type(), "/", ChannelWord(a.channel())),
        absl::StrCat(a.count()));
  }
  row("applications", "total", absl::StrCat(r.applications_total()));
  row("issued", "issued", absl::StrCat(r.issued().issued()));
  row("issued", "on_time", absl::StrCat(r.issued().on_time()));
  row("issued", "late", absl::StrCat(r.issued().late()));
  row("issued", "average_working_days", num(r.issued().average_working_days()));
  row("issued", "p90_working_days", num(r.issued().p90_working_days()));
  row("revisions", "revision_requests", absl::StrCat(r.revisions().revision_requests()));
  row("revisions", "cases_with_revision", absl::StrCat(r.revisions().cases_with_revision()));
  row("revisions", "revisions_per_issued_case", num(r.revisions().revisions_per_issued_case()));
  row("siber", "pickups_done", absl::StrCat(r.siber().pickups_done()));
  row("siber", "pickups_failed", absl::StrCat(r.siber().pickups_failed()));
  row("siber", "pickups_cancelled", absl::StrCat(r.siber().pickups_cancelled()));
  row("siber", "deliveries_done", absl::StrCat(r.siber().deliveries_done()));
  row("siber", "deliveries_failed", absl::StrCat(r.siber().deliveries_failed()));
  row("siber", "courier_km", num(r.siber().courier_km()));
  row("appointments", "booked", absl::StrCat(r.appointments().booked()));
  row("appointments", "kept", absl::StrCat(r.appointments().kept()));
  row("appointments", "no_show", absl::StrCat(r.appointments().no_show()));
  row("appointments", "cancelled", absl::StrCat(r.appointments().cancelled()));
  row("appointments", "redirected", absl::StrCat(r.appointments().redirected()));
  for (const auto& l : r.lanes()) {
    row("queue", absl::StrCat(l.lane(), "/tickets"), absl::StrCat(l.tickets()));
    row("queue", absl::StrCat(l.lane(), "/served"), absl::StrCat(l.served()));
    row("queue", absl::StrCat(l.lane(), "/no_show"), absl::StrCat(l.no_show()));
    row("queue", absl::StrCat(l.lane(), "/wait_p50_minutes"), num(l.wait_p50_minutes()));
    row("queue", absl::StrCat(l.lane(), "/wait_p90_minutes"), num(l.wait_p90_minutes()));
  }
  row("screening", "screened", absl::StrCat(r.screening().screened()));
  row("screening", "redirected", absl::StrCat(r.screening().redirected()));
  row("screening", "redirected_online", absl::StrCat(r.screening().redirected_online()));
  row("screening", "redirected_siber", absl::StrCat(r.screening().redirected_siber()));
  row("screening", "redirect_pending", absl::StrCat(r.screening().redirect_pending()));
  return out;
}

std::string Text(const v1::MonthlyReport& r) {
  std::string out = absl::StrCat("Laporan bulanan (monthly report) ", r.month(), " — ",
                                 r.office_name(), " (", r.office_id(), ")\n\n");
  absl::StrAppend(&out, "Permohonan (applications): ", r.applications_total(), "\n");
  for (const auto& a : r.applications()) {
    absl::StrAppend(&out, absl::StrFormat("  %-20s %-12s %6d\n", a.permit_type(),
                                          ChannelWord(a.channel()), a.count()));
  }
  const auto& i = r.issued();
  absl::StrAppend(&out,
                  absl::StrFormat("Izin terbit (issued): %d, tepat waktu (on time) %d, terlambat "
                                  "(late) %d; hari kerja (working days) rata-rata %.1f, p90 %.0f\n",
                                  i.issued(), i.on_time(), i.late(), i.average_working_days(),
                                  i.p90_working_days()));
  const auto& v = r.revisions();
  absl::StrAppend(&out, absl::StrFormat("Revisi (revisions): %d requests on %d cases; %.2f per "
                                        "issued case\n",
                                        v.revision_requests(), v.cases_with_revision(),
                                        v.revisions_per_issued_case()));
  const auto& s = r.siber();
  absl::StrAppend(&out,
                  absl::StrFormat("SIBER: penjemputan (pickups) %d done, %d failed, %d "
                                  "cancelled; deliveries %d done, %d failed; %.1f km\n",
                                  s.pickups_done(), s.pickups_failed(), s.pickups_cancelled(),
                                  s.deliveries_done(), s.deliveries_failed(), s.courier_km()));
  const auto& a = r.appointments();
  absl::StrAppend(
      &out, absl::StrFormat("Janji temu (appointments): %d booked, %d kept, %d "
                            "no-show, %d cancelled, %d redirected\n",
                            a.booked(), a.kept(), a.no_show(), a.cancelled(), a.redirected()));
  absl::StrAppend(&out, "Antrean (queue)         tickets  served  no-show  wait p50  wait p90\n");
  for (const auto& l : r.lanes()) {
    absl::StrAppend(
        &out, absl::StrFormat("  %-20s %8d %7d %8d %7.1fm %8.1fm\n", l.lane(), l.tickets(),
                              l.served(), l.no_show(), l.wait_p50_minutes(), l.wait_p90_minutes()));
  }
  const auto& c = r.screening();
  absl::StrAppend(&out, absl::StrFormat("Skrining (screening): %d checked in, %d redirected (%d "
                                        "online, %d SIBER, %d pending)\n",
                                        c.screened(), c.redirected(), c.redirected_online(),
                                        c.redirected_siber(), c.redirect_pending()));
  return out;
}

int Monthly(const Invocation& in) {
  v1::GetMonthlyReportRequest req;
  req.set_month(in.args().Get("month"));
  if (req.month().empty()) return in.UsageError("--month YYYY-MM is required");
  auto stub = v1::ReportService::NewStub(in.session().channel());
  v1::MonthlyReport reply;
  grpc::Status status = in.session().Call(
      [&](grpc::ClientContext& ctx) { return stub->GetMonthlyReport(&ctx, req, &reply); });
  if (!status.ok()) return in.ServerError(status);
  if (in.args().Has("csv") && !in.json()) {
    std::cout << Csv(reply);
    return kExitOk;
  }
  return in.Reply(reply, Text(reply));
}

}  // namespace

std::vector<Command> ReportCommands() {
  return {
      {"report monthly", "--month YYYY-MM [--csv]",
       "the office's figures for a month (applications, SLA, revisions, SIBER, appointments, "
       "queue, screening); --csv for a spreadsheet",
       Monthly},
  };
}

}  // namespace loket::cli
