-- Issue 13: finding people (SearchCases) and the monthly report.
--
-- Names are searched accent- and case-insensitively and by any part: a folded copy of the name
-- (lower case, accents taken off, punctuation gone, spaces collapsed) with a trigram index, which
-- serves LIKE '%part%'. The fold is one immutable SQL function used both by the stored column and
-- by the search statement, so the two can never disagree; PostgreSQL fills the column on every
-- insert and update (the unaccent extension is not immutable and could not back an index).
-- pg_trgm is a trusted extension: the database owner may create it, no superuser needed.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION loket_fold_name(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT btrim(regexp_replace(regexp_replace(
    lower(translate(t,
      'ÀÁÂÃÄÅĀĂĄàáâãäåāăąÇĆĈĊČçćĉċčĎĐďđÈÉÊËĒĔĖĘĚèéêëēĕėęěĜĞĠĢĝğġģĤĦĥħÌÍÎÏĨĪĬĮİìíîïĩīĭįıĴĵĶķĹĻĽĿŁĺļľŀłÑŃŅŇñńņňÒÓÔÕÖØŌŎŐòóôõöøōŏőŔŖŘŕŗřŚŜŞŠśŝşšŢŤŦţťŧÙÚÛÜŨŪŬŮŰŲùúûüũūŭůűųŴŵÝŸŶýÿŷŹŻŽźżž',
      'AAAAAAAAAaaaaaaaaaCCCCCcccccDDddEEEEEEEEEeeeeeeeeeGGGGggggHHhhIIIIIIIIIiiiiiiiiiJjKkLLLLLlllllNNNNnnnnOOOOOOOOOoooooooooRRRrrrSSSSssssTTTtttUUUUUUUUUUuuuuuuuuuuWwYYYyyyZZZzzz')),
    '[''’`.]', '', 'g'), '[^a-z0-9]+', ' ', 'g'))
$$;

ALTER TABLE cases ADD COLUMN applicant_name_fold text
  GENERATED ALWAYS AS (loket_fold_name(applicant_name)) STORED;

CREATE INDEX cases_name_trgm ON cases USING gin (applicant_name_fold gin_trgm_ops);
CREATE INDEX cases_office_nik ON cases (office_id, applicant_nik, id);
CREATE INDEX cases_office_phone ON cases (office_id, applicant_phone, id);
CREATE INDEX cases_office_created ON cases (office_id, created_at, id);
