-- The strongest few pieces of evidence ($per_tie, at most evidence_shown_per_tie()) of each tie of each node of a
-- batch ($ids); the rest are one page away. The derive chose them and keeps them whole (tie_evidence_shown, step
-- 500): a large organization's ties hold most of the evidence table, which an answer would otherwise sort.
WITH wanted AS (SELECT DISTINCT unnest($ids) AS id),
shown AS (
    SELECT w.id AS for_id, s.* FROM tie_evidence_shown s JOIN wanted w ON s.source_id = w.id
    WHERE s.n <= $per_tie
    UNION ALL
    SELECT w.id AS for_id, s.* FROM tie_evidence_shown s JOIN wanted w ON s.target_id = w.id
    WHERE s.source_id <> w.id AND s.n <= $per_tie
)
SELECT s.for_id, s.kind, s.source_id, s.target_id, s.evidence_id, s.grade, s.source_name, s.locator, s.url,
       s.quote, s.amount, s.first_date, s.last_date, s.award_key, s.claim_id, s.status, s.note, c.summary,
       c.amount_what, c.response_status, c.response_text, c.response_source, s.tie_award_key
FROM shown s
LEFT JOIN raw_curated_claims c ON c.id = s.claim_id
ORDER BY s.for_id, s.kind, s.source_id, s.target_id, s.tie_award_key, s.n;
