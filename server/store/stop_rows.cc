#include "server/store/stop_rows.h"

namespace loket::store {

StopRow StopFromRow(const pqxx::row& row) {
  constexpr const auto& k = kStopColumns;
  StopRow out;
  StopRecord& s = out.r;
  s.id = row[k["id"]].as<int64_t>();
  s.case_id = row[k["case_id"]].as<int64_t>();
  s.day = row[k["day"]].as<std::string>();
  s.kind = domain::StopKindFromName(row[k["kind"]].as<std::string>())
               .value_or(domain::StopKind::kPickup);
  s.item = row[k["item"]].as<std::string>();
  s.partner_id = row[k["partner_id"]].as<int64_t>();
  s.clinic_id = row[k["clinic_id"]].as<std::string>();
  s.place = row[k["place"]].as<std::string>();
  s.address = row[k["address"]].as<std::string>();
  s.latitude = row[k["latitude"]].as<double>();
  s.longitude = row[k["longitude"]].as<double>();
  s.window_start = ParseTimestamp(row[k["window_start"]].as<std::string>());
  s.window_end = ParseTimestamp(row[k["window_end"]].as<std::string>());
  s.service_minutes = row[k["service_minutes"]].as<int>();
  s.bundles = row[k["bundles"]].as<int>();
  s.state = domain::StopStateFromName(row[k["state"]].as<std::string>())
                .value_or(domain::StopState::kPending);
  s.courier_id = row[k["courier_id"]].as<int64_t>();
  s.courier_name = row[k["courier_name"]].as<std::string>();
  s.sequence = row[k["sequence"]].as<int>();
  s.planned_at = OptionalTs(row[k["planned_at"]]);
  s.arrived_at = OptionalTs(row[k["arrived_at"]]);
  s.completed_at = OptionalTs(row[k["completed_at"]]);
  s.receiver_name = row[k["receiver_name"]].as<std::string>();
  s.proof_sha256 = row[k["proof_sha256"]].as<std::string>();
  s.failure_reason = row[k["failure_reason"]].as<std::string>();
  s.version = row[k["version"]].as<int64_t>();
  s.permit_type = row[k["permit_type"]].as<std::string>();
  s.permit_name = row[k["permit_name"]].as<std::string>();
  s.applicant_name = row[k["applicant_name"]].as<std::string>();
  s.permit_number = row[k["permit_number"]].as<std::string>();
  out.office_id = row[k["office_id"]].as<std::string>();
  std::string announced = row[k["announced_start"]].as<std::string>();
  if (!announced.empty()) out.announced_start = ParseTimestamp(announced);
  out.applicant_phone = row[k["applicant_phone"]].as<std::string>();
  out.applicant_language = row[k["applicant_language"]].as<std::string>();
  out.clinic_phone = row[k["clinic_phone"]].as<std::string>();
  out.near_sent = row[k["near_sent"]].as<bool>();
  out.partner_state = domain::StopStateFromName(row[k["partner_state"]].as<std::string>());
  out.partner_courier_id = row[k["partner_courier_id"]].as<int64_t>();
  s.cancel_reason = row[k["cancel_reason"]].as<std::string>();
  return out;
}

domain::PlanStop ForPlanner(const StopRow& row) {
  const StopRecord& r = row.r;
  domain::PlanStop p;
  p.id = r.id;
  p.version = r.version;
  p.kind = r.kind;
  p.state = r.state;
  p.partner_id = r.partner_id;
  p.latitude = r.latitude;
  p.longitude = r.longitude;
  p.window_start = r.window_start;
  p.window_end = r.window_end;
  p.service = absl::Minutes(r.service_minutes);
  p.bundles = r.bundles;
  p.courier_id = r.courier_id;
  p.sequence = r.sequence;
  p.arrived_at = r.arrived_at;
  p.completed_at = r.completed_at;
  p.day = ParseDay(r.day);
  p.partner_state = row.partner_state;
  p.partner_courier_id = row.partner_courier_id;
  return p;
}

}  // namespace loket::store
