// loketd's gRPC server, wired: database, repositories, services, health, reflection, logging.
// main.cc and the integration tests both start it through here, so the tests run what ships.
//
// Thread-safe: Shutdown may be called from any thread (e.g. a signal watcher).
#ifndef LOKET_SERVER_API_SERVER_H_
#define LOKET_SERVER_API_SERVER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "server/domain/notification.h"
#include "server/domain/retention.h"
#include "server/domain/signin.h"
#include "server/store/expiry_reminders.h"
#include "server/store/permit_documents.h"
#include "server/store/retention.h"

namespace grpc {
class Server;
}

namespace loket::store {
class Database;
class AuthRepository;
class CatalogRepository;
class CaseRepository;
class TaskQueue;
class TaskWakeups;
class SiberRepository;
class QueueRepository;
class AppointmentRepository;
class PublicRepository;
class ReportRepository;
}  // namespace loket::store

namespace loket::api {

class Authorizer;
class CaseServiceImpl;
class CatalogServiceImpl;
class AdminServiceImpl;
class TaskServiceImpl;
class ServerMetrics;
class TaskAdminServiceImpl;
class CourierServiceImpl;
class RoutePlanQueue;
class NotifyResults;
class QueueServiceImpl;
class AppointmentServiceImpl;
class SlotsAllocateQueue;
class SessionServiceImpl;
class PublicServiceImpl;
class StreamPool;
class UnaryPool;
class ConnectionGuard;
class ReportServiceImpl;
class PublicThrottle;

struct ServerOptions {
  std::string listen = "127.0.0.1:7400";  // "host:port"; port 0 picks a free one
  std::string db_conninfo;
  int pool_size = 8;
  // Bounds of the database work of one call (store::DatabaseOptions says what each does).
  absl::Duration db_lock_timeout = absl::Seconds(2);
  absl::Duration db_statement_timeout = absl::Seconds(15);
  int db_max_waiting = 0;  // calls queued for a connection; 0: pool_size
  absl::Duration db_acquire_timeout = absl::Seconds(5);  // the longest such a call waits
  // How far below loketd's priority the threads running unary calls are (nice, 0..19): under
  // overload gRPC's threads, which take calls in and refuse the excess, come first.
  int pool_nice = 10;
  // The health probe's SELECT 1 may take this long before loketd calls the database hung.
  absl::Duration health_probe_timeout = absl::Seconds(3);
  std::string tls_cert;  // PEM files; TLS when both cert and key are set
  std::string tls_key;
  std::string tls_client_ca;  // mTLS: clients must present a certificate signed by this CA
  bool allow_plaintext_remote = false;                 // plaintext off loopback only when asked for
  absl::Duration startup_timeout = absl::Seconds(60);  // waiting for the database at start
  bool log_requests = true;
  std::string admin_listen;  // Prometheus /metrics on this address; empty: not served
  // Retry back-off of failed tasks; tests shorten it.
  absl::Duration task_retry_base = absl::Seconds(2);
  absl::Duration task_retry_cap = absl::Minutes(10);
  // Quiet hours and the per-recipient limit of every message loketd enqueues.
  domain::NotificationPolicy notification_policy;
  // Password sign-in sessions: absolute and idle expiry.
  domain::SessionLimits session_limits;
  // The task queue runs on the office clock given to Start instead of PostgreSQL's now(): for a
  // clock shifted away from real time (loketd --clock_start), whose tasks would otherwise come due
  // at the wrong time (store::DatabaseOptions::task_clock).
  bool tasks_on_office_clock = false;
  // loket-web's secret (DESIGN.md section 6): with it, the browser address it forwards is believed.
  std::string edge_key;
  // Walk-in tickets only during the office's opening hours (an admin may override); false lets
  // walk-ins in at any hour (demo stacks and tests on the wall clock).
  bool walk_in_hours = true;
  // gRPC transport limits: what an unauthenticated client can make loketd hold (docs/operations.md,
  // "Memory and thread limits").
  int64_t grpc_memory_bytes = 256 << 20;  // resource quota: bytes the transport may buffer
  int grpc_max_threads = 512;             // thread quota: synchronous calls at once
  int stream_threads = 4;                 // threads for the watch streams' looks (polled_stream.h)
  int max_watch_streams = 2000;           // watch streams open at once; past it RESOURCE_EXHAUSTED
  int max_streams_per_connection = 512;   // HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS
  int max_receive_bytes = 8 << 20;        // request size (one limit for all methods)
  // Heap in use past which the connections that sent the most are closed (connection_guard.h);
  // 0: none.
  int64_t memory_limit_bytes = int64_t{768} << 20;
  // Retention (docs/operations.md): finished tasks and idempotency records past their periods are
  // swept every retention_sweep_interval (zero: never, e.g. when another replica or cron does it).
  domain::RetentionPolicy retention;
  absl::Duration retention_sweep_interval = absl::Minutes(10);
  // Expiry reminders (issue 13): how often permits nearing valid_until are looked for (zero:
  // never).
  absl::Duration expiry_reminder_interval = absl::Hours(1);
  // The signed permit document (issue 13; docs/operations.md, "The permit document"): the office's
  // private key, certificate and chain (PEM files). Without key and certificate no document is
  // made; one without the other is refused at start.
  std::string permit_key_file;
  std::string permit_cert_file;
  std::string permit_chain_file;
  store::PermitDocumentOptions permit_letter;  // the letter's wording; Start sets its signer
  // Tests only (empty in loketd): called on the handler's thread each time a PollTask found nothing
  // to lease and is about to wait for a wake-up, so a test can enqueue while a poller waits instead
  // of sleeping for it. Must be quick and thread-safe.
  std::function<void()> on_poll_wait;
  // Tests only (empty in loketd): the retention sweeper's time. Called on the sweeper's thread with
  // the wait before its next round (the first soon after start, then retention_sweep_interval); it
  // waits what this returns instead, shutdown still ending the wait. A test lets the interval pass
  // by returning zero and sees a round end at the next call, instead of waiting on the wall clock.
  // Must be thread-safe.
  std::function<absl::Duration(absl::Duration)> retention_sweep_wait;
};

class LoketServer {
 public:
  // Connects, migrates (waiting up to startup_timeout for the database), and starts serving.
  // INVALID_ARGUMENT for bad options, UNAVAILABLE when the database never came, INTERNAL otherwise.
  static absl::StatusOr<std::unique_ptr<LoketServer>> Start(const ServerOptions& options,
                                                            const Clock& clock);
  ~LoketServer();

