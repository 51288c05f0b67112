-- What an agency buys: obligations by product or service code ($scheme 'psc') or by industry ($scheme 'naics').
-- Some sources give only the description: such rows take the code that other rows give with the same
-- description, so one code is one line and no line shows without its code where any record names it.
WITH coded AS (
    SELECT CASE $scheme WHEN 'psc' THEN psc ELSE naics END AS code,
           CASE $scheme WHEN 'psc' THEN psc_description ELSE naics_description END AS description,
           amount, toptier_code, sub_agency_code
    FROM money
), named AS (
    SELECT upper(trim(description)) AS description_key, min(code) AS code
    FROM coded WHERE code IS NOT NULL AND description IS NOT NULL
    GROUP BY 1 HAVING count(DISTINCT code) = 1
), rows AS (
    SELECT coalesce(c.code, n.code) AS code, c.description, c.amount
    FROM coded c LEFT JOIN named n ON n.description_key = upper(trim(c.description))
    WHERE (c.toptier_code = $code OR c.sub_agency_code = $code) AND coalesce(c.code, c.description) IS NOT NULL
)
SELECT any_value(code) AS code,
       coalesce(max(description) FILTER (WHERE description = upper(description)), max(description)) AS description,
       sum(amount) AS obligated, count(*) AS source_rows
FROM rows
GROUP BY coalesce(code, upper(trim(description))) ORDER BY obligated DESC, code NULLS LAST, description LIMIT $limit;
