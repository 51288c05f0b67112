-- Organizations whose id or any name matches: the exact name first, then the ones paid most.
WITH hits AS (
    SELECT id, max(CASE WHEN name = clean_name($term) THEN 2 ELSE 0 END) AS exact
    FROM org_names WHERE name ILIKE '%' || $term || '%' GROUP BY id
    UNION ALL
    SELECT id, 3 FROM organizations WHERE id = $term OR id = 'uei:' || upper($term)
)
SELECT o.id, o.name, o.kind, o.family_id, max(h.exact) AS exact,
       coalesce((SELECT sum(amount) FROM money m WHERE m.recipient_id = o.id), 0) AS obligated
FROM hits h JOIN organizations o USING (id)
WHERE o.kind <> 'individuals'
GROUP BY ALL
ORDER BY exact DESC, obligated DESC, o.id
LIMIT $limit;
