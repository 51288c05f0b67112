-- What an agency buys: obligations by product and service code (PSC).
SELECT psc AS code, any_value(psc_description) AS description, sum(amount) AS obligated, count(*) AS source_rows
FROM money
WHERE (toptier_code = $code OR sub_agency_code = $code) AND psc IS NOT NULL
GROUP BY psc ORDER BY obligated DESC, psc LIMIT $limit;
