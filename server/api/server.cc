#include "server/api/server.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/stubs/logging.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/support/server_interceptor.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "server/api/admin_service.h"
#include "server/api/appointment_service.h"
#include "server/api/auth.h"
#include "server/api/call_scope.h"
#include "server/api/case_service.h"
#include "server/api/catalog_service.h"
#include "server/api/connection_guard.h"
#include "server/api/convert.h"
#include "server/api/courier_service.h"
#include "server/api/metrics.h"
#include "server/api/public_service.h"
#include "server/api/queue_service.h"
#include "server/api/report_service.h"
#include "server/api/session_service.h"
#include "server/api/task_service.h"
#include "server/api/unary_pool.h"
#include "server/store/appointment_repository.h"
#include "server/store/auth_repository.h"
#include "server/store/case_repository.h"
#include "server/store/catalog_repository.h"
#include "server/store/database.h"
#include "server/store/queue_repository.h"
#include "server/store/siber_repository.h"
#include "server/store/task_queue.h"

namespace loket::api {
namespace {

// The message of gRPC's own RESOURCE_EXHAUSTED when the synchronous methods' thread quota is spent
// (grpc++'s resource-exhausted handler, src/cpp/server/server_cc.cc); checked by
// OverloadTest.ASpentThreadQuotaAsksForAWaitAsThePoolDoes.
constexpr char kGrpcThreadQuotaSpent[] = "Server Threadpool Exhausted";

// --- Requests that are not requests -------------------------------------------------------------
// grpc++ 1.51 parses a request before any of our code runs. When protobuf refuses the bytes
// (truncated, garbage, a string field that is not UTF-8, nesting past protobuf's limit of 100) the
// generated handler answers INTERNAL with protobuf's InitializationErrorString(), which is empty
// for proto3 messages (a callback-API method: UNIMPLEMENTED with no message, also for a request
// that never arrived whole), and protobuf writes one "invalid UTF-8" line to stderr per request.
// Hooking the parse itself would take a SerializationTraits specialisation per message (or a
// generic ByteBuffer service per method), so instead: protobuf's log handler notes which field was
// not UTF-8 (for the calling thread) and writes at most one line a minute, and the interceptor
// turns exactly that answer (INTERNAL or UNIMPLEMENTED, empty message) into INVALID_ARGUMENT naming
// the method.

// A line at most once per minute; the others are counted (suppressed=N on the next line written,
// and every one in /metrics).
log::Throttle& Utf8Log() {
  static auto* throttle =
      new log::Throttle(*SystemClock::Get(), absl::Minutes(1), "requests with invalid UTF-8");
  return *throttle;
}

log::Throttle& RefusedLog() {
  static auto* throttle = new log::Throttle(*SystemClock::Get(), absl::Minutes(1),
                                            "unauthenticated, throttled or malformed calls");
  return *throttle;
}

// The string field protobuf last found not UTF-8 on this thread, and when.
struct Utf8Complaint {
  std::string field;
  absl::Time at;
};
thread_local Utf8Complaint t_utf8_complaint;

void ProtobufLog(google::protobuf::LogLevel level, const char* filename, int line,
                 const std::string& message) {
  // "String field 'loket.v1.ListCasesRequest.permit_type' contains invalid UTF-8 data when
  // parsing a protocol buffer. ..."
  if (message.find("contains invalid UTF-8 data when parsing") != std::string::npos) {
    const size_t open = message.find('\'');
    const size_t close = open == std::string::npos ? open : message.find('\'', open + 1);
    t_utf8_complaint = {
        close == std::string::npos ? "" : message.substr(open + 1, close - open - 1), absl::Now()};
    Utf8Log().Write({log::Level::kWarn, message, "", "", {{"source", "libprotobuf"}}});
    return;
  }
  static const log::Level kLevels[] = {log::Level::kInfo, log::Level::kWarn, log::Level::kError,
                                       log::Level::kError};
  log::Write({kLevels[std::clamp<int>(level, 0, 3)],
              message,
              "",
              "",
              {{"source", "libprotobuf"}, {"file", absl::StrCat(filename, ":", line)}}});
}

// The request_id of a loket.v1 request (the idempotency key of a mutation), for the rpc line;
// empty when the request has none. Cut short: it is the caller's text.
std::string RequestIdOf(const std::string& method, const void* message) {
  if (message == nullptr || !method.starts_with("/loket.v1.")) return "";
  // Every loket.v1 method is generated protobuf code: the message is a google::protobuf::Message.
  const auto* m = static_cast<const google::protobuf::Message*>(message);
  const google::protobuf::FieldDescriptor* f = m->GetDescriptor()->FindFieldByName("request_id");
  if (f == nullptr || f->is_repeated() ||
      f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING) {
    return "";
  }
  std::string id = m->GetReflection()->GetString(*m, f);
  if (id.size() > 64) id.resize(64);
  return id;
}

// Whether `method` ("/loket.v1.CaseService/ListCases") is one of loketd's own methods.
bool IsLoketMethod(const std::string& method) {
  if (!method.starts_with("/loket.v1.")) return false;
  std::string name = method.substr(1);
  std::replace(name.begin(), name.end(), '/', '.');
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name) != nullptr;
}

// The answer for a request protobuf could not parse.
grpc::Status MalformedRequest(const std::string& method) {
  std::string detail =
      "truncated or malformed protobuf, a string field that is not UTF-8, or nesting deeper "
      "than 100";
  if (!t_utf8_complaint.field.empty() && absl::Now() - t_utf8_complaint.at < absl::Seconds(5)) {
    detail = absl::StrCat("string field ", t_utf8_complaint.field, " is not valid UTF-8");
  }
  t_utf8_complaint.field.clear();
  std::string_view name = method;
  if (name.starts_with("/")) name.remove_prefix(1);
  return grpc::Status(
      grpc::INVALID_ARGUMENT,
      absl::StrCat("request: not a valid ", std::string(name), " request (", detail, ")"));
}

constexpr size_t kMaxStatusMessageBytes = 1024;

// The first kMaxStatusMessageBytes of `m` (cut before a UTF-8 continuation byte) and a note.
std::string CutStatusMessage(const std::string& m) {
  size_t end = kMaxStatusMessageBytes;
  while (end > 0 && (static_cast<unsigned char>(m[end]) & 0xc0) == 0x80) --end;
  return absl::StrCat(m.substr(0, end), "… (message cut at ", end, " of ", m.size(), " bytes)");
}

// One structured line per RPC: method, code, latency. No payloads, so no personal data.
class LogInterceptor final : public grpc::experimental::Interceptor {
 public:
  LogInterceptor(grpc::experimental::ServerRpcInfo* info, ServerMetrics* metrics,
                 RetryHint* retry_hint, bool log)
      : info_(info),
        method_(info->method()),
        start_(absl::Now()),
        metrics_(metrics),
        retry_hint_(retry_hint),
        log_(log) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_CLOSE)) {
      // The call has closed: whether its caller had gone is known now. An unparsed request
      // answered already is counted here; one answered later is counted at PRE_SEND_STATUS.
      std::optional<grpc::Status> unparsed;
      {
        absl::MutexLock l(&mu_);
        closed_ = true;
        unparsed.swap(unparsed_);
      }
      if (unparsed) RecordUnparsed(*unparsed);
      methods->Proceed();
      return;
    }
    if (log_ && methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        request_id_.empty()) {
      request_id_ = RequestIdOf(method_, methods->GetRecvMessage());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status s = methods->GetSendStatus();
      bool malformed = false;
      grpc::ServerContextBase* ctx = info_->server_context();
      // grpc++ answers INTERNAL "No payload" or "Couldn't initialize byte buffer reader" when the
      // request message never arrived whole: the client hung up mid-message (its cancellation
      // may not be visible to IsCancelled yet).
      const bool no_payload = s.error_code() == grpc::INTERNAL &&
                              (s.error_message() == "No payload" ||
                               s.error_message() == "Couldn't initialize byte buffer reader");
      if (s.error_code() != grpc::OK && ctx != nullptr && (no_payload || ctx->IsCancelled())) {
        // Nobody reads this answer: the caller went away or its deadline passed, and whatever
        // the handler returned is counted as that, not as our fault.
        const bool late = absl::Now() >= DeadlineOf(ctx->raw_deadline());
        s = grpc::Status(late ? grpc::DEADLINE_EXCEEDED : grpc::CANCELLED,
                         late ? "deadline passed" : "the caller went away");
        methods->ModifySendStatus(s);
      } else if (s.error_code() == grpc::RESOURCE_EXHAUSTED &&
                 (s.error_message() == kGrpcThreadQuotaSpent ||
                  s.error_message().starts_with(store::kBusy))) {
        // gRPC's own refusal when its thread quota is spent, or the store's when no database
        // connection is free: the caller is asked to wait as the unary pool asks.
        const RetryHint::Answer refusal = retry_hint_->Refuse(
            s.error_message() == kGrpcThreadQuotaSpent ? kAtItsLimit : s.error_message(),
            absl::Now());
        methods->GetSendTrailingMetadata()->emplace(kRetryPushbackKey, refusal.pushback_ms);
        s = grpc::Status(grpc::RESOURCE_EXHAUSTED, refusal.message);
        methods->ModifySendStatus(s);
      } else if (s.error_code() == grpc::INTERNAL && s.error_message().empty()) {
        // Only grpc++'s failed parse answers so: every error of ours carries a message.
        s = MalformedRequest(method_);
        methods->ModifySendStatus(s);
        metrics_->RecordMalformedRequest();
        malformed = true;
      } else if (s.error_code() == grpc::UNIMPLEMENTED && s.error_message().empty() &&
                 IsLoketMethod(method_)) {
        // A callback-API method answers so both for a request protobuf could not parse and for
        // one that never arrived whole (the client hung up mid-message). Answered as malformed;
        // which it was is known once the call has closed (POST_RECV_CLOSE): counted there.
        s = MalformedRequest(method_);
        methods->ModifySendStatus(s);
        bool closed;
        {
          absl::MutexLock l(&mu_);
          closed = closed_;
          if (!closed) unparsed_ = s;
        }
        if (closed) RecordUnparsed(s);
        methods->Proceed();
        return;
      }
      if (s.error_message().size() > kMaxStatusMessageBytes) {
        // Values are quoted short (domain::QuoteValue); this is the net under any message that
        // still grew, so the client reads the field's name and never "metadata size exceeds
        // limit" (grpc-message travels in a header).
        s = grpc::Status(s.error_code(), CutStatusMessage(s.error_message()), s.error_details());
        methods->ModifySendStatus(s);
      }
      Record(s, malformed);
    }
    methods->Proceed();
  }

 private:
  // Counts the call's answer and writes its line.
  void Record(const grpc::Status& s, bool malformed) {
    double seconds = absl::ToDoubleSeconds(absl::Now() - start_);
    metrics_->RecordRpc(method_, static_cast<int>(s.error_code()), seconds);
    if (!log_) return;
    if (malformed || s.error_code() == grpc::UNAUTHENTICATED ||
        s.error_code() == grpc::RESOURCE_EXHAUSTED) {
      // Anyone can send these, as fast as they like: a line per call would let them fill the
      // disk. /metrics counts every one (loket_rpc_total by method and code).
      RefusedLog().Write(
          {log::Level::kWarn,
           "rpc refused",
           request_id_,
           "",
           {{"method", method_}, {"code", absl::StrCat(static_cast<int>(s.error_code()))}}});
      return;
    }
    log::Write({log::Level::kInfo,
                "rpc",
                request_id_,
                "",
                {{"method", method_},
                 {"code", absl::StrCat(static_cast<int>(s.error_code()))},
                 {"ms", absl::StrFormat("%.2f", seconds * 1000)}}});
  }

  // An unparsed request, once both its answer and the call's close are known: CANCELLED when the
  // caller had gone (it hung up mid-message), else malformed.
  // Only a callback-API call gets here: there IsCancelled is exact once the call has closed. (On
  // the sync path, asking it from POST_RECV_CLOSE would run the close's hooks again.)
  void RecordUnparsed(const grpc::Status& answered) {
    grpc::ServerContextBase* ctx = info_->server_context();
    const bool gone = ctx != nullptr && ctx->IsCancelled();
    if (!gone) metrics_->RecordMalformedRequest();
    Record(gone ? grpc::Status(grpc::CANCELLED, "the caller went away") : answered, !gone);
  }

  grpc::experimental::ServerRpcInfo* info_;
  // The two hooks of an unparsed request may run on two threads, in either order.
  absl::Mutex mu_;
  std::optional<grpc::Status> unparsed_ ABSL_GUARDED_BY(mu_);  // answered, not yet counted
  bool closed_ ABSL_GUARDED_BY(mu_) = false;                   // POST_RECV_CLOSE has run
  std::string method_;
  std::string request_id_;
  absl::Time start_;
  ServerMetrics* metrics_;
  RetryHint* retry_hint_;  // the unary pool's: every refusal for a full loketd asks the same wait
  bool log_;
};

class LogInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  LogInterceptorFactory(ServerMetrics* metrics, RetryHint* retry_hint, bool log)
      : metrics_(metrics), retry_hint_(retry_hint), log_(log) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new LogInterceptor(info, metrics_, retry_hint_, log_);
  }

 private:
  ServerMetrics* metrics_;
  RetryHint* retry_hint_;
  bool log_;
};

absl::StatusOr<std::string> ReadFile(const std::string& path, const char* flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(flag, ": cannot read ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool IsLoopback(const std::string& listen) {
  return absl::StartsWith(listen, "127.") || absl::StartsWith(listen, "localhost:") ||
         absl::StartsWith(listen, "[::1]:");
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(const ServerOptions& o) {
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key go together");
  }
  if (o.tls_cert.empty()) {
    if (!o.tls_client_ca.empty()) {
      return absl::InvalidArgumentError("--tls_client_ca needs --tls_cert and --tls_key");
    }
    if (!IsLoopback(o.listen) && !o.allow_plaintext_remote) {
      return absl::InvalidArgumentError(
          absl::StrCat("--listen=", o.listen,
                       " is not loopback: give --tls_cert/--tls_key, or "
                       "--allow_plaintext_remote when a TLS proxy sits in front"));
    }
    return grpc::InsecureServerCredentials();
  }
  grpc::SslServerCredentialsOptions ssl;
  LOKET_ASSIGN_OR_RETURN(auto cert, ReadFile(o.tls_cert, "--tls_cert"));
  LOKET_ASSIGN_OR_RETURN(auto key, ReadFile(o.tls_key, "--tls_key"));
  ssl.pem_key_cert_pairs.push_back({key, cert});
  if (!o.tls_client_ca.empty()) {
    LOKET_ASSIGN_OR_RETURN(auto ca, ReadFile(o.tls_client_ca, "--tls_client_ca"));
    ssl.pem_root_certs = ca;
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

}  // namespace

absl::StatusOr<std::unique_ptr<LoketServer>> LoketServer::Start(const ServerOptions& o,
                                                                const Clock& clock) {
  if (o.db_conninfo.empty()) return absl::InvalidArgumentError("--db: required");
  if (o.pool_size < 1 || o.pool_size > 256) {
    return absl::InvalidArgumentError("--pool_size: 1..256");
  }
  if (o.db_max_waiting < 0) return absl::InvalidArgumentError("--db_max_waiting: 0 or more");
  if (o.db_acquire_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--db_acquire_timeout_ms: more than 0");
  }
  if (o.pool_nice < 0 || o.pool_nice > 19) return absl::InvalidArgumentError("--pool_nice: 0..19");
  if (o.db_lock_timeout < absl::ZeroDuration() || o.db_statement_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "--db_lock_timeout_ms and --db_statement_timeout_ms: 0 (no limit) or more");
  }
  if (o.health_probe_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--health_probe_timeout_ms: more than 0");
  }
  LOKET_ASSIGN_OR_RETURN(auto creds, Credentials(o));
  LOKET_RETURN_IF_ERROR(domain::ValidateRetention(o.retention));
  store::PermitDocumentOptions permit_letter = o.permit_letter;
  if (o.permit_key_file.empty() != o.permit_cert_file.empty()) {
    return absl::InvalidArgumentError("--permit_key and --permit_cert: both or neither");
  }
  if (!o.permit_key_file.empty()) {
    absl::StatusOr<std::unique_ptr<permit::PermitSigner>> signer =
        permit::PermitSigner::Load(o.permit_key_file, o.permit_cert_file, o.permit_chain_file);
    if (!signer.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--permit_key/--permit_cert/--permit_chain: ", signer.status().message()));
    }
    permit_letter.signer = std::move(*signer);
  }

  std::unique_ptr<LoketServer> s(new LoketServer());
  s->metrics_ = std::make_unique<ServerMetrics>();
  if (!o.admin_listen.empty()) {
    absl::Status serving = s->metrics_->Serve(o.admin_listen);
    if (!serving.ok()) return serving;
  }
  store::DatabaseOptions db_options;
  db_options.conninfo = o.db_conninfo;
  db_options.pool_size = o.pool_size;
  db_options.max_waiting = o.db_max_waiting;
  db_options.acquire_timeout = o.db_acquire_timeout;
  db_options.lock_timeout = o.db_lock_timeout;
  db_options.statement_timeout = o.db_statement_timeout;
  if (o.tasks_on_office_clock) db_options.task_clock = &clock;
  s->db_ = std::make_unique<store::Database>(db_options);
  absl::Time deadline = absl::Now() + o.startup_timeout;
  for (;;) {
    absl::Status m = s->db_->Migrate();
    if (m.ok()) break;
    if (!absl::IsUnavailable(m) || absl::Now() > deadline) return m;
    log::Warn(absl::StrCat("waiting for the database: ", std::string(m.message())));
    absl::SleepFor(absl::Seconds(1));
  }
  s->auth_repo_ = std::make_unique<store::AuthRepository>(*s->db_);
  s->catalog_repo_ = std::make_unique<store::CatalogRepository>(*s->db_, clock);
  s->case_repo_ = std::make_unique<store::CaseRepository>(*s->db_, clock, EncodeNotifySend,
                                                          o.notification_policy);
  s->case_repo_->SetPermitDocuments(std::move(permit_letter));
  s->task_queue_ = std::make_unique<store::TaskQueue>(
      *s->db_, store::RetryPolicy{o.task_retry_base, o.task_retry_cap, 0.2});
  s->wakeups_ = std::make_unique<store::TaskWakeups>(o.db_conninfo);
  s->authorizer_ = std::make_unique<Authorizer>(*s->auth_repo_, clock);
  s->authorizer_->SetEdgeKey(o.edge_key);
  s->authorizer_->SetMetrics(s->metrics_.get());
  s->session_service_ =
      std::make_unique<SessionServiceImpl>(*s->auth_repo_, *s->authorizer_, o.session_limits);
  // Public calls (VerifyPermit here, PublicService below) share one per-address limiter.
  s->public_throttle_ = std::make_unique<PublicThrottle>(clock, *s->authorizer_, *s->metrics_);
  if (o.stream_threads < 1 || o.stream_threads > 64 || o.max_watch_streams < 1) {
    return absl::InvalidArgumentError("--stream_threads 1..64, --max_watch_streams >= 1");
  }
  s->streams_ = std::make_unique<StreamPool>(o.stream_threads, o.max_watch_streams);
  s->case_service_ =
      std::make_unique<CaseServiceImpl>(*s->case_repo_, *s->authorizer_, *s->streams_);
  s->case_service_->SetPublicThrottle(s->public_throttle_.get());
  s->case_service_->SetPermitVerifyUrl(o.permit_letter.verify_url);
  {
    // A thread for each connection and each call the pool queues for one (the store sheds past
    // that), and as many calls again waiting for a thread.
    const int waiting = o.db_max_waiting > 0 ? o.db_max_waiting : o.pool_size;
    const int threads = std::min(o.pool_size + waiting, 512);
    s->unary_ = std::make_unique<UnaryPool>(threads, threads, o.pool_nice);
  }
  s->catalog_service_ = std::make_unique<CatalogServiceImpl>(*s->catalog_repo_, *s->authorizer_);
  s->admin_service_ =
      std::make_unique<AdminServiceImpl>(*s->auth_repo_, *s->catalog_repo_, *s->authorizer_);
  s->task_service_ = std::make_unique<TaskServiceImpl>(*s->task_queue_, *s->wakeups_,
                                                       *s->authorizer_, s->metrics_.get());
  s->task_service_->SetPollWaitHook(o.on_poll_wait);
  s->task_admin_service_ = std::make_unique<TaskAdminServiceImpl>(*s->task_queue_, *s->authorizer_);
  s->notify_results_ = std::make_unique<NotifyResults>(*s->db_, s->metrics_.get());
  s->task_service_->AddTaskKind("notify.send", v1::CompleteTaskRequest::kNotify,
                                s->notify_results_.get());
  s->siber_repo_ = std::make_unique<store::SiberRepository>(
      *s->db_, clock, *s->case_repo_, EncodeNotifySend, o.notification_policy);
  s->courier_service_ = std::make_unique<CourierServiceImpl>(*s->siber_repo_, *s->authorizer_);
  s->route_plan_queue_ = std::make_unique<RoutePlanQueue>(*s->siber_repo_);
  s->task_service_->AddTaskKind("route.plan", v1::CompleteTaskRequest::kRoutePlan,
                                s->route_plan_queue_.get());
  // The live office queue.
  s->queue_repo_ = std::make_unique<store::QueueRepository>(*s->db_, clock, EncodeNotifySend,
                                                            o.notification_policy);
  s->queue_repo_->set_walk_in_hours(o.walk_in_hours);
  s->queue_service_ =
      std::make_unique<QueueServiceImpl>(*s->queue_repo_, *s->authorizer_, *s->streams_);
  // Spontan appointments and the slots.allocate planning queue.
  s->appointment_repo_ = std::make_unique<store::AppointmentRepository>(
      *s->db_, clock, EncodeNotifySend, o.notification_policy);
  s->appointment_service_ =
      std::make_unique<AppointmentServiceImpl>(*s->appointment_repo_, *s->authorizer_);
  s->slots_allocate_queue_ = std::make_unique<SlotsAllocateQueue>(*s->appointment_repo_);
  // Applicants' self-service (no token; limited per client address).
  s->public_repo_ = std::make_unique<store::PublicRepository>(*s->db_, clock, EncodeNotifySend,
                                                              o.notification_policy);
  s->public_service_ = std::make_unique<PublicServiceImpl>(PublicServiceDeps{
      *s->public_repo_, *s->appointment_repo_, *s->case_repo_, *s->catalog_repo_, *s->siber_repo_,
      *s->queue_repo_, *s->authorizer_, *s->public_throttle_, clock, *s->streams_});
  s->task_service_->AddTaskKind("slots.allocate", v1::CompleteTaskRequest::kAllocation,
                                s->slots_allocate_queue_.get());
  // Issue 13: the monthly report.
  s->report_repo_ = std::make_unique<store::ReportRepository>(*s->db_, clock);
  s->report_service_ = std::make_unique<ReportServiceImpl>(*s->report_repo_, *s->authorizer_);

  // Every service's unary calls run on one pool but the workers' (TaskService, TaskAdminService:
  // a long poll would hold a pool thread) and sign-in's (SessionService: a password hash is 0.1 s
  // of CPU, and a burst of sign-ins would fill a pool sized for database calls).
  s->case_service_->SetUnaryPool(s->unary_.get());
  s->catalog_service_->SetUnaryPool(s->unary_.get());
  s->admin_service_->SetUnaryPool(s->unary_.get());
  s->public_service_->SetUnaryPool(s->unary_.get());
  s->courier_service_->SetUnaryPool(s->unary_.get());
  s->queue_service_->SetUnaryPool(s->unary_.get());
  s->appointment_service_->SetUnaryPool(s->unary_.get());
  s->report_service_->SetUnaryPool(s->unary_.get());

  google::protobuf::SetLogHandler(&ProtobufLog);
  InstallCallScope();  // before the first grpc::Server of the process is built
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(o.listen, creds, &s->port_);
  builder.RegisterService(s->case_service_.get());
  builder.RegisterService(s->catalog_service_.get());
  builder.RegisterService(s->admin_service_.get());
  builder.RegisterService(s->session_service_.get());
  builder.RegisterService(s->public_service_.get());
  builder.RegisterService(s->task_service_.get());
  builder.RegisterService(s->task_admin_service_.get());
  builder.RegisterService(s->courier_service_.get());
  builder.RegisterService(s->queue_service_.get());
  builder.RegisterService(s->appointment_service_.get());
  builder.RegisterService(s->report_service_.get());
  // What a client, signed in or not, can make loketd hold (docs/operations.md, "Memory and thread
  // limits"): bytes the transport buffers and threads serving calls are both under one quota, and
  // a connection has at most max_streams_per_connection calls open.
  if (o.grpc_memory_bytes < (16 << 20) || o.grpc_max_threads < 16 ||
      o.max_streams_per_connection < 1 || o.max_receive_bytes < 4096 ||
      (o.memory_limit_bytes != 0 && o.memory_limit_bytes < (64 << 20))) {
    return absl::InvalidArgumentError(
        "--grpc_memory_mb >= 16, --grpc_max_threads >= 16, --max_streams_per_connection >= 1, "
        "--max_receive_kb >= 4, --memory_limit_mb 0 or >= 64");
  }
  grpc::ResourceQuota quota("loketd");
  quota.Resize(static_cast<size_t>(o.grpc_memory_bytes));
  quota.SetMaxThreads(o.grpc_max_threads);
  builder.SetResourceQuota(quota);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, o.max_streams_per_connection);
  // One limit for every method: gRPC C++ has no per-method one, and it checks this only once
  // the whole message has arrived, so it bounds no memory (the quota does; docs/operations.md).
  builder.SetMaxReceiveMessageSize(o.max_receive_bytes);  // a 5 MiB document and its fields
  {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> f;
    f.push_back(std::make_unique<LogInterceptorFactory>(s->metrics_.get(), &s->unary_->retry_hint(),
                                                        o.log_requests));
    builder.experimental().SetInterceptorCreators(std::move(f));
  }
  s->server_ = builder.BuildAndStart();
  if (!s->server_ || s->port_ == 0) {
    return absl::InternalError(absl::StrCat("cannot listen on ", o.listen));
  }
  s->guard_ = std::make_unique<ConnectionGuard>(
      ConnectionGuard::Options{.port = s->port_, .limit_bytes = o.memory_limit_bytes},
      [m = s->metrics_.get()](int closed) { m->RecordConnectionsShed(closed); });
  s->server_->GetHealthCheckService()->SetServingStatus(true);
  s->metrics_->SetServing(true);
  s->health_probe_timeout_ = o.health_probe_timeout;
  s->db_watcher_ = std::thread([p = s.get()] { p->WatchDatabase(); });
  if (o.retention_sweep_interval > absl::ZeroDuration()) {
    s->retention_ = std::make_unique<store::Retention>(*s->db_, o.retention);
    s->sweeper_ =
        std::thread([p = s.get(), every = o.retention_sweep_interval,
                     wait_for = o.retention_sweep_wait] { p->SweepRetention(every, wait_for); });
  }
  if (o.expiry_reminder_interval > absl::ZeroDuration()) {
    s->expiry_reminders_ = std::make_unique<store::ExpiryReminders>(
        *s->db_, clock, EncodeNotifySend, o.notification_policy);
    s->reminder_sweeper_ = std::thread(
        [p = s.get(), every = o.expiry_reminder_interval] { p->SendExpiryReminders(every); });
  }
  return s;
}

