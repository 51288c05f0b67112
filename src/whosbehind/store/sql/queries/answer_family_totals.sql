-- Obligations to each family of a batch ($families) by agency and fiscal year (the stored totals
-- `whosbehind check` reconciles).
SELECT t.family_id AS for_family, t.toptier_code, t.sub_agency_code, u.name AS agency_name, u.abbreviation,
       t.fiscal_year, sum(t.obligated) AS obligated, sum(t.source_rows) AS source_rows, sum(t.awards) AS awards
FROM family_totals t LEFT JOIN agency_units u ON u.id = 'agency:' || t.sub_agency_code
WHERE t.family_id IN (SELECT unnest($families))
GROUP BY ALL ORDER BY for_family, t.sub_agency_code, t.fiscal_year;
