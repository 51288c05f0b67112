-- Every tie of one node, both directions, with the other side's name.
SELECT t.kind, t.source_id, t.target_id, CASE WHEN t.source_id = $id THEN 'out' ELSE 'in' END AS direction,
       o.id AS other_id, o.name AS other_name, o.kind AS other_kind, t.grade, t.amount, t.awards, t.evidence_count,
       t.first_date, t.last_date, t.status, t.award_key, t.role
FROM ties t
JOIN graph_nodes o ON o.id = CASE WHEN t.source_id = $id THEN t.target_id ELSE t.source_id END
WHERE (t.source_id = $id OR t.target_id = $id) AND t.kind <> 'part_of'
ORDER BY t.kind, t.amount DESC NULLS LAST, t.grade, o.id;
