-- Spontan: the office calendar, slots, appointment requests and appointments (issue 4).
-- Capacity is enforced here, not in C++: slots.booked moves only by
-- `UPDATE ... SET booked = booked + 1 WHERE ... AND booked < capacity` and the CHECK below backs it.

-- Opening hours per ISO weekday (1 = Monday). capacity = people inside at once per slot (distancing);
-- reserved_priority of it is held for Temankubela and health workers until the release cut-off.
CREATE TABLE office_hours (
  office_id          text NOT NULL REFERENCES offices(id),
  weekday            integer NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  opens              time NOT NULL,
  closes             time NOT NULL,
  slot_minutes       integer NOT NULL CHECK (slot_minutes BETWEEN 5 AND 240),
  capacity           integer NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
  reserved_priority  integer NOT NULL DEFAULT 0,
  PRIMARY KEY (office_id, weekday),
  CHECK (opens < closes),
  CHECK (reserved_priority BETWEEN 0 AND capacity)
);

CREATE TABLE counters (
  office_id  text NOT NULL REFERENCES offices(id),
  id         text NOT NULL CHECK (id ~ '^[A-Z][A-Z0-9_-]{0,15}$'),
  name       text NOT NULL,
  services   text[] NOT NULL DEFAULT '{}',  -- permit type codes; empty = all
  seated     boolean NOT NULL DEFAULT false,  -- seated service for Temankubela
  open       boolean NOT NULL DEFAULT true,
  PRIMARY KEY (office_id, id)
);

CREATE TABLE slots (
  id                 bigserial PRIMARY KEY,
  office_id          text NOT NULL REFERENCES offices(id),
  day                date NOT NULL,  -- office-local day
  starts_at          timestamptz NOT NULL,
  ends_at            timestamptz NOT NULL,
  capacity           integer NOT NULL CHECK (capacity >= 0),
  reserved_priority  integer NOT NULL DEFAULT 0 CHECK (reserved_priority >= 0),
  booked             integer NOT NULL DEFAULT 0,
  booked_priority    integer NOT NULL DEFAULT 0,
  closed             boolean NOT NULL DEFAULT false,
  CHECK (booked >= 0 AND booked <= capacity),
  CHECK (booked_priority >= 0 AND booked_priority <= booked),
  CHECK (starts_at < ends_at),
  UNIQUE (office_id, starts_at)
);
CREATE INDEX slots_office_day ON slots (office_id, day, starts_at);

CREATE TABLE appointment_requests (
  id                   bigserial PRIMARY KEY,
  office_id            text NOT NULL REFERENCES offices(id),
  nik                  text NOT NULL CHECK (nik ~ '^[0-9]{16}$'),
  name                 text NOT NULL,
  phone                text NOT NULL,
  email                text NOT NULL DEFAULT '',
  language             text NOT NULL DEFAULT 'id' CHECK (language IN ('id', 'en')),
  service              text NOT NULL,  -- permit type code
  priority_class       text NOT NULL DEFAULT 'NONE'
                         CHECK (priority_class IN ('NONE', 'ELDERLY', 'DISABILITY', 'HEALTH_WORKER')),
  accessibility_needs  text[] NOT NULL DEFAULT '{}',
  case_id              bigint REFERENCES cases(id),
  clinic_id            text,
  day                  date NOT NULL,  -- office-local day of the first window: the allocation batch
  state                text NOT NULL DEFAULT 'pending'
                         CHECK (state IN ('pending', 'allocated', 'waitlisted', 'cancelled')),
  flexible             boolean NOT NULL DEFAULT false,  -- displaced by a closure: any slot of the day
  created_by           bigint NOT NULL REFERENCES principals(id),
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  version              bigint NOT NULL DEFAULT 1,
  FOREIGN KEY (office_id, service) REFERENCES permit_types(office_id, code),
  FOREIGN KEY (office_id, clinic_id) REFERENCES clinics(office_id, id)
);
CREATE INDEX appointment_requests_open ON appointment_requests (office_id, day, state, id)
  WHERE state IN ('pending', 'waitlisted');
