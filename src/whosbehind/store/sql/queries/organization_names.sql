-- Every name the records of one organization were written under, most used first.
SELECT n.name, sum(n.n_rows) AS n_rows, max(n.last_seen) AS last_seen
FROM org_names n JOIN organizations o ON o.id = n.id
WHERE o.canonical_id = $id
GROUP BY n.name ORDER BY n_rows DESC, n.name;
