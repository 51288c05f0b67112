-- Evidence touching one node (optionally one tie), newest first; one page of it.
SELECT e.evidence_id, e.kind, e.source_id, s.name AS from_name, e.target_id, g.name AS to_name, e.grade,
       e.source_name, e.locator, e.url, e.quote, e.award_key, e.sha256, e.file_name, e.source_format, e.rows,
       e.amount, e.first_date, e.last_date, e.url AS permalink, e.claim_id, e.status, e.note,
       count(*) OVER () AS total
FROM node_evidence($id) e
LEFT JOIN graph_nodes s ON s.id = e.source_id
LEFT JOIN graph_nodes g ON g.id = e.target_id
WHERE ($kind IS NULL OR e.kind = $kind)
  AND ($other IS NULL OR e.source_id = $other OR e.target_id = $other)
ORDER BY e.last_date DESC NULLS LAST, e.amount DESC NULLS LAST, e.evidence_id
LIMIT $limit OFFSET $offset;
