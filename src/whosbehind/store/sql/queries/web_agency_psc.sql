-- What an agency buys: obligations by product and service code (PSC). Some sources give only the description, so rows are
-- grouped by the code where there is one, else by the description.
SELECT any_value(psc) AS code, any_value(psc_description) AS description, sum(amount) AS obligated, count(*) AS source_rows
FROM money
WHERE (toptier_code = $code OR sub_agency_code = $code) AND coalesce(psc, psc_description) IS NOT NULL
GROUP BY coalesce(psc, upper(trim(psc_description))) ORDER BY obligated DESC, code NULLS LAST, description LIMIT $limit;
