-- The source files an organization's counted money comes from, for citations.
SELECT file_name, sha256, source_format, count(*) AS source_rows, sum(amount) AS obligated,
       min(action_date) AS first_date, max(action_date) AS last_date
FROM money WHERE recipient_id = $id
GROUP BY ALL ORDER BY obligated DESC, file_name;
