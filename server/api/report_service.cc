#include "server/api/report_service.h"

#include "absl/time/clock.h"
#include "common/grpc_status.h"
#include "server/domain/monthly_report.h"

namespace loket::api {

grpc::Status ReportServiceImpl::DoGetMonthlyReport(grpc::ServerContextBase* ctx,
                                                   const v1::GetMonthlyReportRequest* req,
                                                   v1::MonthlyReport* resp) {
  LOKET_AUTHORIZE(p, ctx, "ReportService.GetMonthlyReport");
  absl::StatusOr<absl::CivilMonth> month = domain::ParseReportMonth(req->month());
  if (!month.ok()) return ToGrpcStatus(month.status());
  absl::StatusOr<store::MonthlyFigures> f = reports_.Monthly(p.office_id, *month);
  if (!f.ok()) return ToGrpcStatus(f.status());

  resp->set_office_id(f->office_id);
  resp->set_office_name(f->office_name);
  resp->set_month(
      absl::FormatTime("%Y-%m", absl::FromCivil(*month, absl::UTCTimeZone()), absl::UTCTimeZone()));
  int64_t total = 0;
  for (const auto& a : f->applications) {
    v1::ApplicationCount* out = resp->add_applications();
    out->set_permit_type(a.permit_type);
    v1::Channel channel = v1::CHANNEL_UNSPECIFIED;
    v1::Channel_Parse("CHANNEL_" + a.channel, &channel);
    out->set_channel(channel);
    out->set_count(a.count);
    total += a.count;
  }
  resp->set_applications_total(total);
  v1::IssueFigures* issued = resp->mutable_issued();
  issued->set_issued(f->issued.issued);
  issued->set_on_time(f->issued.on_time);
  issued->set_late(f->issued.late);
  issued->set_average_working_days(f->issued.average_working_days);
  issued->set_p90_working_days(f->issued.p90_working_days);
  v1::RevisionFigures* rev = resp->mutable_revisions();
  rev->set_revision_requests(f->revision_requests);
  rev->set_cases_with_revision(f->cases_with_revision);
  rev->set_revisions_per_issued_case(f->revisions_per_issued_case);
  v1::SiberFigures* siber = resp->mutable_siber();
  siber->set_pickups_done(f->stops.pickups_done);
  siber->set_pickups_failed(f->stops.pickups_failed);
  siber->set_pickups_cancelled(f->stops.pickups_cancelled);
  siber->set_deliveries_done(f->stops.deliveries_done);
  siber->set_deliveries_failed(f->stops.deliveries_failed);
  siber->set_courier_km(f->courier_km);
  v1::AppointmentFigures* ap = resp->mutable_appointments();
  ap->set_booked(f->appointments.booked);
  ap->set_kept(f->appointments.kept);
  ap->set_no_show(f->appointments.no_show);
  ap->set_cancelled(f->appointments.cancelled);
  ap->set_redirected(f->appointments.redirected);
  for (const auto& l : f->lanes) {
    v1::LaneFigures* out = resp->add_lanes();
    out->set_lane(l.lane);
    out->set_tickets(l.tickets);
    out->set_served(l.served);
    out->set_no_show(l.no_show);
    out->set_wait_p50_minutes(l.wait_p50_minutes);
    out->set_wait_p90_minutes(l.wait_p90_minutes);
  }
  v1::ScreeningFigures* sc = resp->mutable_screening();
  sc->set_screened(f->screened);
  sc->set_redirected(f->redirected);
  sc->set_redirected_online(f->redirected_online);
  sc->set_redirected_siber(f->redirected_siber);
  sc->set_redirect_pending(f->redirect_pending);
  resp->set_generated_at(absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone()));
  return grpc::Status::OK;
}

}  // namespace loket::api
