// Prometheus metrics of loketd (DESIGN.md section 7), served as text on the admin HTTP port:
// RPC counts and latencies by method and code, task queue depth and age, lease expiries,
// notification outcomes by channel. The same port answers GET /healthz: 200 "SERVING" while
// loketd's gRPC health is SERVING (its database probe passes), 503 "NOT_SERVING" otherwise, for
// load balancers that check over HTTP (HAProxy). Thread-safe (prometheus-cpp metrics are).
#ifndef LOKET_SERVER_API_METRICS_H_
#define LOKET_SERVER_API_METRICS_H_

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/admin_http.h"
#include "server/store/database.h"
#include "server/store/task_queue.h"

namespace loket::api {

class ServerMetrics {
 public:
  ServerMetrics();
  // Serves /metrics and /healthz on `listen` ("127.0.0.1:7401"). INVALID_ARGUMENT when it cannot
  // bind.
  absl::Status Serve(const std::string& listen);
  // What /healthz answers: false (503) until loketd serves gRPC, and while its database is away.
  void SetServing(bool serving) { serving_ = serving; }

  void RecordRpc(const std::string& method, int code, double seconds);
  void RecordLeaseExpiry(const std::string& queue);
  void RecordNotification(const std::string& channel, const std::string& outcome);
  // A public call refused by the per-address limit (`method` is a PublicService method name).
  void RecordPublicRefusal(const std::string& method);
  // A call refused for a missing, malformed, unknown or revoked token. Counted here, never logged
  // once per call: anyone can send them.
  void RecordUnauthenticated();
  // A request protobuf could not parse (answered INVALID_ARGUMENT, logged at most once a minute).
  void RecordMalformedRequest();
  // Connections the memory guard closed (connection_guard.h).
  void RecordConnectionsShed(int n);
  // Replaces the queue gauges with `stats`; queues and states not in it read 0.
  void SetQueueStats(const std::vector<store::QueueStats>& stats);
  // Brings loket_db_pool_events_total up to `now`, the pool's counters since start.
  void SetPoolCounters(const store::PoolCounters& now);
  // Replaces loket_cases_past_sla with `counts` (office id, cases past their SLA due date).
  void SetCasesPastSla(const std::vector<std::pair<std::string, int64_t>>& counts);
  // The watch streams open now, the most a look ran after its due time since the last call, and
  // the looks run since start.
  void SetWatchStreams(int open, double late_seconds, int64_t looks);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::atomic<bool> serving_{false};
  std::unique_ptr<AdminHttpServer> admin_;  // after what its handlers read: stops first
  prometheus::Family<prometheus::Counter>& rpcs_;
  prometheus::Family<prometheus::Histogram>& rpc_seconds_;
  prometheus::Family<prometheus::Counter>& lease_expiries_;
  prometheus::Family<prometheus::Counter>& notifications_;
  prometheus::Family<prometheus::Counter>& public_refusals_;
  prometheus::Counter& unauthenticated_;
  prometheus::Counter& malformed_;
  prometheus::Counter& connections_shed_;
  prometheus::Family<prometheus::Gauge>& queue_depth_;
  prometheus::Family<prometheus::Gauge>& queue_oldest_;
  prometheus::Family<prometheus::Gauge>& cases_past_sla_;
  prometheus::Family<prometheus::Counter>& pool_events_;
  prometheus::Gauge& watch_streams_;
  prometheus::Gauge& watch_late_;
  prometheus::Counter& watch_looks_;
  int64_t watch_looks_seen_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Mutex mu_;
  store::PoolCounters pool_seen_ ABSL_GUARDED_BY(mu_);
  std::set<std::pair<std::string, std::string>> seen_ ABSL_GUARDED_BY(mu_);
};

}  // namespace loket::api

#endif  // LOKET_SERVER_API_METRICS_H_
