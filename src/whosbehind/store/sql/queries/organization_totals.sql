-- Obligations to one organization by agency and fiscal year.
SELECT m.toptier_code, m.sub_agency_code, u.name AS agency_name, m.fiscal_year,
       sum(m.amount) AS obligated, count(*) AS source_rows, count(DISTINCT m.award_key) AS awards
FROM money m LEFT JOIN agency_units u ON u.id = 'agency:' || m.sub_agency_code
WHERE m.recipient_id = $id
GROUP BY ALL ORDER BY m.sub_agency_code, m.fiscal_year;
