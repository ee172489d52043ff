-- Public self-service (issue 10): applicants book with a phone code, manage their booking, follow
-- a case by its tracking code. Public actions are recorded as the office's 'public' principal.
ALTER TABLE principals DROP CONSTRAINT principals_role_check;
ALTER TABLE principals ADD CONSTRAINT principals_role_check
  CHECK (role IN ('admin','officer','approver','counter','clinic','courier','worker','display',
                  'public'));
CREATE UNIQUE INDEX principals_public_one ON principals (office_id) WHERE role = 'public';

-- Every case gets a tracking code (10 readable characters) that anyone holding it may follow.
ALTER TABLE cases ADD COLUMN tracking_code text;
UPDATE cases SET tracking_code = upper(substr(replace(gen_random_uuid()::text, '-', ''), 1, 10))
 WHERE tracking_code IS NULL;
ALTER TABLE cases ALTER COLUMN tracking_code SET NOT NULL,
                  ALTER COLUMN tracking_code
                    SET DEFAULT upper(substr(replace(gen_random_uuid()::text, '-', ''), 1, 10));
CREATE UNIQUE INDEX cases_tracking_code ON cases (tracking_code);

-- A booking held until the applicant types the code sent to the phone; then it becomes an
-- appointment request (appointment_request_id).
CREATE TABLE public_bookings (
  booking_code           text PRIMARY KEY CHECK (booking_code ~ '^[A-Z0-9]{8}$'),
  office_id              text NOT NULL REFERENCES offices(id),
  request                bytea NOT NULL,  -- the BookVisitRequest (opaque to the store)
  create_request_id      uuid NOT NULL,   -- makes the appointment request exactly once
  phone                  text NOT NULL,
  code_sha256            bytea NOT NULL CHECK (length(code_sha256) = 32),
  code_expires_at        timestamptz NOT NULL,
  tries_left             integer NOT NULL CHECK (tries_left >= 0),
  state                  text NOT NULL DEFAULT 'awaiting_code'
                           CHECK (state IN ('awaiting_code', 'confirmed', 'expired')),
  appointment_request_id bigint REFERENCES appointment_requests(id),
  created_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX public_bookings_request ON public_bookings (appointment_request_id);
CREATE INDEX public_bookings_phone ON public_bookings (office_id, phone, created_at);
