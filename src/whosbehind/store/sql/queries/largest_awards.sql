-- An organization's largest awards, each with its USAspending permalink where there is one.
SELECT award_key, any_value(piid) AS piid, any_value(sub_agency_code) AS sub_agency_code,
       sum(amount) AS obligated, min(action_date) AS first_date, max(action_date) AS last_date,
       any_value(permalink) AS permalink, any_value(description) AS description, count(*) AS source_rows,
       string_agg(DISTINCT file_name, '; ') AS files
FROM money WHERE recipient_id = $id
GROUP BY award_key ORDER BY obligated DESC, award_key LIMIT $limit;
