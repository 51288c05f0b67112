-- The nodes of a batch of answers ($ids), each with its family head.
SELECT g.id, g.name, g.kind, g.uei, g.family_id, f.name AS family_name, f.kind AS family_kind
FROM graph_nodes g LEFT JOIN graph_nodes f ON f.id = g.family_id
WHERE g.id IN (SELECT unnest($ids));
