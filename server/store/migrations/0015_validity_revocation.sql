-- Issue 13: how long a permit is valid, its revocation, expiry reminders, and one live application
-- per applicant and permit type (docs/operations.md, "Validity, revocation and duplicates").

-- How long a permit of this type is valid from its issue day. A health-worker permit (SIP, SIK) also
-- ends with the STR it rests on, and at the latest after five years: the domain takes the earlier.
ALTER TABLE permit_types
  ADD COLUMN validity_months integer NOT NULL DEFAULT 60 CHECK (validity_months BETWEEN 1 AND 600);

-- A permit the approver takes back: REVOKED, from ISSUED, DELIVERED or COLLECTED.
ALTER TABLE cases DROP CONSTRAINT cases_state_check;
ALTER TABLE cases ADD CONSTRAINT cases_state_check CHECK (state IN ('DRAFT','SUBMITTED','VERIFYING',
  'REVISION_REQUESTED','APPROVED','REJECTED','ISSUED','DELIVERED','COLLECTED','WITHDRAWN','REVOKED'));

ALTER TABLE cases
  -- The STR's own end, as the application states it; NULL for an STR valid for life (UU 17/2023)
  -- and for permits that rest on no STR.
  ADD COLUMN str_valid_until date,
  -- The last day the permit is valid; set on issue.
  ADD COLUMN valid_until date,
  ADD COLUMN revoked_at timestamptz,
  ADD COLUMN revoke_reason text NOT NULL DEFAULT '',
  -- Whether the public verification shows the reason (the date is always shown).
  ADD COLUMN revoke_reason_public boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT cases_revoked_at CHECK ((state = 'REVOKED') = (revoked_at IS NOT NULL));

-- Permits issued before this migration: valid for their type's validity from their issue day.
UPDATE cases c SET valid_until = c.issued_on + make_interval(months => pt.validity_months)
  FROM permit_types pt
  WHERE pt.office_id = c.office_id AND pt.code = c.permit_type AND c.issued_on IS NOT NULL;

-- The reminder sweep scans permits in force by their end.
CREATE INDEX cases_valid_until ON cases (valid_until)
  WHERE state IN ('ISSUED','DELIVERED','COLLECTED') AND valid_until IS NOT NULL;
-- The duplicate check looks up an applicant's cases of one type.
CREATE INDEX cases_applicant_permit ON cases (office_id, applicant_nik, permit_type);

-- One row per reminder sent: the primary key makes each reminder happen once, whatever number of
-- loketd replicas sweep at the same time.
CREATE TABLE expiry_reminders (
  office_id        text NOT NULL,
  case_id          bigint NOT NULL REFERENCES cases(id),
  days_before      integer NOT NULL CHECK (days_before IN (90, 30)),
  valid_until      date NOT NULL,
  notification_id  bigint,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, days_before)
);
