-- The organizations of one family, each with the link to its parent (source, grade, dates) and its money.
SELECT g.id, g.name, g.kind, p.parent_id, pn.name AS parent_name, p.source AS link_source, p.grade AS link_grade,
       p.valid_from, p.as_of, p.citation,
       (SELECT sum(t.obligated) FROM organization_totals t WHERE t.organization_id = g.id) AS obligated
FROM graph_nodes g
LEFT JOIN current_parents p ON p.child_id = g.id
LEFT JOIN graph_nodes pn ON pn.id = p.parent_id
WHERE g.family_id = $family_id
ORDER BY (g.id = $family_id) DESC, obligated DESC NULLS LAST, g.name, g.id;
