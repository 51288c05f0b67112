-- Organizations with the cluster they were merged into and the family (ultimate parent) of that cluster.
SELECT o.id, o.name, o.canonical_id, c.name AS canonical_name, o.family_id, f.name AS family_name
FROM organizations o
LEFT JOIN organizations c ON c.id = o.canonical_id
LEFT JOIN organizations f ON f.id = o.family_id
WHERE o.id IN (SELECT unnest($ids));
