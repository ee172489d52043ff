-- The name fold (migration 0017) took accents off by a fixed list of letters, U+00C0 to U+017F: a
-- name written with a letter beyond it ("Ḍewi", U+1E0C; Vietnamese "Nguyễn") or typed with a
-- separate combining accent ("José" as e + U+0301, as text pasted from a PDF often is) did not
-- fold to plain letters, so "dewi" or "jose" did not find it. Now every letter is decomposed
-- (Unicode NFD) and its combining marks (U+0300 to U+036F) dropped; only the letters whose stroke
-- is not a separate mark (Đ, Ħ, Ł, Ø, ı, Ŀ, Ŧ) are still mapped by hand. normalize() is immutable,
-- as an index's expression must be. Forward-only, like every migration.
CREATE OR REPLACE FUNCTION loket_fold_name(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT btrim(regexp_replace(regexp_replace(
    lower(regexp_replace(normalize(translate(t, 'ĐđĦħŁłØøıĿŀŦŧ', 'DdHhLlOoiLlTt'), NFD),
      '[\u0300-\u036f]', '', 'g')),
    '[''’`.]', '', 'g'), '[^a-z0-9]+', ' ', 'g'))
$$;

-- The stored folds are computed again where the new fold differs (an update recomputes a stored
-- generated column).
UPDATE cases SET applicant_name = applicant_name
WHERE applicant_name_fold IS DISTINCT FROM loket_fold_name(applicant_name);
