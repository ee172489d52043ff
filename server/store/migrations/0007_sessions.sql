-- People sign in with a user name and password (Argon2id) and get a session: a token like an API
-- token (only its SHA-256 is kept) with an absolute and an idle expiry. A waiting-room board signs
-- in with role 'display', which reads the live queue and nothing else.
ALTER TABLE principals DROP CONSTRAINT principals_role_check;
ALTER TABLE principals ADD CONSTRAINT principals_role_check
  CHECK (role IN ('admin','officer','approver','counter','clinic','courier','worker','display'));

ALTER TABLE principals ADD COLUMN username text,
                       ADD COLUMN password_hash text,
                       ADD CHECK ((username IS NULL) = (password_hash IS NULL));
-- User names are unique in the deployment: sign-in happens before the office is known.
CREATE UNIQUE INDEX principals_username ON principals (lower(username)) WHERE username IS NOT NULL;

ALTER TABLE tokens ADD COLUMN kind text NOT NULL DEFAULT 'api' CHECK (kind IN ('api','session')),
                   ADD COLUMN expires_at timestamptz,
                   ADD COLUMN idle_seconds integer CHECK (idle_seconds > 0),
                   ADD COLUMN last_used_at timestamptz,
                   ADD CHECK (kind = 'api' OR (expires_at IS NOT NULL AND idle_seconds IS NOT NULL
                                               AND last_used_at IS NOT NULL));
CREATE INDEX tokens_live_sessions ON tokens (principal_id) WHERE kind = 'session' AND revoked_at IS NULL;

-- Failed sign-ins per account ('account:<lower user name>') and per client address
-- ('address:<ip>'). Not per office: the office is not known until sign-in succeeds.
CREATE TABLE signin_failures (
  key             text PRIMARY KEY CHECK (length(key) <= 200),
  failures        integer NOT NULL CHECK (failures > 0),
  last_failure_at timestamptz NOT NULL,
  blocked_until   timestamptz NOT NULL
);
