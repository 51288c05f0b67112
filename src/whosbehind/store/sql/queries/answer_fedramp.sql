-- Cloud products each organization of a batch ($ids) offers (FedRAMP Marketplace), each with the agencies that
-- authorized or reuse it and when.
SELECT p.source_id AS for_id, p.target_id AS product_id, g.name AS product, fp.status AS product_status,
       fp.impact_level, a.target_id AS agency_id, ag.name AS agency_name, a.first_date, a.last_date, a.status,
       a.grade
FROM ties p
JOIN graph_nodes g ON g.id = p.target_id
LEFT JOIN fedramp_products fp ON fp.node_id = p.target_id
LEFT JOIN ties a ON a.kind = 'cloud_authorization' AND a.source_id = p.target_id
LEFT JOIN graph_nodes ag ON ag.id = a.target_id
WHERE p.kind = 'offers' AND p.source_id IN (SELECT unnest($ids))
ORDER BY for_id, g.name, p.target_id, ag.name, a.target_id;
