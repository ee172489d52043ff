-- Issue 11: who hears about a courier's visit and what they were told, and messages to one
-- recipient in the order their events happened (docs/architecture.md, "Order and weight").

-- A partner clinic is told about courier visits by its phone and, when on file, its e-mail.
ALTER TABLE clinics ADD COLUMN email text NOT NULL DEFAULT '';

-- The window last told to the clinic (announced_start, 0003, is its start): re-planning tells the
-- clinic again only when either end moves by more than the margin.
ALTER TABLE stops ADD COLUMN announced_end timestamptz;

-- When the thing a message tells happened (a reminder: when it is due). Messages to one address go
-- out in this order; scheduled_for may be later (quiet hours, the hourly cap).
ALTER TABLE notifications ADD COLUMN event_at timestamptz;
UPDATE notifications SET event_at = created_at WHERE event_at IS NULL;
ALTER TABLE notifications ALTER COLUMN event_at SET NOT NULL,
  ALTER COLUMN event_at SET DEFAULT now();
CREATE INDEX notifications_recipient_pending ON notifications (office_id, address, event_at)
  WHERE status = 'pending';

-- Tasks that must run in order: of the live (ready or leased) tasks of one queue with the same
-- order_key, only the first by (order_at, id) may be leased. notify.send uses the address, so
-- concurrent notifier threads and retries never reorder one recipient's messages.
ALTER TABLE tasks ADD COLUMN order_key text, ADD COLUMN order_at timestamptz;
CREATE INDEX tasks_ordered ON tasks (office_id, queue, order_key, order_at, id)
  WHERE order_key IS NOT NULL AND state IN ('ready', 'leased');
