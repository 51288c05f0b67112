-- The organizations (clusters) in a family on a date, with the period of their membership that covers it.
SELECT c.id, c.name, p.valid_from, p.valid_to
FROM organizations c
LEFT JOIN family_periods p ON p.org_id = c.id
     AND (p.valid_from IS NULL OR p.valid_from <= $day) AND (p.valid_to IS NULL OR p.valid_to > $day)
WHERE c.kind = 'company' AND c.id = c.canonical_id AND coalesce(p.family_id, c.id) = $family
ORDER BY c.id = $family DESC, c.name, c.id;
