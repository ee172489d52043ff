-- SIBER (DESIGN.md section 5): where the office and the clinics are and when the clinics open,
-- couriers and their shifts, stops with time windows, the plan the router made, and the chain of
-- custody of every paper bundle.

ALTER TABLE offices ADD COLUMN address text NOT NULL DEFAULT '',
  ADD COLUMN latitude double precision CHECK (latitude BETWEEN -90 AND 90),
  ADD COLUMN longitude double precision CHECK (longitude BETWEEN -180 AND 180);

-- Pickups and deliveries happen within a clinic's hours; notifications go to its phone.
ALTER TABLE clinics ADD COLUMN opens time NOT NULL DEFAULT '08:00',
  ADD COLUMN closes time NOT NULL DEFAULT '16:00',
  ADD COLUMN phone text NOT NULL DEFAULT '',
  ADD CONSTRAINT clinics_hours CHECK (opens < closes);

-- A courier is a principal with role courier. They work the office's working days from shift_starts
-- to shift_ends unless courier_shifts says otherwise for a day.
CREATE TABLE couriers (
  principal_id  bigint PRIMARY KEY REFERENCES principals(id),
  office_id     text NOT NULL REFERENCES offices(id),
  name          text NOT NULL,
  phone         text NOT NULL DEFAULT '',
  capacity      integer NOT NULL CHECK (capacity BETWEEN 1 AND 200),  -- bundles on board at once
  shift_starts  time NOT NULL DEFAULT '08:00',
  shift_ends    time NOT NULL DEFAULT '16:00',
  active        boolean NOT NULL DEFAULT true,
  CHECK (shift_starts < shift_ends)
);
CREATE INDEX couriers_office ON couriers (office_id);

CREATE TABLE courier_shifts (
  office_id   text NOT NULL REFERENCES offices(id),
  courier_id  bigint NOT NULL REFERENCES couriers(principal_id),
  day         date NOT NULL,
  off         boolean NOT NULL DEFAULT false,
  starts      time NOT NULL,
  ends        time NOT NULL,
  PRIMARY KEY (courier_id, day),
  CHECK (starts < ends)
);

-- The planning scope of route.plan: one office and day. Every change to the day's stops or shifts
-- bumps input_version; a plan is applied only to the stops it saw (DESIGN.md, planning tasks).
CREATE TABLE siber_days (
  office_id        text NOT NULL REFERENCES offices(id),
  day              date NOT NULL,
  input_version    bigint NOT NULL DEFAULT 1,
  planned_version  bigint NOT NULL DEFAULT 0,
  planned_at       timestamptz,
  distance_m       double precision NOT NULL DEFAULT 0,
  unassigned       integer NOT NULL DEFAULT 0,
  PRIMARY KEY (office_id, day)
);

-- A stop moves one bundle one step. Pairs: pickup (clinic) -> handin (office) for the paper
-- originals; collect (office) -> delivery (clinic) for the issued permit. A stop whose pair began
-- earlier (a permit brought back after a failed delivery) has no partner.
CREATE TABLE stops (
  id               bigserial PRIMARY KEY,
  office_id        text NOT NULL REFERENCES offices(id),
  case_id          bigint NOT NULL REFERENCES cases(id),
  day              date NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('pickup', 'handin', 'collect', 'delivery')),
  item             text NOT NULL CHECK (item IN ('documents', 'permit')),
  partner_id       bigint REFERENCES stops(id),
  clinic_id        text,
  place            text NOT NULL,
  address          text NOT NULL DEFAULT '',
  latitude         double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
  longitude        double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
  window_start     timestamptz NOT NULL,
  window_end       timestamptz NOT NULL,
  service_minutes  integer NOT NULL DEFAULT 5 CHECK (service_minutes BETWEEN 0 AND 120),
  bundles          integer NOT NULL DEFAULT 1 CHECK (bundles BETWEEN 1 AND 50),
  state            text NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'planned', 'arrived', 'done', 'failed', 'cancelled')),
  courier_id       bigint REFERENCES couriers(principal_id),
  sequence         integer,
  planned_at       timestamptz,  -- planned start of service
  announced_start  timestamptz,  -- the window last announced to the clinic
  near_sent        boolean NOT NULL DEFAULT false,
  arrived_at       timestamptz,
  completed_at     timestamptz,
  receiver_name    text NOT NULL DEFAULT '',
  proof_sha256     text NOT NULL DEFAULT '' CHECK (proof_sha256 ~ '^([0-9a-f]{64})?$'),
  failure_reason   text NOT NULL DEFAULT '',
  version          bigint NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (window_start < window_end),
  CHECK (state IN ('pending', 'cancelled') OR courier_id IS NOT NULL),
  FOREIGN KEY (office_id, clinic_id) REFERENCES clinics(office_id, id),
  FOREIGN KEY (office_id, day) REFERENCES siber_days(office_id, day)
);
CREATE INDEX stops_day ON stops (office_id, day, id);
CREATE INDEX stops_courier ON stops (courier_id, day) WHERE courier_id IS NOT NULL;
CREATE INDEX stops_case ON stops (case_id, id);
-- One live movement of each kind and item per case: a retried hook can never plan a pickup twice.
CREATE UNIQUE INDEX stops_one_live ON stops (case_id, kind, item)
  WHERE state IN ('pending', 'planned', 'arrived');

-- Every hand-over of a bundle: who gave it to whom, when, with what proof. Append-only.
CREATE TABLE custody_events (
  id             bigserial PRIMARY KEY,
  office_id      text NOT NULL REFERENCES offices(id),
  case_id        bigint NOT NULL REFERENCES cases(id),
  stop_id        bigint REFERENCES stops(id),
  item           text NOT NULL CHECK (item IN ('documents', 'permit')),
  from_holder    text NOT NULL,  -- 'clinic:<id>', 'courier:<principal id>', 'office', 'applicant'
  to_holder      text NOT NULL,
  receiver_name  text NOT NULL DEFAULT '',
  proof_sha256   text NOT NULL DEFAULT '',
  actor_id       bigint NOT NULL REFERENCES principals(id),
  at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX custody_case ON custody_events (case_id, id);
CREATE OR REPLACE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER custody_events_no_update BEFORE UPDATE OR DELETE ON custody_events
  FOR EACH ROW EXECUTE FUNCTION case_events_append_only();