void LoketServer::SendExpiryReminders(absl::Duration interval) {
  // A first round soon after start, then every interval; several replicas may sweep at once.
  absl::Duration wait = std::min(interval, absl::Seconds(30));
  while (!stop_watch_.WaitForNotificationWithTimeout(wait)) {
    wait = interval;
    if (stopping_) continue;
    auto n = expiry_reminders_->SweepOnce([this] { return stopping_.load(); });
    if (!n.ok()) {
      log::Error(absl::StrCat("expiry reminders: ", n.status().ToString()));
    } else if (*n > 0) {
      log::Info(absl::StrCat("expiry reminders: ", *n, " sent"), {{"sent", absl::StrCat(*n)}});
    }
  }
}

void LoketServer::SweepRetention(absl::Duration interval,
                                 const std::function<absl::Duration(absl::Duration)>& wait_for) {
  // The first round soon after start (a replica restarted often still sweeps), then every interval.
  absl::Duration wait = std::min(interval, absl::Minutes(1));
  while (!stop_watch_.WaitForNotificationWithTimeout(wait_for ? wait_for(wait) : wait)) {
    wait = interval;
    if (stopping_) continue;
    absl::Time start = absl::Now();
    auto n = retention_->SweepOnce([this] { return stopping_.load(); });
    if (!n.ok()) {
      log::Error(absl::StrCat("retention sweep: ", n.status().ToString()));
    } else if (n->done_tasks + n->dead_tasks + n->idempotency > 0) {
      log::Info(absl::StrCat("retention sweep: ", n->done_tasks, " done tasks, ", n->dead_tasks,
                             " dead tasks, ", n->idempotency, " idempotency records deleted in ",
                             absl::FormatDuration(absl::Now() - start)),
                {{"done_tasks", absl::StrCat(n->done_tasks)},
                 {"dead_tasks", absl::StrCat(n->dead_tasks)},
                 {"idempotency", absl::StrCat(n->idempotency)}});
    }
  }
}