CREATE INDEX appointment_requests_nik ON appointment_requests (office_id, nik, state);
CREATE INDEX appointment_requests_clinic ON appointment_requests (office_id, clinic_id, id)
  WHERE clinic_id IS NOT NULL;

-- Preferred windows in the applicant's order (rank 0 = first choice).
CREATE TABLE appointment_windows (
  office_id   text NOT NULL,
  request_id  bigint NOT NULL REFERENCES appointment_requests(id),
  rank        integer NOT NULL CHECK (rank BETWEEN 0 AND 9),
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL,
  PRIMARY KEY (request_id, rank),
  CHECK (starts_at < ends_at)
);

CREATE TABLE appointments (
  id              bigserial PRIMARY KEY,
  office_id       text NOT NULL REFERENCES offices(id),
  request_id      bigint NOT NULL REFERENCES appointment_requests(id),
  slot_id         bigint NOT NULL REFERENCES slots(id),
  code            text NOT NULL,  -- short and human-typable, e.g. 'K7M-4QX'
  state           text NOT NULL DEFAULT 'booked'
                    CHECK (state IN ('booked', 'checked_in', 'served', 'cancelled', 'no_show', 'redirected')),
  priority_class  text NOT NULL DEFAULT 'NONE',
  choice_rank     integer NOT NULL DEFAULT 0,  -- which preferred window it met; -1 = none (re-allocated)
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  version         bigint NOT NULL DEFAULT 1,
  UNIQUE (office_id, code)
);
-- A request holds at most one live appointment.
CREATE UNIQUE INDEX appointments_live_request ON appointments (request_id)
  WHERE state IN ('booked', 'checked_in');
CREATE INDEX appointments_slot ON appointments (slot_id, state);
CREATE INDEX appointments_office_state ON appointments (office_id, state, id);

-- The reminders queued for an appointment, withdrawn when it stops being booked.
CREATE TABLE appointment_reminders (
  office_id        text NOT NULL,
  appointment_id   bigint NOT NULL REFERENCES appointments(id),
  notification_id  bigint NOT NULL REFERENCES notifications(id),
  PRIMARY KEY (appointment_id, notification_id)
);

-- A counter closed for one day (CloseCounter): that day's slots lose its share of the capacity.
CREATE TABLE counter_closures (
  office_id   text NOT NULL,
  counter_id  text NOT NULL,
  day         date NOT NULL,
  reason      text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (office_id, counter_id, day),
  FOREIGN KEY (office_id, counter_id) REFERENCES counters(office_id, id)
);

-- Slots from the opening hours for the office-local days [p_from, p_to], skipping holidays. Existing slots
-- are kept as they are (ON CONFLICT DO NOTHING), so generating again is harmless. Returns the number added.
CREATE FUNCTION generate_slots(p_office text, p_from date, p_to date) RETURNS integer
LANGUAGE sql AS $$
  WITH ins AS (
    INSERT INTO slots (office_id, day, starts_at, ends_at, capacity, reserved_priority)
    SELECT h.office_id, d::date,
           (s - make_interval(mins => o.utc_offset_minutes)) AT TIME ZONE 'UTC',
           (s + make_interval(mins => h.slot_minutes) - make_interval(mins => o.utc_offset_minutes))
             AT TIME ZONE 'UTC',
           h.capacity, h.reserved_priority
    FROM generate_series(p_from::timestamp, p_to::timestamp, interval '1 day') AS d
    JOIN offices o ON o.id = p_office
    JOIN office_hours h ON h.office_id = p_office AND h.weekday = extract(isodow FROM d)::integer
    CROSS JOIN LATERAL generate_series(d::date + h.opens,
                                       d::date + h.closes - make_interval(mins => h.slot_minutes),
                                       make_interval(mins => h.slot_minutes)) AS s
    WHERE NOT EXISTS (SELECT 1 FROM holidays x WHERE x.office_id = p_office AND x.day = d::date)
    ON CONFLICT (office_id, starts_at) DO NOTHING
    RETURNING 1)
  SELECT count(*)::integer FROM ins
$$;
