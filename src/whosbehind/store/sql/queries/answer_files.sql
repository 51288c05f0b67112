-- The source files each organization of a batch ($ids) has counted money from (every record merged into it),
-- for citations.
SELECT o.canonical_id AS for_id, m.file_name, m.sha256, m.source_format, count(*) AS source_rows,
       sum(m.amount) AS obligated, min(m.action_date) AS first_date, max(m.action_date) AS last_date
FROM money m JOIN organizations o ON o.id = m.recipient_id
WHERE o.canonical_id IN (SELECT unnest($ids))
GROUP BY ALL ORDER BY for_id, obligated DESC, m.file_name;
