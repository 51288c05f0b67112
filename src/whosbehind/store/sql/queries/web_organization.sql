-- One organization by its id (any kind), with the name of its family head and, when resolution merged it
-- into another organization, that organization's id and name.
SELECT o.id, o.name, o.kind, o.uei, o.family_id, f.name AS family_name,
       nullif(o.canonical_id, o.id) AS merged_into_id, c.name AS merged_into_name
FROM organizations o LEFT JOIN organizations f ON f.id = o.family_id
LEFT JOIN organizations c ON c.id = o.canonical_id AND o.canonical_id <> o.id
WHERE o.id = $id;
