#include "server/api/auth.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/sha256.h"
#include "common/status_macros.h"

namespace loket::api {
namespace {

using domain::Role;
constexpr Role kAdmin = Role::kAdmin, kOfficer = Role::kOfficer, kApprover = Role::kApprover,
               kCounter = Role::kCounter, kClinic = Role::kClinic, kCourier = Role::kCourier,
               kWorker = Role::kWorker, kDisplay = Role::kDisplay;

}  // namespace

// Staff who decide (approver) are not the staff who verify and issue (officer): four eyes.
const std::map<std::string_view, MethodPolicy>& PolicyTable() {
  static const auto* policy = new std::map<std::string_view, MethodPolicy>{
      {"CatalogService.ListPermitTypes",
       {.roles = {kAdmin, kOfficer, kApprover, kCounter, kClinic, kCourier, kWorker, kDisplay}}},
      {"CatalogService.ListHolidays",
       {.roles = {kAdmin, kOfficer, kApprover, kCounter, kClinic, kCourier, kWorker}}},
      {"CaseService.SubmitApplication", {.roles = {kOfficer, kCounter, kClinic}}},
      {"CaseService.GetCase", {.roles = {kAdmin, kOfficer, kApprover, kCounter, kClinic}}},
      {"CaseService.GetDocument", {.roles = {kAdmin, kOfficer, kApprover, kCounter, kClinic}}},
      {"CaseService.GetPermitDocument",
       {.roles = {kAdmin, kOfficer, kApprover, kCounter, kClinic}}},
      {"CaseService.ListCases", {.roles = {kAdmin, kOfficer, kApprover, kCounter, kClinic}}},
      // Issue 13: finding people, with ListCases' row scope (a clinic finds only its own).
      {"CaseService.SearchCases", {.roles = {kAdmin, kOfficer, kApprover, kCounter, kClinic}}},
      // Issue 13: the office's monthly figures, for management (no personal data in them).
      {"ReportService.GetMonthlyReport", {.roles = {kAdmin, kOfficer, kApprover}}},
      {"CaseService.GetCaseHistory", {.roles = {kAdmin, kOfficer, kApprover, kCounter, kClinic}}},
      {"CaseService.WatchCase", {.roles = {kAdmin, kOfficer, kApprover, kCounter, kClinic}}},
      {"CaseService.AttachDocument", {.roles = {kOfficer, kCounter, kClinic}}},
      {"CaseService.SubmitDraft", {.roles = {kOfficer, kCounter, kClinic}}},
      {"CaseService.StartVerification", {.roles = {kOfficer}}},
      {"CaseService.RequestRevision", {.roles = {kOfficer, kApprover}}},
      {"CaseService.SubmitRevision", {.roles = {kOfficer, kCounter, kClinic}}},
      {"CaseService.Approve", {.roles = {kApprover}}},
      {"CaseService.Reject", {.roles = {kApprover}}},
      {"CaseService.Issue", {.roles = {kOfficer}}},
      {"CaseService.Withdraw", {.roles = {kOfficer, kCounter, kClinic}}},
      {"CaseService.MarkCollected", {.roles = {kOfficer, kCounter}}},
      // Couriers mark deliveries through their stops (CourierService.ConfirmStop).
      {"CaseService.MarkDelivered", {.roles = {kOfficer}}},
      // Issue 13: the approver who may decide a permit may also take it back.
      {"CaseService.VerifyPermit",
       {.is_public = true,
        .note = "anyone holding a printed permit checks it (its QR code); no personal data"}},
      {"CaseService.RevokePermit", {.roles = {kApprover}}},
      {"AdminService.CreatePrincipal", {.roles = {kAdmin}}},
      {"AdminService.ListPrincipals", {.roles = {kAdmin}}},
      {"AdminService.CreateToken", {.roles = {kAdmin}}},
      {"AdminService.RevokeToken", {.roles = {kAdmin}}},
      {"AdminService.SetPrincipalDisabled", {.roles = {kAdmin}}},
      {"AdminService.ListTokens", {.roles = {kAdmin}}},
      {"AdminService.WhoAmI",
       {.roles = {kAdmin, kOfficer, kApprover, kCounter, kClinic, kCourier, kWorker, kDisplay}}},
      // Sessions: SignIn is public (below); anyone signed in may sign out.
      {"SessionService.SignOut",
       {.roles = {kAdmin, kOfficer, kApprover, kCounter, kClinic, kCourier, kWorker, kDisplay}}},
      {"SessionService.SignIn",
       {.is_public = true,
        .note = "how a password becomes a token; throttled per address (AdmitSignIn)"}},
      {"SessionService.SetPassword", {.roles = {kAdmin}}},
      {"AdminService.ListClinics",
       {.roles = {kAdmin, kOfficer, kApprover, kCounter, kClinic, kCourier}}},
      // Issue 13: the reference data the admin keeps; the office's own record is read by staff.
      {"AdminService.AddHoliday", {.roles = {kAdmin}}},
      {"AdminService.RemoveHoliday", {.roles = {kAdmin}}},
      {"AdminService.ImportHolidays", {.roles = {kAdmin}}},
      {"AdminService.SetPermitType", {.roles = {kAdmin}}},
      {"AdminService.SetClinic", {.roles = {kAdmin}}},
      {"AdminService.SetCounter", {.roles = {kAdmin}}},
      {"AdminService.ListCounters", {.roles = {kAdmin, kOfficer, kApprover, kCounter}}},
      {"AdminService.GetOffice", {.roles = {kAdmin, kOfficer, kApprover, kCounter}}},
      {"AdminService.UpdateOffice", {.roles = {kAdmin}}},
      {"AdminService.ListAdminAudit", {.roles = {kAdmin}}},
      // SIBER: couriers work their own stops (row scope in the store); the office plans and
      // watches.
      {"CourierService.GetRoute", {.roles = {kCourier, kAdmin, kOfficer}}},
      {"CourierService.ArriveAtStop", {.roles = {kCourier}}},
      {"CourierService.ConfirmStop", {.roles = {kCourier}}},
      {"CourierService.FailStop", {.roles = {kCourier}}},
      {"CourierService.CancelStop", {.roles = {kAdmin, kOfficer}}},
      // A clinic lists only the stops at its own door (row scope in the store).
      {"CourierService.ListStops", {.roles = {kAdmin, kOfficer, kCounter, kClinic}}},
      {"CourierService.PlanDay", {.roles = {kAdmin, kOfficer}}},
      {"CourierService.GetCustody", {.roles = {kAdmin, kOfficer, kApprover, kCounter, kClinic}}},
      {"CourierService.CreateCourier", {.roles = {kAdmin}}},
      {"CourierService.SetShift", {.roles = {kAdmin}}},
      {"CourierService.ListCouriers", {.roles = {kAdmin, kOfficer}}},
      // The live office queue (QueueService): counter staff and officers run it; a display
      // board watches with a counter token.
      // An admin checks a walk-in in only to override the opening hours (outside_hours_override).
      {"QueueService.CheckIn", {.roles = {kOfficer, kCounter, kAdmin}}},
      {"QueueService.RedirectVisit", {.roles = {kOfficer, kCounter}}},
      {"QueueService.CallNext", {.roles = {kOfficer, kCounter}}},
      {"QueueService.Recall", {.roles = {kOfficer, kCounter}}},
      {"QueueService.Skip", {.roles = {kOfficer, kCounter}}},
      {"QueueService.MarkNoShow", {.roles = {kOfficer, kCounter}}},
      {"QueueService.Transfer", {.roles = {kOfficer, kCounter}}},
      {"QueueService.Finish", {.roles = {kOfficer, kCounter}}},
      {"QueueService.GetTicket", {.roles = {kAdmin, kOfficer, kCounter}}},
      {"QueueService.ListTickets", {.roles = {kAdmin, kOfficer, kCounter, kDisplay}}},
      // Visits carry names and screening results: staff at the door only, not the board.
      {"QueueService.ListVisits", {.roles = {kAdmin, kOfficer, kCounter}}},
      {"QueueService.WatchQueue", {.roles = {kAdmin, kOfficer, kCounter, kDisplay}}},
      // Spontan appointments (AppointmentService); clinics see only their own requests.
      {"AppointmentService.CreateAppointmentRequest",
       {.roles = {kAdmin, kOfficer, kCounter, kClinic}}},
      {"AppointmentService.GetAppointmentRequest",
       {.roles = {kAdmin, kOfficer, kCounter, kClinic}}},
      {"AppointmentService.ListAppointmentRequests",
       {.roles = {kAdmin, kOfficer, kCounter, kClinic}}},
      {"AppointmentService.CancelAppointmentRequest",
       {.roles = {kAdmin, kOfficer, kCounter, kClinic}}},
      {"AppointmentService.RescheduleAppointmentRequest",
       {.roles = {kAdmin, kOfficer, kCounter, kClinic}}},
      {"AppointmentService.ReleaseNoShows", {.roles = {kAdmin, kOfficer, kCounter}}},
      {"AppointmentService.ListSlots", {.roles = {kAdmin, kOfficer, kCounter, kClinic}}},
      {"AppointmentService.GetOfficeHours", {.roles = {kAdmin, kOfficer}}},
      {"AppointmentService.SetOfficeHours", {.roles = {kAdmin}}},
      {"AppointmentService.GenerateSlots", {.roles = {kAdmin}}},
      {"AppointmentService.CloseCounter", {.roles = {kAdmin}}},
      {"AppointmentService.CloseDay", {.roles = {kAdmin}}},
      // Applicants' self-service (issue 10): no account; each call proves itself with the
      // applicant's booking code or receipt, throttled per address (public_throttle).
      {"PublicService.GetPublicOffice", {.is_public = true, .note = "applicant self-service"}},
      {"PublicService.ListOpenDays", {.is_public = true, .note = "applicant self-service"}},
      {"PublicService.BookVisit", {.is_public = true, .note = "applicant self-service"}},
      {"PublicService.ConfirmVisit", {.is_public = true, .note = "applicant self-service"}},
      {"PublicService.ResendCode", {.is_public = true, .note = "applicant self-service"}},
      {"PublicService.GetVisit", {.is_public = true, .note = "applicant self-service"}},
      {"PublicService.CancelVisit", {.is_public = true, .note = "applicant self-service"}},
      {"PublicService.MoveVisit", {.is_public = true, .note = "applicant self-service"}},
      {"PublicService.TrackCase", {.is_public = true, .note = "applicant self-service"}},
      {"PublicService.GetQueuePosition", {.is_public = true, .note = "applicant self-service"}},
      {"PublicService.WatchQueuePosition", {.is_public = true, .note = "applicant self-service"}},
      {"TaskService.PollTask", {.roles = {kWorker}}},
      {"TaskService.Heartbeat", {.roles = {kWorker}}},
      {"TaskService.CompleteTask", {.roles = {kWorker}}},
      {"TaskService.CompleteTasks", {.roles = {kWorker}}},
      {"TaskService.FailTask", {.roles = {kWorker}}},
      {"TaskAdminService.ListTasks", {.roles = {kAdmin}}},
      {"TaskAdminService.GetTask", {.roles = {kAdmin}}},
      {"TaskAdminService.RetryTask", {.roles = {kAdmin}}},
      {"TaskAdminService.DropTask", {.roles = {kAdmin}}},
  };
  return *policy;
}

const MethodPolicy* FindPolicy(std::string_view method) {
  auto it = PolicyTable().find(method);
  return it == PolicyTable().end() ? nullptr : &it->second;
}

bool RoleMayCall(Role role, std::string_view method) {
  const MethodPolicy* policy = FindPolicy(method);
  return policy != nullptr && !policy->is_public && policy->roles.count(role) > 0;
}

absl::StatusOr<domain::Principal> Authorizer::Authorize(const grpc::ServerContextBase& ctx,
                                                        std::string_view method) const {
  const auto& md = ctx.client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) {
    return BadToken(ctx, absl::UnauthenticatedError("missing authorization: Bearer <token>"));
  }
  absl::string_view value(it->second.data(), it->second.size());
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWithIgnoreCase(value, kBearer)) {
    return BadToken(ctx, absl::UnauthenticatedError("authorization must be \"Bearer <token>\""));
  }
  std::string token(absl::StripAsciiWhitespace(value.substr(kBearer.size())));
  if (token.size() != 64) {
    return BadToken(ctx, absl::UnauthenticatedError("unknown or revoked token"));
  }
  std::string digest = Sha256(token);
  absl::StatusOr<domain::Principal> p;
  if (auto hit = cache_.Get(digest)) {
    p = *hit;
  } else {
    // An address that has sent nothing but bad tokens lately is not worth a database lookup.
    double retry = 0;
    if (!bad_tokens_.HasAny(ClientAddress(ctx), &retry)) {
      return BadToken(ctx, absl::UnauthenticatedError("unknown or revoked token"));
    }
    p = auth_.Authenticate(digest);
    if (absl::IsUnauthenticated(p.status())) return BadToken(ctx, p.status());
    if (!p.ok()) return p.status();
    cache_.Put(digest, *p);
  }
  if (!RoleMayCall(p->role, method)) {
    return absl::PermissionDeniedError(absl::StrCat("role ", std::string(domain::RoleName(p->role)),
                                                    " may not call ", std::string(method)));
  }
  return p;
}

