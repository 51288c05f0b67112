-- Every name of every company (and of reference entities: GLEIF, Hoover's, curated), with the industry and
-- agency it is most often paid under: the input of name resolution. Sorted, so builds are reproducible.
WITH ctx AS (
    SELECT recipient_id AS id, upper(naics_description) AS naics, sub_agency_code AS agency, count(*) AS n
    FROM money WHERE NOT individual AND recipient_id NOT IN ('individuals', 'unknown') GROUP BY ALL
),
best AS (
    SELECT id, arg_max(naics, (n, naics)) FILTER (WHERE naics IS NOT NULL) AS naics,
           arg_max(agency, (n, agency)) FILTER (WHERE agency IS NOT NULL) AS agency
    FROM ctx GROUP BY id
),
names AS (
    SELECT id, name FROM org_names WHERE id NOT IN ('individuals', 'unknown')
    UNION
    SELECT id, clean_name(name) FROM reference_names
)
SELECT n.id, n.name, b.naics, b.agency
FROM names n LEFT JOIN best b USING (id)
WHERE n.name IS NOT NULL
ORDER BY n.id, n.name;
