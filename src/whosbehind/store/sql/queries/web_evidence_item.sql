-- One piece of evidence by its id (kind/sha256/first row for rows of a file).
SELECT e.evidence_id, e.kind, e.source_id, s.name AS from_name, e.target_id, g.name AS to_name, e.grade,
       e.source_name, e.locator, e.award_key, e.sha256, e.file_name, e.source_format, e.rows, e.amount,
       e.first_date, e.last_date, e.url AS permalink, e.url, e.quote, e.claim_id, e.status, e.note, f.origin, f.export_ts, f.ingested_at, f.row_count
FROM evidence e
LEFT JOIN graph_nodes s ON s.id = e.source_id
LEFT JOIN graph_nodes g ON g.id = e.target_id
LEFT JOIN source_files f ON f.sha256 = e.sha256
WHERE e.evidence_id = $evidence_id;
