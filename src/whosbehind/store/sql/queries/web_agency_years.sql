-- An agency's obligations by fiscal year (a toptier code matches all its sub-agencies).
SELECT fiscal_year, sum(obligated) AS obligated, sum(source_rows) AS source_rows, count(DISTINCT family_id) AS families
FROM family_totals
WHERE toptier_code = $code OR sub_agency_code = $code
GROUP BY fiscal_year ORDER BY fiscal_year;
