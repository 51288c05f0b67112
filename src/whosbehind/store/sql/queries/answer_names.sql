-- Every name the records of each organization of a batch ($ids) were written under, most used first.
SELECT o.canonical_id AS for_id, n.name, sum(n.n_rows) AS n_rows, max(n.last_seen) AS last_seen
FROM org_names n JOIN organizations o ON o.id = n.id
WHERE o.canonical_id IN (SELECT unnest($ids))
GROUP BY o.canonical_id, n.name ORDER BY for_id, n_rows DESC, n.name;
