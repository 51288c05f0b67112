-- An organization's largest awards, each with its USAspending permalink where there is one.
SELECT award_key, piid, sub_agency_code, obligated, first_date, last_date, permalink, description,
       source_rows, files
FROM organization_awards WHERE recipient_id = $id
ORDER BY obligated DESC, award_key LIMIT $limit;
