-- The courier's proof of a hand-over (a photo or a drawn signature) is uploaded with the
-- confirmation, not only its SHA-256: the custody event names the hash, this table keeps the file.
CREATE TABLE stop_proofs (
  stop_id     bigint PRIMARY KEY REFERENCES stops(id),
  office_id   text NOT NULL REFERENCES offices(id),
  sha256      bytea NOT NULL CHECK (length(sha256) = 32),
  media_type  text NOT NULL CHECK (media_type IN ('image/png', 'image/jpeg')),
  content     bytea NOT NULL CHECK (length(content) BETWEEN 1 AND 5242880),
  created_at  timestamptz NOT NULL DEFAULT now()
);
