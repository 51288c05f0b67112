-- The stored answer another id leads to (a record merged into an organization leads to the organization's), with
-- the name the id was written under.
SELECT c.canonical_id AS id, a.body, n.name AS asked_name
FROM node_canonical c
JOIN organization_answers a ON a.id = c.canonical_id
LEFT JOIN (SELECT id, name FROM organizations UNION ALL SELECT id, name FROM evidence_nodes) n ON n.id = c.node_id
WHERE c.node_id = $id AND c.canonical_id <> $id
LIMIT 1;
