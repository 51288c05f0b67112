-- The family each organization belonged to on a date: its cluster's period in family_periods covering the date,
-- else its cluster (no parent link in force then).
SELECT o.id, o.canonical_id, coalesce(p.family_id, o.canonical_id) AS family_id, f.name AS family_name,
       p.valid_from, p.valid_to
FROM organizations o
LEFT JOIN family_periods p ON p.org_id = o.canonical_id
     AND (p.valid_from IS NULL OR p.valid_from <= $day) AND (p.valid_to IS NULL OR p.valid_to > $day)
LEFT JOIN organizations f ON f.id = coalesce(p.family_id, o.canonical_id)
WHERE o.id IN (SELECT unnest($ids));
