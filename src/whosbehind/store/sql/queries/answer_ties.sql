-- Every tie of each node of a batch ($ids), both directions, with the other side's name. Two equality joins
-- read far less than one join with OR; a tie from a node to itself is listed once, as going out.
WITH wanted AS (SELECT DISTINCT unnest($ids) AS id),
touching AS (
    SELECT w.id AS for_id, 'out' AS direction, t.target_id AS other, t.*
    FROM ties t JOIN wanted w ON t.source_id = w.id
    UNION ALL
    SELECT w.id AS for_id, 'in' AS direction, t.source_id AS other, t.*
    FROM ties t JOIN wanted w ON t.target_id = w.id WHERE t.source_id <> w.id
)
SELECT t.for_id, t.kind, t.source_id, t.target_id, t.direction, o.id AS other_id, o.name AS other_name,
       o.kind AS other_kind, t.grade, t.amount, t.awards, t.evidence_count, t.first_date, t.last_date, t.status,
       t.award_key, t.role
FROM touching t JOIN graph_nodes o ON o.id = t.other
WHERE t.kind <> 'part_of'
ORDER BY t.for_id, t.kind, t.amount DESC NULLS LAST, t.grade, o.id, t.direction, t.award_key;
