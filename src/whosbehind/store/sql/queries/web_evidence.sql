-- Evidence touching one organization (optionally one tie), newest first; one page of it.
SELECT e.kind, e.source_id, s.name AS source_name, e.target_id, g.name AS target_name,
       e.award_key, e.sha256, e.file_name, e.source_format, e.rows, e.amount, e.first_date, e.last_date,
       e.permalink, e.grade, count(*) OVER () AS total
FROM evidence e
LEFT JOIN organizations s ON s.id = e.source_id
LEFT JOIN organizations g ON g.id = e.target_id
WHERE (e.source_id = $id OR e.target_id = $id)
  AND ($kind IS NULL OR e.kind = $kind)
  AND ($other IS NULL OR e.source_id = $other OR e.target_id = $other)
ORDER BY e.last_date DESC NULLS LAST, e.amount DESC NULLS LAST, e.sha256, e.rows[1]
LIMIT $limit OFFSET $offset;
