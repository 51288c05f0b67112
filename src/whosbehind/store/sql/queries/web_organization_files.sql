-- The source files an organization's counted money comes from (every record merged into it), for citations.
SELECT m.file_name, m.sha256, m.source_format, count(*) AS source_rows, sum(m.amount) AS obligated,
       min(m.action_date) AS first_date, max(m.action_date) AS last_date
FROM money m JOIN organizations o ON o.id = m.recipient_id
WHERE o.canonical_id = $id
GROUP BY ALL ORDER BY obligated DESC, m.file_name;
