-- A day the office closed (CloseDay: a flood, a power cut; recorded in siber_days.closed_reason)
-- gets no slots when they are generated afterwards. Until 2026-12-02 a day closed before its slots
-- existed got open, bookable slots from the next GenerateSlots. Holidays were skipped already.
CREATE OR REPLACE FUNCTION generate_slots(p_office text, p_from date, p_to date) RETURNS integer
LANGUAGE sql AS $$
  WITH ins AS (
    INSERT INTO slots (office_id, day, starts_at, ends_at, capacity, reserved_priority)
    SELECT h.office_id, d::date,
           (s - make_interval(mins => o.utc_offset_minutes)) AT TIME ZONE 'UTC',
           (s + make_interval(mins => h.slot_minutes) - make_interval(mins => o.utc_offset_minutes))
             AT TIME ZONE 'UTC',
           h.capacity, h.reserved_priority
    FROM generate_series(p_from::timestamp, p_to::timestamp, interval '1 day') AS d
    JOIN offices o ON o.id = p_office
    JOIN office_hours h ON h.office_id = p_office AND h.weekday = extract(isodow FROM d)::integer
    CROSS JOIN LATERAL generate_series(d::date + h.opens,
                                       d::date + h.closes - make_interval(mins => h.slot_minutes),
                                       make_interval(mins => h.slot_minutes)) AS s
    WHERE NOT EXISTS (SELECT 1 FROM holidays x WHERE x.office_id = p_office AND x.day = d::date)
      AND NOT EXISTS (SELECT 1 FROM siber_days c WHERE c.office_id = p_office
                        AND c.day = d::date AND c.closed_reason IS NOT NULL)
    ON CONFLICT (office_id, starts_at) DO NOTHING
    RETURNING 1)
  SELECT count(*)::integer FROM ins
$$;