void LoketServer::WatchDatabase() {
  // Health follows the database: a load balancer stops sending to a replica that cannot serve.
  bool serving = true;
  for (int tick = 0; !stop_watch_.WaitForNotificationWithTimeout(absl::Seconds(1)); ++tick) {
    bool ok = db_->Probe(health_probe_timeout_).ok();
    if (ok != serving && !stopping_) {
      serving = ok;
      server_->GetHealthCheckService()->SetServingStatus(ok);
      metrics_->SetServing(ok);
      if (ok) {
        log::Info("database reachable again: SERVING");
      } else {
        log::Error("database unreachable: NOT_SERVING");
      }
    }
    metrics_->SetPoolCounters(db_->Counters());
    metrics_->SetWatchStreams(streams_->open(), absl::ToDoubleSeconds(streams_->TakeMaxLate()),
                              streams_->jobs_run());
    if (ok && tick % 5 == 0) {
      // With a deadline of its own: a database that hangs now must not stop the probe above.
      store::ScopedDeadline bounded(absl::Now() + health_probe_timeout_);
      // A failure here with the probe passing is a bug (a bad query), not an outage: say so.
      auto stats = task_queue_->Stats();
      if (stats.ok()) {
        metrics_->SetQueueStats(*stats);
      } else {
        log::Warn(absl::StrCat("metrics: task stats: ", stats.status().ToString()));
      }
      auto past_sla = case_repo_->CountPastSla();
      if (past_sla.ok()) {
        metrics_->SetCasesPastSla(*past_sla);
      } else {
        log::Warn(absl::StrCat("metrics: cases past SLA: ", past_sla.status().ToString()));
      }
    }
  }
}

void LoketServer::Shutdown(absl::Duration grace) {
  if (stopping_.exchange(true)) return;
  if (guard_) guard_->Stop();  // before the server gives up fd numbers that it would shut down
  server_->GetHealthCheckService()->SetServingStatus(false);
  metrics_->SetServing(false);
  wakeups_->Close();  // long polls answer at once instead of holding the drain up
  server_->Shutdown(std::chrono::system_clock::now() + absl::ToChronoSeconds(grace));
}

void LoketServer::Wait() { server_->Wait(); }

LoketServer::~LoketServer() {
  if (server_) {
    Shutdown(absl::Seconds(1));
    server_->Wait();
  }
  stop_watch_.Notify();
  if (db_watcher_.joinable()) db_watcher_.join();  // it reads the stream pool's gauges
  // Every stream has ended with the server; what is left in the pool are no-op jobs.
  streams_.reset();
  if (sweeper_.joinable()) sweeper_.join();
  if (reminder_sweeper_.joinable()) reminder_sweeper_.join();
}

}  // namespace loket::api
