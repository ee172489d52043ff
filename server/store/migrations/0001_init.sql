-- Loket schema, first version. Every table carries office_id (DESIGN.md section 4).

CREATE TABLE offices (
  id                  text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_-]{1,31}$'),
  name                text NOT NULL,
  utc_offset_minutes  integer NOT NULL DEFAULT 480,  -- WITA, UTC+8
  created_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE holidays (
  office_id  text NOT NULL REFERENCES offices(id),
  day        date NOT NULL,
  name       text NOT NULL,
  PRIMARY KEY (office_id, day)
);

CREATE TABLE permit_types (
  office_id           text NOT NULL REFERENCES offices(id),
  code                text NOT NULL CHECK (code ~ '^[A-Z][A-Z0-9_]{1,31}$'),
  name                text NOT NULL,
  fee_idr             bigint NOT NULL DEFAULT 0 CHECK (fee_idr >= 0),
  service_level_days  integer NOT NULL CHECK (service_level_days BETWEEN 1 AND 365),
  health_worker       boolean NOT NULL DEFAULT false,
  PRIMARY KEY (office_id, code)
);

CREATE TABLE permit_type_documents (
  office_id    text NOT NULL,
  permit_type  text NOT NULL,
  code         text NOT NULL,
  name         text NOT NULL,
  mandatory    boolean NOT NULL DEFAULT true,
  position     integer NOT NULL DEFAULT 0,
  PRIMARY KEY (office_id, permit_type, code),
  FOREIGN KEY (office_id, permit_type) REFERENCES permit_types(office_id, code)
);

CREATE TABLE clinics (
  office_id  text NOT NULL REFERENCES offices(id),
  id         text NOT NULL,
  name       text NOT NULL,
  kind       text NOT NULL,
  address    text NOT NULL DEFAULT '',
  latitude   double precision,
  longitude  double precision,
  PRIMARY KEY (office_id, id)
);

CREATE TABLE principals (
  id          bigserial PRIMARY KEY,
  office_id   text NOT NULL REFERENCES offices(id),
  name        text NOT NULL,
  role        text NOT NULL CHECK (role IN ('admin','officer','approver','counter','clinic','courier','worker')),
  clinic_id   text,
  courier_id  text,
  disabled    boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'clinic') = (clinic_id IS NOT NULL)),
  FOREIGN KEY (office_id, clinic_id) REFERENCES clinics(office_id, id)
);

-- Only the SHA-256 of a token is kept; the token itself is shown once.
CREATE TABLE tokens (
  id            bigserial PRIMARY KEY,
  office_id     text NOT NULL REFERENCES offices(id),
  principal_id  bigint NOT NULL REFERENCES principals(id),
  token_sha256  bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
  created_at    timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz
);

CREATE TABLE cases (
  id                   bigserial PRIMARY KEY,
  office_id            text NOT NULL REFERENCES offices(id),
  permit_type          text NOT NULL,
  channel              text NOT NULL CHECK (channel IN ('ONLINE','CLINIC','COUNTER','APPOINTMENT')),
  state                text NOT NULL CHECK (state IN ('DRAFT','SUBMITTED','VERIFYING','REVISION_REQUESTED',
                         'APPROVED','REJECTED','ISSUED','DELIVERED','COLLECTED','WITHDRAWN')),
  version              bigint NOT NULL DEFAULT 1,
  applicant_nik        text NOT NULL CHECK (applicant_nik ~ '^[0-9]{16}$'),
  applicant_name       text NOT NULL,
  applicant_phone      text NOT NULL,
  applicant_email      text NOT NULL DEFAULT '',
  priority_class       text NOT NULL DEFAULT 'NONE',
  accessibility_needs  text[] NOT NULL DEFAULT '{}',
  clinic_id            text,
  practice_place       text NOT NULL DEFAULT '',
  str_number           text NOT NULL DEFAULT '',
  sla_days             integer NOT NULL,
  sla_started_on       date,
  sla_paused_days      integer NOT NULL DEFAULT 0,
  sla_paused_since     date,
  due_date             date,  -- kept in step by loketd on every write; NULL while paused or decided
  revision_reason      text NOT NULL DEFAULT '',
  decision_note        text NOT NULL DEFAULT '',
  permit_number        text,
  verification_code    text,
  issued_on            date,
  created_by           bigint NOT NULL REFERENCES principals(id),
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (office_id, permit_type) REFERENCES permit_types(office_id, code),
  FOREIGN KEY (office_id, clinic_id) REFERENCES clinics(office_id, id),
  UNIQUE (office_id, permit_number)
);
CREATE INDEX cases_office_state ON cases (office_id, state, id);
CREATE INDEX cases_office_clinic ON cases (office_id, clinic_id, id) WHERE clinic_id IS NOT NULL;
CREATE INDEX cases_overdue ON cases (office_id, due_date) WHERE due_date IS NOT NULL;

CREATE TABLE documents (
  id           bigserial PRIMARY KEY,
  office_id    text NOT NULL,
  case_id      bigint NOT NULL REFERENCES cases(id),
  code         text NOT NULL,
  file_name    text NOT NULL,
  media_type   text NOT NULL,
  size_bytes   bigint NOT NULL CHECK (size_bytes > 0),
  sha256       bytea NOT NULL CHECK (length(sha256) = 32),
  content      bytea NOT NULL,
  uploaded_by  bigint NOT NULL REFERENCES principals(id),
  uploaded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_case ON documents (case_id, id);

-- Append-only audit log and case history. Nothing updates or deletes it (see the trigger below).
CREATE TABLE case_events (
  id          bigserial PRIMARY KEY,
  office_id   text NOT NULL,
  case_id     bigint NOT NULL REFERENCES cases(id),
  at          timestamptz NOT NULL DEFAULT now(),
  actor_id    bigint NOT NULL REFERENCES principals(id),
  actor_name  text NOT NULL,
  actor_role  text NOT NULL,
  terminal    text NOT NULL DEFAULT '',
  action      text NOT NULL,
  from_state  text,
  to_state    text NOT NULL,
  note        text NOT NULL DEFAULT ''
);
CREATE INDEX case_events_case ON case_events (case_id, id);

CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'case_events is append-only';
END $$;
CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON case_events
  FOR EACH ROW EXECUTE FUNCTION case_events_append_only();

-- Gapless permit numbers: the counter row is locked by the issuing transaction, so a rolled-back issue
-- gives its number back.
CREATE TABLE permit_counters (
  office_id    text NOT NULL,
  permit_type  text NOT NULL,
  year         integer NOT NULL,
  last_number  bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (office_id, permit_type, year)
);

-- First response of every mutating call, by request_id, kept for at least 24 hours.
CREATE TABLE idempotency (
  office_id     text NOT NULL,
  request_id    uuid NOT NULL,
  method        text NOT NULL,
  principal_id  bigint NOT NULL,
  response      bytea NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (office_id, request_id)
);
CREATE INDEX idempotency_created ON idempotency (created_at);
