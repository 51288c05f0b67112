-- Obligations to each organization of a batch ($ids; every record merged into it) by agency and fiscal year:
-- stored totals, reconciled by `whosbehind check`.
SELECT t.organization_id AS for_id, t.toptier_code, t.sub_agency_code, u.name AS agency_name, u.abbreviation,
       t.fiscal_year, t.obligated, t.source_rows, t.awards
FROM organization_totals t LEFT JOIN agency_units u ON u.id = 'agency:' || t.sub_agency_code
WHERE t.organization_id IN (SELECT unnest($ids))
ORDER BY for_id, t.sub_agency_code, t.fiscal_year;
