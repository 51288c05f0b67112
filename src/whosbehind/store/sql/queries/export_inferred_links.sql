-- The whole graph, part 4: the family links whosbehind inferred (grade E; README, principle 2: kept apart from the
-- evidence of step 500, and never taken for a record), as families use them now; ids as the graph's nodes.
SELECT coalesce(c.canonical_id, l.child_id) AS child_id, coalesce(p.canonical_id, l.parent_id) AS parent_id,
       l.grade, l.citation
FROM current_parents l
LEFT JOIN node_canonical c ON c.node_id = l.child_id
LEFT JOIN node_canonical p ON p.node_id = l.parent_id
WHERE l.source = 'inferred'
ORDER BY 1, 2;
