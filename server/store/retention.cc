#include "server/store/retention.h"

#include <optional>
#include <string>

#include "common/status_macros.h"
#include "server/store/database.h"
#include "server/store/pg.h"
#include "server/store/task_enqueue.h"

namespace loket::store {
namespace {

// One sweeper at a time across replicas (two-key form: its own key space, apart from the
// request_id locks of idempotency.cc). Transaction-level: a pooled connection never keeps it.
constexpr Statement kSweepLock{"retention_lock", "SELECT pg_try_advisory_xact_lock(7406, 14)"};
// Oldest first by the finish time (index tasks_finished, migration 0014). Only done and dead
// tasks: coalescing (dedupe_key) and per-recipient order (order_key) read live tasks only. One rule
// reads finished ones: a slot's reserved-seat release is enqueued once ever (appt_task_ever), asked
// only while the slot's cut-off, the task's run_after, lies ahead; a task is kept until its
// run_after is past retention too, so a release an admin dropped early is never enqueued again.
// A task's times are on the task clock (TaskNow: a shifted office clock, else now()), and so is
// its age here. Notifications keep their history: the foreign key clears their task_id.
// `= ANY(ARRAY(...))`, not `IN (...)`: with IN the planner hashed the picked ids against a scan of
// the whole table (EXPLAIN at 200k rows), a batch's cost growing with the table; this way it
// deletes through the primary key.
constexpr Statement kSweepTasks{
    "retention_tasks",
    "DELETE FROM tasks WHERE id = ANY(ARRAY(SELECT id FROM tasks WHERE state = $1"
    " AND updated_at < coalesce($4::timestamptz, now()) - make_interval(secs => $2::float8)"
    " AND run_after < coalesce($4::timestamptz, now()) - make_interval(secs => $2::float8)"
    " ORDER BY updated_at LIMIT $3::int FOR UPDATE SKIP LOCKED))"};
// Oldest first by created_at (index idempotency_created, migration 0001). By ctid: the rows are
// locked, so it cannot change before the DELETE, which is then a TID scan.
constexpr Statement kSweepIdempotency{
    "retention_idempotency",
    "DELETE FROM idempotency WHERE ctid = ANY(ARRAY(SELECT ctid FROM idempotency"
    " WHERE created_at < now() - make_interval(secs => $1::float8)"
    " ORDER BY created_at LIMIT $2::int FOR UPDATE SKIP LOCKED))"};

}  // namespace

absl::StatusOr<SweepCounts> Retention::SweepOnce(const std::function<bool()>& stop) {
  LOKET_RETURN_IF_ERROR(domain::ValidateRetention(policy_));
  SweepCounts counts;
  // Deletes batches of one kind until one comes back short or another replica holds the lock.
  auto sweep = [&](const std::optional<std::string>& task_state, absl::Duration age,
                   int64_t& total) -> absl::Status {
    double seconds = absl::ToDoubleSeconds(age);
    for (int i = 0; i < policy_.max_batches; ++i) {
      if (stop && stop()) return absl::OkStatus();
      int64_t deleted = 0;
      bool locked = false;
      LOKET_RETURN_IF_ERROR(db_.impl().RunTx([&](Tx& tx) -> absl::Status {
        locked = tx.Exec(kSweepLock)[0][0].as<bool>();
        if (!locked) return absl::OkStatus();
        pqxx::result r =
            task_state ? tx.Exec(kSweepTasks, *task_state, seconds, policy_.batch, TaskNow(tx))
                       : tx.Exec(kSweepIdempotency, seconds, policy_.batch);
        deleted = r.affected_rows();
        return absl::OkStatus();
      }));
      if (!locked) {
        counts.yielded = true;
        return absl::OkStatus();
      }
      total += deleted;
      if (deleted < policy_.batch) return absl::OkStatus();
    }
    return absl::OkStatus();
  };
  LOKET_RETURN_IF_ERROR(sweep(std::string("done"), policy_.done_tasks, counts.done_tasks));
  if (!counts.yielded && policy_.dead_tasks > absl::ZeroDuration()) {
    LOKET_RETURN_IF_ERROR(sweep(std::string("dead"), policy_.dead_tasks, counts.dead_tasks));
  }
  if (!counts.yielded) {
    LOKET_RETURN_IF_ERROR(sweep(std::nullopt, policy_.idempotency, counts.idempotency));
  }
  return counts;
}

}  // namespace loket::store
