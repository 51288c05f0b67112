-- Step 420: evidence beyond contracts, each item pointing at its source (step 500 puts it in the one graph).
-- Directions, read source -> target: offers (provider -> cloud product), cloud_authorization (cloud product ->
-- agency that authorized or reuses it), facility_operation (operator -> facility), detention_facility
-- (facility -> ICE, whose list it is on), and curated claims subject -> object (see sources/curated.py).

-- Every snapshot's state: each (product, agency, relation) with the snapshots that state it.
CREATE OR REPLACE TABLE fedramp_authorizations AS
SELECT a.product_id, a.fedramp_agency_id, m.node_id AS agency_node, a.relation,
       list(a.snapshot_date ORDER BY a.snapshot_date) AS snapshots,
       min(a.snapshot_date) AS first_seen, max(a.snapshot_date) AS last_seen,
       max(a.snapshot_date) = (SELECT max(snapshot_date) FROM raw_fedramp_snapshots) AS in_latest,
       min(a.ato_date) AS ato_date, max(a.exp_date) AS exp_date,
       arg_max(a.pointer, a.snapshot_date) AS pointer, arg_max(a.sha256, a.snapshot_date) AS sha256
FROM raw_fedramp_authorizations a JOIN fedramp_agency_map m ON m.agency_id = a.fedramp_agency_id
GROUP BY ALL;

-- What appeared or disappeared between consecutive snapshots. A relation the older snapshot's format could
-- not state (initial ATOs before AtoMapping existed) is not reported as appearing.
CREATE OR REPLACE TABLE fedramp_changes AS
WITH snaps AS (
    SELECT snapshot_date, lag(snapshot_date) OVER (ORDER BY snapshot_date) AS previous FROM raw_fedramp_snapshots
),
present AS (SELECT DISTINCT product_id, fedramp_agency_id, relation, snapshot_date FROM raw_fedramp_authorizations),
stated AS (SELECT DISTINCT snapshot_date, relation FROM raw_fedramp_authorizations)
SELECT s.snapshot_date, s.previous, 'appeared' AS change, p.product_id, p.fedramp_agency_id, p.relation
FROM snaps s JOIN present p ON p.snapshot_date = s.snapshot_date
WHERE s.previous IS NOT NULL
  AND EXISTS (SELECT 1 FROM stated x WHERE x.snapshot_date = s.previous AND x.relation = p.relation)
  AND NOT EXISTS (
    SELECT 1 FROM present q WHERE q.snapshot_date = s.previous AND q.product_id = p.product_id
      AND q.fedramp_agency_id = p.fedramp_agency_id AND q.relation = p.relation)
UNION ALL
SELECT s.snapshot_date, s.previous, 'disappeared', p.product_id, p.fedramp_agency_id, p.relation
FROM snaps s JOIN present p ON p.snapshot_date = s.previous
WHERE NOT EXISTS (
    SELECT 1 FROM present q WHERE q.snapshot_date = s.snapshot_date AND q.product_id = p.product_id
      AND q.fedramp_agency_id = p.fedramp_agency_id AND q.relation = p.relation);

CREATE OR REPLACE TABLE source_evidence AS
SELECT 'cloud_authorization' AS kind, 'fedramp:' || a.product_id AS source_id, a.agency_node AS target_id,
       'A' AS grade, 'FedRAMP Marketplace data.json' AS source_name,
       a.relation || ' in snapshots ' || array_to_string(a.snapshots, ', ')
           || '; ' || a.pointer AS locator,
       a.sha256, 'https://marketplace.fedramp.gov/products/' || a.product_id AS url, NULL AS quote,
       coalesce(a.ato_date, a.first_seen) AS first_date, a.last_seen AS last_date, NULL::DECIMAL(18, 2) AS amount,
       NULL AS claim_id, CASE WHEN a.in_latest THEN 'current' ELSE 'not in the latest snapshot' END AS status,
       a.relation AS note
FROM fedramp_authorizations a WHERE a.relation <> 'in_process'
UNION ALL
SELECT 'offers', p.provider_id, p.node_id, 'A', 'FedRAMP Marketplace data.json',
       'Products[' || p.product_id || '].csp = ' || p.csp, NULL, 'https://marketplace.fedramp.gov/products/' || p.product_id,
       NULL, p.first_seen, p.last_seen, NULL, NULL, p.status, NULL
FROM fedramp_products p WHERE p.provider_id IS NOT NULL
UNION ALL
SELECT 'facility_operation', 'operator:' || f.operator, facility_node(f.detloc, f.row_no), 'B', 'ICE detention facility list (FOIA)',
       f.file_name || ' row ' || f.row_no || ' (detloc ' || f.detloc || ', facility_operator ' || f.operator || ')',
       -- Dated by the facility's own period (first and last use), not by the date the list was released.
       f.sha256, NULL, NULL, coalesce(f.first_use, f.contract_start, f.record_date),
       coalesce(f.last_use, f.record_date), NULL, NULL, 'as of ' || f.record_date,
       concat_ws('; ', 'type ' || f.type, 'first use ' || f.first_use, 'last use ' || f.last_use)
FROM raw_ice_facilities f WHERE f.company_operator
UNION ALL
SELECT 'detention_facility', facility_node(f.detloc, f.row_no), 'agency:7012', 'B', 'ICE detention facility list (FOIA)',
       f.file_name || ' row ' || f.row_no || ' (detloc ' || f.detloc || ')', f.sha256, NULL, NULL,
       f.first_use, coalesce(f.last_use, f.record_date), NULL, NULL, 'as of ' || f.record_date,
       concat_ws('; ', 'type ' || f.type, 'ICE funded: ' || f.ice_funded)
FROM raw_ice_facilities f
UNION ALL
SELECT c.kind, 'curated:' || c.subject, 'curated:' || c.object, c.grade,
       s.publisher || ', "' || s.title || '"' || coalesce(', ' || s.date, ''),
       'claim ' || c.id || ' (' || c.file || ')' || coalesce(', ' || x.locator, ''), NULL, s.url, x.quote,
       c.first_date, c.last_date, c.amount, c.id, c.status, c.caveat
FROM raw_curated_claims c JOIN raw_curated_citations x ON x.claim_id = c.id
JOIN raw_curated_sources s ON s.id = x.source_id;

-- The official record each curated claim links to, and whether the bundled data holds it.
CREATE OR REPLACE TABLE claim_records AS
SELECT r.claim_id, r.type, r.record_id, r.note,
       CASE r.type
           WHEN 'usaspending_award' THEN EXISTS (SELECT 1 FROM money m WHERE m.award_key = upper(r.record_id))
           WHEN 'fedramp_product' THEN EXISTS (SELECT 1 FROM fedramp_products p WHERE p.product_id = r.record_id)
           WHEN 'ice_facility' THEN EXISTS (SELECT 1 FROM raw_ice_facilities f WHERE f.detloc = r.record_id)
       END AS found,
       CASE r.type
           WHEN 'usaspending_award' THEN 'https://www.usaspending.gov/award/' || r.record_id || '/'
           WHEN 'fedramp_product' THEN 'https://marketplace.fedramp.gov/products/' || r.record_id
       END AS url
FROM raw_curated_records r;
