// loketd: flags -> LoketServer -> serve until SIGTERM/SIGINT, then drain.
#include <malloc.h>

#include <csignal>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/grpc_log.h"
#include "common/log.h"
#include "server/api/auth.h"
#include "server/api/server.h"
#include "server/domain/notification.h"
#include "server/store/database.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:7400", "gRPC listen address host:port");
ABSL_FLAG(std::string, db, "",
          "PostgreSQL connection string (libpq), e.g. 'host=127.0.0.1 "
          "port=5433 user=postgres dbname=loket'");
ABSL_FLAG(int, pool_size, 8, "database connections in the pool");
ABSL_FLAG(int, db_max_waiting, 0,
          "calls that may queue for a database connection when all are in use; the next is "
          "refused at once with RESOURCE_EXHAUSTED (0: --pool_size)");
ABSL_FLAG(int, db_acquire_timeout_ms, 5000,
          "a call queued for a database connection waits at most this long (and at most half of "
          "its remaining time), then gets UNAVAILABLE");
ABSL_FLAG(int, pool_nice, 10,
          "the threads running unary calls run this much below loketd's priority (nice 0..19), so "
          "that under overload gRPC's threads still take calls in and refuse the excess at once");
ABSL_FLAG(int, db_lock_timeout_ms, 2000,
          "a statement waiting this long for a row lock gives up (ABORTED, retry); 0: no limit");
ABSL_FLAG(int, db_statement_timeout_ms, 15000,
          "a statement running this long is stopped (UNAVAILABLE, retry); 0: no limit");
ABSL_FLAG(int, health_probe_timeout_ms, 3000,
          "health's SELECT 1 unanswered this long: NOT_SERVING, and calls fail fast with "
          "UNAVAILABLE until it answers");
ABSL_FLAG(std::string, tls_cert, "", "server certificate (PEM); enables TLS with --tls_key");
ABSL_FLAG(std::string, tls_key, "", "server private key (PEM)");
ABSL_FLAG(std::string, tls_client_ca, "", "CA (PEM) that client certificates must chain to (mTLS)");
ABSL_FLAG(bool, allow_plaintext_remote, false, "allow plaintext on a non-loopback address");
ABSL_FLAG(bool, migrate_only, false, "apply database migrations and exit");
ABSL_FLAG(int, drain_seconds, 10, "on SIGTERM, how long in-flight calls may take to finish");
ABSL_FLAG(bool, log_requests, true, "one log line per RPC on stderr");
ABSL_FLAG(std::string, admin_listen, "", "serve Prometheus /metrics on host:port (empty: off)");
ABSL_FLAG(std::string, quiet_hours, "21-7",
          "local hours START-END when non-urgent messages wait (office time), or off");
ABSL_FLAG(int, notify_per_hour, 5, "messages to one address per hour at most; the rest wait");
ABSL_FLAG(std::string, edge_key_file, "",
          "file holding loket-web's key: calls that carry it may name the browser's address "
          "(x-loket-client-addr) for sign-in throttling");
ABSL_FLAG(int, session_hours, 12, "a signed-in session ends this many hours after sign-in");
ABSL_FLAG(bool, walk_in_hours, true,
          "refuse walk-in tickets outside the office's opening hours (an admin may override); "
          "false: walk-ins at any hour (demo stacks, tests on the wall clock)");
ABSL_FLAG(int, session_idle_minutes, 30, "a signed-in session ends after this long unused");
ABSL_FLAG(absl::Duration, expiry_reminder_interval, absl::Hours(1),
          "how often permits nearing their valid-until date are looked for, to remind their "
          "holders 90 and 30 days before (0 = never); safe on every replica");
ABSL_FLAG(absl::Duration, retention_sweep_interval, absl::Minutes(10),
          "how often finished tasks and idempotency records past their retention are deleted "
          "(one replica at a time); 0: never");
ABSL_FLAG(absl::Duration, task_retention, absl::Hours(7 * 24),
          "a done task is deleted this long after it finished (at least 1h)");
ABSL_FLAG(absl::Duration, dead_task_retention, absl::ZeroDuration(),
          "a dead task is deleted this long after it died; 0: kept until an admin retries or "
          "drops it");
ABSL_FLAG(absl::Duration, idempotency_retention, absl::Hours(48),
          "a request_id's recorded answer is kept this long (at least 24h, the API's promise)");
// gRPC transport limits (docs/operations.md, "Memory and thread limits").
ABSL_FLAG(int, grpc_memory_mb, 256,
          "gRPC's resource quota: bytes the transport may buffer (reads, frames, messages not "
          "yet handed to a service); past it streams holding buffers are reset (clients see "
          "RESOURCE_EXHAUSTED)");
ABSL_FLAG(int, grpc_max_threads, 512,
          "gRPC's thread quota: threads serving synchronous calls at once (workers' long polls "
          "included; the watch streams hold none); calls past it are answered "
          "RESOURCE_EXHAUSTED");
