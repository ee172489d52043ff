#include "server/store/task_queue.h"

#include <atomic>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "server/domain/notification.h"
#include "server/store/columns.h"
#include "server/store/fetch.h"
#include "server/store/idempotency.h"
#include "server/store/pg.h"
#include "server/store/task_enqueue.h"

namespace loket::store {
namespace {

// A task (TaskFromRow): every statement that returns one selects these.
constexpr auto kTaskColumns = MakeColumns({{"id"},
                                           {"office_id"},
                                           {"queue"},
                                           {"dedupe_key", "coalesce(dedupe_key, '')"},
                                           {"payload"},
                                           {"state"},
                                           {"attempt"},
                                           {"max_attempts"},
                                           {"run_after", "run_after::text"},
                                           {"lease_owner", "coalesce(lease_owner, '')"},
                                           {"lease_expires_at", "lease_expires_at::text"},
                                           {"last_error"},
                                           {"created_at", "created_at::text"}});

constexpr Statement kEnqueue{
    "task_enqueue",
    "INSERT INTO tasks (office_id, queue, dedupe_key, payload, run_after, max_attempts)"
    " VALUES ($1, $2, $3, $4, coalesce($5::timestamptz, now()), $6)"
    " ON CONFLICT (office_id, queue, dedupe_key)"
    " WHERE dedupe_key IS NOT NULL AND state IN ('ready', 'leased')"
    // A ready task will see the change; a leased one may not have: run it again after.
    " DO UPDATE SET rerun = true WHERE tasks.state = 'leased' RETURNING id"};
constexpr Statement kFindLive{
    "task_find_live",
    "SELECT id FROM tasks WHERE office_id = $1 AND queue = $2 AND dedupe_key = $3"
    " AND state IN ('ready', 'leased')"};
// The queue's time: the TaskQueue's clock when it has one (a test's, or loketd's shifted office
// clock: DatabaseOptions::task_clock), else PostgreSQL's now(), which every replica shares. Each
// statement takes it as its last parameter (NULL: now()).
#define LOKET_NOW(n) "coalesce($" #n "::timestamptz, now())"
// A task that may still run: no run_before, or not yet past it. A late ready one waits for
// kSkipLate and holds back none of its order_key's later tasks; a late one still leased does hold
// them back (it may be sending right now) until it finishes or its lease runs out.
#define LOKET_IN_TIME(t, n) "(" t ".run_before IS NULL OR " t ".run_before > " LOKET_NOW(n) ")"
// Lease probes, each one statement with an index-ordered pick and SKIP LOCKED, so concurrent
// workers never wait on or share a task. Expired leases go first: theirs is the oldest work.
#define LOKET_LEASE_SET                                                          \
  " UPDATE tasks SET state = 'leased', attempt = attempt + 1, lease_owner = $3," \
  " lease_expires_at = " LOKET_NOW(6) " + make_interval(secs => $4), updated_at = " LOKET_NOW(6)
// The statements below keep their SQL laid out by hand (clang-format would split LOKET_NOW(n)).
// clang-format off
// An expired lease on its last attempt goes dead instead of out again.
constexpr Statement kLeaseExpired{
    "task_lease_expired",
    kSelectSql<"UPDATE tasks SET"
               " state = CASE WHEN attempt >= max_attempts THEN 'dead' ELSE 'leased' END,"
               " attempt = CASE WHEN attempt >= max_attempts THEN attempt ELSE attempt + 1 END,"
               " lease_owner = CASE WHEN attempt >= max_attempts THEN NULL ELSE $3 END,"
               " lease_expires_at = CASE WHEN attempt >= max_attempts THEN NULL"
               "   ELSE " LOKET_NOW(5) " + make_interval(secs => $4) END,"
               " last_error = CASE WHEN attempt >= max_attempts"
               "   THEN 'lease expired on the last attempt; ' || last_error ELSE last_error END,"
               " updated_at = " LOKET_NOW(5)
               " WHERE id = (SELECT id FROM tasks WHERE office_id = $1 AND queue = $2"
               "   AND state = 'leased' AND lease_expires_at < " LOKET_NOW(5)
               "   AND " LOKET_IN_TIME("tasks", 5)
               "   ORDER BY lease_expires_at LIMIT 1 FOR UPDATE SKIP LOCKED)"
               " RETURNING ", kTaskColumns, "">};
// Up to $5 ready tasks, oldest first (a single lease asks for 1). A task with an order_key
// (notify.send: the address) waits while an earlier one of the same key, by (order_at, id), is
// still ready or leased: one recipient's messages go out one at a time, in order, however many
// workers lease and whatever retries do (migration 0013). Within the one statement an earlier task
// of a key is still ready in its snapshot, so a batch never holds two tasks of one order_key.
// `= ANY(ARRAY(...))` runs the pick once: an `IN (...)` semi-join may run it again per row, and
// with LIMIT and SKIP LOCKED lease more than $5.
constexpr Statement kLeaseReady{
    "task_lease_ready",
    kSelectSql<LOKET_LEASE_SET
               " WHERE id = ANY(ARRAY(SELECT t.id FROM tasks t WHERE t.office_id = $1"
               "   AND t.queue = $2 AND t.state = 'ready' AND t.run_after <= " LOKET_NOW(6)
               "   AND " LOKET_IN_TIME("t", 6)
               "   AND (t.order_key IS NULL OR NOT EXISTS (SELECT 1 FROM tasks p"
               "     WHERE p.office_id = $1 AND p.queue = $2 AND p.order_key = t.order_key"
               "     AND p.state IN ('ready', 'leased') AND (p.order_at, p.id) < (t.order_at, t.id)"
               "     AND (p.state = 'leased' OR " LOKET_IN_TIME("p", 6) ")))"
               "   ORDER BY t.run_after, t.id LIMIT $5 FOR UPDATE OF t SKIP LOCKED))"
               " RETURNING ", kTaskColumns, "">};
// Tasks past their run_before, never to run: ready ones, and leased ones whose lease ran out
// (index tasks_run_before, migration 0023).
#define LOKET_LATE(n)                                                                     \
  " office_id = $1 AND queue = $2 AND run_before <= " LOKET_NOW(n)                        \
  " AND (state = 'ready' OR (state = 'leased' AND lease_expires_at < " LOKET_NOW(n) "))"
constexpr Statement kAnyLate{"task_any_late",
                             "SELECT EXISTS (SELECT 1 FROM tasks WHERE" LOKET_LATE(3) ")"};
constexpr Statement kSkipLate{
    "task_skip_late",
    kSelectSql<"UPDATE tasks SET state = 'done', lease_owner = NULL, lease_expires_at = NULL,"
               " last_error = 'too late: not run by ' || run_before::text,"
               " updated_at = " LOKET_NOW(3)
               " WHERE id = ANY(ARRAY(SELECT id FROM tasks WHERE" LOKET_LATE(3)
               "   ORDER BY run_before LIMIT 64 FOR UPDATE SKIP LOCKED))"
               " RETURNING ", kTaskColumns, "">};
constexpr Statement kHeartbeat{
    "task_heartbeat",
    "UPDATE tasks SET lease_expires_at = " LOKET_NOW(5) " + make_interval(secs => $4),"
    " updated_at = " LOKET_NOW(5)
    " WHERE office_id = $1 AND id = $2 AND attempt = $3 AND state = 'leased'"
    " RETURNING lease_expires_at::text"};
constexpr Statement kFinishLeased{
    "task_finish_leased",
    "UPDATE tasks SET state = 'done', lease_owner = NULL, lease_expires_at = NULL,"
    " updated_at = " LOKET_NOW(5) " WHERE office_id = $1 AND id = $2 AND attempt = $3"
    " AND state = 'leased' AND queue = $4 RETURNING rerun, coalesce(dedupe_key, '') AS dedupe_key,"
    " payload, max_attempts"};
constexpr Statement kQueueOf{"task_queue_of",
                             "SELECT queue FROM tasks WHERE office_id = $1 AND id = $2"};
constexpr Statement kFail{
    "task_fail",
    kSelectSql<"UPDATE tasks SET"
               " state = CASE WHEN $4 OR attempt >= max_attempts THEN 'dead' ELSE 'ready' END,"
               " run_after = " LOKET_NOW(7) " + make_interval(secs => $5),"
               " lease_owner = NULL, lease_expires_at = NULL,"
               " last_error = $6, updated_at = " LOKET_NOW(7)
               " WHERE office_id = $1 AND id = $2 AND attempt = $3 AND state = 'leased'"
               " RETURNING ", kTaskColumns, "">};
constexpr Statement kGet{
    "task_get",
    kSelectSql<"SELECT ", kTaskColumns, " FROM tasks WHERE office_id = $1 AND id = $2">};
constexpr Statement kList{
    "task_list",
    kSelectSql<"SELECT ", kTaskColumns,
               " FROM tasks WHERE office_id = $1 AND ($2 = '' OR queue = $2)"
               " AND ($3 = '' OR state = $3) ORDER BY id DESC LIMIT $4">};
constexpr Statement kRetry{
    "task_retry",
    kSelectSql<"UPDATE tasks SET state = 'ready', run_after = " LOKET_NOW(4) ","
               " max_attempts = attempt + $3, updated_at = " LOKET_NOW(4)
               " WHERE office_id = $1 AND id = $2 AND state = 'dead'"
               " RETURNING ", kTaskColumns, "">};
constexpr Statement kDrop{
    "task_drop",
    kSelectSql<"UPDATE tasks SET state = 'done',"
               " last_error = 'dropped by ' || $3 || '; ' || last_error,"
               " updated_at = " LOKET_NOW(4)
               " WHERE office_id = $1 AND id = $2 AND state IN ('ready', 'dead')"
               " RETURNING ", kTaskColumns, "">};
constexpr Statement kStats{
    "task_stats",
    "SELECT queue, state, count(*) AS tasks,"
    " coalesce(extract(epoch FROM " LOKET_NOW(1) " - min(run_after) FILTER (WHERE state = 'ready'"
    "   AND run_after <= " LOKET_NOW(1) ")), 0)::float8 AS oldest_ready_seconds"
    " FROM tasks WHERE state IN ('ready', 'leased', 'dead') GROUP BY queue, state"};
// clang-format on

TaskRecord TaskFromRow(const pqxx::row& row) {
  constexpr const auto& k = kTaskColumns;
  TaskRecord t;
  t.id = row[k["id"]].as<int64_t>();
  t.office_id = row[k["office_id"]].as<std::string>();
  t.queue = row[k["queue"]].as<std::string>();
  t.dedupe_key = row[k["dedupe_key"]].as<std::string>();
  t.payload = BytesOf(row[k["payload"]]);
  t.state = row[k["state"]].as<std::string>();
  t.attempt = row[k["attempt"]].as<int>();
  t.max_attempts = row[k["max_attempts"]].as<int>();
  t.run_after = ParseTimestamp(row[k["run_after"]].as<std::string>());
  t.lease_owner = row[k["lease_owner"]].as<std::string>();
  t.lease_expires_at = OptionalTs(row[k["lease_expires_at"]]);
  t.last_error = row[k["last_error"]].as<std::string>();
  t.created_at = ParseTimestamp(row[k["created_at"]].as<std::string>());
  return t;
}

absl::Status Stale(int64_t task_id, int attempt) {
  return absl::FailedPreconditionError(absl::StrCat(
      "task ", task_id, " attempt ", attempt,
      " is no longer leased to you (lease expired and was taken over, or the task finished)"));
}

absl::Status TaskNotFound(int64_t task_id) {
  return absl::NotFoundError(absl::StrCat("task ", task_id, " not found"));
}

// Why Retry or Drop changed nothing: the task is not there, or its state does not allow it.
absl::Status NotChangeable(Tx& tx, const std::string& office_id, int64_t task_id,
                           const char* rule) {
  pqxx::result cur = tx.Exec(kGet, office_id, task_id);
  if (cur.empty()) return TaskNotFound(task_id);
  return absl::FailedPreconditionError(
      absl::StrCat("task ", task_id, " is ", TaskFromRow(cur[0]).state, "; ", rule));
}

}  // namespace

std::optional<std::string> TaskNow(Tx& tx) {
  if (tx.task_clock() == nullptr) return std::nullopt;
  return Ts(tx.task_clock()->Now());
}

int64_t EnqueueInTx(Tx& tx, const NewTask& t) {
  std::optional<std::string> run_after =  // NULL: now
      t.run_after != absl::InfinitePast() ? Ts(t.run_after) : TaskNow(tx);
  pqxx::result r = tx.Exec(kEnqueue, t.office_id, t.queue, NullIfEmpty(t.dedupe_key),
                           pqxx::binarystring(t.payload), run_after, t.max_attempts);
  tx.NotifyOnce(t.queue);
  if (!r.empty()) return r[0][0].as<int64_t>();
  pqxx::result live = tx.Exec(kFindLive, t.office_id, t.queue, t.dedupe_key);
  return live.empty() ? 0 : live[0][0].as<int64_t>();
}

absl::Status FinishLeasedInTx(Tx& tx, const std::string& office_id, int64_t task_id, int attempt,
                              const std::string& queue) {
  pqxx::result done = tx.Exec(kFinishLeased, office_id, task_id, attempt, queue, TaskNow(tx));
  if (!done.empty()) {
    const pqxx::row& d = done[0];
    if (d["rerun"].as<bool>()) {  // something changed while it ran: once more
      EnqueueInTx(
          tx, NewTask{office_id, queue, d["dedupe_key"].as<std::string>(), BytesOf(d["payload"]),
                      absl::InfinitePast(), d["max_attempts"].as<int>()});
    }
    return absl::OkStatus();
  }
  return FinishRefusal(tx, office_id, task_id, attempt, queue);
}

absl::Status FinishRefusal(Tx& tx, const std::string& office_id, int64_t task_id, int attempt,
                           const std::string& queue) {
  pqxx::result q = tx.Exec(kQueueOf, office_id, task_id);
  if (!q.empty() && q[0][0].as<std::string>() != queue) {
    return absl::InvalidArgumentError(absl::StrCat(
        "result: task ", task_id, " is a ", q[0][0].as<std::string>(), " task, not ", queue));
  }
  return Stale(task_id, attempt);
}

absl::StatusOr<std::optional<TaskRecord>> TaskQueue::Lease(const std::string& office_id,
                                                           const std::string& queue,
                                                           const std::string& worker_id,
                                                           absl::Duration lease) {
  // Expired leases are probed on every 8th poll and whenever no ready task is due: they come back
  // within a few polls without costing every poll a statement. Autocommit: each statement stands
  // alone, and a poll saves the BEGIN and COMMIT round trips. The 8th poll also finishes the tasks
  // past their run_before (in a transaction of its own, with their kind's record of it); until
  // then they are never leased and hold back no later task of their order_key.
  bool probe_expired_first = polls_.fetch_add(1, std::memory_order_relaxed) % 8 == 0;
  if (probe_expired_first) {
    // Not this poll's business to fail over: a late task is never leased, and the next probe
    // tries again.
    if (absl::Status s = SkipLate(office_id, queue); !s.ok()) {
      log::Warn("finishing late tasks failed", {{"queue", queue}, {"error", s.ToString()}});
    }
  }
  return FetchAutocommit(db_.impl(), [&](Tx& tx) -> std::optional<TaskRecord> {
    double seconds = absl::ToDoubleSeconds(lease);
    auto take_expired = [&]() -> std::optional<TaskRecord> {
      for (int i = 0; i < 16; ++i) {  // skip past the ones that go dead
        pqxx::result r = tx.Exec(kLeaseExpired, office_id, queue, worker_id, seconds, Now());
        if (r.empty()) return std::nullopt;
        TaskRecord t = TaskFromRow(r[0]);
        if (t.state == "dead") {
          AttemptFailed(tx, t, "lease expired", true);
          continue;
        }
        t.took_over_expired_lease = true;
        return t;
      }
      return std::nullopt;
    };
    if (probe_expired_first) {
      if (std::optional<TaskRecord> t = take_expired()) return t;
    }
    pqxx::result r = tx.Exec(kLeaseReady, office_id, queue, worker_id, seconds, 1, Now());
    if (!r.empty()) return TaskFromRow(r[0]);
    if (!probe_expired_first) return take_expired();
    return std::nullopt;
  });
}

absl::StatusOr<absl::Time> TaskQueue::Heartbeat(const std::string& office_id, int64_t task_id,
                                                int attempt, absl::Duration lease) {
  return FetchAutocommit(db_.impl(), [&](Tx& tx) -> absl::StatusOr<absl::Time> {
    pqxx::result r =
        tx.Exec(kHeartbeat, office_id, task_id, attempt, absl::ToDoubleSeconds(lease), Now());
    if (r.empty()) return Stale(task_id, attempt);
    return ParseTimestamp(r[0][0].as<std::string>());
  });
}

absl::StatusOr<std::vector<TaskRecord>> TaskQueue::LeaseMany(const std::string& office_id,
                                                             const std::string& queue,
                                                             const std::string& worker_id,
                                                             absl::Duration lease, int max_tasks) {
  std::vector<TaskRecord> out;
  LOKET_ASSIGN_OR_RETURN(std::optional<TaskRecord> first,
                         Lease(office_id, queue, worker_id, lease));
  if (!first.has_value()) return out;
  out.push_back(std::move(*first));
  if (max_tasks <= 1) return out;
  absl::Status s = db_.impl().RunAutocommit([&](Tx& tx) -> absl::Status {
    for (const auto& row : tx.Exec(kLeaseReady, office_id, queue, worker_id,
                                   absl::ToDoubleSeconds(lease), max_tasks - 1, Now())) {
      out.push_back(TaskFromRow(row));
    }
    return absl::OkStatus();
  });
  // A failed statement leased nothing; the first task is leased and goes out alone.
  (void)s;
  return out;
}

absl::Status TaskQueue::SkipLate(const std::string& office_id, const std::string& queue) {
  // Mostly there is none: one autocommitted look instead of a transaction's three round trips.
  LOKET_ASSIGN_OR_RETURN(bool any, FetchAutocommit(db_.impl(), [&](Tx& tx) {
                           return tx.Exec(kAnyLate, office_id, queue, Now())[0][0].as<bool>();
                         }));
  if (!any) return absl::OkStatus();
  // One transaction: a task is finished unrun together with what its kind records of it.
  const TaskKind* kind = KindOf(queue);
  return db_.impl().RunTx([&](Tx& tx) -> absl::Status {
    for (const auto& row : tx.Exec(kSkipLate, office_id, queue, Now())) {
      if (kind != nullptr && kind->on_too_late) kind->on_too_late(tx, TaskFromRow(row));
    }
    return absl::OkStatus();
  });
}

const TaskKind* TaskQueue::KindOf(const std::string& queue) const {
  for (const TaskKind& k : kinds_) {
    if (k.queue == queue) return &k;
  }
  return nullptr;
}

std::optional<std::string> TaskQueue::Now() const {
  if (clock_ == nullptr) return std::nullopt;  // PostgreSQL's now()
  // Microseconds, PostgreSQL's precision, so a lease ends exactly when the clock says.
  return Ts(clock_->Now());
}

double TaskQueue::UnitRandom() {
  absl::MutexLock lock(&rng_mu_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

absl::StatusOr<TaskRecord> TaskQueue::Fail(const std::string& office_id, int64_t task_id,
                                           int attempt, const std::string& error, bool permanent) {
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<TaskRecord> {
    double delay = absl::ToDoubleSeconds(
        domain::BackoffDelay(attempt, retry_.base, retry_.cap, retry_.jitter, UnitRandom()));
    pqxx::result r =
        tx.Exec(kFail, office_id, task_id, attempt, permanent, delay, error.substr(0, 1000), Now());
    if (r.empty()) return Stale(task_id, attempt);
    TaskRecord out = TaskFromRow(r[0]);
    AttemptFailed(tx, out, error, out.state == "dead");
    return out;
  });
}

absl::StatusOr<std::vector<TaskRecord>> TaskQueue::List(const std::string& office_id,
                                                        const std::string& queue,
                                                        const std::string& state, int limit) {
  return Fetch(db_.impl(), [&](Tx& tx) {
    return MapRows(tx.Exec(kList, office_id, queue, state, limit), TaskFromRow);
  });
}

absl::StatusOr<TaskRecord> TaskQueue::Get(const std::string& office_id, int64_t task_id) {
  return Fetch(db_.impl(), [&](Tx& tx) -> absl::StatusOr<TaskRecord> {
    pqxx::result r = tx.Exec(kGet, office_id, task_id);
    if (r.empty()) return TaskNotFound(task_id);
    return TaskFromRow(r[0]);
  });
}

absl::StatusOr<std::string> TaskQueue::Retry(
    const Mutation& m, int64_t task_id,
    const std::function<std::string(const TaskRecord&)>& encode) {
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    pqxx::result r = tx.Exec(kRetry, m.actor.office_id, task_id, 3, Now());
    if (r.empty())
      return NotChangeable(tx, m.actor.office_id, task_id, "only dead tasks are retried");
    TaskRecord t = TaskFromRow(r[0]);
    tx.NotifyOnce(t.queue);
    return encode(t);
  });
}

