-- One organization by its id (any kind), with the name of its family head.
SELECT o.id, o.name, o.kind, o.uei, o.family_id, f.name AS family_name
FROM organizations o LEFT JOIN organizations f ON f.id = o.family_id
WHERE o.id = $id;
