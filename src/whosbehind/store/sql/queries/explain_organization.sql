-- One organization, the cluster it belongs to and its family.
SELECT o.id, o.name, o.kind, o.canonical_id, c.name AS canonical_name, o.family_id, f.name AS family_name,
       (SELECT list(x.id ORDER BY x.id) FROM organizations x WHERE x.canonical_id = o.canonical_id) AS members
FROM organizations o
LEFT JOIN organizations c ON c.id = o.canonical_id
LEFT JOIN organizations f ON f.id = o.family_id
WHERE o.id = $id;
