-- Names of organizations known by an identifier (UEI or DUNS), with industry and agency context: rows that
-- share an identifier are the same organization, the ground truth name resolution is trained and measured on.
WITH ctx AS (
    SELECT recipient_id AS id, upper(naics_description) AS naics, sub_agency_code AS agency, count(*) AS n
    FROM money WHERE NOT individual GROUP BY ALL
),
best AS (
    SELECT id, arg_max(naics, (n, naics)) FILTER (WHERE naics IS NOT NULL) AS naics,
           arg_max(agency, (n, agency)) FILTER (WHERE agency IS NOT NULL) AS agency
    FROM ctx GROUP BY id
)
SELECT n.id, n.name, b.naics, b.agency
FROM org_names n LEFT JOIN best b USING (id)
WHERE (n.id LIKE 'uei:%' OR n.id LIKE 'duns:%') AND n.name IS NOT NULL
ORDER BY n.id, n.name;
