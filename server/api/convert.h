// Protobuf <-> domain, in one place (DESIGN.md section 2: only api/ converts).
#ifndef LOKET_SERVER_API_CONVERT_H_
#define LOKET_SERVER_API_CONVERT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "loket/v1/admin.pb.h"
#include "loket/v1/appointment.pb.h"
#include "loket/v1/case.pb.h"
#include "loket/v1/catalog.pb.h"
#include "loket/v1/queue.pb.h"
#include "loket/v1/task.pb.h"
#include "server/api/auth.h"
#include "server/domain/case.h"
#include "server/domain/notification.h"
#include "server/domain/siber.h"
#include "server/store/appointment_repository.h"
#include "server/store/auth_repository.h"
#include "server/store/case_repository.h"
#include "server/store/mutation.h"
#include "server/store/task_queue.h"

namespace loket::api {

// Fails to compile unless domain::`domain_value` + `offset` is loket.v1's `proto_value`: the
// conversions between twin enums are plain casts, so a renumbering or a value added to one side
// only must not compile. Offset 0: numbered alike; 1: the proto counts from 1 (0 is UNSPECIFIED).
#define LOKET_PROTO_NUMBER_IS(domain_value, offset, proto_value)                      \
  static_assert(static_cast<int>(domain::domain_value) + (offset) == v1::proto_value, \
                #proto_value " must be " #domain_value " + " #offset)

std::string FormatUtc(absl::Time t);  // RFC 3339 UTC, milliseconds

// A stored (or replayed) encoded response into `out`, or the error.
grpc::Status DecodeInto(const absl::StatusOr<std::string>& bytes, google::protobuf::Message* out);
store::Mutation MakeMutation(const grpc::ServerContextBase& ctx, const std::string& request_id,
                             const char* method, const domain::Principal& p);
// "YYYY-MM-DD" into a day; empty is nullopt. INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::optional<absl::CivilDay>> DayFromProto(const std::string& s,
                                                           std::string_view field);
// "HH:MM" into minutes after midnight (domain::ParseClockMinutes; "24:00" only for an
// `end_of_day`); empty is nullopt.
absl::StatusOr<std::optional<int>> ClockFromProto(const std::string& s, std::string_view field,
                                                  bool end_of_day);
absl::StatusOr<domain::VisitPreference> FromProto(const v1::PickupPreference& p);

v1::Case ToProto(const store::CaseView& v);
v1::CaseEvent ToProto(const store::CaseEventRecord& e);
v1::PermitType ToProto(const domain::PermitType& p);
v1::Document ToProto(const store::DocumentInfo& d);
v1::Principal ToProto(const store::PrincipalRecord& p);

v1::AppointmentRequestState StateToProto(const std::string& s);  // "pending" ... "cancelled"
v1::AppointmentRequest ToProto(const store::AppointmentRequestRecord& r);
// What `viewer` may see of an appointment request (docs/security.md): clinics get the NIK, phone
// and e-mail masked (MaskNik/MaskPhone/MaskEmail); staff see them whole.
void ShapeForViewer(v1::AppointmentRequest& r, const domain::Principal& viewer);
// A waiting-room board (role display) shows ticket labels, never the visitors' names.
void ShapeForViewer(v1::Ticket& t, const domain::Principal& viewer);
void ShapeForViewer(v1::QueueBoard& b, const domain::Principal& viewer);
// INVALID_ARGUMENT naming the field unless `s` is an RFC 3339 time.
absl::StatusOr<absl::Time> TimeFromProto(const std::string& s, const std::string& field);
// INVALID_ARGUMENT naming windows[i].starts_at/ends_at for a bad time.
absl::StatusOr<std::vector<domain::TimeWindow>> WindowsFromProto(
    const google::protobuf::RepeatedPtrField<v1::TimeWindow>& ws);

// INVALID_ARGUMENT naming the field for an unknown enum value.
absl::StatusOr<domain::Applicant> FromProto(const v1::Applicant& a);
absl::StatusOr<domain::Role> RoleFromProto(v1::Role r);

// The notify.send payload for a stored notification.
std::string EncodeNotifySend(const domain::Notification& n);
v1::Task ToProto(const store::TaskRecord& t);

}  // namespace loket::api

#endif  // LOKET_SERVER_API_CONVERT_H_
