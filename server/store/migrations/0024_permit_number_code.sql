-- The short code a permit type's numbers carry ("0001/SIPP/DPMPTSP-BPP/2026"), as the office
-- writes it on its permits; empty: the type's code (which until 2026-12-04 every number carried,
-- "0001/SIP_PERAWAT/…"). permit_counters.permit_type is the code the number carries: types that
-- share a number code share one sequence, so no two permits get one number.
ALTER TABLE permit_types ADD COLUMN number_code text NOT NULL DEFAULT ''
  CHECK (number_code ~ '^([A-Z0-9][A-Z0-9.-]{0,15})?$');
