-- What an agency buys: obligations by industry (NAICS). Some sources give only the description, so rows are
-- grouped by the code where there is one, else by the description.
SELECT any_value(naics) AS code, any_value(naics_description) AS description, sum(amount) AS obligated, count(*) AS source_rows
FROM money
WHERE (toptier_code = $code OR sub_agency_code = $code) AND coalesce(naics, naics_description) IS NOT NULL
GROUP BY coalesce(naics, upper(trim(naics_description))) ORDER BY obligated DESC, code NULLS LAST, description LIMIT $limit;
