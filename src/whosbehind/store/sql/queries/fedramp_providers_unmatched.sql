-- FedRAMP providers that neither the UEI of their products nor their exact written name, nor a curated key, matched
-- to anything (node_matches, 410_evidence_nodes): each with its name as the latest snapshot writes it.
SELECT provider_id AS node_id, arg_min(csp, csp) AS name
FROM fedramp_products p
WHERE NOT EXISTS (SELECT 1 FROM node_matches m WHERE p.provider_id IN (m.node_id, m.org_id))
GROUP BY provider_id
ORDER BY node_id;
