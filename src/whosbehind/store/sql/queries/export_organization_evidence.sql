-- Every piece of evidence touching one node, for its CSV download.
SELECT e.kind, e.grade, e.source_id, s.name AS from_name, e.target_id, g.name AS to_name, e.source_name,
       e.locator, e.url, e.quote, e.award_key, e.amount, e.first_date, e.last_date, e.file_name, e.sha256,
       array_to_string(e.rows, ' ') AS rows
FROM node_evidence($id) e
LEFT JOIN graph_nodes s ON s.id = e.source_id
LEFT JOIN graph_nodes g ON g.id = e.target_id
ORDER BY e.kind, e.amount DESC NULLS LAST, e.evidence_id;
