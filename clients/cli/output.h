// How replies look: JSON for scripts (--json) and short lines for people. The Format* functions
// return text ending in a newline and print nothing, so the commands decide where it goes. Pure
// functions; safe from any thread.
#ifndef LOKET_CLIENTS_CLI_OUTPUT_H_
#define LOKET_CLIENTS_CLI_OUTPUT_H_

#include <string>

#include "google/protobuf/message.h"
#include "loket/v1/admin.pb.h"
#include "loket/v1/case.pb.h"
#include "loket/v1/catalog.pb.h"

namespace loket::cli {

// `m` as one line of proto3 JSON with the .proto field names ("permit_number"); fields at their
// default value are left out.
std::string ToJson(const google::protobuf::Message& m);

// A case in full: header, applicant, SLA, notes, permit, documents, notifications.
std::string FormatCase(const v1::Case& c);
// A case on one line, for lists: id, state, permit type, applicant, due date.
std::string FormatCaseLine(const v1::Case& c);
// One history event: id, time, action, from -> to, actor (role), terminal, note.
std::string FormatEvent(const v1::CaseEvent& e);

std::string FormatPrincipal(const v1::Principal& p);
std::string FormatPermitTypes(const v1::ListPermitTypesResponse& r);
std::string FormatHolidays(const v1::ListHolidaysResponse& r);
std::string FormatClinics(const v1::ListClinicsResponse& r);

// Rupiah with dots between thousands, as written in Indonesia: "Rp 150.000".
std::string FormatRupiah(int64_t amount);

}  // namespace loket::cli

#endif  // LOKET_CLIENTS_CLI_OUTPUT_H_
