-- Subcontracts of each node of a batch ($ids) in both directions, per prime award, the largest $limit. Shown
-- beside prime money, never added to it.
WITH wanted AS (SELECT DISTINCT unnest($ids) AS id),
touching AS (
    SELECT w.id AS for_id, 'gave' AS direction, e.target_id AS other, e.*
    FROM evidence e JOIN wanted w ON e.source_id = w.id WHERE e.kind = 'subcontract'
    UNION ALL
    SELECT w.id AS for_id, 'received' AS direction, e.source_id AS other, e.*
    FROM evidence e JOIN wanted w ON e.target_id = w.id WHERE e.kind = 'subcontract' AND e.source_id <> w.id
),
grouped AS (
    SELECT e.for_id, e.direction, o.id AS other_id, o.name AS other_name, e.award_key, sum(e.amount) AS amount,
           sum(len(e.rows)) AS subawards, min(e.first_date) AS first_date, max(e.last_date) AS last_date,
           any_value(e.url) AS permalink
    FROM touching e JOIN graph_nodes o ON o.id = e.other
    GROUP BY ALL
)
SELECT * EXCLUDE (n) FROM (
    SELECT *, row_number() OVER (PARTITION BY for_id ORDER BY amount DESC NULLS LAST, other_id, award_key,
                                                              direction) AS n
    FROM grouped
) WHERE n <= $limit
ORDER BY for_id, n;
