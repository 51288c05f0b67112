-- What an agency buys: obligations by PSC code. Some sources give only the description: such rows take the code
-- that other rows give with the same description, so one code is one line and no line shows without its code
-- where any record names it.
WITH named AS (
    SELECT upper(trim(psc_description)) AS description_key, min(psc) AS code
    FROM money WHERE psc IS NOT NULL AND psc_description IS NOT NULL
    GROUP BY 1 HAVING count(DISTINCT psc) = 1
), rows AS (
    SELECT coalesce(m.psc, n.code) AS code, m.psc_description AS description, m.amount
    FROM money m LEFT JOIN named n ON n.description_key = upper(trim(m.psc_description))
    WHERE (m.toptier_code = $code OR m.sub_agency_code = $code) AND coalesce(m.psc, m.psc_description) IS NOT NULL
)
SELECT any_value(code) AS code,
       coalesce(max(description) FILTER (WHERE description = upper(description)), max(description)) AS description,
       sum(amount) AS obligated, count(*) AS source_rows
FROM rows
GROUP BY coalesce(code, upper(trim(description))) ORDER BY obligated DESC, code NULLS LAST, description LIMIT $limit;
