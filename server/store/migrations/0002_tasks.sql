-- The durable task queue (DESIGN.md section 4) and the notifications it delivers.

CREATE TABLE tasks (
  id                bigserial PRIMARY KEY,
  office_id         text NOT NULL REFERENCES offices(id),
  queue             text NOT NULL CHECK (queue ~ '^[a-z][a-z0-9_.]{1,40}$'),
  dedupe_key        text,
  payload           bytea NOT NULL DEFAULT '',
  state             text NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'leased', 'done', 'dead')),
  attempt           integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
  max_attempts      integer NOT NULL DEFAULT 8 CHECK (max_attempts >= 1),
  run_after         timestamptz NOT NULL DEFAULT now(),
  lease_owner       text,
  lease_expires_at  timestamptz,
  last_error        text NOT NULL DEFAULT '',
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((state = 'leased') = (lease_expires_at IS NOT NULL))
);
-- Bursts coalesce: one live task per (queue, dedupe_key).
CREATE UNIQUE INDEX tasks_dedupe ON tasks (office_id, queue, dedupe_key)
  WHERE dedupe_key IS NOT NULL AND state IN ('ready', 'leased');
-- What a lease scans: ready tasks by due time, and leases that have expired.
CREATE INDEX tasks_ready ON tasks (office_id, queue, run_after, id) WHERE state = 'ready';
CREATE INDEX tasks_leased ON tasks (office_id, queue, lease_expires_at) WHERE state = 'leased';
CREATE INDEX tasks_admin ON tasks (office_id, state, queue, id);

CREATE TABLE notifications (
  id                   bigserial PRIMARY KEY,
  office_id            text NOT NULL REFERENCES offices(id),
  case_id              bigint REFERENCES cases(id),
  channel              text NOT NULL CHECK (channel IN ('webhook', 'email')),
  address              text NOT NULL,
  template_id          text NOT NULL,
  language             text NOT NULL DEFAULT 'id',
  urgent               boolean NOT NULL DEFAULT false,
  status               text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts             integer NOT NULL DEFAULT 0,
  provider_message_id  text NOT NULL DEFAULT '',
  detail               text NOT NULL DEFAULT '',
  task_id              bigint REFERENCES tasks(id),
  created_at           timestamptz NOT NULL DEFAULT now(),
  scheduled_for        timestamptz NOT NULL DEFAULT now(),
  sent_at              timestamptz
);
CREATE INDEX notifications_case ON notifications (case_id, id);
-- Per-recipient rate limit looks back over recent messages to one address.
CREATE INDEX notifications_recipient ON notifications (office_id, address, scheduled_for);

-- The language each applicant reads their messages in.
ALTER TABLE cases ADD COLUMN applicant_language text NOT NULL DEFAULT 'id'
  CHECK (applicant_language IN ('id', 'en'));

-- Public permit verification looks a permit up by number alone.
CREATE INDEX cases_permit_number ON cases (permit_number) WHERE permit_number IS NOT NULL;