absl::StatusOr<std::string> TaskQueue::Drop(
    const Mutation& m, int64_t task_id,
    const std::function<std::string(const TaskRecord&)>& encode) {
  return RunIdempotent(db_.impl(), m, [&](Tx& tx) -> absl::StatusOr<std::string> {
    pqxx::result r = tx.Exec(kDrop, m.actor.office_id, task_id, m.actor.name, Now());
    if (r.empty()) {
      return NotChangeable(tx, m.actor.office_id, task_id,
                           "only ready or dead tasks can be dropped");
    }
    TaskRecord t = TaskFromRow(r[0]);
    AttemptFailed(tx, t, "dropped by " + m.actor.name, true);
    return encode(t);
  });
}

void TaskQueue::AttemptFailed(Tx& tx, const TaskRecord& t, const std::string& why,
                              bool dead) const {
  const TaskKind* kind = KindOf(t.queue);
  if (kind != nullptr && kind->on_attempt_failed) kind->on_attempt_failed(tx, t, why, dead);
}

absl::StatusOr<std::vector<QueueStats>> TaskQueue::Stats() {
  return Fetch(db_.impl(), [&](Tx& tx) {
    return MapRows(tx.Exec(kStats, Now()), [](const pqxx::row& row) {
      return QueueStats{row["queue"].as<std::string>(), row["state"].as<std::string>(),
                        row["tasks"].as<int64_t>(), row["oldest_ready_seconds"].as<double>()};
    });
  });
}

