#include "server/api/metrics.h"

#include "absl/strings/str_cat.h"

namespace loket::api {

ServerMetrics::ServerMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      rpcs_(prometheus::BuildCounter()
                .Name("loket_rpc_total")
                .Help("RPCs served, by method and status code")
                .Register(*registry_)),
      rpc_seconds_(prometheus::BuildHistogram()
                       .Name("loket_rpc_duration_seconds")
                       .Help("RPC latency by method")
                       .Register(*registry_)),
      lease_expiries_(prometheus::BuildCounter()
                          .Name("loket_task_lease_expiries_total")
                          .Help("Tasks leased again after their previous lease expired")
                          .Register(*registry_)),
      notifications_(prometheus::BuildCounter()
                         .Name("loket_notifications_total")
                         .Help("Notification delivery outcomes by channel (sent, failed, retry, "
                               "dead, skipped: too late to be of use)")
                         .Register(*registry_)),
      public_refusals_(prometheus::BuildCounter()
                           .Name("loket_public_throttled_total")
                           .Help("Public calls refused by the per-address limit, by method")
                           .Register(*registry_)),
      unauthenticated_(prometheus::BuildCounter()
                           .Name("loket_unauthenticated_calls_total")
                           .Help("Calls refused for a missing, malformed, unknown or revoked token")
                           .Register(*registry_)
                           .Add({})),
      malformed_(prometheus::BuildCounter()
                     .Name("loket_malformed_requests_total")
                     .Help("Requests protobuf could not parse (truncated, garbage, invalid UTF-8, "
                           "nested too deep)")
                     .Register(*registry_)
                     .Add({})),
      connections_shed_(prometheus::BuildCounter()
                            .Name("loket_connections_shed_total")
                            .Help("Client connections closed by the memory guard: the heap passed "
                                  "--memory_limit_mb and they had sent the most")
                            .Register(*registry_)
                            .Add({})),
      queue_depth_(prometheus::BuildGauge()
                       .Name("loket_tasks")
                       .Help("Tasks by queue and state (ready, leased, dead)")
                       .Register(*registry_)),
      queue_oldest_(prometheus::BuildGauge()
                        .Name("loket_task_oldest_ready_age_seconds")
                        .Help("Seconds the oldest ready task whose time has come has waited, by "
                              "queue (0: none waiting)")
                        .Register(*registry_)),
      cases_past_sla_(prometheus::BuildGauge()
                          .Name("loket_cases_past_sla")
                          .Help("Cases past their SLA due date (running, not paused), by office")
                          .Register(*registry_)),
      pool_events_(
          prometheus::BuildCounter()
              .Name("loket_db_pool_events_total")
              .Help("Database pool events: connection_opened, statement_cancelled (a "
                    "call's deadline passed or its caller left; the connection is kept), "
                    "connection_cut (a hung database, a commit under way, a pooler hiding the "
                    "backend's pid, or a cancel that did not stop the statement)")
              .Register(*registry_)),
      watch_streams_(prometheus::BuildGauge()
                         .Name("loket_watch_streams")
                         .Help("Watch streams open (boards, desks, applicants' phones); new ones "
                               "are refused past --max_watch_streams")
                         .Register(*registry_)
                         .Add({})),
      watch_late_(prometheus::BuildGauge()
                      .Name("loket_watch_look_late_seconds")
                      .Help("The most a watch stream's look at the database ran (or, not run "
                            "yet, is) after its due time since the last reading, about a second "
                            "ago: above a few tenths, the looks do not keep up")
                      .Register(*registry_)
                      .Add({})),
      watch_looks_(prometheus::BuildCounter()
                       .Name("loket_watch_looks_total")
                       .Help("Jobs run for watch streams: their looks at the database (each "
                             "stream looks every 200 ms to 2 s), and the few that only end a "
                             "cancelled stream")
                       .Register(*registry_)
                       .Add({})) {}

absl::Status ServerMetrics::Serve(const std::string& listen) {
  auto admin =
      AdminHttpServer::Start(listen, {registry_}, {{"/healthz", [this]() -> AdminHttpResponse {
                                                      if (serving_) return {200, "SERVING\n"};
                                                      return {503, "NOT_SERVING\n"};
                                                    }}});
  if (!admin.ok()) return admin.status();
  admin_ = *std::move(admin);
  return absl::OkStatus();
}

void ServerMetrics::RecordRpc(const std::string& method, int code, double seconds) {
  rpcs_.Add({{"method", method}, {"code", absl::StrCat(code)}}).Increment();
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  rpc_seconds_.Add({{"method", method}}, *buckets).Observe(seconds);
}

void ServerMetrics::RecordLeaseExpiry(const std::string& queue) {
  lease_expiries_.Add({{"queue", queue}}).Increment();
}

void ServerMetrics::RecordNotification(const std::string& channel, const std::string& outcome) {
  // Workers name the channel; keep the label set closed so they cannot inflate it.
  const std::string known = channel == "webhook" || channel == "email" || channel == "file"
                                ? channel
                                : std::string("other");
  notifications_.Add({{"channel", known}, {"outcome", outcome}}).Increment();
}

void ServerMetrics::RecordUnauthenticated() { unauthenticated_.Increment(); }

void ServerMetrics::RecordMalformedRequest() { malformed_.Increment(); }

void ServerMetrics::RecordConnectionsShed(int n) { connections_shed_.Increment(n); }

void ServerMetrics::RecordPublicRefusal(const std::string& method) {
  public_refusals_.Add({{"method", method}}).Increment();
}

void ServerMetrics::SetQueueStats(const std::vector<store::QueueStats>& stats) {
  absl::MutexLock lock(&mu_);
  for (const auto& [queue, state] : seen_) {
    queue_depth_.Add({{"queue", queue}, {"state", state}}).Set(0);
    queue_oldest_.Add({{"queue", queue}}).Set(0);
  }
  for (const auto& s : stats) {
    seen_.insert({s.queue, s.state});
    queue_depth_.Add({{"queue", s.queue}, {"state", s.state}}).Set(static_cast<double>(s.count));
    if (s.state == "ready") queue_oldest_.Add({{"queue", s.queue}}).Set(s.oldest_age_seconds);
  }
}

void ServerMetrics::SetPoolCounters(const store::PoolCounters& now) {
  absl::MutexLock lock(&mu_);
  auto add = [this](const char* event, int64_t was, int64_t is) {
    auto& counter = pool_events_.Add({{"event", event}});
    if (is > was) counter.Increment(static_cast<double>(is - was));
  };
  add("connection_opened", pool_seen_.connections_opened, now.connections_opened);
  add("statement_cancelled", pool_seen_.statements_cancelled, now.statements_cancelled);
  add("connection_cut", pool_seen_.connections_cut, now.connections_cut);
  pool_seen_ = now;
}

void ServerMetrics::SetCasesPastSla(const std::vector<std::pair<std::string, int64_t>>& counts) {
  // Offices are never deleted, and the query names every office: no series to reset.
  for (const auto& [office, n] : counts) {
    cases_past_sla_.Add({{"office", office}}).Set(static_cast<double>(n));
  }
}

void ServerMetrics::SetWatchStreams(int open, double late_seconds, int64_t looks) {
  watch_streams_.Set(open);
  watch_late_.Set(late_seconds);
  absl::MutexLock lock(&mu_);
  if (looks > watch_looks_seen_)
    watch_looks_.Increment(static_cast<double>(looks - watch_looks_seen_));
  watch_looks_seen_ = looks;
}

}  // namespace loket::api