ABSL_FLAG(int, stream_threads, 4,
          "threads that serve the watch streams (boards, desks, applicants following their place "
          "in the queue): each stream holds none while it waits, and these look at the database "
          "for all of them in turn");
ABSL_FLAG(int, max_watch_streams, 2000,
          "watch streams open at once (boards, desks, applicants following their place in the "
          "queue; the last need no token); past it a new one is refused RESOURCE_EXHAUSTED");
ABSL_FLAG(int, max_streams_per_connection, 512,
          "concurrent calls (HTTP/2 streams) one connection may have open; a client opening more "
          "loses the connection. loket-web sends every browser's calls over one connection: keep "
          "this at least --grpc_max_threads plus the watch streams it carries");
ABSL_FLAG(int, max_receive_kb, 8192,
          "largest request message: gRPC C++ has one limit per server, and the document uploads "
          "(5 MiB of bytes and their fields) need 8 MiB; the unary methods other than uploads, "
          "sign-in and the workers' refuse more than 256 KiB themselves");
ABSL_FLAG(int, memory_limit_mb, 768,
          "heap in use past which loketd closes the client connections that sent the most "
          "(gRPC's quota reclaims too late to stop a flood of half-sent messages); 0: never, "
          "else at least 64");
ABSL_FLAG(absl::Duration, memory_trim_interval, absl::Seconds(10),
          "how often memory freed after a burst is handed back to the system (malloc_trim); "
          "0: never");
ABSL_FLAG(std::string, clock_start, "",
          "for tests and demos: office time starts at this RFC 3339 instant and runs on "
          "(e.g. 2026-03-17T09:00:00+08:00); empty: the wall clock");

// The signed permit document (issue 13; docs/operations.md, "The permit document").
ABSL_FLAG(std::string, permit_key, "",
          "the office's private key (PEM) that signs issued permits; empty: no permit documents");
ABSL_FLAG(std::string, permit_cert, "", "the office's signing certificate (PEM), for --permit_key");
ABSL_FLAG(std::string, permit_chain, "",
          "intermediate certificates (PEM) up to the root, embedded in every signature; optional");
ABSL_FLAG(std::string, permit_official_name, "Kepala DPMPTSP",
          "the signing official's name, printed on the permit");
ABSL_FLAG(std::string, permit_official_position,
          "Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
          "the signing official's position, printed on the permit");
ABSL_FLAG(std::string, permit_office_address, "",
          "the letterhead's second line (the office's address); empty: none");