Authorizer::AddressBuckets::Bucket& Authorizer::AddressBuckets::Refill(const std::string& address) {
  const absl::Time now = clock_.Now();
  if (buckets_.size() > 100000) buckets_.clear();  // bounded memory; a flood only resets limits
  auto [it, fresh] = buckets_.try_emplace(address, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double minutes = std::max(0.0, absl::ToDoubleMinutes(now - b.refilled));
    b.tokens = std::min(burst_, b.tokens + minutes * per_minute_);
    b.refilled = now;
  }
  return b;
}

bool Authorizer::AddressBuckets::HasAny(const std::string& address, double* retry_seconds) {
  absl::MutexLock lock(&mu_);
  Bucket& b = Refill(address);
  if (b.tokens >= 1) return true;
  *retry_seconds = std::ceil((1 - b.tokens) * 60 / per_minute_);
  return false;
}

bool Authorizer::AddressBuckets::Take(const std::string& address, double* retry_seconds) {
  absl::MutexLock lock(&mu_);
  Bucket& b = Refill(address);
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return true;
  }
  *retry_seconds = std::ceil((1 - b.tokens) * 60 / per_minute_);
  return false;
}

absl::Status Authorizer::BadToken(const grpc::ServerContextBase& ctx, absl::Status s) const {
  if (metrics_ != nullptr) metrics_->RecordUnauthenticated();
  double retry = 0;
  if (bad_tokens_.Take(ClientAddress(ctx), &retry)) return s;
  if (metrics_ != nullptr) metrics_->RecordPublicRefusal("unauthenticated");
  return absl::ResourceExhaustedError(absl::StrCat(
      "too many calls without a valid token from your address; try again in ", retry, " s"));
}

