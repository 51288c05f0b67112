-- An organization's largest awards (over all its records), each with its USAspending permalink where there is one.
SELECT a.award_key, a.piid, a.sub_agency_code, u.name AS agency_name, u.abbreviation, a.obligated, a.first_date,
       a.last_date, a.permalink, a.description, a.source_rows, a.files
FROM organization_awards a LEFT JOIN agency_units u ON u.id = 'agency:' || a.sub_agency_code
WHERE a.organization_id = $id
ORDER BY a.obligated DESC, a.award_key LIMIT $limit;
