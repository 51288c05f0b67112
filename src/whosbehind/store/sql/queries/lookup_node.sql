-- The node an id stands for (a record merged into an organization gives the organization), with its family.
SELECT g.id, g.name, g.kind, g.family_id, f.name AS family_name, a.name AS asked_name
FROM node_canonical c
JOIN graph_nodes g ON g.id = c.canonical_id
LEFT JOIN graph_nodes f ON f.id = g.family_id
LEFT JOIN (SELECT id, name FROM organizations UNION ALL SELECT id, name FROM evidence_nodes) a ON a.id = c.node_id
WHERE c.node_id = $id AND g.kind <> 'individuals'
LIMIT 1;