absl::Status Authorizer::AdmitSignIn(const grpc::ServerContextBase& ctx) const {
  double retry = 0;
  if (sign_ins_.Take(ClientAddress(ctx), &retry)) return absl::OkStatus();
  if (metrics_ != nullptr) metrics_->RecordPublicRefusal("SignIn");
  return absl::ResourceExhaustedError(
      absl::StrCat("too many sign-ins from your address; try again in ", retry, " s"));
}

absl::Status Authorizer::AuthorizeStream(const grpc::ServerContextBase& ctx,
                                         std::string_view method,
                                         std::optional<domain::Principal>& p) const {
  absl::StatusOr<domain::Principal> now = Authorize(ctx, method);
  if (!p) {
    if (now.ok()) p = *std::move(now);
    return now.status();
  }
  if (!now.ok()) return absl::IsUnavailable(now.status()) ? absl::OkStatus() : now.status();
  const domain::Principal& was = *p;
  if (now->id != was.id || now->office_id != was.office_id || now->role != was.role ||
      now->clinic_id != was.clinic_id || now->courier_id != was.courier_id) {
    return absl::PermissionDeniedError(
        absl::StrCat("principal ", was.id, "'s role or scope changed: sign in again"));
  }
  return absl::OkStatus();
}

namespace {

std::optional<std::string> Header(const grpc::ServerContextBase& ctx, std::string_view name) {
  const auto& md = ctx.client_metadata();
  auto it = md.find(grpc::string_ref(name.data(), name.size()));
  if (it == md.end()) return std::nullopt;
  return std::string(it->second.data(), it->second.size());
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// "ipv4:127.0.0.1:5000" -> "127.0.0.1", "ipv6:[::1]:5000" -> "::1".
std::string PeerIp(const std::string& peer) {
  std::string_view p = peer;
  size_t colon = p.find(':');
  if (colon != std::string_view::npos) p.remove_prefix(colon + 1);
  if (p.starts_with("%5B") || p.starts_with("[")) {
    size_t open = p[0] == '[' ? 1 : 3;
    size_t close = p.find(p[0] == '[' ? "]" : "%5D");
    return std::string(p.substr(open, close == std::string_view::npos ? p.npos : close - open));
  }
  size_t last = p.rfind(':');
  return std::string(last == std::string_view::npos ? p : p.substr(0, last));
}

}  // namespace

std::string Authorizer::ClientAddress(const grpc::ServerContextBase& ctx) const {
  if (!edge_key_.empty()) {
    auto key = Header(ctx, "x-loket-edge-key");
    auto addr = Header(ctx, "x-loket-client-addr");
    if (key && addr && ConstantTimeEquals(*key, edge_key_) && !addr->empty() &&
        addr->size() <= 64) {
      bool clean = true;  // an IPv4 or IPv6 address: hex digits, '.', ':'
      for (char c : *addr)
        clean &= absl::ascii_isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == ':';
      if (clean) return *addr;
    }
  }
  return PeerIp(ctx.peer());
}

std::string BearerDigest(const grpc::ServerContextBase& ctx) {
  auto value = Header(ctx, "authorization");
  constexpr absl::string_view kBearer = "Bearer ";
  if (!value || !absl::StartsWithIgnoreCase(*value, kBearer)) return "";
  std::string token(absl::StripAsciiWhitespace(absl::string_view(*value).substr(kBearer.size())));
  return token.empty() ? "" : Sha256(token);
}

std::string TerminalOf(const grpc::ServerContextBase& ctx) {
  const auto& md = ctx.client_metadata();
  auto it = md.find("x-loket-terminal");
  if (it != md.end()) {
    std::string t(it->second.data(), std::min<size_t>(it->second.size(), 64));
    return t;
  }
  return ctx.peer();
}

absl::StatusOr<std::string> Authorizer::ReadEdgeKeyFile(const std::string& path) {
  std::ifstream in(path);
  std::string key;
  std::getline(in, key);
  if (key.size() < 32) {
    return absl::InvalidArgumentError(
        absl::StrCat("edge_key_file: ", path, " must hold a key of 32+ characters"));
  }
  return key;
}

}  // namespace loket::api