// ---- TaskWakeups ----

struct TaskWakeups::Impl {
  explicit Impl(std::string c) : conninfo(std::move(c)) {}

  class Receiver final : public pqxx::notification_receiver {
   public:
    Receiver(pqxx::connection_base& c, Impl& impl)
        : pqxx::notification_receiver(c, "loket_tasks"), impl_(impl) {}
    void operator()(const std::string&, int) override { impl_.Bump(); }

   private:
    Impl& impl_;
  };

  void Bump() {
    absl::MutexLock lock(&mu);
    ++generation;
  }

  void Run() {
    while (!stop.load()) {
      try {
        pqxx::connection conn(conninfo);
        Receiver receiver(conn, *this);
        Bump();  // after a reconnect, waiters re-poll: wake-ups may have been missed meanwhile
        while (!stop.load()) conn.await_notification(0, 200000);
      } catch (const std::exception&) {
        // The database is away; waiters fall back to polling until it returns.
        for (int i = 0; i < 10 && !stop.load(); ++i) absl::SleepFor(absl::Milliseconds(100));
      }
    }
  }

  std::string conninfo;
  mutable absl::Mutex mu;
  uint64_t generation ABSL_GUARDED_BY(mu) = 0;
  bool closed ABSL_GUARDED_BY(mu) = false;
  std::atomic<bool> stop{false};
  std::thread thread;
};

TaskWakeups::TaskWakeups(std::string conninfo)
    : impl_(std::make_unique<Impl>(std::move(conninfo))) {
  impl_->thread = std::thread([this] { impl_->Run(); });
}

TaskWakeups::~TaskWakeups() {
  impl_->stop = true;
  impl_->thread.join();
}

uint64_t TaskWakeups::Generation() const {
  absl::MutexLock lock(&impl_->mu);
  return impl_->generation;
}

void TaskWakeups::Wait(uint64_t generation, absl::Time deadline) const {
  absl::MutexLock lock(&impl_->mu);
  auto changed = [this, generation]() ABSL_SHARED_LOCKS_REQUIRED(impl_->mu) {
    return impl_->generation != generation || impl_->closed;
  };
  impl_->mu.AwaitWithDeadline(absl::Condition(&changed), deadline);
}

}  // namespace loket::store

namespace loket::store {

void TaskWakeups::Close() {
  absl::MutexLock lock(&impl_->mu);
  impl_->closed = true;
}

bool TaskWakeups::closed() const {
  absl::MutexLock lock(&impl_->mu);
  return impl_->closed;
}

}  // namespace loket::store
