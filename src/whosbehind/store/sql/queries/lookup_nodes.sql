-- Nodes with their family and what their organization was obligated, the one paid most first.
SELECT g.id, g.name, g.kind, g.family_id, f.name AS family_name,
       (SELECT sum(t.obligated) FROM organization_totals t WHERE t.organization_id = g.id) AS obligated
FROM graph_nodes g LEFT JOIN graph_nodes f ON f.id = g.family_id
WHERE g.id IN (SELECT unnest($ids)) AND g.kind <> 'individuals'
ORDER BY obligated DESC NULLS LAST, g.id;
