#include "server/api/auth.h"

#include <initializer_list>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/sha256.h"

namespace loket::api {
namespace {

using domain::Role;
constexpr Role kAdmin = Role::kAdmin, kOfficer = Role::kOfficer, kApprover = Role::kApprover,
               kCounter = Role::kCounter, kClinic = Role::kClinic, kCourier = Role::kCourier,
               kWorker = Role::kWorker;

// The policy table: every RPC and the roles that may call it. Anything absent is denied.
// Staff who decide (approver) are not the staff who verify and issue (officer): four eyes.
const std::map<std::string_view, std::set<Role>>& Policy() {
  static const auto* policy = new std::map<std::string_view, std::set<Role>>{
      {"CatalogService.ListPermitTypes",
       {kAdmin, kOfficer, kApprover, kCounter, kClinic, kCourier, kWorker}},
      {"CatalogService.ListHolidays",
       {kAdmin, kOfficer, kApprover, kCounter, kClinic, kCourier, kWorker}},
      {"CaseService.SubmitApplication", {kOfficer, kCounter, kClinic}},
      {"CaseService.GetCase", {kAdmin, kOfficer, kApprover, kCounter, kClinic}},
      {"CaseService.ListCases", {kAdmin, kOfficer, kApprover, kCounter, kClinic}},
      {"CaseService.GetCaseHistory", {kAdmin, kOfficer, kApprover, kCounter, kClinic}},
      {"CaseService.WatchCase", {kAdmin, kOfficer, kApprover, kCounter, kClinic}},
      {"CaseService.AttachDocument", {kOfficer, kCounter, kClinic}},
      {"CaseService.SubmitDraft", {kOfficer, kCounter, kClinic}},
      {"CaseService.StartVerification", {kOfficer}},
      {"CaseService.RequestRevision", {kOfficer, kApprover}},
      {"CaseService.SubmitRevision", {kOfficer, kCounter, kClinic}},
      {"CaseService.Approve", {kApprover}},
      {"CaseService.Reject", {kApprover}},
      {"CaseService.Issue", {kOfficer}},
      {"CaseService.Withdraw", {kOfficer, kCounter, kClinic}},
      {"CaseService.MarkCollected", {kOfficer, kCounter}},
      // Couriers mark deliveries through their stops (CourierService.ConfirmStop).
      {"CaseService.MarkDelivered", {kOfficer}},
      {"AdminService.CreatePrincipal", {kAdmin}},
      {"AdminService.ListPrincipals", {kAdmin}},
      {"AdminService.CreateToken", {kAdmin}},
      {"AdminService.RevokeToken", {kAdmin}},
      {"AdminService.WhoAmI", {kAdmin, kOfficer, kApprover, kCounter, kClinic, kCourier, kWorker}},
      {"AdminService.ListClinics", {kAdmin, kOfficer, kApprover, kCounter, kClinic, kCourier}},
      // SIBER: couriers work their own stops (row scope in the store); the office plans and
      // watches.
      {"CourierService.GetRoute", {kCourier, kAdmin, kOfficer}},
      {"CourierService.ArriveAtStop", {kCourier}},
      {"CourierService.ConfirmStop", {kCourier}},
      {"CourierService.FailStop", {kCourier}},
      {"CourierService.ListStops", {kAdmin, kOfficer, kCounter}},
      {"CourierService.PlanDay", {kAdmin, kOfficer}},
      {"CourierService.GetCustody", {kAdmin, kOfficer, kApprover, kCounter, kClinic}},
      {"CourierService.CreateCourier", {kAdmin}},
      {"CourierService.SetShift", {kAdmin}},
      {"CourierService.ListCouriers", {kAdmin, kOfficer}},
      // Spontan appointments (AppointmentService); clinics see only their own requests.
      {"AppointmentService.CreateAppointmentRequest", {kAdmin, kOfficer, kCounter, kClinic}},
      {"AppointmentService.GetAppointmentRequest", {kAdmin, kOfficer, kCounter, kClinic}},
      {"AppointmentService.ListAppointmentRequests", {kAdmin, kOfficer, kCounter, kClinic}},
      {"AppointmentService.CancelAppointmentRequest", {kAdmin, kOfficer, kCounter, kClinic}},
      {"AppointmentService.RescheduleAppointmentRequest", {kAdmin, kOfficer, kCounter, kClinic}},
      {"AppointmentService.ReleaseNoShows", {kAdmin, kOfficer, kCounter}},
      {"AppointmentService.ListSlots", {kAdmin, kOfficer, kCounter, kClinic}},
      {"AppointmentService.SetOfficeHours", {kAdmin}},
      {"AppointmentService.GenerateSlots", {kAdmin}},
      {"AppointmentService.CloseCounter", {kAdmin}},
      {"AppointmentService.CloseDay", {kAdmin}},
      {"TaskService.PollTask", {kWorker}},
      {"TaskService.Heartbeat", {kWorker}},
      {"TaskService.CompleteTask", {kWorker}},
      {"TaskService.FailTask", {kWorker}},
      {"TaskAdminService.ListTasks", {kAdmin}},
      {"TaskAdminService.GetTask", {kAdmin}},
      {"TaskAdminService.RetryTask", {kAdmin}},
      {"TaskAdminService.DropTask", {kAdmin}},
  };
  return *policy;
}

}  // namespace

bool IsPublicMethod(std::string_view method) { return method == "CaseService.VerifyPermit"; }

bool RoleMayCall(Role role, std::string_view method) {
  auto it = Policy().find(method);
  return it != Policy().end() && it->second.count(role) > 0;
}

absl::StatusOr<domain::Principal> Authorizer::Authorize(const grpc::ServerContext& ctx,
                                                        std::string_view method) const {
  const auto& md = ctx.client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) {
    return absl::UnauthenticatedError("missing authorization: Bearer <token>");
  }
  absl::string_view value(it->second.data(), it->second.size());
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWithIgnoreCase(value, kBearer)) {
    return absl::UnauthenticatedError("authorization must be \"Bearer <token>\"");
  }
  std::string token(absl::StripAsciiWhitespace(value.substr(kBearer.size())));
  if (token.size() != 64) return absl::UnauthenticatedError("unknown or revoked token");
  std::string digest = Sha256(token);
  absl::StatusOr<domain::Principal> p;
  if (auto hit = cache_.Get(digest)) {
    p = *hit;
  } else {
    p = auth_.Authenticate(digest);
    if (!p.ok()) return p.status();
    cache_.Put(digest, *p);
  }
  if (!RoleMayCall(p->role, method)) {
    return absl::PermissionDeniedError(absl::StrCat("role ", std::string(domain::RoleName(p->role)),
                                                    " may not call ", std::string(method)));
  }
  return p;
}

std::string TerminalOf(const grpc::ServerContext& ctx) {
  const auto& md = ctx.client_metadata();
  auto it = md.find("x-loket-terminal");
  if (it != md.end()) {
    std::string t(it->second.data(), std::min<size_t>(it->second.size(), 64));
    return t;
  }
  return ctx.peer();
}

}  // namespace loket::api
