-- Obligations to a whole family by agency and fiscal year (the stored totals `whosbehind check` reconciles).
SELECT t.toptier_code, t.sub_agency_code, u.name AS agency_name, u.abbreviation, t.fiscal_year,
       sum(t.obligated) AS obligated, sum(t.source_rows) AS source_rows, sum(t.awards) AS awards
FROM family_totals t LEFT JOIN agency_units u ON u.id = 'agency:' || t.sub_agency_code
WHERE t.family_id = $family_id
GROUP BY ALL ORDER BY t.sub_agency_code, t.fiscal_year;
