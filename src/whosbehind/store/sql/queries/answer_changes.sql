-- What changed for each family of a batch: the newest $limit changes between builds (change_log) and between
-- FedRAMP snapshots (step 520) of every id of its scope ($scope: a list of {family_id, id}, change_scope.sql), with
-- how many there are in all.
-- The columns of both sources, the ones a source lacks as NULL (a FedRAMP listing is graded in
-- analysis/changes._fedramp); the column `source` tells them apart.
WITH scope AS (SELECT s.family_id, s.id FROM (SELECT unnest($scope) AS s)),
found AS (
    SELECT s.family_id AS for_family, 'build' AS source, c.detected_to AS newest, c.build_id, c.previous_build_id,
           c.detected_from, c.detected_to, c.change, c.kind, c.source_id, c.org_id, c.org_name, c.agency_id,
           c.agency_name, c.amount, c.previous_amount, c.evidence, c.url, c.source_rows, c.previous_source_rows,
           c.last_date, c.grade, c.claim_status, c.parent_name, c.link_source, c.quoted,
           NULL::DATE AS snapshot_date, NULL::DATE AS previous, NULL AS product_id, NULL::VARCHAR[] AS relations,
           NULL::VARCHAR[] AS previous_relations, NULL AS pointer, NULL AS cso, NULL AS csp
    FROM change_log c JOIN scope s ON s.id = c.org_id
    UNION ALL
    SELECT s.family_id, 'fedramp', f.snapshot_date, NULL, NULL, NULL, NULL, f.change, 'cloud_authorization',
           f.product_id, f.org_id, f.org_name, f.agency_id, f.agency_name, NULL, NULL, NULL, NULL,
           NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           f.snapshot_date, f.previous, f.product_id, f.relations, f.previous_relations, f.pointer, f.cso, f.csp
    FROM fedramp_agency_changes f JOIN scope s ON s.id = f.org_id
)
SELECT * EXCLUDE (n) FROM (
    SELECT *, count(*) OVER (PARTITION BY for_family) AS total,
           -- the order of every face (analysis/changes.py, CHANGE_ORDER)
           row_number() OVER (PARTITION BY for_family ORDER BY CAST(newest AS DATE) DESC, kind, change, org_name,
                                                  source_id, agency_id, evidence, pointer) AS n
    FROM found
) WHERE n <= $limit
ORDER BY for_family, n;
