-- Every name by which a node can be found, before normalization (see 510_lookup_names.sql).
SELECT DISTINCT c.canonical_id AS node_id, n.name, 'record' AS source
FROM org_names n JOIN node_canonical c ON c.node_id = n.id
WHERE c.canonical_id <> 'individuals'
UNION
SELECT id, name, CASE WHEN kind IN ('agency', 'sub_agency', 'office') THEN 'agency' ELSE 'organization' END
FROM graph_nodes WHERE kind <> 'individuals'
UNION
SELECT c.canonical_id, trim(part), 'curated entity'
FROM raw_curated_entities e JOIN node_canonical c ON c.node_id = 'curated:' || e.id,
     unnest([e.name, split_part(e.name, ' (', 1),
             CASE WHEN e.name LIKE '%(%)%' THEN regexp_extract(e.name, '\(([^)]*)\)', 1) END]) AS t(part)
WHERE nullif(trim(part), '') IS NOT NULL
UNION
SELECT c.canonical_id, b.brand, 'curated brand'
FROM brands b JOIN node_canonical c ON c.node_id = b.owner_id
UNION
-- A named product of the curated lexicon ("Palantir Gotham", "Microsoft Azure") finds its maker, as a brand finds
-- its owner; "(…)" after a name is a description or another name, not part of it. A maker's catch-all entry
-- ("Palantir software (product not named)") names no product.
SELECT DISTINCT c.canonical_id, trim(split_part(l.product_name, ' (', 1)), 'curated product'
FROM product_lexicon l JOIN node_canonical c ON c.node_id = 'curated:' || l.maker_entity
WHERE NOT l.generic AND nullif(trim(split_part(l.product_name, ' (', 1)), '') IS NOT NULL
UNION
SELECT 'fedramp:' || product_id, cso, 'FedRAMP product' FROM fedramp_products WHERE cso IS NOT NULL
UNION
SELECT c.canonical_id, p.csp, 'FedRAMP provider'
FROM fedramp_products p JOIN node_canonical c ON c.node_id = p.provider_id WHERE p.csp IS NOT NULL
UNION
SELECT 'agency:' || toptier_code, toptier_abbreviation, 'agency' FROM agency_codes
WHERE nullif(toptier_abbreviation, '') IS NOT NULL AND 'agency:' || toptier_code IN (SELECT id FROM graph_nodes)
UNION
SELECT 'agency:' || subtier_code, subtier_abbreviation, 'agency' FROM agency_codes
WHERE nullif(subtier_abbreviation, '') IS NOT NULL AND 'agency:' || subtier_code IN (SELECT id FROM graph_nodes);
