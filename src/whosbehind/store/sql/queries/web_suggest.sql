-- Suggestions while typing: names starting with the text first, then names containing it, each leading to the
-- node (organization, brand, system ...) it belongs to; the organizations paid most first.
SELECT g.id, g.name, g.kind, max(CASE WHEN n.name ILIKE $term || '%' THEN 1 ELSE 0 END) AS prefix,
       coalesce((SELECT sum(t.obligated) FROM organization_totals t WHERE t.organization_id = g.id), 0) AS obligated
FROM lookup_names n JOIN graph_nodes g ON g.id = n.node_id
WHERE contains(lower(n.name), lower($term)) AND g.kind NOT IN ('individuals', 'cloud_product', 'detention_facility')
GROUP BY g.id, g.name, g.kind
ORDER BY prefix DESC, obligated DESC, g.id
LIMIT $limit;
