// Private to store/: a SIBER stop as a row (one column list and one mapping, issue 14), shared
// by the SIBER repository and the stop changes made inside other transactions (siber_stops.h).
#ifndef LOKET_SERVER_STORE_STOP_ROWS_H_
#define LOKET_SERVER_STORE_STOP_ROWS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "server/domain/siber.h"
#include "server/store/columns.h"
#include "server/store/pg.h"
#include "server/store/siber_repository.h"

namespace loket::store {

// A stop (StopFromRow), with its courier's name, its case's permit and applicant, and its clinic's
// phone.
inline constexpr auto kStopColumns =
    MakeColumns({{"id", "s.id"},
                 {"case_id", "s.case_id"},
                 {"day", "s.day::text"},
                 {"kind", "s.kind"},
                 {"item", "s.item"},
                 {"partner_id", "coalesce(s.partner_id, 0)"},
                 {"clinic_id", "coalesce(s.clinic_id, '')"},
                 {"place", "s.place"},
                 {"address", "s.address"},
                 {"latitude", "s.latitude"},
                 {"longitude", "s.longitude"},
                 {"window_start", "s.window_start::text"},
                 {"window_end", "s.window_end::text"},
                 {"service_minutes", "s.service_minutes"},
                 {"bundles", "s.bundles"},
                 {"state", "s.state"},
                 {"courier_id", "coalesce(s.courier_id, 0)"},
                 {"courier_name", "coalesce(co.name, '')"},
                 {"sequence", "coalesce(s.sequence, 0)"},
                 {"planned_at", "s.planned_at::text"},
                 {"arrived_at", "s.arrived_at::text"},
                 {"completed_at", "s.completed_at::text"},
                 {"receiver_name", "s.receiver_name"},
                 {"proof_sha256", "s.proof_sha256"},
                 {"failure_reason", "s.failure_reason"},
                 {"version", "s.version"},
                 {"permit_type", "c.permit_type"},
                 {"permit_name", "pt.name"},
                 {"applicant_name", "c.applicant_name"},
                 {"permit_number", "coalesce(c.permit_number, '')"},
                 {"office_id", "s.office_id"},
                 {"announced_start", "coalesce(s.announced_start::text, '')"},
                 {"applicant_phone", "c.applicant_phone"},
                 {"applicant_language", "c.applicant_language"},
                 {"clinic_phone", "coalesce(cl.phone, '')"},
                 {"near_sent", "s.near_sent"},
                 {"cancel_reason", "s.cancel_reason"},
                 {"partner_state", "coalesce(p.state, '')"},
                 {"partner_courier_id", "coalesce(p.courier_id, 0)"}});
#define LOKET_STOP_FROM                                                             \
  " FROM stops s JOIN cases c ON c.id = s.case_id"                                  \
  " LEFT JOIN stops p ON p.id = s.partner_id"                                       \
  " JOIN permit_types pt ON pt.office_id = c.office_id AND pt.code = c.permit_type" \
  " LEFT JOIN couriers co ON co.principal_id = s.courier_id"                        \
  " LEFT JOIN clinics cl ON cl.office_id = s.office_id AND cl.id = s.clinic_id"

// Row extras not in StopRecord that confirmations need.
struct StopRow {
  StopRecord r;
  std::string office_id;
  std::optional<absl::Time> announced_start;
  std::string applicant_phone;
  std::string applicant_language;
  std::string clinic_phone;
  bool near_sent = false;
  std::optional<domain::StopState> partner_state;  // its pair's other end, wherever it is
  int64_t partner_courier_id = 0;
};

StopRow StopFromRow(const pqxx::row& row);

// A stop as the planner's rules (domain::BuildRouterInput, domain::DecideRoutePlan) see it.
domain::PlanStop ForPlanner(const StopRow& row);

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_STOP_ROWS_H_