  int port() const { return port_; }
  // Reports NOT_SERVING, stops accepting, lets in-flight calls finish for up to `grace`.
  void Shutdown(absl::Duration grace);
  // Blocks until the server has shut down.
  void Wait();

 private:
  LoketServer() = default;
  void WatchDatabase();
  void SweepRetention(absl::Duration interval,
                      const std::function<absl::Duration(absl::Duration)>& wait_for);
  void SendExpiryReminders(absl::Duration interval);

  std::unique_ptr<ServerMetrics> metrics_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::AuthRepository> auth_repo_;
  std::unique_ptr<store::CatalogRepository> catalog_repo_;
  std::unique_ptr<store::CaseRepository> case_repo_;
  std::unique_ptr<store::TaskQueue> task_queue_;
  std::unique_ptr<store::TaskWakeups> wakeups_;
  std::unique_ptr<Authorizer> authorizer_;
  std::unique_ptr<CaseServiceImpl> case_service_;
  std::unique_ptr<CatalogServiceImpl> catalog_service_;
  std::unique_ptr<AdminServiceImpl> admin_service_;
  std::unique_ptr<SessionServiceImpl> session_service_;
  std::unique_ptr<TaskServiceImpl> task_service_;
  std::unique_ptr<TaskAdminServiceImpl> task_admin_service_;
  std::unique_ptr<store::SiberRepository> siber_repo_;
  std::unique_ptr<CourierServiceImpl> courier_service_;
  std::unique_ptr<NotifyResults> notify_results_;
  std::unique_ptr<RoutePlanQueue> route_plan_queue_;
  // The live office queue.
  std::unique_ptr<store::QueueRepository> queue_repo_;
  std::unique_ptr<QueueServiceImpl> queue_service_;
  // Spontan appointments.
  std::unique_ptr<store::AppointmentRepository> appointment_repo_;
  std::unique_ptr<AppointmentServiceImpl> appointment_service_;
  std::unique_ptr<SlotsAllocateQueue> slots_allocate_queue_;
  // Public self-service.
  std::unique_ptr<store::PublicRepository> public_repo_;
  std::unique_ptr<PublicThrottle> public_throttle_;
  std::unique_ptr<PublicServiceImpl> public_service_;
  std::unique_ptr<store::ReportRepository> report_repo_;
  std::unique_ptr<ReportServiceImpl> report_service_;
  // Declared after the services and before server_: destroyed once the server has ended every
  // stream, before the services its jobs point into.
  std::unique_ptr<StreamPool> streams_;
  std::unique_ptr<UnaryPool> unary_;  // the callback-API unary calls' threads
  std::unique_ptr<grpc::Server> server_;
  // Shuts connections down by fd number: Shutdown stops it before the server closes them.
  std::unique_ptr<ConnectionGuard> guard_;
  int port_ = 0;
  absl::Duration health_probe_timeout_ = absl::Seconds(3);
  std::atomic<bool> stopping_{false};
  absl::Notification stop_watch_;
  std::thread db_watcher_;
  std::unique_ptr<store::Retention> retention_;
  std::thread sweeper_;  // SweepRetention; stops with stop_watch_
  std::unique_ptr<store::ExpiryReminders> expiry_reminders_;
  std::thread reminder_sweeper_;  // SendExpiryReminders; stops with stop_watch_
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_SERVER_H_
