// The task kinds with behaviour of their own beyond the queue's bookkeeping (task_queue.h). Adding
// a kind: give it an entry here only if it must act when an attempt fails; its enqueue
// (EnqueueInTx) and its worker need nothing from the queue.
#include <string>
#include <vector>

#include "server/store/pg.h"
#include "server/store/task_queue.h"

namespace loket::store {
namespace {

// A message's row shows how its delivery went: the attempts so far, the last error, and
// "failed" once no attempt follows.
constexpr Statement kNotificationAttempt{
    "task_notification_attempt",
    "UPDATE notifications SET attempts = $2, detail = $3,"
    " status = CASE WHEN $4 THEN 'failed' ELSE status END WHERE task_id = $1"};

}  // namespace

std::vector<TaskKind> BuiltInTaskKinds() {
  return {
      TaskKind{"notify.send",
               [](Tx& tx, const TaskRecord& t, const std::string& why, bool dead) {
                 tx.Exec(kNotificationAttempt, t.id, t.attempt, why.substr(0, 500), dead);
               }},
  };
}

}  // namespace loket::store