ABSL_FLAG(std::string, permit_verify_url, "http://127.0.0.1:8080/#/verify",
          "the public verification page; the permit's QR code holds it with ?number=..&code=..");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("loketd: the Loket back-office gRPC server");
  absl::ParseCommandLine(argc, argv);
  loket::log::SetProcessName("loketd");
  loket::log::RouteGrpcLogs();
  // Debian builds Abseil without NDEBUG, so every absl::Mutex (gRPC's too) keeps a lock-order graph
  // and stack traces for deadlock detection: about 1 % of loketd's CPU under load (perf,
  // docs/benchmarks.md). The tests run the server in-process with the detection on.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  if (absl::GetFlag(FLAGS_migrate_only)) {
    loket::store::Database db({absl::GetFlag(FLAGS_db), 1});
    absl::Status s = db.Migrate();
    if (!s.ok()) {
      loket::log::Error(s.ToString());
      return 1;
    }
    loket::log::Info("migrations applied");
    return 0;
  }

  // Block the stop signals before any thread starts, so only the waiter below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  loket::api::ServerOptions o;
  o.listen = absl::GetFlag(FLAGS_listen);
  o.db_conninfo = absl::GetFlag(FLAGS_db);
  o.pool_size = absl::GetFlag(FLAGS_pool_size);
  o.db_max_waiting = absl::GetFlag(FLAGS_db_max_waiting);
  o.db_acquire_timeout = absl::Milliseconds(absl::GetFlag(FLAGS_db_acquire_timeout_ms));
  o.pool_nice = absl::GetFlag(FLAGS_pool_nice);
  o.db_lock_timeout = absl::Milliseconds(absl::GetFlag(FLAGS_db_lock_timeout_ms));
  o.db_statement_timeout = absl::Milliseconds(absl::GetFlag(FLAGS_db_statement_timeout_ms));
  o.health_probe_timeout = absl::Milliseconds(absl::GetFlag(FLAGS_health_probe_timeout_ms));
  o.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  o.tls_key = absl::GetFlag(FLAGS_tls_key);
  o.tls_client_ca = absl::GetFlag(FLAGS_tls_client_ca);
  o.allow_plaintext_remote = absl::GetFlag(FLAGS_allow_plaintext_remote);
  o.log_requests = absl::GetFlag(FLAGS_log_requests);
  o.admin_listen = absl::GetFlag(FLAGS_admin_listen);
  if (absl::Status s =
          loket::domain::ParseQuietHours(absl::GetFlag(FLAGS_quiet_hours), o.notification_policy);
      !s.ok()) {
    loket::log::Error(absl::StrCat("--", s.message()));
    return 2;
  }
  if (absl::GetFlag(FLAGS_notify_per_hour) < 1) {
    loket::log::Error("--notify_per_hour: at least 1");
    return 2;
  }
  o.notification_policy.max_per_window = absl::GetFlag(FLAGS_notify_per_hour);
  if (absl::GetFlag(FLAGS_session_hours) < 1 || absl::GetFlag(FLAGS_session_idle_minutes) < 1) {
    loket::log::Error("--session_hours and --session_idle_minutes: at least 1");
    return 2;
  }
  o.session_limits.absolute = absl::Hours(absl::GetFlag(FLAGS_session_hours));
  o.session_limits.idle = absl::Minutes(absl::GetFlag(FLAGS_session_idle_minutes));
  o.walk_in_hours = absl::GetFlag(FLAGS_walk_in_hours);
  o.retention_sweep_interval = absl::GetFlag(FLAGS_retention_sweep_interval);
  o.expiry_reminder_interval = absl::GetFlag(FLAGS_expiry_reminder_interval);
  o.permit_key_file = absl::GetFlag(FLAGS_permit_key);
  o.permit_cert_file = absl::GetFlag(FLAGS_permit_cert);
  o.permit_chain_file = absl::GetFlag(FLAGS_permit_chain);
  o.permit_letter.official_name = absl::GetFlag(FLAGS_permit_official_name);
  o.permit_letter.official_position = absl::GetFlag(FLAGS_permit_official_position);
  o.permit_letter.office_address = absl::GetFlag(FLAGS_permit_office_address);
  o.permit_letter.verify_url = absl::GetFlag(FLAGS_permit_verify_url);
  o.retention.done_tasks = absl::GetFlag(FLAGS_task_retention);
  o.retention.dead_tasks = absl::GetFlag(FLAGS_dead_task_retention);
  o.retention.idempotency = absl::GetFlag(FLAGS_idempotency_retention);
  o.grpc_memory_bytes = int64_t{absl::GetFlag(FLAGS_grpc_memory_mb)} * 1024 * 1024;
  o.grpc_max_threads = absl::GetFlag(FLAGS_grpc_max_threads);
  o.max_streams_per_connection = absl::GetFlag(FLAGS_max_streams_per_connection);
  o.stream_threads = absl::GetFlag(FLAGS_stream_threads);
  o.max_watch_streams = absl::GetFlag(FLAGS_max_watch_streams);
  o.max_receive_bytes = absl::GetFlag(FLAGS_max_receive_kb) * 1024;
  o.memory_limit_bytes = int64_t{absl::GetFlag(FLAGS_memory_limit_mb)} << 20;
  if (std::string path = absl::GetFlag(FLAGS_edge_key_file); !path.empty()) {
    absl::StatusOr<std::string> key = loket::api::Authorizer::ReadEdgeKeyFile(path);
    if (!key.ok()) {
      loket::log::Error(absl::StrCat("--", key.status().message()));
      return 2;
    }
    o.edge_key = *key;
  }
  std::unique_ptr<loket::Clock> shifted;
  if (std::string start = absl::GetFlag(FLAGS_clock_start); !start.empty()) {
    absl::Time t;
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, start, &t, &err)) {
      loket::log::Error(absl::StrCat("--clock_start: ", err));
      return 2;
    }
    shifted = std::make_unique<loket::ShiftedClock>(t);
    o.tasks_on_office_clock = true;
  }
  auto server = loket::api::LoketServer::Start(
      o, shifted ? *shifted : static_cast<const loket::Clock&>(*loket::SystemClock::Get()));
  if (!server.ok()) {
    loket::log::Error(server.status().ToString());
    return 1;
  }
  loket::log::Info(absl::StrCat("serving on port ", (*server)->port()),
                   {{"port", absl::StrCat((*server)->port())}});
  // glibc keeps what a burst freed (gRPC's buffers, parsed messages) in its arenas: RSS would
  // stay at the burst's peak. Trimming hands the free pages back.
  absl::Notification stop_trim;
  std::thread trimmer([&stop_trim, every = absl::GetFlag(FLAGS_memory_trim_interval)] {
    if (every <= absl::ZeroDuration()) return;
    while (!stop_trim.WaitForNotificationWithTimeout(every)) malloc_trim(0);
  });

  int sig = 0;
  sigwait(&stop_signals, &sig);
  loket::log::Info(absl::StrCat("signal ", sig, ", draining"), {{"signal", absl::StrCat(sig)}});
  (*server)->Shutdown(absl::Seconds(absl::GetFlag(FLAGS_drain_seconds)));
  (*server)->Wait();
  stop_trim.Notify();
  trimmer.join();
  loket::log::Info("stopped");
  return 0;
}
