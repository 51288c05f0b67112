-- FedRAMP authorizations that appeared at or disappeared from an agency between two consecutive snapshots,
-- per product and agency: "appeared" when the later snapshot lists the product as authorized or reused there
-- (any relation but in_process) and the earlier one did not; "disappeared" the other way round. Computed once
-- per build (about 30 ms a time): every organization page shows its own ("What changed").
CREATE OR REPLACE TABLE fedramp_agency_changes AS
WITH snaps AS (
    SELECT snapshot_date, lag(snapshot_date) OVER (ORDER BY snapshot_date) AS previous FROM raw_fedramp_snapshots
),
state AS (
    SELECT snapshot_date, product_id, fedramp_agency_id, list(DISTINCT relation ORDER BY relation) AS relations,
           bool_or(relation <> 'in_process') AS authorized,
           arg_max(pointer, (relation <> 'in_process', pointer)) AS pointer
    FROM raw_fedramp_authorizations GROUP BY ALL
),
diff AS (
    SELECT s.snapshot_date, s.previous, 'appeared' AS change, n.product_id, n.fedramp_agency_id,
           n.relations, o.relations AS previous_relations, n.pointer
    FROM snaps s JOIN state n ON n.snapshot_date = s.snapshot_date AND n.authorized
    LEFT JOIN state o ON o.snapshot_date = s.previous AND o.product_id = n.product_id
        AND o.fedramp_agency_id = n.fedramp_agency_id
    WHERE s.previous IS NOT NULL AND NOT coalesce(o.authorized, false)
    UNION ALL
    SELECT s.snapshot_date, s.previous, 'disappeared', o.product_id, o.fedramp_agency_id,
           n.relations, o.relations, o.pointer
    FROM snaps s JOIN state o ON o.snapshot_date = s.previous AND o.authorized
    LEFT JOIN state n ON n.snapshot_date = s.snapshot_date AND n.product_id = o.product_id
        AND n.fedramp_agency_id = o.fedramp_agency_id
    WHERE NOT coalesce(n.authorized, false)
)
-- The provider is the node it stands for in the graph (node_canonical, step 500: matched by UEI, name, or through a
-- curated entity's keys), so that a change is listed under the organization every other face gives.
SELECT d.snapshot_date, d.previous, d.change, d.product_id, d.relations, d.previous_relations, d.pointer,
       p.cso, p.csp, coalesce(nc.canonical_id, p.provider_id, p.node_id) AS org_id,
       coalesce(g.name, p.csp, p.cso) AS org_name, m.node_id AS agency_id, coalesce(ag.name, m.name) AS agency_name
FROM diff d
JOIN fedramp_products p ON p.product_id = d.product_id
JOIN fedramp_agency_map m ON m.agency_id = d.fedramp_agency_id
LEFT JOIN node_canonical nc ON nc.node_id = p.provider_id
LEFT JOIN graph_nodes g ON g.id = nc.canonical_id
LEFT JOIN organizations ag ON ag.id = m.node_id;
