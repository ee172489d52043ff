-- The live office queue (issue 4): visits at the door with their health screening, tickets in
-- lanes, the lane interleaving's state per office and day, and a change feed for display boards.

-- One row per office: its queue's change sequence. Every queue change locks this row first, so an
-- office's queue changes run one at a time and commit in sequence order: a display board that
-- reads events with seq > the last it saw never misses one, on any replica.
CREATE TABLE queue_feeds (
  office_id  text PRIMARY KEY REFERENCES offices(id),
  seq        bigint NOT NULL DEFAULT 0
);

-- The interleaving's credits (priority, appointment, walk-in) and each lane's last ticket number.
CREATE TABLE queue_days (
  office_id     text NOT NULL REFERENCES offices(id),
  day           date NOT NULL,
  credits       bigint[] NOT NULL DEFAULT '{0,0,0}',
  last_numbers  integer[] NOT NULL DEFAULT '{0,0,0}',
  PRIMARY KEY (office_id, day),
  CHECK (cardinality(credits) = 3 AND cardinality(last_numbers) = 3)
);

-- Everyone who came to the door, passed the screening or not: a failed screening is not lost.
CREATE TABLE visits (
  id                bigserial PRIMARY KEY,
  office_id         text NOT NULL REFERENCES offices(id),
  day               date NOT NULL,
  appointment_id    bigint REFERENCES appointments(id),
  case_id           bigint REFERENCES cases(id),
  name              text NOT NULL,
  phone             text NOT NULL DEFAULT '',
  language          text NOT NULL DEFAULT 'id' CHECK (language IN ('id', 'en')),
  service           text NOT NULL,
  priority_class    text NOT NULL DEFAULT 'NONE'
                      CHECK (priority_class IN ('NONE', 'ELDERLY', 'DISABILITY', 'HEALTH_WORKER')),
  seated            boolean NOT NULL DEFAULT false,
  temperature_c     numeric(4, 1) NOT NULL CHECK (temperature_c BETWEEN 30 AND 45),
  mask              boolean NOT NULL,
  screening_passed  boolean NOT NULL,
  screening_note    text NOT NULL DEFAULT '',
  arrival           text NOT NULL CHECK (arrival IN ('on_time', 'late', 'walk_in')),
  -- queued: has a ticket; redirect_pending: failed screening, the clerk has yet to choose.
  outcome           text NOT NULL
                      CHECK (outcome IN ('queued', 'redirect_pending', 'online', 'siber_pickup')),
  pickup_stop_id    bigint,
  created_by        bigint NOT NULL REFERENCES principals(id),
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (office_id, service) REFERENCES permit_types(office_id, code),
  CHECK (screening_passed = (outcome = 'queued'))
);
-- An appointment queues once.
CREATE UNIQUE INDEX visits_appointment_queued ON visits (appointment_id)
  WHERE appointment_id IS NOT NULL AND outcome = 'queued';
CREATE INDEX visits_office_day ON visits (office_id, day, id);

-- A ticket's place in its lane: taken at check-in, taken again when skipped (to the back).
CREATE SEQUENCE ticket_positions;

CREATE TABLE tickets (
  id              bigserial PRIMARY KEY,
  office_id       text NOT NULL REFERENCES offices(id),
  day             date NOT NULL,
  visit_id        bigint NOT NULL UNIQUE REFERENCES visits(id),
  lane            text NOT NULL CHECK (lane IN ('priority', 'appointment', 'walk_in')),
  number          integer NOT NULL CHECK (number > 0),
  label           text NOT NULL,
  service         text NOT NULL,
  seated          boolean NOT NULL DEFAULT false,
  state           text NOT NULL DEFAULT 'waiting'
                    CHECK (state IN ('waiting', 'called', 'done', 'no_show')),
  -- Called: the counter calling it. Waiting: the counter it was transferred to (served there
  -- first), or NULL for any counter that handles its service.
  counter_id      text,
  slot_starts_at  timestamptz,  -- appointment lane: earlier slots first
  queued_at       timestamptz NOT NULL,  -- check-in, or when skipped
  position        bigint NOT NULL DEFAULT nextval('ticket_positions'),  -- order in the lane
  calls           integer NOT NULL DEFAULT 0,
  skips           integer NOT NULL DEFAULT 0,
  called_at       timestamptz,
  finished_at     timestamptz,
  created_at      timestamptz NOT NULL,
  version         bigint NOT NULL DEFAULT 1,
  UNIQUE (office_id, day, label),
  UNIQUE (office_id, day, lane, number),
  FOREIGN KEY (office_id, counter_id) REFERENCES counters(office_id, id),
  CHECK (state <> 'called' OR counter_id IS NOT NULL)
);
-- A counter has one ticket called at a time; together with CallNext's guarded single-statement
-- claim, no ticket is ever served twice.
CREATE UNIQUE INDEX tickets_one_called_per_counter ON tickets (office_id, counter_id)
  WHERE state = 'called';
CREATE INDEX tickets_waiting ON tickets (office_id, day, lane, position)
  WHERE state = 'waiting';

-- Append-only: what the display boards replay, in seq order.
CREATE TABLE queue_events (
  office_id   text NOT NULL REFERENCES offices(id),
  seq         bigint NOT NULL,
  day         date NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('issued', 'called', 'recalled', 'skipped', 'no_show',
                                             'transferred', 'done')),
  ticket_id   bigint NOT NULL REFERENCES tickets(id),
  label       text NOT NULL,
  counter_id  text,
  at          timestamptz NOT NULL,
  PRIMARY KEY (office_id, seq)
);
