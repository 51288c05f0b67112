-- Ties of one node in both directions, any kind, with the other side's name; one page of them.
SELECT t.kind, t.source_id, s.name AS source_name, s.kind AS source_kind,
       t.target_id, g.name AS target_name, g.kind AS target_kind,
       CASE WHEN t.source_id = $id THEN 'out' ELSE 'in' END AS direction,
       t.grade, t.amount, t.awards, t.evidence_count, t.first_date, t.last_date, t.status, t.award_key, t.role,
       count(*) OVER () AS total
FROM ties t
LEFT JOIN graph_nodes s ON s.id = t.source_id
LEFT JOIN graph_nodes g ON g.id = t.target_id
WHERE (t.source_id = $id OR t.target_id = $id) AND ($kind IS NULL OR t.kind = $kind)
ORDER BY t.kind, t.amount DESC NULLS LAST, t.source_id, t.target_id
LIMIT $limit OFFSET $offset;
