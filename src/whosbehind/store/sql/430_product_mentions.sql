-- Step 430: money that reaches a company through others. An award whose description names a maker's product
-- (resolve/products.py reads the descriptions with curated/products.yaml and fills product_mention_rows right
-- after step 420) ties the maker to the prime recipient: grade B, the official record's own words, not a
-- contract with the maker. One row per award, maker and source file, like `evidence`; amounts are the award's
-- obligations in that file (all its rows, or only the naming rows when the product is named in a minority of
-- modifications). Never added to the maker's prime totals.
-- Awards whose recipient belongs to the maker's own family are the maker's own contracts, not these ties.

-- Kept from one derive to the next (dropped by scope_full.sql and scope_evidence.sql), made again for the awards
-- of scope_awards and those paid to a record whose family changed (or that is new or gone); whole when a maker's
-- family changed (every award naming it may change side).
CREATE TABLE IF NOT EXISTS maker_families (maker_entity VARCHAR, family_id VARCHAR);
CREATE OR REPLACE TEMP TABLE maker_families_before AS FROM maker_families;
CREATE OR REPLACE TABLE maker_families AS
SELECT DISTINCT substr(n.node_id, 9) AS maker_entity, o.family_id
FROM node_matches n JOIN organizations o ON o.id = n.org_id
WHERE n.node_id LIKE 'curated:%'
UNION
SELECT DISTINCT substr(n.node_id, 9), n.org_id
FROM node_matches n WHERE n.node_id LIKE 'curated:%' AND n.org_id IN (SELECT id FROM organizations);

CREATE OR REPLACE TEMP TABLE moved_records AS
SELECT id FROM (SELECT id, family_id FROM organizations EXCEPT SELECT id, family_id FROM organizations_before)
UNION
SELECT id FROM (SELECT id, family_id FROM organizations_before EXCEPT SELECT id, family_id FROM organizations);
-- (mentions_move: a constant to the statement, so that when no record's family and no maker's changed, as in
-- most ingests, the money rows are not read to find none)
SET VARIABLE mentions_move = (SELECT EXISTS (FROM moved_records)
                                     OR EXISTS (FROM maker_families EXCEPT FROM maker_families_before)
                                     OR EXISTS (FROM maker_families_before EXCEPT FROM maker_families));
CREATE OR REPLACE TEMP TABLE mention_scope_awards AS
SELECT award_key FROM scope_awards
UNION
SELECT r.award_key FROM product_mention_rows r
JOIN money m ON m.award_key = r.award_key AND m.sha256 = r.sha256 AND m.row_no = r.row_no
WHERE getvariable('mentions_move')
  AND (m.recipient_id IN (SELECT id FROM moved_records)
       OR EXISTS (FROM maker_families EXCEPT FROM maker_families_before)
       OR EXISTS (FROM maker_families_before EXCEPT FROM maker_families));
CREATE OR REPLACE TEMP VIEW product_mentions_in_scope AS
WITH rows AS (
    SELECT r.award_key, r.product, r.role, r.quote, m.*  EXCLUDE (award_key, description)
    FROM product_mention_rows r
    SEMI JOIN mention_scope_awards a ON a.award_key = r.award_key
    JOIN money m ON m.award_key = r.award_key AND m.sha256 = r.sha256 AND m.row_no = r.row_no
)
SELECT r.award_key, l.maker_entity, 'curated:' || l.maker_entity AS maker_node, r.product,
       -- the values of the file's first row naming the product: a fixed pick, whatever order the rows are in
       l.product_name, arg_min(r.recipient_id, r.row_no) AS recipient_id,
       arg_min(r.sub_agency_code, r.row_no) AS sub_agency_code, arg_min(r.toptier_code, r.row_no) AS toptier_code,
       sum(r.amount) AS amount, arg_min(r.role, r.row_no) AS role,
       arg_min(r.quote, r.row_no) AS quote, r.sha256, list(r.row_no ORDER BY r.row_no) AS rows,
       any_value(r.file_name) AS file_name, min(r.action_date) AS first_date, max(r.action_date) AS last_date,
       arg_min(r.permalink, r.row_no) AS permalink, 'B' AS grade
FROM rows r JOIN product_lexicon l ON l.product = r.product
JOIN organizations o ON o.id = r.recipient_id
WHERE NOT EXISTS (SELECT 1 FROM maker_families f WHERE f.maker_entity = l.maker_entity
                  AND f.family_id IN (o.family_id, o.id))
GROUP BY r.award_key, l.maker_entity, r.product, l.product_name, r.sha256;
CREATE TABLE IF NOT EXISTS product_mentions AS FROM product_mentions_in_scope LIMIT 0;
DELETE FROM product_mentions p USING mention_scope_awards a WHERE p.award_key = a.award_key;
INSERT INTO product_mentions FROM product_mentions_in_scope ORDER BY award_key, maker_entity, sha256;

-- FedRAMP "runs on": a product built on or leveraging another, from the Marketplace's leveraged systems and from
-- the hosts a product's description says it is deployed on (resolve/products.py reads service_desc into
-- fedramp_deployment_mentions). Grade A: the listing itself. The latest snapshot that states each link is cited.
-- A product's leveraged_systems are the systems that leverage it, not those it leverages: AWS US East/West lists
-- 201 of them (Palantir Federal Cloud Service among them), while Palantir's own list names none of AWS's. So the
-- system listed is the one that runs on (or uses) the product whose record lists it.
CREATE OR REPLACE TABLE fedramp_runs_on AS
WITH leveraged AS (
    SELECT l.leveraged_id AS product_id, l.product_id AS host_product_id, 'fedramp:' || l.product_id AS host_node,
           coalesce(p.cso, l.product_id) AS host_name,
           'leveraging system: ' || coalesce(l.leveraged_cso, l.leveraged_id)
               || coalesce(' (' || l.leveraged_csp || ')', '') AS text,
           l.pointer, l.sha256, l.snapshot_date
    FROM raw_fedramp_leveraged l LEFT JOIN fedramp_products p ON p.product_id = l.product_id
    WHERE l.leveraged_id IS NOT NULL AND l.leveraged_id <> l.product_id
),
deployed AS (
    SELECT d.product_id, p.product_id AS host_product_id,
           coalesce('fedramp:' || p.product_id, 'curated:' || d.host_entity) AS host_node,
           coalesce(p.cso, d.host_name) AS host_name, d.text, d.pointer, d.sha256, d.snapshot_date
    FROM fedramp_deployment_mentions d LEFT JOIN fedramp_products p ON p.product_id = d.host_fedramp_id
),
links AS (SELECT * FROM leveraged UNION ALL SELECT * FROM deployed)
SELECT product_id, 'fedramp:' || product_id AS product_node, host_product_id, host_node, host_name, text, pointer,
       sha256, snapshot_date, 'A' AS grade
FROM links
QUALIFY row_number() OVER (PARTITION BY product_id, host_node ORDER BY snapshot_date DESC, text) = 1
ORDER BY product_id, host_node;
