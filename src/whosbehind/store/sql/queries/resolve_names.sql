-- Every name of every company (and of reference entities: GLEIF, Hoover's, curated), with the industry and
-- agency it is most often paid under: the input of name resolution. Sorted, so builds are reproducible.
-- in_records: the records write the name (a reference file alone may name a registration otherwise); paid: some row
-- names the registration as its recipient (else its names are what children's parent fields wrote); minor: under a
-- tenth of the rows that name the registration write this name, and not the latest (a parent field that once wrote
-- another company's name for it; a company renamed is written under its new name last), which names_that_join sets
-- aside (resolve/pipeline.py).
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
    SELECT id, name, true AS in_records,
           n_rows * 10 < sum(n_rows) OVER (PARTITION BY id) AND last_seen < max(last_seen) OVER (PARTITION BY id)
               AS minor
    FROM org_names WHERE id NOT IN ('individuals', 'unknown')
    UNION ALL
    SELECT id, clean_name(name), false, false FROM reference_names
)
SELECT n.id, n.name, b.naics, b.agency, bool_or(n.in_records) AS in_records,
       bool_and(n.minor) AS minor, n.id IN (SELECT id FROM paid_registrations) AS paid
FROM names n LEFT JOIN best b USING (id)
WHERE n.name IS NOT NULL
GROUP BY n.id, n.name, b.naics, b.agency
ORDER BY n.id, n.name;
