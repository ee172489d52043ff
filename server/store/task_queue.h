// The durable task queue (DESIGN.md section 4): lease with SKIP LOCKED, fencing by (id, attempt),
// back-off with jitter, dead-lettering, and the operators' view. Thread-safe (holds references).
//
// Time for leases and retries is the database's now(), so every replica agrees on it; a test's
// clock, or loketd's shifted office clock (--clock_start, DatabaseOptions::task_clock), replaces
// it.
#ifndef LOKET_SERVER_STORE_TASK_QUEUE_H_
#define LOKET_SERVER_STORE_TASK_QUEUE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "server/store/database.h"
#include "server/store/mutation.h"

namespace loket::store {

struct TaskRecord {
  int64_t id = 0;
  std::string office_id;
  std::string queue;
  std::string dedupe_key;
  std::string payload;
  std::string state;  // ready | leased | done | dead
  int attempt = 0;
  int max_attempts = 0;
  absl::Time run_after;
  std::string lease_owner;
  std::optional<absl::Time> lease_expires_at;
  std::string last_error;
  absl::Time created_at;
  bool took_over_expired_lease = false;  // set by Lease: the previous holder's lease had expired
};

class Tx;  // pg.h

// What one kind of task does beyond the queue's own bookkeeping (lease, fence, back-off, dead
// letter). The queue names no kind: loketd registers each once (api::TaskServiceImpl::AddTaskKind
// passes the kind's hook here), and a kind whose tasks need nothing beyond the bookkeeping needs
// no hook.
struct TaskKind {
  std::string queue;
  // Runs in the same transaction whenever an attempt of this kind's task ends without success:
  // it failed, its lease expired on the last attempt, or an operator dropped it. `dead`: no
  // attempt follows.
  std::function<void(Tx&, const TaskRecord&, const std::string& why, bool dead)> on_attempt_failed;
  // Runs in the same transaction when a task is finished unrun because its run_before passed
  // (`task.last_error` says so).
  std::function<void(Tx&, const TaskRecord&)> on_too_late;
};

struct RetryPolicy {
  absl::Duration base = absl::Seconds(2);
  absl::Duration cap = absl::Minutes(10);
  double jitter = 0.2;
  // Seeds the jitter's random numbers, so a test can know each back-off; 0 seeds from the system.
  uint64_t seed = 0;
};

struct QueueStats {
  std::string queue;
  std::string state;
  int64_t count = 0;
  double oldest_age_seconds = 0;  // of the ready ones whose time has come
};

class TaskQueue {
 public:
  // `clock` (not owned; may be null) is the queue's time: leases, back-offs and ages are measured
  // on it. Null takes the database's task clock (DatabaseOptions::task_clock), which is null in
  // loketd unless its office time is shifted: PostgreSQL's now(), which all replicas share. A test
  // gives its own clock to move time instead of waiting or rewriting rows.
  TaskQueue(Database& db, RetryPolicy retry = {}, const Clock* clock = nullptr)
      : db_(db),
        retry_(retry),
        clock_(clock != nullptr ? clock : db.task_clock()),
        rng_(retry.seed != 0 ? retry.seed : std::random_device{}()) {}

  // Registers a kind's hook (before the queue is used; not safe alongside its calls).
  void AddKind(TaskKind kind) { kinds_.push_back(std::move(kind)); }

  // Leases the next due task of `queue` in `office_id` (ready and due, or leased with an expired
  // lease) for `lease`, bumping its attempt. nullopt when none. Tasks whose last attempt's lease
  // expired are moved to dead first. A task past its run_before is never leased: every 8th poll
  // finishes such tasks unrun (SkipLate).
  absl::StatusOr<std::optional<TaskRecord>> Lease(const std::string& office_id,
                                                  const std::string& queue,
                                                  const std::string& worker_id,
                                                  absl::Duration lease);

  // Extends the lease of (task_id, attempt). FAILED_PRECONDITION when the task is no longer leased
  // at that attempt (the lease was lost to another worker, or the task finished).
  absl::StatusOr<absl::Time> Heartbeat(const std::string& office_id, int64_t task_id, int attempt,
                                       absl::Duration lease);

  // Leases up to `max_tasks` due tasks of `queue` at once (the first as Lease does, the rest ready
  // ones in one statement), each with its own attempt. Never two live tasks of one order_key: the
  // later waits for the earlier, as with Lease. Empty when none is due.
  absl::StatusOr<std::vector<TaskRecord>> LeaseMany(const std::string& office_id,
                                                    const std::string& queue,
                                                    const std::string& worker_id,
                                                    absl::Duration lease, int max_tasks);

  // Records a failed attempt: back to ready after the back-off, or dead when `permanent` or out of
  // attempts. Returns the new state and run_after. FAILED_PRECONDITION for a stale attempt.
  absl::StatusOr<TaskRecord> Fail(const std::string& office_id, int64_t task_id, int attempt,
                                  const std::string& error, bool permanent);

  // Operators' view, newest first.
  absl::StatusOr<std::vector<TaskRecord>> List(const std::string& office_id,
                                               const std::string& queue, const std::string& state,
                                               int limit);
  absl::StatusOr<TaskRecord> Get(const std::string& office_id, int64_t task_id);
  // A dead task back to ready now, with a fresh set of attempts. FAILED_PRECONDITION unless dead.
  absl::StatusOr<std::string> Retry(const Mutation& m, int64_t task_id,
                                    const std::function<std::string(const TaskRecord&)>& encode);
  // Drops a ready or dead task (marks it done with a note). FAILED_PRECONDITION while leased.
  absl::StatusOr<std::string> Drop(const Mutation& m, int64_t task_id,
                                   const std::function<std::string(const TaskRecord&)>& encode);

  // Depth and age per queue and state, for metrics.
  absl::StatusOr<std::vector<QueueStats>> Stats();

 private:
  // Finishes `queue`'s tasks past their run_before without running them, and tells their kind.
  absl::Status SkipLate(const std::string& office_id, const std::string& queue);
  // A number in [0, 1) for the back-off's jitter, from the seeded generator.
  double UnitRandom();
  // The queue's time as the statements' last parameter: the clock's, or NULL for now().
  std::optional<std::string> Now() const;
  // The kind registered for `queue`, or null.
  const TaskKind* KindOf(const std::string& queue) const;
  // Tells `t`'s kind, if it registered for it, that an attempt ended without success.
  void AttemptFailed(Tx& tx, const TaskRecord& t, const std::string& why, bool dead) const;

  Database& db_;
  RetryPolicy retry_;
  std::vector<TaskKind> kinds_;
  const Clock* clock_;
  std::atomic<uint64_t> polls_{0};
  absl::Mutex rng_mu_;
  std::mt19937_64 rng_ ABSL_GUARDED_BY(rng_mu_);
};

// Blocks a long-poll until a task may be ready: LISTEN loket_tasks on its own connection wakes
// waiters after the enqueueing transaction commits; waiters also time out and poll (the fallback
// that keeps working behind PgBouncer in transaction mode). Thread-safe.
class TaskWakeups {
 public:
  explicit TaskWakeups(std::string conninfo);
  ~TaskWakeups();

  // The current generation; pass it to Wait to not miss a wake-up between a poll and the wait.
  uint64_t Generation() const;
  // Returns when a task was enqueued on any queue after `generation`, at `deadline`, or at once
  // after Close().
  void Wait(uint64_t generation, absl::Time deadline) const;
  // Ends every wait, now and later: the server is draining, long polls should answer empty.
  void Close();
  bool closed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_TASK_QUEUE_H_
