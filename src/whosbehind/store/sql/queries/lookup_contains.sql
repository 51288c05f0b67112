-- Names containing the typed text anywhere: candidates to show, never an answer.
SELECT DISTINCT node_id FROM lookup_names
WHERE contains(lower(name), lower($term)) AND source <> 'FedRAMP product'
ORDER BY node_id LIMIT $limit;
