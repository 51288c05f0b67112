-- The strongest few pieces of evidence ($per_tie, at most evidence_shown_per_tie()) of each tie of each node of a
-- batch ($ids); the rest are one page away. The derive chose them (tie_evidence_shown, step 500): a large
-- organization's ties hold most of the evidence table, which an answer would otherwise sort.
WITH wanted AS (SELECT DISTINCT unnest($ids) AS id),
shown AS (
    SELECT w.id AS for_id, s.* FROM tie_evidence_shown s JOIN wanted w ON s.source_id = w.id
    WHERE s.n <= $per_tie
    UNION ALL
    SELECT w.id AS for_id, s.* FROM tie_evidence_shown s JOIN wanted w ON s.target_id = w.id
    WHERE s.source_id <> w.id AND s.n <= $per_tie
)
-- (evidence_id names one piece of evidence: step 500)
SELECT s.for_id, e.kind, e.source_id, e.target_id, e.evidence_id, e.grade, e.source_name, e.locator, e.url,
       e.quote, e.amount, e.first_date, e.last_date, e.award_key, e.claim_id, e.status, e.note, c.summary,
       c.amount_what, c.response_status, c.response_text, c.response_source, s.tie_award_key
FROM shown s JOIN evidence e ON e.evidence_id = s.evidence_id
LEFT JOIN raw_curated_claims c ON c.id = e.claim_id
ORDER BY s.for_id, s.kind, s.source_id, s.target_id, s.tie_award_key, s.n;
