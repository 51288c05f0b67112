-- Names equal to the typed one on a normalized key ($column: 'exact' keeps the legal form, 'core' drops it).
SELECT DISTINCT node_id, name, source, core FROM lookup_names
WHERE CASE WHEN $column = 'exact' THEN exact ELSE core END = $value
ORDER BY node_id, name;
