-- Step 490: ties inferred by whosbehind (grade E), stored apart: `DROP TABLE derived_ties` removes every one
-- of them and nothing else depends on it. Each row carries the path that produced it.
--   family_member_contract: the reported parent (any level) of an organization an agency pays.
--   brand_owner_tie: a brand whose curated owner has a direct tie to an agency.
CREATE OR REPLACE TABLE derived_ties AS
SELECT 'family_member_contract' AS kind, o.family_id AS source_id, t.source_id AS target_id, 'E' AS grade,
       o.id AS via_id, [o.family_id, o.id, t.source_id] AS path, ['parent (reversed)', t.kind] AS path_kinds,
       t.grade AS weakest_fact_grade,
       'inferred: ' || o.family_id || ' is reported as the parent of ' || o.id || ', which ' || t.kind
           || ' ties to ' || t.source_id AS basis
FROM organizations o JOIN ties t ON t.kind = 'prime_contract' AND t.target_id = o.id
WHERE o.family_id <> o.id
UNION ALL
SELECT 'brand_owner_tie', b.source_id, t.target_id, 'E', b.target_id, [b.source_id, b.target_id, t.target_id],
       ['brand', t.kind], greatest(b.grade, t.grade),
       'inferred: ' || b.source_id || ' is a brand or business of ' || b.target_id || ', which has a ' || t.kind
           || ' tie to ' || t.target_id
FROM evidence_ties b JOIN evidence_ties t ON t.source_id = b.target_id
WHERE b.kind = 'brand' AND t.target_id IN (SELECT 'curated:' || entity_id FROM raw_curated_entity_keys
                                           WHERE key_type = 'agency_code');
