-- Step 590: ties inferred by whosbehind (grade E), stored apart: `DROP TABLE derived_ties` removes every one
-- of them and nothing else depends on it. Each row carries the path that produced it.
--   family_member_contract: the family head (ultimate parent) of an organization an agency pays.
--   brand_owner_tie: a brand whose owner has a direct tie to an agency.
CREATE OR REPLACE TABLE derived_ties AS
SELECT 'family_member_contract' AS kind, n.family_id AS source_id, t.source_id AS target_id, 'E' AS grade,
       n.id AS via_id, [n.family_id, n.id, t.source_id] AS path, ['parent (reversed)', t.kind] AS path_kinds,
       t.grade AS weakest_fact_grade,
       'inferred: ' || n.family_id || ' heads the family of ' || n.id || ', which ' || t.kind
           || ' ties to ' || t.source_id AS basis
FROM graph_nodes n JOIN ties t ON t.kind = 'prime_contract' AND t.target_id = n.id
WHERE n.family_id <> n.id
UNION ALL
SELECT 'brand_owner_tie', b.source_id, t.target_id, 'E', b.target_id, [b.source_id, b.target_id, t.target_id],
       ['brand', t.kind], greatest(b.grade, t.grade),
       'inferred: ' || b.source_id || ' is a brand or business of ' || b.target_id || ', which has a ' || t.kind
           || ' tie to ' || t.target_id
FROM ties b JOIN ties t ON t.source_id = b.target_id
WHERE b.kind = 'brand' AND t.kind NOT IN ('brand', 'parent', 'part_of')
  AND t.target_id IN (SELECT id FROM graph_nodes WHERE kind IN ('agency', 'sub_agency'));
