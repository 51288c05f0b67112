-- Suggestions while typing: names starting with the text first, then names containing it; most used first.
SELECT o.id, o.name, o.kind, max(CASE WHEN n.name ILIKE $term || '%' THEN 1 ELSE 0 END) AS prefix,
       sum(n.n_rows) AS n_rows
FROM org_names n JOIN organizations o ON o.id = n.id
WHERE n.name ILIKE '%' || $term || '%' AND o.kind <> 'individuals'
GROUP BY o.id, o.name, o.kind
ORDER BY prefix DESC, n_rows DESC, o.id
LIMIT $limit;
