-- Issue 12: finished tasks and old idempotency records are swept (docs/operations.md, "Retention").

-- What the sweep scans: finished tasks by the time they finished (updated_at is set by every
-- transition, and a done or dead task changes no more, except a dead one an admin retries).
CREATE INDEX tasks_finished ON tasks (state, updated_at) WHERE state IN ('done', 'dead');

-- A notification keeps its history when its finished task is swept: the link is cleared. Only a
-- live task's link is ever read (cancelling a pending message, recording an attempt). The index
-- serves that delete and the notifier's completion, which finds its notification by task_id.
CREATE INDEX notifications_task ON notifications (task_id) WHERE task_id IS NOT NULL;
ALTER TABLE notifications DROP CONSTRAINT notifications_task_id_fkey,
  ADD CONSTRAINT notifications_task_id_fkey FOREIGN KEY (task_id) REFERENCES tasks(id)
    ON DELETE SET NULL;
