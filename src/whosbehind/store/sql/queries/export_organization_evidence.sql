-- Every piece of evidence touching one organization, for its CSV download.
SELECT e.kind, e.grade, e.source_id, s.name AS source_name, e.target_id, g.name AS target_name, e.award_key,
       e.amount, e.first_date, e.last_date, e.permalink, e.file_name, e.sha256, array_to_string(e.rows, ' ') AS rows
FROM evidence e
LEFT JOIN organizations s ON s.id = e.source_id
LEFT JOIN organizations g ON g.id = e.target_id
WHERE e.source_id = $id OR e.target_id = $id
ORDER BY e.kind, e.amount DESC NULLS LAST, e.sha256, e.rows[1];
