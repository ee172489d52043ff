-- Issue 13: the reference data the admin keeps (holidays, permit types and their documents, partner
-- clinics, counters, the office itself), changed through AdminService (docs/operations.md,
-- "Reference data").

-- Bumped in the same transaction as every reference-data change. Each loketd replica caches an
-- office's calendar and clinics (store/office_context) and permit types (store/case_repository)
-- with the version they were read at, and reads this one column on use: a change made through any
-- replica is used by every replica from its next call on.
ALTER TABLE offices ADD COLUMN refdata_version bigint NOT NULL DEFAULT 0;

-- Who changed which reference data, when, from where, and the row before and after (as JSON).
-- Append-only, like case_events.
CREATE TABLE admin_audit (
  id          bigserial PRIMARY KEY,
  office_id   text NOT NULL REFERENCES offices(id),
  at          timestamptz NOT NULL DEFAULT now(),
  actor_id    bigint NOT NULL REFERENCES principals(id),
  actor_name  text NOT NULL,
  terminal    text NOT NULL DEFAULT '',
  request_id  uuid NOT NULL,
  action      text NOT NULL,  -- holiday.add, holiday.remove, holiday.import, permit_type.set, ...
  entity      text NOT NULL,  -- the key of the row changed: a date, a code, an id
  before      jsonb,          -- NULL when created
  after       jsonb           -- NULL when removed
);
CREATE INDEX admin_audit_office ON admin_audit (office_id, id DESC);
