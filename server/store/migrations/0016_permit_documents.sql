-- Issue 13: the issued permit as a signed PDF, stored once with its SHA-256 (docs/operations.md,
-- "The permit document").

-- One document per issued case, written in the issuing transaction and never changed after.
CREATE TABLE permit_documents (
  case_id      bigint PRIMARY KEY REFERENCES cases(id),
  office_id    text NOT NULL REFERENCES offices(id),
  sha256_hex   text NOT NULL CHECK (sha256_hex ~ '^[0-9a-f]{64}$'),
  size_bytes   integer NOT NULL CHECK (size_bytes > 0),
  content      bytea NOT NULL,
  signer       text NOT NULL,  -- the signing certificate's common name
  created_at   timestamptz NOT NULL DEFAULT now()
);
-- The public verification finds a permit by its document's hash.
CREATE UNIQUE INDEX permit_documents_sha256 ON permit_documents (sha256_hex);
CREATE TRIGGER permit_documents_no_update BEFORE UPDATE OR DELETE ON permit_documents
  FOR EACH ROW EXECUTE FUNCTION case_events_append_only();

-- A permit's hand-overs name the document handed over (empty for paper documents and for permits
-- issued before this migration).
ALTER TABLE custody_events ADD COLUMN document_sha256 text NOT NULL DEFAULT '';
