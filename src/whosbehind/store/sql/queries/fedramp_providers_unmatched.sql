-- FedRAMP providers that neither the UEI of their products nor their exact written name, nor a curated key, matched
-- to anything (node_matches, 410_evidence_nodes): each with one name the Marketplace writes for it (the first in
-- alphabetical order when its products write it differently: the same pick on every derive).
SELECT provider_id AS node_id, min(csp) AS name
FROM fedramp_products p
WHERE NOT EXISTS (SELECT 1 FROM node_matches m WHERE p.provider_id IN (m.node_id, m.org_id))
GROUP BY provider_id
ORDER BY node_id;
