-- What an agency buys: obligations by industry (NAICS).
SELECT naics AS code, any_value(naics_description) AS description, sum(amount) AS obligated, count(*) AS source_rows
FROM money
WHERE (toptier_code = $code OR sub_agency_code = $code) AND naics IS NOT NULL
GROUP BY naics ORDER BY obligated DESC, naics LIMIT $limit;
