-- The organizations of each family of a batch ($families), each with the link to its parent (source, grade,
-- dates) and its money.
WITH money AS (
    SELECT organization_id, sum(obligated) AS obligated FROM organization_totals GROUP BY organization_id
)
SELECT g.family_id AS for_family, g.id, g.name, g.kind, p.parent_id, pn.name AS parent_name,
       p.source AS link_source, p.grade AS link_grade, p.valid_from, p.as_of, p.citation, m.obligated
FROM graph_nodes g
LEFT JOIN current_parents p ON p.child_id = g.id
LEFT JOIN graph_nodes pn ON pn.id = p.parent_id
LEFT JOIN money m ON m.organization_id = g.id
WHERE g.family_id IN (SELECT unnest($families))
ORDER BY for_family, (g.id = g.family_id) DESC, m.obligated DESC NULLS LAST, g.name, g.id;
