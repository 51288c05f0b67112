-- The largest awards ($limit) of each organization of a batch ($ids; over all its records), each with its
-- USAspending permalink where there is one.
SELECT * EXCLUDE (n) FROM (
    SELECT a.organization_id AS for_id, a.award_key, a.piid, a.sub_agency_code, u.name AS agency_name,
           u.abbreviation, a.obligated, a.first_date, a.last_date, a.permalink, a.description, a.source_rows,
           a.files,
           row_number() OVER (PARTITION BY a.organization_id ORDER BY a.obligated DESC, a.award_key) AS n
    FROM organization_awards a LEFT JOIN agency_units u ON u.id = 'agency:' || a.sub_agency_code
    WHERE a.organization_id IN (SELECT unnest($ids))
) WHERE n <= $limit
ORDER BY for_id, n;
