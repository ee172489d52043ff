-- A task may carry the time after which running it is of no use (tasks.run_before): a phone code
-- that has expired, a reminder for a visit that has begun, a courier window that has passed. The
-- queue leases no task past it; it finishes such a task unrun, and the task's kind records why
-- (notify.send: the message is 'skipped'). Until 2026-12-04 a notifier back after an outage sent
-- all of these, hours late.
ALTER TABLE tasks ADD COLUMN run_before timestamptz;
CREATE INDEX tasks_run_before ON tasks (office_id, queue, run_before)
  WHERE run_before IS NOT NULL AND state IN ('ready', 'leased');

-- 'skipped': not sent, on purpose (too late, or withdrawn with its appointment); not a failure.
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check
  CHECK (status IN ('pending', 'sent', 'failed', 'skipped'));
UPDATE notifications SET status = 'skipped'
  WHERE status = 'failed' AND detail LIKE 'withdrawn:%';
