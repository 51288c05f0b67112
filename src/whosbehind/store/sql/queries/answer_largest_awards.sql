-- The largest awards ($limit) of each organization of a batch ($ids; over all its records), each with its
-- USAspending permalink where there is one. Chosen from the amounts alone, then read whole by row id for the few
-- chosen (as step 500 chooses the evidence each tie shows): a join on the keys would read every column of the
-- table.
WITH awards AS (
    SELECT organization_id, award_key, obligated, rowid AS row_id FROM organization_awards
    WHERE organization_id IN (SELECT unnest($ids))
),
-- The $limit-th largest amount of each organization: only awards at or above it can be among its largest, so
-- the sort below reads a few rows per organization, not every award (all of them when it has fewer amounts).
bar AS (
    SELECT organization_id,
           CASE WHEN count(obligated) >= $limit THEN max(obligated, greatest($limit, 1))[-1] END AS least
    FROM awards GROUP BY organization_id
),
largest AS (
    SELECT * FROM (
        SELECT a.organization_id, a.row_id,
               row_number() OVER (PARTITION BY a.organization_id ORDER BY a.obligated DESC, a.award_key) AS n
        FROM awards a JOIN bar b ON b.organization_id = a.organization_id
        WHERE b.least IS NULL OR a.obligated >= b.least
    ) WHERE n <= $limit
)
-- (an organization holds an award once: step 500)
SELECT a.organization_id AS for_id, a.award_key, a.piid, a.sub_agency_code, u.name AS agency_name,
       u.abbreviation, a.obligated, a.first_date, a.last_date, a.permalink, a.description, a.source_rows, a.files
FROM largest l
JOIN (SELECT *, rowid AS row_id FROM organization_awards WHERE rowid IN (SELECT row_id FROM largest)) a
    ON a.row_id = l.row_id
LEFT JOIN agency_units u ON u.id = 'agency:' || a.sub_agency_code
ORDER BY l.organization_id, l.n;
