-- Organizations whose name, with case, punctuation and spacing ignored, equals the given normalized name.
SELECT o.id, o.name, o.kind, o.family_id, sum(n.n_rows) AS n_rows
FROM org_names n JOIN organizations o ON o.id = n.id
WHERE trim(regexp_replace(upper(n.name), '[^A-Z0-9]+', ' ', 'g')) = $normalized AND o.kind <> 'individuals'
GROUP BY ALL ORDER BY n_rows DESC, o.id LIMIT 5;
