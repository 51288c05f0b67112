-- Subcontracts in both directions, per prime award. Shown beside prime money, never added to it.
SELECT CASE WHEN e.source_id = $id THEN 'gave' ELSE 'received' END AS direction,
       o.id AS other_id, o.name AS other_name, e.award_key, sum(e.amount) AS amount, sum(len(e.rows)) AS subawards,
       min(e.first_date) AS first_date, max(e.last_date) AS last_date, any_value(e.url) AS permalink
FROM node_evidence($id) e
JOIN graph_nodes o ON o.id = CASE WHEN e.source_id = $id THEN e.target_id ELSE e.source_id END
WHERE e.kind = 'subcontract'
GROUP BY ALL ORDER BY amount DESC NULLS LAST, other_id LIMIT $limit;
