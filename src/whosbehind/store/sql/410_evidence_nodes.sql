-- Step 410: the nodes evidence beyond contracts brings (cloud products and their providers, FedRAMP agencies,
-- detention facilities and their operators, curated entities and systems), and how each is matched to the
-- organizations of the contract records. `node_matches` is the one place such matches live: exact
-- identifiers first (UEI, DUNS), then exact written names. Match basis is said, never graded as evidence.

-- FedRAMP agency ids -> the store's agency ids: curated keys first (DHS, ICE, CBP), then the agency code list
-- by exact name, else a node of its own.
CREATE OR REPLACE TABLE fedramp_agency_map AS
WITH latest AS (
    SELECT agency_id, arg_max(parent, snapshot_date) AS parent, arg_max(sub, snapshot_date) AS sub
    FROM raw_fedramp_agencies GROUP BY agency_id
),
curated AS (
    SELECT f.value AS agency_id, 'agency:' || a.value AS node_id
    FROM raw_curated_entity_keys f JOIN raw_curated_entity_keys a
        ON a.entity_id = f.entity_id AND a.key_type = 'agency_code'
    WHERE f.key_type = 'fedramp_agency'
),
top AS (SELECT DISTINCT toptier_code, lower(toptier_name) AS name FROM agency_codes),
by_name AS (
    SELECT l.agency_id,
           CASE WHEN nullif(l.sub, '') IS NULL THEN (SELECT min('agency:' || t.toptier_code) FROM top t
                                                     WHERE t.name = lower(l.parent))
                ELSE (SELECT min('agency:' || c.subtier_code) FROM agency_codes c
                      WHERE lower(c.subtier_name) IN (lower(l.sub), 'u.s. ' || lower(l.sub))
                        AND lower(c.toptier_name) = lower(l.parent)) END AS node_id
    FROM latest l
)
SELECT l.agency_id, coalesce(c.node_id, b.node_id, 'fedramp-agency:' || l.agency_id) AS node_id,
       trim(concat_ws(' ', l.parent, CASE WHEN nullif(l.sub, '') IS NOT NULL THEN '- ' || l.sub END)) AS name,
       CASE WHEN c.node_id IS NOT NULL THEN 'curated agency keys' WHEN b.node_id IS NOT NULL
            THEN 'exact agency name' ELSE 'FedRAMP agency only' END AS basis
FROM latest l LEFT JOIN curated c USING (agency_id) LEFT JOIN by_name b USING (agency_id);

CREATE OR REPLACE TABLE fedramp_products AS
SELECT product_id, arg_max(cso, snapshot_date) AS cso, arg_max(csp, snapshot_date) AS csp,
       arg_max(uei, snapshot_date) AS uei, arg_max(status, snapshot_date) AS status,
       arg_max(impact_level, snapshot_date) AS impact_level, arg_max(auth_date, snapshot_date) AS auth_date,
       min(snapshot_date) AS first_seen, max(snapshot_date) AS last_seen,
       'fedramp:' || product_id AS node_id, 'fedramp-csp:' || clean_name(arg_max(csp, snapshot_date)) AS provider_id
FROM raw_fedramp_products GROUP BY product_id;

CREATE OR REPLACE TABLE evidence_nodes AS
SELECT node_id AS id, coalesce(cso, product_id) || ' (FedRAMP ' || product_id || ')' AS name,
       'cloud_product' AS kind, 'fedramp' AS source
FROM fedramp_products
UNION ALL
SELECT DISTINCT provider_id, arg_max(csp, (last_seen, csp)) OVER (PARTITION BY provider_id), 'cloud_provider', 'fedramp'
FROM fedramp_products WHERE provider_id IS NOT NULL
UNION ALL
SELECT node_id, name, 'agency', 'fedramp' FROM fedramp_agency_map
WHERE node_id NOT IN (SELECT id FROM organizations)
UNION ALL
SELECT facility_node(detloc, row_no), name || coalesce(' (' || city || ', ' || state || ')', ''), 'detention_facility',
       'ice_facilities'
FROM raw_ice_facilities
UNION ALL
SELECT DISTINCT 'operator:' || operator, operator || ' (operator code in the ICE facility list)',
       'facility_operator', 'ice_facilities'
FROM raw_ice_facilities WHERE company_operator
UNION ALL
SELECT 'curated:' || id, name, kind, 'curated' FROM raw_curated_entities;

-- Matches of evidence nodes to organizations (and of curated entities to the other nodes).
CREATE OR REPLACE TABLE node_matches AS
WITH keys AS (SELECT 'curated:' || entity_id AS node_id, key_type, value FROM raw_curated_entity_keys),
matches AS (
    -- FedRAMP providers: the UEI the product record gives, else the exact name. The UEI is taken only where the
    -- organization of that UEI has a name holding the first word of the provider's: some records give the UEI of
    -- the reseller or integrator that sponsored the authorization ("Qualtrics, LLC" with Carahsoft's,
    -- "Consensus Cloud Solutions" with Accenture Federal's), which would make the provider that company.
    SELECT DISTINCT p.provider_id AS node_id, 'uei:' || p.uei AS org_id, 'UEI in the FedRAMP record' AS basis, 1 AS rank
    FROM fedramp_products p WHERE p.uei IS NOT NULL AND 'uei:' || p.uei IN (SELECT id FROM organizations)
      AND EXISTS (SELECT 1 FROM org_names n WHERE n.id = 'uei:' || p.uei
                  AND list_contains(regexp_split_to_array(clean_name(n.name), '[^A-Z0-9]+'),
                                    nullif(regexp_extract(clean_name(p.csp), '^(THE )?([A-Z0-9]+)', 2), '')))
    UNION ALL
    SELECT DISTINCT p.provider_id, n.id, 'exact name', 2
    FROM fedramp_products p JOIN org_names n ON n.name = clean_name(p.csp)
    UNION ALL
    SELECT k.node_id, 'uei:' || upper(k.value), 'UEI', 1 FROM keys k
    WHERE k.key_type = 'uei' AND 'uei:' || upper(k.value) IN (SELECT id FROM organizations)
    UNION ALL
    SELECT k.node_id, coalesce((SELECT 'uei:' || d.uei FROM duns_to_uei d WHERE d.duns = lpad(k.value, 9, '0')),
                               'duns:' || lpad(k.value, 9, '0')), 'DUNS', 1
    FROM keys k WHERE k.key_type = 'duns'
    UNION ALL
    SELECT k.node_id, n.id, 'exact name as the record writes it', 2
    FROM keys k JOIN org_names n ON n.name = clean_name(k.value) WHERE k.key_type = 'record_name'
    UNION ALL
    SELECT k.node_id, 'agency:' || k.value, 'agency code', 1 FROM keys k WHERE k.key_type = 'agency_code'
    UNION ALL
    SELECT k.node_id, 'fedramp-csp:' || clean_name(k.value), 'FedRAMP provider name', 1
    FROM keys k WHERE k.key_type = 'fedramp_csp'
    UNION ALL
    SELECT k.node_id, 'operator:' || k.value, 'ICE facility-operator code (curated reading)', 1
    FROM keys k WHERE k.key_type = 'ice_facility_operator'
)
SELECT node_id, org_id, min(rank) AS rank, string_agg(DISTINCT basis, '; ' ORDER BY basis) AS basis
FROM matches
WHERE org_id IN (SELECT id FROM organizations UNION ALL SELECT id FROM evidence_nodes)
GROUP BY node_id, org_id;
